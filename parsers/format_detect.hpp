// Content shape detection from the first bytes of a file's decompressed content (never from the
// file name: exports are renamed, compressed and concatenated in the wild).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace minetrace {

enum class ContentShape : uint8_t { kEmpty, kJsonLines, kJsonStream, kCsv, kUnknown };
std::string_view ToString(ContentShape s); // "empty" "json-lines" "json-stream" "csv" "unknown"

// How many head bytes DetectShape looks at (the reader passes at most this many).
inline constexpr size_t kDetectHeadBytes = 64 * 1024;

// Decides from the first bytes of decompressed content (up to kDetectHeadBytes; `at_end` true
// when that is all of it). Pure function, thread-safe.
// kJsonLines: after an optional BOM and whitespace the first line is one complete, balanced JSON
//   object that is a bare record (not a {"records"|"value"|"items"|"tables":[...]} wrapper), and
//   either there is no further non-empty line or the next one starts with `{` or `[`. A first
//   line longer than the head counts as JSON Lines when it starts with `{` and the head shows no
//   wrapper key and no second value on it.
// kJsonStream: starts with `[` or `{` but is not JSON Lines (pretty-printed documents, arrays,
//   wrappers on one line, several documents per line). The stream splitter also handles one
//   bare object per line, so choosing it for a wrapper line loses nothing.
// kCsv: the first line is a plausible CSV header: at least 3 comma-separated cells, no `{`/`[`
//   at the start, no control bytes.
// kEmpty: only whitespace/BOM and at_end. kUnknown otherwise (including a head of only
//   whitespace that is not the whole content).
ContentShape DetectShape(std::string_view head, bool at_end);

// Length of the UTF-8 BOMs at the start of `head`: 3 per mark (a file may carry several), or 0.
size_t Utf8BomLength(std::string_view head);

} // namespace minetrace
