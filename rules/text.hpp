// Small text helpers shared by the rule loader and the matcher: base64, and regex construction
// from literals and Sigma wildcards (ASCII case folding is core/ascii.hpp).
//
// All functions are pure and thread-safe. Functions taking `out` append to it without clearing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::rules_text {

bool IsAscii(std::string_view text);

// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::string_view data);

// The three strings Sigma's `base64offset` modifier produces: the stable middle part of the
// base64 text of `needle` at each of the three byte offsets it can start at inside a longer
// encoded blob. Any base64 text that contains the encoded needle contains one of them.
std::vector<std::string> Base64OffsetVariants(std::string_view needle);

// Decodes `text` when the whole of it is base64 (standard or URL-safe alphabet, padding optional,
// no whitespace) and at least kMinBase64Length long; appends the bytes to `out`. Returns false
// (and leaves `out` as it was) otherwise. Short values are refused because short words
// ("test", "admin") are valid base64 too.
inline constexpr size_t kMinBase64Length = 16;
bool DecodeBase64(std::string_view text, std::string& out);

// RE2 pattern that matches `literal` exactly (every metacharacter escaped).
std::string QuoteRegex(std::string_view literal);

// RE2 pattern for a Sigma value: unescaped `*` is any run of characters, `?` any one character,
// `\*` `\?` `\\` are the literal characters; every other character is literal.
std::string SigmaWildcardToRegex(std::string_view value);
// True when `value` has an unescaped Sigma wildcard.
bool HasSigmaWildcard(std::string_view value);
// The literal text of a Sigma value without wildcards (escapes resolved).
std::string SigmaUnescape(std::string_view value);

// 64-bit FNV-1a, used to compare flattened JSON paths quickly.
uint64_t Fnv1a(std::string_view text);
// Fnv1a(a + b) given hash = Fnv1a(a).
uint64_t Fnv1aAppend(uint64_t hash, std::string_view b);

} // namespace minetrace::rules_text
