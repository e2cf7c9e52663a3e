#include "pipeline/batch_reader.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace minetrace {

namespace {

constexpr size_t kHeadBytes = 64 * 1024;

uint64_t CountNewlines(const char* data, size_t size) {
    uint64_t count = 0;
    const char* end = data + size;
    while (data < end) {
        const void* hit = std::memchr(data, '\n', static_cast<size_t>(end - data));
        if (hit == nullptr) break;
        ++count;
        data = static_cast<const char*>(hit) + 1;
    }
    return count;
}

std::string Excerpt(const char* data, size_t size) {
    return std::string(data, std::min<size_t>(size, 160));
}

} // namespace

BatchReader::BatchReader(std::vector<std::string> paths, ReaderOptions options)
    : paths_(std::move(paths)), options_(std::move(options)) {}

BatchReader::~BatchReader() = default;

QuarantineEntry BatchReader::TooLarge(std::string_view what, std::string_view consequence) const {
    QuarantineEntry entry;
    entry.file_id = file_id_;
    entry.line = buffer_line_;
    entry.offset = buffer_offset_;
    entry.length = length_;
    entry.reason = QuarantineReason::kRecordTooLarge;
    entry.detail = std::string(what) + " longer than " + std::to_string(options_.max_record_bytes) +
                   " bytes (--max-record-bytes); " + std::string(consequence);
    entry.excerpt = Excerpt(buffer_.get(), length_);
    return entry;
}

QuarantineEntry BatchReader::FinishLongRecord(uint64_t end, bool cut_off) {
    QuarantineEntry entry = std::move(*long_record_);
    long_record_.reset();
    entry.length = end - entry.offset;
    entry.detail = RecordTooLargeDetail(entry.length, options_.max_record_bytes, cut_off);
    return entry;
}

BatchPtr BatchReader::NewBatch() {
    auto batch = std::make_unique<Batch>();
    batch->seq = next_seq_++;
    batch->file_id = file_id_;
    batch->shape = summary_.shape;
    batch->csv_header = csv_header_;
    batch->max_record_bytes = options_.max_record_bytes;
    batch->digest_in_stage = digest_in_stage_;
    batch->digest_prefix = std::move(digest_prefix_);
    digest_prefix_.clear();
    return batch;
}

