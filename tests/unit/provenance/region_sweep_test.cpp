// RegionSweep (provenance/region_sweep.hpp) against the walk it replaced: on randomized creations
// and windows, the index answers exactly as counting the distinct regions in the window does.
#include "provenance/region_sweep.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <utility>
#include <vector>

using minetrace::analysis::RegionSweep;

namespace {

// The reference: the distinct regions of the creations at times in [from, to].
bool BruteForce(const std::vector<std::pair<int64_t, uint32_t>>& creations, int64_t from,
                int64_t to, size_t regions) {
    std::set<uint32_t> seen;
    for (const auto& [at, region] : creations)
        if (at >= from && at <= to) seen.insert(region);
    return seen.size() >= regions;
}

} // namespace

TEST_CASE("RegionSweep answers as the brute-force count on random creations", "[region_sweep]") {
    std::mt19937_64 rng(20260302);
    size_t swept = 0;
    size_t questions = 0;
    for (int round = 0; round < 400; ++round) {
        const size_t n = rng() % 60;
        const uint32_t region_count = 1 + static_cast<uint32_t>(rng() % 5);
        const int64_t span = 1 + static_cast<int64_t>(rng() % 200);
        const size_t regions = 1 + rng() % 4;
        // Runs of one region (the shape that made the walk quadratic) as well as mixed ones.
        const bool runs = rng() % 2 == 0;
        RegionSweep sweep;
        std::vector<std::pair<int64_t, uint32_t>> creations;
        uint32_t region = 0;
        for (size_t i = 0; i < n; ++i) {
            if (!runs || rng() % 8 == 0) region = static_cast<uint32_t>(rng() % region_count);
            int64_t at = static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
            sweep.Add(at, region);
            creations.emplace_back(at, region);
        }
        sweep.Seal(regions);
        REQUIRE(std::is_sorted(sweep.creations().begin(), sweep.creations().end()));
        for (int q = 0; q < 50; ++q) {
            int64_t from = static_cast<int64_t>(rng() % static_cast<uint64_t>(span + 20)) - 10;
            int64_t to = from + static_cast<int64_t>(rng() % static_cast<uint64_t>(span + 1)) - 2;
            bool want = BruteForce(creations, from, to, regions);
            INFO("round " << round << ": window [" << from << ", " << to << "], " << regions
                          << " regions");
            REQUIRE(sweep.Swept(from, to) == want);
            swept += want;
            ++questions;
        }
    }
    // Both answers occur often enough for the comparison to mean something.
    CHECK(swept > questions / 10);
    CHECK(swept < questions * 9 / 10);
}

TEST_CASE("RegionSweep: the window's ends are included, and no creation is no sweep",
          "[region_sweep]") {
    RegionSweep empty;
    empty.Seal(3);
    CHECK_FALSE(empty.Swept(0, 100));

    RegionSweep sweep;
    sweep.Add(30, 2);
    sweep.Add(10, 0);
    sweep.Add(20, 1);
    sweep.Add(20, 1);
    sweep.Seal(3);
    CHECK(sweep.Swept(10, 30));
    CHECK_FALSE(sweep.Swept(11, 30));
    CHECK_FALSE(sweep.Swept(10, 29));
    CHECK(sweep.Swept(-5, 100));
    CHECK_FALSE(sweep.Swept(40, 100));
    CHECK_FALSE(sweep.Swept(30, 10)); // an empty window
}

TEST_CASE("RegionSweep: one region after another, many creations", "[region_sweep]") {
    // 60% in region 0, 39% in region 1, the rest in region 2: the walk's worst case.
    constexpr int64_t kN = 200000;
    RegionSweep sweep;
    for (int64_t i = 0; i < kN; ++i) sweep.Add(i, i < kN * 6 / 10 ? 0 : i < kN * 99 / 100 ? 1 : 2);
    sweep.Seal(3);
    CHECK(sweep.Swept(0, kN));
    CHECK(sweep.Swept(kN * 6 / 10 - 1, kN * 99 / 100));
    CHECK_FALSE(sweep.Swept(kN * 6 / 10, kN));
    CHECK_FALSE(sweep.Swept(0, kN * 99 / 100 - 1));
}
