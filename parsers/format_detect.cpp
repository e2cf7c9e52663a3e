#include "parsers/format_detect.hpp"

#include "parsers/json_splitter.hpp"

#include <vector>

namespace minetrace {
namespace {

inline bool IsSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool IsWrapperContainer(std::string_view container) {
    return container == "json-records" || container == "json-value" || container == "json-items" ||
           container == "la-tables";
}

ContentShape DetectJson(std::string_view head, size_t start, bool at_end) {
    const size_t newline = head.find('\n', start);
    const size_t line_end = newline == std::string_view::npos ? head.size() : newline;
    JsonStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    splitter.Feed(head.data() + start, line_end - start, start, spans);

    if (newline == std::string_view::npos && !at_end) {
        // The first line does not fit in the head: one long line, unless it already shows a
        // wrapper key, a second value or damage.
        const bool long_record =
            head[start] == '{' && spans.empty() && !IsWrapperContainer(splitter.container());
        return long_record ? ContentShape::kJsonLines : ContentShape::kJsonStream;
    }
    const bool one_bare_record = splitter.idle() && spans.size() == 1 &&
                                 spans[0].kind == SpanKind::kRecord &&
                                 splitter.container() == "json-object";
    if (!one_bare_record) return ContentShape::kJsonStream;
    for (size_t i = line_end; i < head.size(); ++i) {
        const char c = head[i];
        if (IsSpace(c)) continue;
        return (c == '{' || c == '[') ? ContentShape::kJsonLines : ContentShape::kJsonStream;
    }
    return ContentShape::kJsonLines; // no further line (or none visible in the head)
}

bool LooksLikeCsvHeader(std::string_view head, size_t start) {
    size_t cells = 1;
    bool quoted = false;
    for (size_t i = start; i < head.size(); ++i) {
        const char c = head[i];
        if (c == '"') {
            quoted = !quoted;
        } else if ((c == '\n' || c == '\r') && !quoted) {
            return cells >= 3;
        } else if (c == ',' && !quoted) {
            ++cells;
        } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r' && c != '\n') {
            return false; // binary content
        }
    }
    // A header longer than the head is judged on what the head shows.
    return cells >= 3 && !quoted;
}

} // namespace

std::string_view ToString(ContentShape s) {
    switch (s) {
    case ContentShape::kEmpty:
        return "empty";
    case ContentShape::kJsonLines:
        return "json-lines";
    case ContentShape::kJsonStream:
        return "json-stream";
    case ContentShape::kCsv:
        return "csv";
    case ContentShape::kUnknown:
        return "unknown";
    }
    return "unknown";
}

size_t Utf8BomLength(std::string_view head) {
    // Files re-saved by editors and tools sometimes carry the mark twice or more.
    size_t length = 0;
    while (head.size() - length >= 3 && static_cast<unsigned char>(head[length]) == 0xEF &&
           static_cast<unsigned char>(head[length + 1]) == 0xBB &&
           static_cast<unsigned char>(head[length + 2]) == 0xBF)
        length += 3;
    return length;
}

ContentShape DetectShape(std::string_view head, bool at_end) {
    size_t i = Utf8BomLength(head);
    while (i < head.size() && IsSpace(head[i])) ++i;
    if (i == head.size()) return at_end ? ContentShape::kEmpty : ContentShape::kUnknown;
    const char c = head[i];
    if (c == '{' || c == '[') return DetectJson(head, i, at_end);
    return LooksLikeCsvHeader(head, i) ? ContentShape::kCsv : ContentShape::kUnknown;
}

} // namespace minetrace
