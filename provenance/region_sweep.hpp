// RegionSweep: one principal's compute creations (time, region), answering "did it create compute
// in `regions`+ distinct regions within [from, to]?" in O(log n) per question after an O(n log n)
// Seal, instead of walking the window (quadratic when one principal creates many resources a day
// in fewer regions than that, or in them region after region).
//
// After sorting, each creation i holds the position where, walking on from i, the `regions`-th
// distinct region first appears (n if never). A window [a, b] of positions holds that many
// distinct regions exactly when that position of a is at most b: walking from a, the count of
// distinct regions reaches `regions` at that position and not before.
//
// Not thread-safe while filling; Seal once, then any number of readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace minetrace::analysis {

class RegionSweep {
  public:
    void Add(int64_t at_us, uint32_t region) { creations_.emplace_back(at_us, region); }
    // Sorts the creations and builds the index; `regions` is the count that makes a sweep (>= 1).
    void Seal(size_t regions);
    // True when the creations at times in [from_us, to_us] (both included) are in `regions`+
    // distinct regions. Only after Seal.
    bool Swept(int64_t from_us, int64_t to_us) const;

    const std::vector<std::pair<int64_t, uint32_t>>& creations() const { return creations_; }

  private:
    std::vector<std::pair<int64_t, uint32_t>> creations_; // sorted by Seal
    std::vector<uint32_t> nth_region_at_;                 // per creation, see above
};

} // namespace minetrace::analysis