bool BatchReader::OpenNextFile() {
    if (next_file_ >= paths_.size()) return false;
    file_id_ = static_cast<uint32_t>(next_file_);
    summary_ = FileSummary{};
    summary_.path = paths_[next_file_++];
    file_open_ = true;
    eof_ = false;
    length_ = 0;
    buffer_offset_ = 0;
    buffer_line_ = 1;
    fed_until_ = 0;
    skipping_long_line_ = false;
    long_record_.reset();
    splitter_finished_ = false;
    digest_in_stage_ = false;
    digest_prefix_.clear();
    json_splitter_.reset();
    csv_splitter_.reset();
    pending_spans_.clear();
    csv_header_.reset();
    csv_header_seen_ = false;
    pending_quarantine_.clear();
    capacity_ = std::max(options_.batch_bytes, kHeadBytes);
    buffer_ = std::make_unique_for_overwrite<char[]>(capacity_ + RecordParser::kJsonPadding);
    const FileSlice slice =
        file_id_ < options_.slices.size() ? options_.slices[file_id_] : FileSlice{};
    sliced_ = slice.begin > 0 || slice.end != UINT64_MAX;
    slice_end_ = slice.end;
    content_read_ = 0;

    std::string error;
    InputLimits limits = options_.limits;
    // Each byte is read once and hashed once: an uncompressed file's stored bytes are its
    // content, hashed from the batches by BatchDigester on another thread than this one; a
    // compressed file is hashed as read (its content is not what is stored), and so is a slice
    // (its bytes before the slice are hashed but not handed on).
    limits.hash_plain = sliced_;
    source_ = InputSource::Open(summary_.path, limits, &error);
    if (!source_) {
        summary_.error = error.empty() ? "cannot open" : error;
        summary_.shape = ContentShape::kUnknown;
        eof_ = true;
        return true;
    }
    summary_.compression = source_->compression();
    if (sliced_) source_->LimitRaw(slice.end);
    digest_in_stage_ = summary_.compression == Compression::kNone && !sliced_;
    if (slice.begin > 0 && summary_.compression != Compression::kNone) {
        summary_.error = "a slice of a compressed file cannot be read (read it whole)";
        summary_.shape = ContentShape::kUnknown;
        eof_ = true;
        return true;
    }
    if (slice.begin > 0 && !SkipTo(slice.begin)) {
        summary_.shape = ContentShape::kUnknown;
        eof_ = true;
        return true;
    }
    // Detect the content shape from the head of the decompressed content.
    while (!eof_ && length_ < kHeadBytes) {
        size_t want = static_cast<size_t>(
            std::min<uint64_t>(kHeadBytes - length_, slice_end_ - content_read_));
        size_t got = want == 0 ? 0 : source_->Read(buffer_.get() + length_, want);
        if (got == 0) eof_ = true;
        length_ += got;
        content_read_ += got;
    }
    std::string_view head(buffer_.get(), length_);
    summary_.shape = DetectShape(head, eof_);
    // A slice that holds no line end holds no complete record yet: nothing to read this time.
    if (sliced_ && eof_ && summary_.compression == Compression::kNone &&
        head.find('\n') == std::string_view::npos && !head.empty() && head.front() == '{')
        summary_.shape = ContentShape::kJsonLines;
    // From its start, a slice of any file is read as the file (up to its end); past its start,
    // only JSON Lines can be.
    if (slice.begin > 0 && summary_.shape != ContentShape::kJsonLines &&
        summary_.shape != ContentShape::kEmpty) {
        summary_.error = "a slice of a file that is not JSON Lines cannot be read (read it whole)";
        summary_.shape = ContentShape::kUnknown;
        length_ = 0;
        eof_ = true;
        return true;
    }
    // A UTF-8 BOM is not content of any record: step over it (offsets stay absolute).
    size_t bom = buffer_offset_ == 0 ? Utf8BomLength(head) : 0;
    if (bom > 0) {
        if (digest_in_stage_) digest_prefix_.assign(buffer_.get(), bom);
        std::memmove(buffer_.get(), buffer_.get() + bom, length_ - bom);
        length_ -= bom;
        buffer_offset_ = bom;
    }
    fed_until_ = buffer_offset_;
    switch (summary_.shape) {
    case ContentShape::kJsonStream:
        json_splitter_.emplace();
        break;
    case ContentShape::kCsv:
        csv_splitter_.emplace();
        break;
    case ContentShape::kUnknown:
        summary_.error = "unrecognized content (not JSON, JSON Lines or CSV)";
        break;
    default:
        break;
    }
    return true;
}

void BatchReader::FillBuffer(size_t target) {
    if (eof_ || !source_) return;
    while (!eof_ && length_ < target) {
        if (length_ == capacity_) {
            // Only a record larger than a batch gets here; the limit ends the growth.
            size_t grown =
                std::min(capacity_ * 2, options_.max_record_bytes + options_.batch_bytes);
            if (grown <= capacity_) break;
            auto bigger =
                std::make_unique_for_overwrite<char[]>(grown + RecordParser::kJsonPadding);
            std::memcpy(bigger.get(), buffer_.get(), length_);
            buffer_ = std::move(bigger);
            capacity_ = grown;
        }
        size_t want = static_cast<size_t>(
            std::min<uint64_t>(capacity_ - length_, slice_end_ - content_read_));
        size_t got = want == 0 ? 0 : source_->Read(buffer_.get() + length_, want);
        if (got == 0) {
            eof_ = true;
            break;
        }
        length_ += got;
        content_read_ += got;
    }
}

bool BatchReader::SkipTo(uint64_t begin) {
    std::unique_ptr<char[]> sink(new char[1 << 16]);
    uint64_t lines = 0;
    char last = 0;
    while (content_read_ < begin) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(1 << 16, begin - content_read_));
        size_t got = source_->Read(sink.get(), want);
        if (got == 0) {
            summary_.error =
                "shorter than the slice's start (" + std::to_string(begin) + " bytes): rewritten?";
            return false;
        }
        lines += CountNewlines(sink.get(), got);
        content_read_ += got;
        last = sink[got - 1];
    }
    // The slice starts where an earlier one's last complete record ended: after a newline.
    if (last != '\n') {
        summary_.error = "the slice does not start after a line end: rewritten?";
        return false;
    }
    buffer_offset_ = begin;
    buffer_line_ = 1 + lines;
    fed_until_ = begin;
    summary_.begin = begin;
    return true;
}

