// Fuzzes the output escapers (core/escape.hpp) over any bytes, with simdjson as the independent
// judge of UTF-8 and JSON. Invariants:
//   - every sink's output is valid UTF-8 and appends (never touches what `out` held);
//   - IsValidUtf8 agrees with simdjson's validator; HasHiddenControl with a plain decoder;
//   - JSON: the quoted output holds no raw control, DEL, U+2028/2029, C1 or bidi control, parses
//     as one JSON string, which is the input itself when that was valid UTF-8; escaping what it
//     decodes to gives the same output again (invalid bytes were already U+FFFD);
//   - CSV: no raw control other than TAB CR LF, no DEL, C1 or bidi control; the field is exactly
//     one cell to SplitCsvRecord and to the stream splitter (nothing breaks the row), the input
//     itself when it needed no replacement or guard, and its first non-space character is never
//     a formula trigger (= + - @ TAB CR) unless the cell is a plain number;
//   - terminal: no byte below 0x20, no DEL, C1 or bidi control; printable valid text unchanged;
//   - HTML: no raw < > " ' , every & starts one of the five entities written, no control other
//     than TAB LF CR, no C1; decoding the entities gives the input when it needed no replacement;
//   - TrimAsciiSpace returns a substring with no surrounding ASCII space.
#include "core/arena.hpp"
#include "core/escape.hpp"
#include "fuzz/fuzz_check.hpp"
#include "parsers/csv_splitter.hpp"

#include <simdjson.h>
#include <string>
#include <vector>

