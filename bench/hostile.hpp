// Hostile shapes: small, deliberately lopsided activity logs that stress one bound each (issue 15
// §3), unlike ActivityGenerator's realistic estate. scripts/bench --scaling drives them.
//
//   sweep         one principal creating `count` CPU VMs in one day, region by region (the
//                 first 60% in eastus, the next 39% in westus, the rest in westeurope): every
//                 creation's one-day window holds all of them and the third region comes last,
//                 the worst case of the region-sweep check.
//   one-resource  `count` operations on one virtual machine by 50 callers over 30 days.
//   callers       `count` distinct callers, each starting one of 1000 virtual machines once.
//   garbage       about `count` bytes of lines that are not JSON (1 to 60 bytes each), with a
//                 valid record first and every 1000th line.
//
// Every record is one complete Success record; but for garbage, `count` is the number of records.
// The output is a pure function of (profile, count, seed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace minetrace::bench {

enum class Hostile : uint8_t { kSweep, kOneResource, kCallers, kGarbage };

// False for an unknown name.
bool ParseHostile(std::string_view name, Hostile& out);
std::string_view ToString(Hostile profile);

// Writes the profile's records, handing `flush` about every 4 MiB of text (and the rest at the
// end); returns the number of records (lines) written.
uint64_t WriteHostile(Hostile profile, uint64_t count, uint64_t seed,
                      const std::function<void(std::string&)>& flush);

} // namespace minetrace::bench
