// Counting and cutting UTF-8 text on character boundaries (one copy for every output).
#pragma once

#include <string>
#include <string_view>

namespace minetrace {

// `text` cut to at most `limit` bytes on a UTF-8 character boundary, with " [...]" appended when
// it was cut.
// The longest prefix of `text` of at most `limit` bytes that ends on a character boundary.
inline std::string_view Utf8Prefix(std::string_view text, size_t limit) {
    if (text.size() <= limit) return text;
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

inline std::string CutUtf8(std::string_view text, size_t limit) {
    if (text.size() <= limit) return std::string(text);
    return std::string(Utf8Prefix(text, limit)) + " [...]";
}

// The code points of `text`: every byte that is not a continuation byte.
inline size_t CodePoints(std::string_view text) {
    size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// At most `limit` code points of `text`, with an ellipsis (U+2026) when cut: labels of a chart.
inline std::string EllipsizeUtf8(std::string_view text, size_t limit) {
    size_t chars = 0, i = 0;
    while (i < text.size()) {
        if (chars == limit) return std::string(text.substr(0, i)) + "\u2026";
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
        ++chars;
    }
    return std::string(text);
}

} // namespace minetrace
