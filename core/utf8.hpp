// Cutting text on UTF-8 character boundaries.
#pragma once

#include <string>
#include <string_view>

namespace minetrace {

// `text` cut to at most `limit` bytes on a UTF-8 character boundary, with " [...]" appended when
// it was cut.
inline std::string CutUtf8(std::string_view text, size_t limit) {
    if (text.size() <= limit) return std::string(text);
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + " [...]";
}

} // namespace minetrace
