// Batch: the unit of work that moves through the ingest pipeline.
//
// The serial reader fills `data` with whole records of one file (cut on record boundaries),
// the serial digest stage hashes its stored bytes, a parallel worker parses them into `events`,
// `quarantined` and `ignored`, and the serial in-order sink consumes the batch. Ownership moves
// with the BatchPtr; exactly one stage touches a batch at a time, so a Batch needs no locking.
//
// Lifetime: every view in `events` points into `data` or `arena`, so events die with the batch.
#pragma once

#include "core/arena.hpp"
#include "core/event.hpp"
#include "parsers/format_detect.hpp"
#include "parsers/input_source.hpp"
#include "parsers/record_parser.hpp"
#include "parsers/record_span.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

// One quarantined record: where it is, why, and a short excerpt of its bytes.
struct QuarantineEntry {
    uint32_t file_id = 0;
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    QuarantineReason reason = QuarantineReason::kInvalidJson;
    std::string detail;
    std::string excerpt; // raw bytes, escaped by the sink for its medium
};

// The detail of a record-too-large entry, the same whichever stage finds the record (the reader
// when it is longer than what it holds, a worker otherwise), so outputs do not depend on the
// batch size.
inline std::string RecordTooLargeDetail(uint64_t length, uint64_t limit, bool cut_off) {
    return "record of " + std::to_string(length) + " bytes exceeds --max-record-bytes (" +
           std::to_string(limit) + ")" +
           (cut_off ? ", and was cut off at the end of the content" : "");
}

// What the reader learned about a whole file; sent with the file's last batch.
struct FileSummary {
    std::string path;
    ContentShape shape = ContentShape::kEmpty;
    std::string container; // e.g. json-array, json-records, la-tables (JSON streams only)
    Compression compression = Compression::kNone;
    uint64_t size = 0;          // bytes as stored
    std::string sha256;         // of the bytes as stored
    uint64_t content_bytes = 0; // decompressed
    std::string error; // file-level failure (unreadable, corrupt, truncated, unknown format)
    // The content read: from `begin` (0 unless a slice, FileSlice) to `consumed`, just past the
    // last record read (a slice leaves a record cut off at its end for the next one).
    uint64_t begin = 0;
    uint64_t consumed = 0;
};

// Data a consumer computed for a batch in the parallel stage (see BatchPreparer), handed to
// its serial Consume with the batch.
struct BatchNotes {
    virtual ~BatchNotes() = default;
};

struct Batch {
    uint64_t seq = 0;
    uint32_t file_id = 0;
    ContentShape shape = ContentShape::kEmpty;

    // Content bytes [base_offset, base_offset + size) of the file, followed by
    // RecordParser::kJsonPadding readable bytes.
    std::unique_ptr<char[]> data;
    size_t size = 0;
    size_t capacity = 0; // bytes `data` can hold before the padding (for BatchReader::Recycle)
    uint64_t base_offset = 0;
    uint64_t base_line = 1;                 // line number of data[0]
    bool ends_content = false;              // data runs to the end of the file's content
    uint64_t max_record_bytes = UINT64_MAX; // longer records are quarantined (record-too-large)

    // Record spans (absolute offsets) for JSON streams and CSV; JSON Lines are split by lines.
    std::vector<RecordSpan> spans;
    std::shared_ptr<const ColumnKeys> csv_header;
    // Problems found by the reader itself (over-long records), already counted as records.
    std::vector<QuarantineEntry> reader_quarantine;

    // For a file whose SHA-256 the digest stage takes (uncompressed files, whose stored bytes are
    // their content; the reader hashes compressed ones): the stored bytes this batch adds, first
    // digest_prefix, then data[0, digest_size). The batches of such a file carry each of its
    // bytes exactly once, in order, parsed or not (a BOM, skipped over-long records, content of
    // no known format); the stage puts the digest in summary.sha256 of the `file_end` batch.
    bool digest_in_stage = false;
    std::string digest_prefix;
    size_t digest_size = 0;

    // Filled by the worker.
    Arena arena;
    std::vector<Event> events;
    std::vector<uint32_t> rule_hits; // rule indexes; event i owns rule_ranges[i]
    std::vector<std::pair<uint32_t, uint32_t>> rule_ranges; // {begin, count} into rule_hits
    std::vector<QuarantineEntry> quarantined;
    std::vector<std::pair<std::string_view, uint64_t>> ignored; // kind (static) -> count
    uint64_t records_read = 0;

    // One slot per BatchPreparer (IngestOptions::preparers), filled in the parallel stage.
    std::vector<std::unique_ptr<BatchNotes>> notes;

    // Set on the last batch of a file (which may carry no data).
    bool file_end = false;
    FileSummary summary;

    std::string_view content() const { return {data.get(), size}; }
};

using BatchPtr = std::unique_ptr<Batch>;

} // namespace minetrace
