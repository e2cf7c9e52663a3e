#include "core/text_output.hpp"

#include <iterator>

namespace minetrace {

std::string FormatBytes(uint64_t bytes) {
    static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) return std::to_string(bytes) + " B";
    size_t unit = 0;
    uint64_t scaled = bytes;
    while (scaled >= 1024 * 1024 && unit + 1 < std::size(kUnits)) {
        scaled /= 1024;
        ++unit;
    }
    uint64_t tenths = scaled * 10 / 1024;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + kUnits[unit];
}

} // namespace minetrace