namespace {

using namespace minetrace;

bool ValidUtf8(std::string_view s) {
    return simdjson::validate_utf8(s.data(), s.size());
}

// Code points of valid UTF-8 (checked by the caller).
std::vector<uint32_t> CodePoints(std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (size_t k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        out.push_back(cp);
        i += len;
    }
    return out;
}

bool IsC1OrBidi(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

// Valid UTF-8 with no control (C0 except those allowed, DEL) and no C1/bidi control.
bool Plain(std::string_view s, std::string_view allowed_controls) {
    if (!ValidUtf8(s)) return false;
    for (uint32_t cp : CodePoints(s)) {
        if (cp < 0x20 && allowed_controls.find(static_cast<char>(cp)) == std::string_view::npos)
            return false;
        if (cp == 0x7F || IsC1OrBidi(cp)) return false;
    }
    return true;
}

// Appends to a non-empty prefix and returns what was appended (checking the prefix survived).
template <typename F> std::string Appended(F&& escape, std::string_view text) {
    std::string out = "\x01prefix";
    escape(out, text);
    FUZZ_CHECK(out.compare(0, 7, "\x01prefix") == 0);
    return out.substr(7);
}

bool IsPlainNumber(std::string_view s) {
    size_t i = 0, mantissa = 0;
    const auto digits = [&] {
        size_t n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++n;
        return n;
    };
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    mantissa = digits();
    if (i < s.size() && s[i] == '.') ++i, mantissa += digits();
    if (mantissa == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == s.size();
}

void CheckJson(std::string_view text, simdjson::dom::parser& parser) {
    const std::string quoted = Appended(AppendJsonString, text);
    FUZZ_CHECK(Appended(AppendJsonEscaped, text) == quoted.substr(1, quoted.size() - 2));
    FUZZ_CHECK(Plain(quoted, ""));
    for (uint32_t cp : CodePoints(quoted)) FUZZ_CHECK(cp != 0x2028 && cp != 0x2029);
    std::string_view decoded;
    FUZZ_CHECK(parser.parse(quoted).get_string().get(decoded) == simdjson::SUCCESS);
    if (ValidUtf8(text)) FUZZ_CHECK(decoded == text);
    FUZZ_CHECK(Appended(AppendJsonString, decoded) == quoted);
}

void CheckCsv(std::string_view text) {
    const std::string field = Appended(AppendCsvField, text);
    FUZZ_CHECK(ValidUtf8(field));
    FUZZ_CHECK(Plain(field, "\t\r\n"));
    Arena arena;
    std::vector<std::string_view> cells;
    FUZZ_CHECK(SplitCsvRecord(field, arena, cells) && cells.size() == 1);
    const std::string_view cell = cells[0];
    size_t first = 0;
    while (first < cell.size() && cell[first] == ' ') ++first;
    if (first < cell.size()) {
        const char c = cell[first];
        const bool trigger = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
        FUZZ_CHECK(!trigger || IsPlainNumber(cell.substr(first)));
    }
    // Only the formula guard's quote is added (and only in front of a trigger).
    if (Plain(text, "\t\r\n")) FUZZ_CHECK(cell == text || cell == "'" + std::string(text));
    if (cell != text && cell == "'" + std::string(text)) {
        size_t lead = 0;
        while (lead < text.size() && text[lead] == ' ') ++lead;
        FUZZ_CHECK(lead < text.size() &&
                   std::string_view("=+-@\t\r").find(text[lead]) != std::string_view::npos);
    }
    // Inside a row, behind another cell and before CR LF: one record, two cells.
    const std::string row = "a," + field + "\r\n";
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    splitter.Feed(row.data(), row.size(), 0, spans);
    splitter.Finish(spans);
    FUZZ_CHECK(spans.size() == 1 && spans[0].kind == SpanKind::kRecord &&
               spans[0].length == row.size() - 2);
    FUZZ_CHECK(SplitCsvRecord(std::string_view(row).substr(0, row.size() - 2), arena, cells) &&
               cells.size() == 2 && cells[1] == cell);
}

void CheckTerminal(std::string_view text) {
    const std::string out = Appended(AppendTerminalSafe, text);
    FUZZ_CHECK(Plain(out, ""));
    if (Plain(text, "")) FUZZ_CHECK(out == text);
}

void CheckHtml(std::string_view text) {
    const std::string out = Appended(AppendHtmlEscaped, text);
    FUZZ_CHECK(ValidUtf8(out));
    for (uint32_t cp : CodePoints(out)) {
        FUZZ_CHECK(cp != '<' && cp != '>' && cp != '"' && cp != '\'');
        FUZZ_CHECK(cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r');
        FUZZ_CHECK(cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F));
    }
    std::string decoded;
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    for (size_t i = 0; i < out.size();) {
        if (out[i] != '&') {
            decoded.push_back(out[i++]);
            continue;
        }
        bool known = false;
        for (const auto& [entity, c] : kEntities) {
            if (out.compare(i, entity.size(), entity) == 0) {
                decoded.push_back(c);
                i += entity.size();
                known = true;
                break;
            }
        }
        FUZZ_CHECK(known);
    }
    bool replaced = !ValidUtf8(text);
    if (!replaced) {
        for (uint32_t cp : CodePoints(text)) {
            replaced = replaced || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
                       cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
        }
    }
    if (!replaced) FUZZ_CHECK(decoded == text);
}

bool IsAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static simdjson::dom::parser* parser = new simdjson::dom::parser;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    FUZZ_CHECK(IsValidUtf8(text) == ValidUtf8(text));
    bool hidden = false;
    if (ValidUtf8(text)) {
        for (uint32_t cp : CodePoints(text)) hidden = hidden || IsC1OrBidi(cp);
        FUZZ_CHECK(HasHiddenControl(text) == hidden);
    }

    CheckJson(text, *parser);
    CheckCsv(text);
    CheckTerminal(text);
    CheckHtml(text);

    const std::string_view trimmed = TrimAsciiSpace(text);
    FUZZ_CHECK(trimmed.data() >= text.data() &&
               trimmed.data() + trimmed.size() <= text.data() + text.size());
    FUZZ_CHECK(trimmed.empty() ||
               (!IsAsciiSpace(trimmed.front()) && !IsAsciiSpace(trimmed.back())));
    if (trimmed.empty()) {
        for (char c : text) FUZZ_CHECK(IsAsciiSpace(c));
    }
    return 0;
}
