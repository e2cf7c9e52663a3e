// The three severities a finding or detection carries, in increasing order.
#pragma once

#include <cstdint>
#include <string_view>

namespace minetrace {

enum class Severity : uint8_t { kLow, kMedium, kHigh };
std::string_view ToString(Severity severity);

} // namespace minetrace