std::unique_ptr<char[]> BatchReader::NewBuffer(size_t capacity) {
    if (capacity == options_.batch_bytes) {
        std::lock_guard<std::mutex> lock(recycled_mutex_);
        if (!recycled_.empty()) {
            std::unique_ptr<char[]> buffer = std::move(recycled_.back());
            recycled_.pop_back();
            return buffer;
        }
    }
    return std::make_unique_for_overwrite<char[]>(capacity + RecordParser::kJsonPadding);
}

void BatchReader::Recycle(std::unique_ptr<char[]> buffer, size_t capacity) {
    // Batches in flight are bounded by the pipeline's tokens, and so is this list; the cap is
    // a backstop.
    constexpr size_t kMaxRecycled = 64;
    if (!buffer || capacity != options_.batch_bytes) return;
    std::lock_guard<std::mutex> lock(recycled_mutex_);
    if (recycled_.size() < kMaxRecycled) recycled_.push_back(std::move(buffer));
}

// Keeps the tail after `cut` for the next batch.
BatchPtr BatchReader::TakeBuffer(size_t cut, bool parse) {
    BatchPtr batch = NewBatch();
    size_t tail = length_ - cut;
    size_t capacity = std::max(options_.batch_bytes, tail);
    std::unique_ptr<char[]> next = NewBuffer(capacity);
    if (tail > 0) std::memcpy(next.get(), buffer_.get() + cut, tail);
    // Zero the padding after the batch's content so a parser that peeks past the end of the
    // last record reads deterministic bytes.
    std::memset(buffer_.get() + cut, 0,
                std::min(RecordParser::kJsonPadding, capacity_ + RecordParser::kJsonPadding - cut));
    batch->data = std::move(buffer_);
    batch->capacity = capacity_;
    batch->size = parse ? cut : 0;
    batch->digest_size = digest_in_stage_ ? cut : 0;
    batch->base_offset = buffer_offset_;
    batch->base_line = buffer_line_;
    batch->ends_content = eof_ && tail == 0;
    buffer_line_ += CountNewlines(batch->data.get(), cut);
    buffer_offset_ += cut;
    buffer_ = std::move(next);
    capacity_ = capacity;
    length_ = tail;
    return batch;
}

BatchPtr BatchReader::CutLines() {
    if (skipping_long_line_) {
        // Skip the rest of an over-long line, up to and including its newline; its entry is
        // complete (with the line's real length) once the newline or the content end is seen.
        const void* newline = std::memchr(buffer_.get(), '\n', length_);
        const size_t at =
            newline ? static_cast<size_t>(static_cast<const char*>(newline) - buffer_.get())
                    : length_;
        const bool cr = newline != nullptr && at > 0 && buffer_[at - 1] == '\r';
        const uint64_t end = buffer_offset_ + at - (cr ? 1 : 0);
        const size_t drop = newline ? at + 1 : length_;
        if (newline == nullptr && !eof_) return drop > 0 ? TakeBuffer(drop, false) : nullptr;
        skipping_long_line_ = false;
        QuarantineEntry entry = FinishLongRecord(end, /*cut_off=*/false);
        BatchPtr batch = TakeBuffer(drop, /*parse=*/false);
        batch->reader_quarantine.push_back(std::move(entry));
        return batch;
    }
    if (length_ == 0) return nullptr;
    size_t cut = 0;
    if (eof_ && !sliced_) {
        cut = length_;
    } else {
        const char* begin = buffer_.get();
        const char* p = begin + length_;
        while (p > begin && p[-1] != '\n') --p;
        cut = static_cast<size_t>(p - begin);
    }
    if (cut > 0) return TakeBuffer(cut);
    if (eof_) {
        // A slice's record cut off at its end: left for the next slice (summary_.consumed).
        length_ = 0;
        return nullptr;
    }
    if (length_ >= options_.max_record_bytes) {
        // One line longer than the record limit: skip to its end, then quarantine it.
        long_record_ = TooLarge("line", "skipped to its end");
        skipping_long_line_ = true;
        return TakeBuffer(length_, /*parse=*/false);
    }
    return nullptr;
}

