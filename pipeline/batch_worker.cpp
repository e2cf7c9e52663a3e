#include "pipeline/batch_worker.hpp"

#include "parsers/format_detect.hpp"
#include "parsers/json_validator.hpp"

#include <algorithm>
#include <cstring>

namespace minetrace {

namespace {

// Containers inside containers (an array of pages, a line holding a wrapper) are split again;
// deeper nesting than this is not a log shape we know.
constexpr int kMaxContainerDepth = 3;

bool IsBlank(std::string_view text) {
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
}

std::string TooDeepDetail() {
    return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
}

uint64_t CountNewlines(const char* data, size_t size) {
    return static_cast<uint64_t>(std::count(data, data + size, '\n'));
}

} // namespace

// Tracks the line number of increasing offsets within one batch.
struct BatchWorker::Cursor {
    const Batch& batch;
    uint64_t position; // absolute offset
    uint64_t line;

    explicit Cursor(const Batch& b) : batch(b), position(b.base_offset), line(b.base_line) {}

    uint64_t LineAt(uint64_t offset) {
        if (offset < position) return line; // never moves backwards
        const char* from = batch.data.get() + (position - batch.base_offset);
        line += CountNewlines(from, static_cast<size_t>(offset - position));
        position = offset;
        return line;
    }
};

BatchWorker::BatchWorker(const EventMatcher* matcher) : matcher_(matcher) {
    if (matcher_ != nullptr) scratch_ = matcher_->NewScratch();
}

BatchWorker::~BatchWorker() = default;

void BatchWorker::Process(Batch& batch) {
    for (QuarantineEntry& entry : batch.reader_quarantine) {
        ++batch.records_read;
        batch.quarantined.push_back(std::move(entry));
    }
    batch.reader_quarantine.clear();
    if (batch.size == 0) return;
    if (batch.shape == ContentShape::kJsonLines)
        ProcessLines(batch);
    else
        ProcessSpans(batch);
}

void BatchWorker::ProcessLines(Batch& batch) {
    const char* data = batch.data.get();
    size_t position = 0;
    uint64_t line = batch.base_line;
    batch.events.reserve(batch.size / 1024 + 1);
    while (position < batch.size) {
        const void* newline = std::memchr(data + position, '\n', batch.size - position);
        size_t end =
            newline ? static_cast<size_t>(static_cast<const char*>(newline) - data) : batch.size;
        std::string_view text(data + position, end - position);
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (text.size() > batch.max_record_bytes) {
            // Judged on the whole line, blank or not, as the reader does for a line longer than
            // what it holds: the outcome must not depend on the batch size.
            Quarantine(batch, QuarantineReason::kRecordTooLarge,
                       RecordTooLargeDetail(text.size(), batch.max_record_bytes, false),
                       batch.base_offset + position, text.size(), line);
            position = end + 1;
            ++line;
            continue;
        }
        // Skip leading whitespace and byte-order marks (a line that starts a concatenated
        // file's content) so that offsets name the record's first byte.
        size_t lead = 0;
        while (lead < text.size()) {
            if (text[lead] == ' ' || text[lead] == '\t') {
                ++lead;
            } else if (size_t bom = Utf8BomLength(text.substr(lead)); bom > 0) {
                lead += bom;
            } else {
                break;
            }
        }
        if (!IsBlank(text.substr(lead))) {
            bool last_unterminated = newline == nullptr && batch.ends_content;
            ParseJsonRecord(batch, batch.base_offset + position + lead, text.size() - lead, line,
                            nullptr, last_unterminated, 0);
        }
        position = end + 1;
        ++line;
    }
}

void BatchWorker::ProcessSpans(Batch& batch) {
    Cursor cursor(batch);
    for (const RecordSpan& span : batch.spans) {
        uint64_t line = cursor.LineAt(span.offset);
        if (span.length > batch.max_record_bytes) {
            // Any span past the limit, record, damage or cut off, is too large, as when the
            // reader skips one longer than what it holds: the outcome must not depend on the
            // batch size.
            Quarantine(batch, QuarantineReason::kRecordTooLarge,
                       RecordTooLargeDetail(span.length, batch.max_record_bytes,
                                            span.kind == SpanKind::kTruncated),
                       span.offset, span.length, line);
            continue;
        }
        switch (span.kind) {
        case SpanKind::kGarbage:
            Quarantine(batch, QuarantineReason::kInvalidJson,
                       "bytes that are not part of any JSON record", span.offset, span.length,
                       line);
            break;
        case SpanKind::kTruncated:
            Quarantine(batch, QuarantineReason::kTruncated,
                       "record cut off at the end of the content", span.offset, span.length, line);
            break;
        case SpanKind::kTooDeep:
            Quarantine(batch, QuarantineReason::kTooDeep, TooDeepDetail(), span.offset, span.length,
                       line);
            break;
        case SpanKind::kRecord:
            if (batch.shape == ContentShape::kCsv)
                ParseCsvRecord(batch, span, line);
            else
                ParseJsonRecord(batch, span.offset, span.length, line, span.columns, false, 0);
            break;
        }
    }
}

const ColumnKeys* BatchWorker::ColumnsFor(const std::shared_ptr<const std::string>& columns) {
    auto it = columns_cache_.find(columns.get());
    if (it != columns_cache_.end()) return &it->second.second;
    if (columns_cache_.size() > 64) columns_cache_.clear();
    ColumnKeys keys;
    if (!parser_.ParseColumns(*columns, keys)) return nullptr;
    auto [inserted, ok] =
        columns_cache_.emplace(columns.get(), std::make_pair(columns, std::move(keys)));
    (void)ok;
    return &inserted->second.second;
}

void BatchWorker::ParseJsonRecord(Batch& batch, uint64_t offset, uint64_t length, uint64_t line,
                                  const std::shared_ptr<const std::string>& columns,
                                  bool at_content_end, int depth) {
    const char* record = batch.data.get() + (offset - batch.base_offset);
    std::string_view text(record, static_cast<size_t>(length));
    if (length > batch.max_record_bytes) {
        Quarantine(batch, QuarantineReason::kRecordTooLarge,
                   RecordTooLargeDetail(length, batch.max_record_bytes, false), offset, length,
                   line);
        return;
    }
    Event event;
    ParseOutcome outcome;
    if (columns && !text.empty() && text.front() == '[') {
        const ColumnKeys* keys = ColumnsFor(columns);
        if (keys == nullptr) {
            Quarantine(batch, QuarantineReason::kInvalidJson,
                       "Log Analytics row whose table has unreadable columns", offset, length,
                       line);
            return;
        }
        outcome = parser_.ParseTableRow(text, *keys, batch.arena, event);
    } else {
        outcome = parser_.ParseJsonObject(text, batch.arena, event);
    }
    if (outcome.outcome == RecordOutcome::kWrapper) {
        if (depth >= kMaxContainerDepth) {
            Quarantine(batch, QuarantineReason::kTooDeep, "containers nested too deeply", offset,
                       length, line);
            return;
        }
        // Split the container into its elements and parse each on its own.
        JsonStreamSplitter splitter;
        std::vector<RecordSpan> spans;
        splitter.Feed(record, text.size(), offset, spans);
        splitter.Finish(spans);
        if (spans.size() == 1 && spans[0].offset == offset && spans[0].length == length) {
            Quarantine(batch, QuarantineReason::kUnrecognizedRecord,
                       "container whose elements cannot be separated", offset, length, line);
            return;
        }
        uint64_t element_line = line;
        uint64_t position = offset;
        for (const RecordSpan& span : spans) {
            element_line += CountNewlines(batch.data.get() + (position - batch.base_offset),
                                          static_cast<size_t>(span.offset - position));
            position = span.offset;
            if (span.kind == SpanKind::kRecord) {
                ParseJsonRecord(batch, span.offset, span.length, element_line, span.columns, false,
                                depth + 1);
            } else if (span.kind == SpanKind::kTruncated) {
                Quarantine(batch, QuarantineReason::kTruncated,
                           "element cut off inside a container", span.offset, span.length,
                           element_line);
            } else if (span.kind == SpanKind::kTooDeep) {
                Quarantine(batch, QuarantineReason::kTooDeep, TooDeepDetail(), span.offset,
                           span.length, element_line);
            } else {
                Quarantine(batch, QuarantineReason::kInvalidJson,
                           "bytes inside a container that are not a JSON record", span.offset,
                           span.length, element_line);
            }
        }
        return;
    }
    if (outcome.outcome == RecordOutcome::kEnvelope) {
        if (depth >= kMaxContainerDepth) {
            Quarantine(batch, QuarantineReason::kTooDeep, "envelopes nested too deeply", offset,
                       length, line);
            return;
        }
        uint64_t inner_line = line;
        uint64_t position = offset;
        for (std::string_view inner : outcome.inner) {
            // The views point into the record, so their offsets follow from the pointers.
            if (inner.data() < record || inner.data() + inner.size() > record + text.size())
                continue;
            uint64_t inner_offset = offset + static_cast<uint64_t>(inner.data() - record);
            if (inner_offset < position) continue;
            inner_line += CountNewlines(batch.data.get() + (position - batch.base_offset),
                                        static_cast<size_t>(inner_offset - position));
            position = inner_offset;
            ParseJsonRecord(batch, inner_offset, inner.size(), inner_line, nullptr, false,
                            depth + 1);
        }
        return;
    }
    if (outcome.outcome == RecordOutcome::kQuarantined && at_content_end &&
        outcome.reason == QuarantineReason::kInvalidJson) {
        outcome.reason = QuarantineReason::kTruncated;
        outcome.detail =
            "last line has no line end and is not complete JSON (" + outcome.detail + ")";
    }
    Accept(batch, outcome, event, offset, length, line);
}

void BatchWorker::ParseCsvRecord(Batch& batch, const RecordSpan& span, uint64_t line) {
    std::string_view text(batch.data.get() + (span.offset - batch.base_offset),
                          static_cast<size_t>(span.length));
    // Size first, blank or not: the reader quarantines a record longer than what it holds
    // without seeing its bytes, and the outcome must not depend on the batch size.
    if (span.length > batch.max_record_bytes) {
        Quarantine(batch, QuarantineReason::kRecordTooLarge,
                   RecordTooLargeDetail(span.length, batch.max_record_bytes, false), span.offset,
                   span.length, line);
        return;
    }
    if (IsBlank(text)) return;
    cells_.clear();
    if (!batch.csv_header) {
        Quarantine(batch, QuarantineReason::kInvalidCsv, "CSV row without a header", span.offset,
                   span.length, line);
        return;
    }
    if (!SplitCsvRecord(text, batch.arena, cells_)) {
        Quarantine(batch, QuarantineReason::kInvalidCsv, "malformed CSV quoting", span.offset,
                   span.length, line);
        return;
    }
    Event event;
    ParseOutcome outcome = parser_.ParseCsvRow(cells_, *batch.csv_header, batch.arena, event);
    Accept(batch, outcome, event, span.offset, span.length, line);
}

void BatchWorker::Accept(Batch& batch, const ParseOutcome& outcome, Event& event, uint64_t offset,
                         uint64_t length, uint64_t line) {
    switch (outcome.outcome) {
    case RecordOutcome::kEvent: {
        ++batch.records_read;
        event.file_id = batch.file_id;
        event.offset = offset;
        event.length = length;
        event.line = line;
        uint32_t begin = static_cast<uint32_t>(batch.rule_hits.size());
        if (matcher_ != nullptr) {
            matches_.clear();
            matcher_->Match(event, *scratch_, matches_);
            batch.rule_hits.insert(batch.rule_hits.end(), matches_.begin(), matches_.end());
        }
        batch.rule_ranges.emplace_back(begin,
                                       static_cast<uint32_t>(batch.rule_hits.size()) - begin);
        batch.events.push_back(std::move(event));
        return;
    }
    case RecordOutcome::kIgnored: {
        ++batch.records_read;
        for (auto& [kind, count] : batch.ignored) {
            if (kind == outcome.ignored_kind) {
                ++count;
                return;
            }
        }
        batch.ignored.emplace_back(outcome.ignored_kind, 1);
        return;
    }
    case RecordOutcome::kQuarantined:
        Quarantine(batch, outcome.reason, outcome.detail, offset, length, line);
        return;
    case RecordOutcome::kWrapper:
    case RecordOutcome::kEnvelope:
        return; // handled by the caller
    }
}

void BatchWorker::Quarantine(Batch& batch, QuarantineReason reason, std::string detail,
                             uint64_t offset, uint64_t length, uint64_t line) {
    ++batch.records_read;
    QuarantineEntry entry;
    entry.file_id = batch.file_id;
    entry.line = line;
    entry.offset = offset;
    entry.length = length;
    entry.reason = reason;
    entry.detail = std::move(detail);
    const char* bytes = batch.data.get() + (offset - batch.base_offset);
    entry.excerpt.assign(bytes, static_cast<size_t>(std::min<uint64_t>(length, 160)));
    batch.quarantined.push_back(std::move(entry));
}

} // namespace minetrace
