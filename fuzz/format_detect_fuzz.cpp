// Fuzzes DetectShape over any head, as complete content and as the head of longer content.
// Invariants (format_detect.hpp):
//   - kEmpty exactly when the content is complete and only a BOM and whitespace;
//   - kJsonLines only when the first significant byte is '{', kJsonStream only when it is '{'
//     or '['; kCsv only when it is neither, the head holds at least 2 commas and no
//     control byte (other than TAB and CR) before the first line end;
//   - JSON Lines on complete content: the first line is one complete record to the stream
//     splitter;
//   - a BOM in front of content that has none changes nothing;
//   - once the first line ends inside the head, at_end no longer matters.
#include "fuzz/fuzz_check.hpp"
#include "parsers/format_detect.hpp"
#include "parsers/json_splitter.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

using minetrace::ContentShape;

bool IsSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace minetrace;
    const std::string_view head(reinterpret_cast<const char*>(data), size);
    const ContentShape complete = DetectShape(head, true);
    const ContentShape partial = DetectShape(head, false);
    FUZZ_CHECK(DetectShape(head, true) == complete); // pure

    const size_t bom = Utf8BomLength(head);
    FUZZ_CHECK(bom == 0 || bom == 3);
    size_t start = bom;
    while (start < head.size() && IsSpace(head[start])) ++start;
    const bool blank = start == head.size();
    FUZZ_CHECK((complete == ContentShape::kEmpty) == blank);
    FUZZ_CHECK(partial != ContentShape::kEmpty);
    if (blank) {
        FUZZ_CHECK(partial == ContentShape::kUnknown);
        return 0;
    }
    const char first = head[start];
    for (ContentShape shape : {complete, partial}) {
        if (shape == ContentShape::kJsonLines) FUZZ_CHECK(first == '{');
        if (shape == ContentShape::kJsonStream) FUZZ_CHECK(first == '{' || first == '[');
        if (shape == ContentShape::kCsv) {
            FUZZ_CHECK(first != '{' && first != '[');
            // The header line (up to LF or a bare CR) holds no control byte but tab.
            for (size_t i = start; i < head.size() && head[i] != '\n' && head[i] != '\r'; ++i) {
                const auto b = static_cast<unsigned char>(head[i]);
                FUZZ_CHECK(b >= 0x20 || b == '\t');
            }
            FUZZ_CHECK(std::count(head.begin() + start, head.end(), ',') >= 2);
        }
    }
    if (complete == ContentShape::kJsonLines) {
        size_t line_end = head.find('\n', start);
        if (line_end == std::string_view::npos) line_end = head.size();
        JsonStreamSplitter splitter;
        std::vector<RecordSpan> spans;
        splitter.Feed(head.data() + start, line_end - start, start, spans);
        splitter.Finish(spans);
        FUZZ_CHECK(spans.size() == 1 && spans[0].kind == SpanKind::kRecord);
    }
    if (bom == 0) {
        const std::string with_bom = "\xEF\xBB\xBF" + std::string(head);
        FUZZ_CHECK(DetectShape(with_bom, true) == complete);
        FUZZ_CHECK(DetectShape(with_bom, false) == partial);
    }
    if (head.find('\n', start) != std::string_view::npos) FUZZ_CHECK(partial == complete);
    return 0;
}
