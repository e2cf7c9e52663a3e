#include "parsers/csv_splitter.hpp"

#include <cstdint>
#include <cstring>

namespace minetrace {
namespace {

// memchr over d[from, to), returning `to` when absent.
inline size_t Find(const char* d, size_t from, size_t to, char c) {
    if (from >= to) return to;
    const void* hit = std::memchr(d + from, c, to - from);
    return hit == nullptr ? to : static_cast<size_t>(static_cast<const char*>(hit) - d);
}

// The first CR or LF in d[from, to), `to` when absent: a bare CR (old Mac line ends) ends a
// record like LF does; the LF of a CRLF then ends an empty record, which yields no span.
inline size_t FindLineEnd(const char* d, size_t from, size_t to) {
    const size_t newline = Find(d, from, to, '\n');
    return Find(d, from, newline, '\r');
}

} // namespace

void CsvStreamSplitter::EndRecord(const char* d, size_t newline_index,
                                  std::vector<RecordSpan>& out) {
    uint64_t end = base_ + newline_index;
    if (end > record_start_) {
        const char prev = newline_index > 0 ? d[newline_index - 1] : last_byte_;
        if (prev == '\r') --end;
    }
    if (end > record_start_) {
        RecordSpan span;
        span.offset = record_start_;
        span.length = end - record_start_;
        out.push_back(std::move(span));
    }
    record_start_ = base_ + newline_index + 1;
    state_ = State::kFieldStart;
}

void CsvStreamSplitter::Flush(std::vector<RecordSpan>& out) {
    uint64_t end = fed_end_;
    RecordSpan span;
    if (state_ == State::kQuoted) {
        span.kind = SpanKind::kTruncated;
    } else if (end > record_start_ && last_byte_ == '\r') {
        --end;
    }
    if (end > record_start_) {
        span.offset = record_start_;
        span.length = end - record_start_;
        out.push_back(std::move(span));
    }
    record_start_ = fed_end_;
    state_ = State::kFieldStart;
}

void CsvStreamSplitter::Finish(std::vector<RecordSpan>& out) {
    Flush(out);
}

void CsvStreamSplitter::Feed(const char* data, size_t size, uint64_t offset,
                             std::vector<RecordSpan>& out) {
    if (size == 0) return;
    if (!started_) {
        started_ = true;
        record_start_ = offset;
        fed_end_ = offset;
    } else if (offset != fed_end_) {
        Flush(out);
        record_start_ = offset;
        fed_end_ = offset;
        last_byte_ = 0;
    }
    base_ = offset;
    // Positions of the next '"' and '\n' at or after i, cached so each byte is searched once.
    constexpr size_t kUnknown = SIZE_MAX;
    size_t next_quote = kUnknown;
    size_t next_newline = kUnknown;
    size_t i = 0;
    while (i < size) {
        switch (state_) {
        case State::kBom: {
            static constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
            if (static_cast<unsigned char>(data[i]) == kBom[bom_matched_]) {
                ++i;
                if (++bom_matched_ == 3) {
                    // Stay in kBom: some files carry the mark twice.
                    record_start_ = base_ + i;
                    bom_matched_ = 0;
                }
            } else {
                // Not a BOM: bytes matched so far are ordinary cell text.
                state_ = bom_matched_ > 0 ? State::kUnquoted : State::kFieldStart;
            }
            break;
        }
        case State::kFieldStart: {
            const char c = data[i];
            if (c == '"') {
                state_ = State::kQuoted;
                ++i;
            } else if (c == ',') {
                ++i;
            } else if (c == '\n' || c == '\r') {
                EndRecord(data, i, out);
                ++i;
            } else {
                state_ = State::kUnquoted;
            }
            break;
        }
        case State::kUnquoted: {
            if (next_newline == kUnknown || next_newline < i)
                next_newline = FindLineEnd(data, i, size);
            if (next_quote == kUnknown || next_quote < i)
                next_quote = Find(data, i, next_newline, '"');
            if (next_quote < next_newline) {
                const size_t q = next_quote;
                const char prev = q > 0 ? data[q - 1] : last_byte_;
                // A quote right after a delimiter opens a quoted field; otherwise it is literal.
                const bool opens = (base_ + q == record_start_) || prev == ',';
                i = q + 1;
                if (opens) state_ = State::kQuoted;
            } else if (next_newline < size) {
                EndRecord(data, next_newline, out);
                i = next_newline + 1;
            } else {
                i = size;
            }
            break;
        }
        case State::kQuoted: {
            if (next_quote == kUnknown || next_quote < i) next_quote = Find(data, i, size, '"');
            if (next_quote < size) {
                i = next_quote + 1;
                state_ = State::kQuotedQuote;
            } else {
                i = size;
            }
            break;
        }
        case State::kQuotedQuote:
            if (data[i] == '"') { // "" inside a quoted field
                state_ = State::kQuoted;
                ++i;
            } else { // the field was closed; a delimiter or newline normally follows
                state_ = State::kUnquoted;
            }
            break;
        }
    }
    last_byte_ = data[size - 1];
    fed_end_ = offset + size;
}

bool SplitCsvRecord(std::string_view record, Arena& arena, std::vector<std::string_view>& cells) {
    cells.clear();
    const char* d = record.data();
    const size_t n = record.size();
    size_t i = 0;
    for (;;) {
        if (i < n && d[i] == '"') {
            bool escaped = false;
            size_t j = i + 1;
            size_t close = 0;
            for (;;) {
                const size_t q = Find(d, j, n, '"');
                if (q >= n) return false; // unterminated quoted cell
                if (q + 1 < n && d[q + 1] == '"') {
                    escaped = true;
                    j = q + 2;
                    continue;
                }
                close = q;
                break;
            }
            const std::string_view inner = record.substr(i + 1, close - i - 1);
            if (escaped) {
                char* buf = arena.Allocate(inner.size());
                size_t len = 0;
                for (size_t k = 0; k < inner.size(); ++k) {
                    buf[len++] = inner[k];
                    if (inner[k] == '"') ++k; // the second quote of ""
                }
                cells.emplace_back(buf, len);
            } else {
                cells.push_back(inner);
            }
            i = close + 1;
            if (i == n) return true;
            if (d[i] != ',') return false; // text after the closing quote
            ++i;
        } else {
            const size_t comma = Find(d, i, n, ',');
            cells.push_back(record.substr(i, comma - i));
            if (comma >= n) return true;
            i = comma + 1;
        }
    }
}

} // namespace minetrace
