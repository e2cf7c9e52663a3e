// Small helpers for writing text outputs: sizes for people, and block-wise handing of a string
// being built to its stream (the files themselves: core/output_set.hpp).
//
// Pure and thread-safe (FlushIfLarge touches only its arguments).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace minetrace {

// "812 B", "45.3 MiB", "2.6 GiB": binary units, one decimal, integer arithmetic only, so the
// text never depends on floating-point formatting or locale.
std::string FormatBytes(uint64_t bytes);

// Writers build their output in `out` a piece at a time (a line, a card) and call this after each
// piece: once `out` holds a block, it goes to `stream` and `out` is emptied, so a writer's memory
// does not grow with what it writes.
inline void FlushIfLarge(std::ostream& stream, std::string& out) {
    constexpr size_t kBlockBytes = 1u << 20;
    if (out.size() < kBlockBytes) return;
    stream << out;
    out.clear();
}

} // namespace minetrace
