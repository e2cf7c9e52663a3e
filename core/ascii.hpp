// ASCII case folding for identifiers that Azure treats case-insensitively (JSON keys, ARM ids,
// operation names, GUIDs). Non-ASCII bytes are left as they are. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace minetrace {

constexpr char AsciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline std::string AsciiLowerCopy(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = AsciiLower(c);
    return out;
}

// True when a and b are equal after ASCII case folding.
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    return true;
}

constexpr bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

constexpr bool ContainsIgnoreCase(std::string_view text, std::string_view needle) {
    if (needle.size() > text.size()) return false;
    for (size_t i = 0; i + needle.size() <= text.size(); ++i)
        if (EqualsIgnoreCase(text.substr(i, needle.size()), needle)) return true;
    return false;
}

} // namespace minetrace
