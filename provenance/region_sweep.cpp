#include "provenance/region_sweep.hpp"

#include <algorithm>

namespace minetrace::analysis {

void RegionSweep::Seal(size_t regions) {
    std::sort(creations_.begin(), creations_.end());
    const auto n = static_cast<uint32_t>(creations_.size());
    nth_region_at_.assign(n, n);
    if (regions == 0) regions = 1;
    // Walking from the end: `nearest` holds the distinct regions first seen at or after i, at
    // most `regions` of them, each with that first position, nearest first. Inserting region(i)
    // at the front (moving it there if already held) keeps it so: a region dropped off the back
    // is never needed again until it occurs itself, when it comes to the front anew.
    std::vector<std::pair<uint32_t, uint32_t>> nearest; // region, first position
    nearest.reserve(regions + 1);
    for (uint32_t i = n; i-- > 0;) {
        const uint32_t region = creations_[i].second;
        auto held = std::find_if(nearest.begin(), nearest.end(),
                                 [&](const auto& r) { return r.first == region; });
        if (held != nearest.end()) nearest.erase(held);
        nearest.insert(nearest.begin(), {region, i});
        if (nearest.size() > regions) nearest.pop_back();
        if (nearest.size() == regions) nth_region_at_[i] = nearest.back().second;
    }
}

bool RegionSweep::Swept(int64_t from_us, int64_t to_us) const {
    auto from = std::lower_bound(creations_.begin(), creations_.end(), from_us,
                                 [](const auto& c, int64_t at) { return c.first < at; });
    auto to = std::upper_bound(creations_.begin(), creations_.end(), to_us,
                               [](int64_t at, const auto& c) { return at < c.first; });
    if (from >= to) return false;
    const auto a = static_cast<size_t>(from - creations_.begin());
    const auto b = static_cast<size_t>(to - creations_.begin()); // one past the window
    return nth_region_at_[a] < b;
}

} // namespace minetrace::analysis
