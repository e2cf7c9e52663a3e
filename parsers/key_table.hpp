// Key normalization and KeyTable, a constexpr perfect lookup from the keys logs write to small
// ids. Header-only: the lookups sit on the per-key hot path of every record.
#pragma once

#include "core/ascii.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace minetrace::record_parsing {

// Normalizes into a fixed buffer without allocating (the per-key hot path). Returns an empty view
// when the normalized key is longer than the buffer. The buffer needs no initialization.
template <size_t N>
std::string_view NormalizeKeyInto(std::string_view key, std::array<char, N>& buffer) {
    if (key.size() >= 3 && static_cast<unsigned char>(key[0]) == 0xEF &&
        static_cast<unsigned char>(key[1]) == 0xBB && static_cast<unsigned char>(key[2]) == 0xBF)
        key.remove_prefix(3);
    size_t n = 0;
    for (char c : key) {
        if (c == '[') break; // "TimeGenerated [UTC]"
        if (c == '_' || c == '-' || c == ' ' || c == '\t' || c == '"') continue;
        if (n == buffer.size()) return {}; // longer than any key we map
        buffer[n++] = AsciiLower(c);
    }
    return {buffer.data(), n};
}

// A normalized key name and what it means to one walk (0: nothing).
struct KeyName {
    std::string_view name;
    uint8_t id;
};

// No key any walk maps normalizes to more than this, so keys are normalized into a buffer of
// this size: a longer key cannot match (NormalizeKeyInto returns an empty view for it).
constexpr size_t kMaxMappedKey = 32;
using KeyBuffer = std::array<char, kMaxMappedKey>;

// Bytes that NormalizeKeyInto drops or stops at, and the first byte of a UTF-8 BOM: a key
// without them normalizes to its ASCII-lowercased self.
constexpr std::array<bool, 256> kNormalizingBytes = [] {
    std::array<bool, 256> bytes{};
    for (unsigned char c : {'_', '-', ' ', '\t', '"', '['}) bytes[c] = true;
    bytes[0xEF] = true;
    return bytes;
}();

inline uint64_t Load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline uint32_t Load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// True when text[0, size) holds a backslash, i.e. a JSON string with escapes. Short texts (most
// keys and values) are checked 8 bytes at a time inline, longer ones by memchr.
inline bool HasBackslash(const char* text, size_t size) {
    if (size >= 32) return std::memchr(text, '\\', size) != nullptr;
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    auto any = [&](size_t at) {
        uint64_t v = Load64(text + at) ^ (kOnes * '\\');
        return ((v - kOnes) & ~v & kHigh) != 0; // a zero byte: a backslash
    };
    if (size >= 8) {
        for (size_t at = 0; at + 8 < size; at += 8)
            if (any(at)) return true;
        return any(size - 8);
    }
    for (size_t i = 0; i < size; ++i)
        if (text[i] == '\\') return true;
    return false;
}

// False only when `key` has none of kNormalizingBytes. Checks 8 bytes at a time for a superset:
// bytes below '0' (space, tab, '"', '-', also '.' '/' '$'), '[' to '_', and non-ASCII bytes; a
// key flagged by the superset is only normalized exactly, so letters and digits are what count.
inline bool MayNormalizeDifferently(std::string_view key) {
    const char* p = key.data();
    const size_t n = key.size();
    if (n < 8) {
        for (size_t i = 0; i < n; ++i)
            if (kNormalizingBytes[static_cast<unsigned char>(p[i])]) return true;
        return false;
    }
    auto flagged = [](uint64_t x) {
        constexpr uint64_t kOnes = 0x0101010101010101ULL;
        constexpr uint64_t kHigh = 0x8080808080808080ULL;
        const uint64_t below_digits = (x - kOnes * '0') & ~x & kHigh; // some byte < '0'
        const uint64_t offset = x | kHigh; // per byte, no borrow: see AsciiUpperBytes
        const uint64_t brackets = (offset - kOnes * '[') & ~(offset - kOnes * ('_' + 1)) & ~x;
        return ((below_digits | brackets | x) & kHigh) != 0;
    };
    for (size_t at = 0; at + 8 < n; at += 8)
        if (flagged(Load64(p + at))) return true;
    return flagged(Load64(p + n - 8));
}