void BatchReader::ReadCsvHeader(std::vector<RecordSpan>& spans) {
    if (csv_header_seen_ || spans.empty()) return;
    const RecordSpan header = spans.front();
    spans.erase(spans.begin());
    csv_header_seen_ = true;
    std::string_view text(buffer_.get() + (header.offset - buffer_offset_), header.length);
    if (header.length > options_.max_record_bytes) {
        // As for a header too long to hold (CutSpans): quarantined, and no row has columns.
        QuarantineEntry entry;
        entry.file_id = file_id_;
        entry.line = buffer_line_ + CountNewlines(buffer_.get(), header.offset - buffer_offset_);
        entry.offset = header.offset;
        entry.length = header.length;
        entry.reason = QuarantineReason::kRecordTooLarge;
        entry.detail = RecordTooLargeDetail(header.length, options_.max_record_bytes,
                                            header.kind == SpanKind::kTruncated);
        entry.excerpt = Excerpt(text.data(), text.size());
        pending_quarantine_.push_back(std::move(entry));
        summary_.error = "CSV header line longer than --max-record-bytes";
        return;
    }
    auto keys = std::make_shared<ColumnKeys>();
    Arena scratch;
    std::vector<std::string_view> cells;
    if (header.kind == SpanKind::kRecord && SplitCsvRecord(text, scratch, cells)) {
        for (auto cell : cells) {
            keys->keys.push_back(NormalizeKey(cell));
            if (cell.find("[UTC]") != std::string_view::npos) keys->times_are_utc = true;
        }
        keys->repeated = RepeatedColumn(cells);
    } else {
        summary_.error = "CSV header line is malformed";
    }
    csv_header_ = std::move(keys);
}

BatchPtr BatchReader::CutSpans() {
    size_t new_bytes = static_cast<size_t>(buffer_offset_ + length_ - fed_until_);
    if (new_bytes > 0) {
        const char* from = buffer_.get() + (fed_until_ - buffer_offset_);
        if (json_splitter_)
            json_splitter_->Feed(from, new_bytes, fed_until_, pending_spans_);
        else
            csv_splitter_->Feed(from, new_bytes, fed_until_, pending_spans_);
        fed_until_ += new_bytes;
    }
    uint64_t safe = 0;
    if (eof_) {
        if (!splitter_finished_) {
            if (json_splitter_)
                json_splitter_->Finish(pending_spans_);
            else
                csv_splitter_->Finish(pending_spans_);
            splitter_finished_ = true;
        }
        safe = buffer_offset_ + length_;
    } else {
        safe = json_splitter_ ? json_splitter_->safe_cut() : csv_splitter_->safe_cut();
    }
    size_t cut = static_cast<size_t>(std::max(safe, buffer_offset_) - buffer_offset_);
    // Spans that start before the buffer are the over-long record being skipped (its head was
    // dropped): it is quarantined with its real length.
    std::vector<QuarantineEntry> finished;
    if (long_record_) {
        auto first_kept = pending_spans_.begin();
        while (first_kept != pending_spans_.end() && first_kept->offset < buffer_offset_) {
            const bool cut_off = first_kept->kind == SpanKind::kTruncated;
            if (long_record_) {
                finished.push_back(
                    FinishLongRecord(first_kept->offset + first_kept->length, cut_off));
            } else {
                // A second span inside dropped bytes (a wrapper decided late): count it too.
                long_record_ = TooLarge("record", "");
                long_record_->offset = first_kept->offset;
                long_record_->excerpt.clear();
                finished.push_back(
                    FinishLongRecord(first_kept->offset + first_kept->length, cut_off));
            }
            ++first_kept;
        }
        if (first_kept != pending_spans_.begin() && csv_splitter_ && !csv_header_seen_) {
            // The header itself was too long: no row can be read by its columns.
            csv_header_seen_ = true;
            summary_.error = "CSV header line longer than --max-record-bytes";
        }
        pending_spans_.erase(pending_spans_.begin(), first_kept);
        if (long_record_) {
            // Still open: everything held lies inside it.
            return length_ > 0 ? TakeBuffer(length_, /*parse=*/false) : nullptr;
        }
    }
    if (csv_splitter_) ReadCsvHeader(pending_spans_);
    for (QuarantineEntry& entry : pending_quarantine_) finished.push_back(std::move(entry));
    pending_quarantine_.clear();
    if (cut == 0 && finished.empty()) {
        if (!eof_ && length_ >= options_.max_record_bytes) {
            // One JSON value or CSV record larger than the limit: the splitter follows it to
            // its end while its bytes are hashed and dropped; then it is quarantined.
            long_record_ = TooLarge("record", "skipped");
            return TakeBuffer(length_, /*parse=*/false);
        }
        return nullptr;
    }
    uint64_t end = buffer_offset_ + cut;
    BatchPtr batch = TakeBuffer(cut);
    for (QuarantineEntry& entry : finished) batch->reader_quarantine.push_back(std::move(entry));
    auto split = std::find_if(pending_spans_.begin(), pending_spans_.end(),
                              [&](const RecordSpan& s) { return s.offset + s.length > end; });
    batch->spans.assign(std::make_move_iterator(pending_spans_.begin()),
                        std::make_move_iterator(split));
    pending_spans_.erase(pending_spans_.begin(), split);
    batch->csv_header = csv_header_;
    return batch;
}

