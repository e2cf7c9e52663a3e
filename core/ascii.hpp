// ASCII case folding for identifiers that Azure treats case-insensitively (JSON keys, ARM ids,
// operation names, GUIDs). Non-ASCII bytes are left as they are. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace minetrace {

constexpr char AsciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr char AsciiUpper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// 0x80 in each byte of `word` that is an ASCII uppercase letter, 0 elsewhere (8 bytes at once; no
// borrow crosses bytes because every byte is offset by 0x80 before the subtractions).
constexpr uint64_t AsciiUpperBytes(uint64_t word) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    const uint64_t offset = word | kHigh;
    const uint64_t at_least_a = offset - kOnes * 'A';
    const uint64_t above_z = offset - kOnes * ('Z' + 1);
    return at_least_a & ~above_z & ~word & kHigh;
}

// True when `text` holds an ASCII uppercase letter (then it differs from its lowercased copy).
inline bool HasAsciiUpper(std::string_view text) {
    const char* p = text.data();
    size_t n = text.size();
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if (AsciiUpperBytes(word) != 0) return true;
    }
    for (; n > 0; ++p, --n)
        if (*p >= 'A' && *p <= 'Z') return true;
    return false;
}

// Writes `text` ASCII-lowercased to `out` (text.size() bytes), 8 bytes at a time.
inline void AsciiLowerInto(char* out, std::string_view text) {
    const char* p = text.data();
    size_t n = text.size();
    for (; n >= 8; p += 8, out += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, sizeof word);
        word |= AsciiUpperBytes(word) >> 2; // 0x80 -> 0x20 within each uppercase byte
        std::memcpy(out, &word, sizeof word);
    }
    for (; n > 0; ++p, ++out, --n) *out = AsciiLower(*p);
}

inline void AsciiLowerInPlace(std::string& text) {
    AsciiLowerInto(text.data(), text);
}

// Appends `text` ASCII-lowercased to `out`; `text` must not point into `out`.
inline void AppendAsciiLower(std::string& out, std::string_view text) {
    size_t start = out.size();
    out.resize(start + text.size());
    AsciiLowerInto(out.data() + start, text);
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
