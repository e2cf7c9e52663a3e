// BatchReader: the serial first stage of the ingest pipeline. It walks the input files in order,
// decompresses them, detects each file's content shape, and cuts the content into Batches on
// record boundaries (newlines for JSON Lines; element boundaries of big JSON arrays and
// wrappers; CSV records), so workers can parse batches independently.
//
// Memory stays bounded: a batch holds about `batch_bytes` of content; a single record may grow
// the buffer up to `max_record_bytes`. A longer record (a JSON Lines line, an element of a big
// array, a CSV record) is quarantined as record-too-large with its real length: its bytes are
// hashed and dropped as they arrive while the splitter follows it to its end, and the records
// after it are read.
//
// The SHA-256 of an uncompressed file is left to BatchDigester, the stage after the reader: the
// reader hands it every byte of the file in its batches (Batch::digest_in_stage), so hashing one
// batch overlaps reading the next. Compressed files are hashed as read (by InputSource).
//
// Not thread-safe (except Recycle): used only from the pipeline's serial input filter.
#pragma once

#include "parsers/csv_splitter.hpp"
#include "parsers/json_splitter.hpp"
#include "pipeline/batch.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace minetrace {

// Part of a file to read (a blob still being appended to, read night by night): its stored bytes
// [begin, end); past 0 only of an uncompressed JSON Lines file, where `begin` is a record boundary
// (where an earlier slice's last complete record ended). The bytes before `begin` are read only to
// be hashed (the file's SHA-256 covers [0, end)) and to count lines, so offsets and line numbers
// stay the file's. A record cut off at `end` is left for the next slice: FileSummary::consumed says
// where the last complete one ended.
struct FileSlice {
    uint64_t begin = 0;
    uint64_t end = UINT64_MAX;
};

struct ReaderOptions {
    size_t batch_bytes = 2u << 20;
    size_t max_record_bytes = 64u << 20;
    InputLimits limits;
    // Empty: every file whole. Else one per path (a whole file is {0, UINT64_MAX}).
    std::vector<FileSlice> slices;
};

class BatchReader {
  public:
    // `paths` are files (or "-" for stdin), already expanded and in the order to read.
    BatchReader(std::vector<std::string> paths, ReaderOptions options);
    ~BatchReader();

    // The next batch; nullptr once every file is done. Every file ends with a batch whose
    // `file_end` is set and whose `summary` describes the file.
    BatchPtr Next();

    // Takes back the buffer of a batch that is done with (its consumers ran), so later batches
    // reuse it instead of faulting in fresh pages. Thread-safe: the sink calls it while the
    // reader runs on another thread. `capacity` is Batch::capacity.
    void Recycle(std::unique_ptr<char[]> buffer, size_t capacity);

  private:
    bool OpenNextFile();
    void FillBuffer(size_t target);
    BatchPtr CutBatch();
    BatchPtr CutLines();
    BatchPtr CutSpans();
    BatchPtr FinishFile();
    // The pending over-long record's quarantine entry, completed: it ends at content offset
    // `end`; `cut_off` when the content ended first.
    QuarantineEntry FinishLongRecord(uint64_t end, bool cut_off);
    BatchPtr NewBatch();
    // A quarantine entry for the over-long record at the start of the buffer.
    QuarantineEntry TooLarge(std::string_view what, std::string_view consequence) const;
    // Hands buffer_[0, cut) to a new batch, to parse or (`parse` false) only to hash.
    BatchPtr TakeBuffer(size_t cut, bool parse = true);
    // Content nobody parses (no known format): read to the end of the file all the same, for
    // the digest.
    BatchPtr Drain();
    // A buffer of `capacity` bytes plus padding: a recycled one when it has the standard size.
    std::unique_ptr<char[]> NewBuffer(size_t capacity);
    void ReadCsvHeader(std::vector<RecordSpan>& spans);

    std::vector<std::string> paths_;
    ReaderOptions options_;
    size_t next_file_ = 0;
    uint64_t next_seq_ = 0;

    // State of the open file.
    bool file_open_ = false;
    uint32_t file_id_ = 0;
    std::unique_ptr<InputSource> source_;
    bool eof_ = false;
    FileSummary summary_;
    std::unique_ptr<char[]> buffer_;
    size_t capacity_ = 0;
    size_t length_ = 0;
    uint64_t buffer_offset_ = 0; // content offset of buffer_[0]
    uint64_t buffer_line_ = 1;   // line number of buffer_[0]
    uint64_t fed_until_ = 0;     // content offset up to which the splitter has seen bytes
    bool skipping_long_line_ = false;
    // The record longer than max_record_bytes being skipped (its entry waits for its length).
    std::optional<QuarantineEntry> long_record_;
    bool splitter_finished_ = false;
    bool digest_in_stage_ = false; // BatchDigester hashes this file (it is not compressed)
    std::string digest_prefix_;    // dropped bytes (a BOM) for the next batch's digest_prefix
    std::optional<JsonStreamSplitter> json_splitter_;
    std::optional<CsvStreamSplitter> csv_splitter_;
    std::vector<RecordSpan> pending_spans_;
    std::shared_ptr<const ColumnKeys> csv_header_;
    bool csv_header_seen_ = false;
    std::vector<QuarantineEntry> pending_quarantine_; // found by ReadCsvHeader, for the next batch
    // A slice (ReaderOptions::slices) of the open file: where reading stops, how far it got.
    bool sliced_ = false;
    uint64_t slice_end_ = UINT64_MAX;
    uint64_t content_read_ = 0; // content offset up to which bytes were read
    // Skips to `begin` (hashing and counting lines); false with summary_.error set on failure.
    bool SkipTo(uint64_t begin);

    std::mutex recycled_mutex_;
    std::vector<std::unique_ptr<char[]>> recycled_; // buffers of options_.batch_bytes
};

// The pipeline's digest stage: the SHA-256 of every file the reader leaves to it, over the bytes
// its batches carry (Batch::digest_in_stage), final in the summary of the file's last batch.
//
// Not thread-safe: used only from a serial in-order filter that sees every batch, right after
// the reader (before anything else touches the batch), so it runs beside the reader's next read.
class BatchDigester {
  public:
    void Digest(Batch& batch);

  private:
    Sha256 sha_;
    uint64_t hashed_ = 0; // bytes of the current file so far
};

} // namespace minetrace