BatchPtr BatchReader::FinishFile() {
    if (source_) {
        summary_.content_bytes = source_->content_bytes();
        if (summary_.error.empty()) summary_.error = source_->error();
        RawFileDigest digest = source_->FinishRaw();
        summary_.size = digest.size;
        if (!digest_in_stage_) summary_.sha256 = ToHex(digest.sha256);
        summary_.consumed = buffer_offset_ + length_;
        if (json_splitter_) summary_.container = std::string(json_splitter_->container());
    }
    source_.reset();
    file_open_ = false;
    BatchPtr batch = NewBatch();
    batch->base_offset = buffer_offset_;
    batch->base_line = buffer_line_;
    batch->file_end = true;
    batch->summary = std::move(summary_);
    return batch;
}

BatchPtr BatchReader::Drain() {
    if (digest_in_stage_) return length_ > 0 ? TakeBuffer(length_, /*parse=*/false) : nullptr;
    // InputSource hashes what is read; the content itself is not wanted.
    length_ = 0;
    if (!source_) return nullptr;
    std::unique_ptr<char[]> sink(new char[1 << 16]);
    while (source_->Read(sink.get(), 1 << 16) > 0) {
    }
    eof_ = true;
    return nullptr;
}

BatchPtr BatchReader::CutBatch() {
    switch (summary_.shape) {
    case ContentShape::kJsonLines:
        return CutLines();
    case ContentShape::kJsonStream:
    case ContentShape::kCsv:
        return CutSpans();
    case ContentShape::kEmpty:
    case ContentShape::kUnknown:
        return Drain();
    }
    return nullptr;
}

BatchPtr BatchReader::Next() {
    size_t target = options_.batch_bytes;
    while (true) {
        if (!file_open_) {
            if (!OpenNextFile()) return nullptr;
            target = options_.batch_bytes;
        }
        size_t before = length_;
        FillBuffer(target);
        BatchPtr batch = CutBatch();
        if (batch) return batch;
        if (eof_ && length_ == 0) {
            if (long_record_) {
                // The content ended inside the over-long record.
                // A JSON Lines line without a line end is not cut off; an open JSON value is.
                QuarantineEntry entry = FinishLongRecord(buffer_offset_, !skipping_long_line_);
                skipping_long_line_ = false;
                BatchPtr last = TakeBuffer(0, /*parse=*/false);
                last->reader_quarantine.push_back(std::move(entry));
                return last;
            }
            return FinishFile();
        }
        // No complete record yet: the open record is longer than what we hold, so read more.
        // (CutBatch reports records past --max-record-bytes, which bounds this growth.)
        if (length_ >= target || length_ == before) target = length_ + options_.batch_bytes;
    }
}

void BatchDigester::Digest(Batch& batch) {
    if (!batch.digest_in_stage) return;
    sha_.Update(batch.digest_prefix);
    if (batch.digest_size > 0) sha_.Update(batch.data.get(), batch.digest_size);
    hashed_ += batch.digest_prefix.size() + batch.digest_size;
    if (!batch.file_end) return;
    // Every stored byte the reader read came through here: the digest covers the whole file.
    assert(hashed_ == batch.summary.size);
    batch.summary.sha256 = ToHex(sha_.Finish());
    hashed_ = 0;
}

} // namespace minetrace
