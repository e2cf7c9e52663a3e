#include "core/escape.hpp"

#include <cstdint>

namespace minetrace {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD
constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at text[i] (1..4), or 0 when the byte at i does not
// start one. Sets code_point for valid sequences. Follows the well-formed byte table of Unicode
// (Table 3-7), so overlongs, surrogates and values above U+10FFFF are rejected.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t& code_point) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    const size_t left = text.size() - i;
    if (b0 < 0x80) {
        code_point = b0;
        return 1;
    }
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (left < len) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b1 < lo || b1 > hi) return 0;
    uint32_t cp = b0 & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    cp = (cp << 6) | (b1 & 0x3Fu);
    for (size_t k = 2; k < len; ++k) {
        const unsigned char b = byte(i + k);
        if (b < 0x80 || b > 0xBF) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    code_point = cp;
    return len;
}

void AppendHexByte(std::string& out, const char* prefix, unsigned char b) {
    out.append(prefix);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
}

// C1 controls and the bidi controls that reorder what a reader sees (embeddings, overrides,
// isolates, and the invisible marks LRM, RLM, ALM): escaped in every sink that keeps text.
bool IsHiddenControl(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

void AppendU4(std::string& out, uint32_t cp) {
    out.append("\\u");
    out.push_back(kHex[(cp >> 12) & 0xF]);
    out.push_back(kHex[(cp >> 8) & 0xF]);
    out.push_back(kHex[(cp >> 4) & 0xF]);
    out.push_back(kHex[cp & 0xF]);
}

// A plain decimal number: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
bool IsPlainNumber(std::string_view s) {
    size_t i = 0;
    const auto digits = [&]() {
        size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i - start;
    };
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t mantissa = digits();
    if (i < s.size() && s[i] == '.') {
        ++i;
        mantissa += digits();
    }
    if (mantissa == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == s.size();
}

bool IsAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

} // namespace

std::string_view TrimAsciiSpace(std::string_view text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && IsAsciiSpace(text[begin])) ++begin;
    while (end > begin && IsAsciiSpace(text[end - 1])) --end;
    return text.substr(begin, end - begin);
}

bool IsValidUtf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        uint32_t cp = 0;
        size_t len = DecodeUtf8(text, i, cp);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
    size_t i = 0;
    size_t run = 0; // start of the pending pass-through run
    const auto flush = [&]() { out.append(text.data() + run, i - run); };
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
            ++i;
            continue;
        }
        if (b >= 0x80) {
            uint32_t cp = 0;
            size_t len = DecodeUtf8(text, i, cp);
            if (len != 0 && cp != 0x2028 && cp != 0x2029 && !IsHiddenControl(cp)) {
                i += len;
                continue;
            }
            flush();
            if (len == 0) {
                out.append(kReplacement);
                i += 1;
            } else {
                AppendU4(out, cp);
                i += len;
            }
            run = i;
            continue;
        }
        flush();
        switch (b) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            AppendU4(out, b);
            break; // other C0 controls and DEL
        }
        ++i;
        run = i;
    }
    flush();
}

void AppendJsonString(std::string& out, std::string_view text) {
    out.push_back('"');
    AppendJsonEscaped(out, text);
    out.push_back('"');
}

void AppendCsvField(std::string& out, std::string_view text) {
    if (text.empty()) return;

    size_t first = 0;
    while (first < text.size() && text[first] == ' ') ++first;
    bool guard = false;
    if (first < text.size()) {
        const char c = text[first];
        guard = (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') &&
                !IsPlainNumber(text.substr(first));
    }
    bool quote = guard || text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                 text.back() == '\t';
    for (size_t k = 0; !quote && k < text.size(); ++k) {
        const char c = text[k];
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }

    if (quote) out.push_back('"');
    if (guard) out.push_back('\'');
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= 0x80) {
            uint32_t cp = 0;
            size_t len = DecodeUtf8(text, i, cp);
            if (len == 0) {
                out.append(kReplacement);
                i += 1;
            } else if (IsHiddenControl(cp)) {
                AppendU4(out, cp);
                i += len;
            } else {
                out.append(text.data() + i, len);
                i += len;
            }
            continue;
        }
        if (b == '"') {
            out.append("\"\"");
        } else if ((b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b == 0x7F) {
            AppendHexByte(out, "\\x", b);
        } else {
            out.push_back(static_cast<char>(b));
        }
        ++i;
    }
    if (quote) out.push_back('"');
}

void AppendTerminalSafe(std::string& out, std::string_view text) {
    size_t i = 0;
    size_t run = 0;
    const auto flush = [&]() { out.append(text.data() + run, i - run); };
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7F) {
            ++i;
            continue;
        }
        if (b < 0x80) { // C0 control or DEL
            flush();
            AppendHexByte(out, "\\x", b);
            ++i;
            run = i;
            continue;
        }
        uint32_t cp = 0;
        size_t len = DecodeUtf8(text, i, cp);
        if (len == 0) {
            flush();
            AppendHexByte(out, "\\x", b);
            ++i;
            run = i;
            continue;
        }
        if (IsHiddenControl(cp)) {
            flush();
            AppendU4(out, cp);
            i += len;
            run = i;
            continue;
        }
        i += len;
    }
    flush();
}

bool HasHiddenControl(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        size_t len = static_cast<unsigned char>(text[i]) >= 0x80 ? DecodeUtf8(text, i, cp) : 0;
        if (len != 0 && IsHiddenControl(cp)) return true;
        i += len != 0 ? len : 1;
    }
    return false;
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
    size_t i = 0;
    size_t run = 0;
    const auto flush = [&]() { out.append(text.data() + run, i - run); };
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= 0x80) {
            uint32_t cp = 0;
            size_t len = DecodeUtf8(text, i, cp);
            if (len != 0 && !(cp >= 0x80 && cp <= 0x9F)) {
                i += len;
                continue;
            }
            flush();
            out.append(kReplacement);
            i += len == 0 ? 1 : len;
            run = i;
            continue;
        }
        std::string_view entity;
        switch (b) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            entity = "&#39;";
            break;
        default:
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
                entity = kReplacement;
            }
            break;
        }
        if (!entity.empty()) {
            flush();
            out.append(entity);
            run = i + 1;
        }
        ++i;
    }
    flush();
}

} // namespace minetrace
