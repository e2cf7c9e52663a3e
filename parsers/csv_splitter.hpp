// CSV record boundaries and cell splitting (RFC 4180, as written by the Azure portal's Log
// Analytics export: UTF-8 BOM, CRLF, quoted multi-line cells holding pretty-printed JSON).
#pragma once

#include "core/arena.hpp"
#include "parsers/record_span.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace minetrace {

// Streaming RFC 4180 record boundary finder: a record ends at an unquoted line end (CRLF, bare LF
// or bare CR, as old Mac tools and some converters write); quoted fields may contain commas, quotes
// ("") and CR/LF. A quote opens a quoted field only at the start of a field; elsewhere it is
// literal (as SplitCsvRecord reads it). Empty lines produce no span; the header line is an ordinary
// span; a UTF-8 BOM at content start is skipped (several, when a file carries the mark more than
// once). State is O(1). Not thread-safe.
class CsvStreamSplitter {
  public:
    // Consumes bytes at absolute offsets [offset, offset+size), continuing from the previous call
    // (offset must equal the end of the previous Feed; a gap ends the open record as kTruncated).
    // Appends every record completed in them; spans exclude the line terminator (CR LF, LF or CR).
    void Feed(const char* data, size_t size, uint64_t offset, std::vector<RecordSpan>& out);
    // End of content: an unterminated quoted field -> kTruncated; a last record without newline
    // -> kRecord. The splitter must not be fed afterwards.
    void Finish(std::vector<RecordSpan>& out);
    // The reader may discard content before this offset (the start of the open record).
    uint64_t safe_cut() const { return record_start_; }

  private:
    enum class State : uint8_t { kBom, kFieldStart, kUnquoted, kQuoted, kQuotedQuote };

    void EndRecord(const char* d, size_t newline_index, std::vector<RecordSpan>& out);
    void Flush(std::vector<RecordSpan>& out);

    State state_ = State::kBom;
    uint8_t bom_matched_ = 0;
    bool started_ = false;
    char last_byte_ = 0; // last byte of the previous Feed
    uint64_t base_ = 0;
    uint64_t record_start_ = 0;
    uint64_t fed_end_ = 0;
};

// Splits one record (a span from CsvStreamSplitter) into cells, unquoting. A cell views `record`
// when it needed no unescaping, else a copy in `arena`. `cells` is cleared first. Returns false
// for malformed quoting (an unterminated quoted cell, or text after a closing quote before the
// delimiter); a quote inside an unquoted cell is accepted literally.
bool SplitCsvRecord(std::string_view record, Arena& arena, std::vector<std::string_view>& cells);

} // namespace minetrace