// Normalized key -> id. Lookups go straight to the names of the key's length and compare them
// ASCII-case-insensitively a word at a time, so the spellings logs use (`resourceId`,
// `callerIpAddress`, claim URIs' last segments) match without being normalized first; only
// keys that normalization would change otherwise (`_`, `-`, spaces, `[`, a BOM) are normalized.
template <size_t N> class KeyTable {
  public:
    constexpr explicit KeyTable(const std::array<KeyName, N>& names) {
        std::array<KeyName, N> sorted = names;
        std::sort(sorted.begin(), sorted.end(), [](const KeyName& a, const KeyName& b) {
            return a.name.size() < b.name.size() ||
                   (a.name.size() == b.name.size() && a.name < b.name);
        });
        for (size_t i = 0; i < N; ++i) {
            Entry& e = entries_[i];
            const std::string_view name = sorted[i].name;
            e.size = static_cast<uint8_t>(name.size() <= kMaxMappedKey ? name.size() : 0);
            e.id = sorted[i].id;
            for (size_t j = 0; j < e.size; ++j) {
                e.name[j] = name[j];
                e.fold[j] = (name[j] >= 'a' && name[j] <= 'z') ? '\x20' : '\0';
            }
            valid_ = valid_ && !name.empty() && name.size() <= kMaxMappedKey && e.id != 0 &&
                     (i == 0 || sorted[i - 1].name != name); // one meaning per name
            for (char c : name)
                valid_ = valid_ && c == AsciiLower(c) &&
                         !kNormalizingBytes[static_cast<unsigned char>(c)];
        }
        valid_ = valid_ && N < 256;
        size_t i = 0;
        for (size_t length = 0; length < first_.size(); ++length) {
            while (i < N && entries_[i].size < length) ++i;
            first_[length] = static_cast<uint8_t>(i);
        }
    }

    constexpr bool Valid() const { return valid_; }

    // The id of a key as written in a log, 0 when the table does not map it.
    uint8_t FindKey(std::string_view key) const {
        if (key.size() <= kMaxMappedKey) {
            if (uint8_t id = FindAs(key, true)) return id;
        }
        if (!MayNormalizeDifferently(key)) return 0;
        KeyBuffer buffer;
        return FindNormalized(NormalizeKeyInto(key, buffer));
    }

    // The id of an already normalized key, 0 when the table does not map it.
    uint8_t FindNormalized(std::string_view key) const {
        return key.size() <= kMaxMappedKey ? FindAs(key, false) : 0;
    }

  private:
    struct Entry {
        char name[kMaxMappedKey]{};
        char fold[kMaxMappedKey]{}; // 0x20 under letters: OR-ing it ASCII-lowercases them
        uint8_t size = 0;
        uint8_t id = 0;
    };

    // key.size() <= kMaxMappedKey. With `fold`, key letters match either case.
    uint8_t FindAs(std::string_view key, bool fold) const {
        const size_t n = key.size();
        const char* k = key.data();
        for (size_t i = first_[n], end = first_[n + 1]; i < end; ++i) {
            const Entry& e = entries_[i];
            if ((k[0] | (fold ? e.fold[0] : '\0')) != e.name[0]) continue;
            if (Equals(k, n, e, fold)) return e.id;
        }
        return 0;
    }

    static bool Equals(const char* k, size_t n, const Entry& e, bool fold) {
        if (n >= 8) {
            auto word = [&](size_t at) {
                return (Load64(k + at) | (fold ? Load64(e.fold + at) : 0)) == Load64(e.name + at);
            };
            for (size_t at = 0; at + 8 < n; at += 8)
                if (!word(at)) return false;
            return word(n - 8);
        }
        if (n >= 4) {
            auto word = [&](size_t at) {
                return (Load32(k + at) | (fold ? Load32(e.fold + at) : 0)) == Load32(e.name + at);
            };
            return word(0) && word(n - 4);
        }
        for (size_t i = 0; i < n; ++i)
            if (static_cast<char>(k[i] | (fold ? e.fold[i] : '\0')) != e.name[i]) return false;
        return true;
    }

    std::array<Entry, N> entries_{};
    std::array<uint8_t, kMaxMappedKey + 2> first_{}; // names of length L: [first_[L], first_[L+1])
    bool valid_ = true;
};

template <typename Id, size_t N>
constexpr KeyTable<N> MakeKeyTable(const std::pair<std::string_view, Id> (&names)[N]) {
    std::array<KeyName, N> entries{};
    for (size_t i = 0; i < N; ++i)
        entries[i] = {names[i].first, static_cast<uint8_t>(names[i].second)};
    return KeyTable<N>(entries);
}

// A KeyTable whose rows carry where each key's value goes (`Route`: a member pointer, or a small
// struct naming a handler), so one row adds a key and its destination. The ids of the KeyTable
// index the routes; routes_[0], a default Route, answers keys the table does not map.
template <typename Route, size_t N> class RouteTable {
  public:
    constexpr explicit RouteTable(const std::pair<std::string_view, Route> (&names)[N])
        : keys_(Ids(names)) {
        for (size_t i = 0; i < N; ++i) routes_[i + 1] = names[i].second;
    }

    constexpr bool Valid() const { return keys_.Valid(); }

    // The route of a key as written in a log (see KeyTable::FindKey).
    const Route& FindKey(std::string_view key) const { return routes_[keys_.FindKey(key)]; }

    // The row of a key as written in a log (0: not mapped), and the route of a row.
    uint8_t FindId(std::string_view key) const { return keys_.FindKey(key); }
    const Route& At(uint8_t id) const { return routes_[id]; }
    // The row of an already normalized key (0: not mapped).
    uint8_t FindNormalizedId(std::string_view key) const { return keys_.FindNormalized(key); }

    // The route of an already normalized key.
    const Route& FindNormalized(std::string_view key) const {
        return routes_[keys_.FindNormalized(key)];
    }

  private:
    static constexpr std::array<KeyName, N>
    Ids(const std::pair<std::string_view, Route> (&names)[N]) {
        std::array<KeyName, N> ids{};
        for (size_t i = 0; i < N; ++i) ids[i] = {names[i].first, static_cast<uint8_t>(i + 1)};
        return ids;
    }

    KeyTable<N> keys_; // Valid() only when N < 256, so the ids i + 1 fit
    std::array<Route, N + 1> routes_{};
};

} // namespace minetrace::record_parsing
