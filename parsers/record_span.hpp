// RecordSpan: where one record (or one piece of damage) lies in a file's decompressed content.
// Produced by the serial splitters (JsonStreamSplitter, CsvStreamSplitter) so that parallel
// workers can parse records independently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace minetrace {

enum class SpanKind : uint8_t {
    kRecord,    // a complete record to parse
    kGarbage,   // bytes that cannot start/contain a record at this point (quarantine them)
    kTruncated, // a record still open at the end of the content (quarantine it)
    kTooDeep,   // a value nested deeper than the splitter follows (quarantine it as too-deep)
};

struct RecordSpan {
    uint64_t offset = 0; // absolute offset in the decompressed content
    uint64_t length = 0;
    SpanKind kind = SpanKind::kRecord;
    // For Log Analytics table rows: the raw JSON text of that table's "columns" array; null
    // otherwise. Shared by every row of one table; immutable once published.
    std::shared_ptr<const std::string> columns;
};

} // namespace minetrace
