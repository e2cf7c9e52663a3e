#include "rules/text.hpp"

#include <re2/re2.h>

namespace minetrace::rules_text {

bool IsAscii(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// -1 for bytes outside both alphabets.
int DecodeChar(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

} // namespace

std::string Base64Encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                     (static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                     static_cast<uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    size_t rest = data.size() - i;
    if (rest == 1) {
        uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.append("==");
    } else if (rest == 2) {
        uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                     (static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

std::vector<std::string> Base64OffsetVariants(std::string_view needle) {
    // Same construction as Sigma's base64offset modifier: prefix 0..2 filler bytes, encode, and
    // cut the characters that depend on the unknown neighbouring bytes.
    static constexpr size_t kStart[3] = {0, 2, 3};
    static constexpr size_t kEndCut[3] = {0, 3, 2}; // indexed by (len + offset) % 3
    std::vector<std::string> out;
    for (size_t offset = 0; offset < 3; ++offset) {
        std::string padded(offset, ' ');
        padded.append(needle);
        std::string encoded = Base64Encode(padded);
        size_t cut = kEndCut[(needle.size() + offset) % 3];
        size_t start = kStart[offset];
        if (encoded.size() < start + cut) continue;
        std::string variant = encoded.substr(start, encoded.size() - start - cut);
        if (!variant.empty()) out.push_back(std::move(variant));
    }
    return out;
}

bool DecodeBase64(std::string_view text, std::string& out) {
    if (text.size() < kMinBase64Length) return false;
    size_t len = text.size();
    size_t pad = 0;
    while (len > 0 && text[len - 1] == '=' && pad < 2) {
        --len;
        ++pad;
    }
    if (pad > 0 && text.size() % 4 != 0) return false;
    if (len % 4 == 1) return false;
    size_t start = out.size();
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; ++i) {
        int v = DecodeChar(static_cast<unsigned char>(text[i]));
        if (v < 0) {
            out.resize(start);
            return false;
        }
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return true;
}

std::string QuoteRegex(std::string_view literal) {
    return RE2::QuoteMeta(re2::StringPiece(literal.data(), literal.size()));
}

bool HasSigmaWildcard(std::string_view value) {
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '\\' && i + 1 < value.size() &&
            (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
            ++i;
            continue;
        }
        if (c == '*' || c == '?') return true;
    }
    return false;
}

std::string SigmaUnescape(std::string_view value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '\\' && i + 1 < value.size() &&
            (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
            out.push_back(value[++i]);
            continue;
        }
        out.push_back(c);
    }
    return out;
}

std::string SigmaWildcardToRegex(std::string_view value) {
    std::string out;
    std::string literal;
    auto flush = [&] {
        if (!literal.empty()) out += QuoteRegex(literal);
        literal.clear();
    };
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '\\' && i + 1 < value.size() &&
            (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
            literal.push_back(value[++i]);
        } else if (c == '*') {
            flush();
            out += "(?s:.*)";
        } else if (c == '?') {
            flush();
            out += "(?s:.)";
        } else {
            literal.push_back(c);
        }
    }
    flush();
    return out;
}

uint64_t Fnv1a(std::string_view text) {
    return Fnv1aAppend(1469598103934665603ULL, text);
}

uint64_t Fnv1aAppend(uint64_t hash, std::string_view b) {
    for (char c : b) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return hash;
}

} // namespace minetrace::rules_text
