// The analysis's tunables: time windows, budgets and chunk sizes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace minetrace::analysis {

inline constexpr int64_t kMicrosPerHour = 3600LL * 1000 * 1000;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// Preparation (quota requests, registrations, grants, failed attempts) counts toward a creation
// when it happened at most this long before it, by the same principal in the same subscription.
inline constexpr int64_t kPreparationWindow = 7 * kMicrosPerDay;
// A role grant this recent before a creation is "fresh".
inline constexpr int64_t kFreshGrantWindow = 7 * kMicrosPerDay;
// Compute in this many regions within a day by one principal is a region sweep.
inline constexpr size_t kSweepRegions = 3;
// Distinct days on which the same caller did the same operation on a resource for it to count as
// routine (nightly automation), not as the act that names an intruder.
inline constexpr size_t kRoutineDays = 3;
inline constexpr size_t kMaxEvidence = 64;
inline constexpr size_t kMaxIpsPerPrincipal = 64;
// Bytes of timeline entries held in memory before they spill (at most --spill-after).
inline constexpr size_t kTimelineBudget = 4u << 20;
inline constexpr size_t kMaxBodyBytes = 256 * 1024;
// Resources built at once by the parallel analysis passes, and about how many bytes of kept
// records they may hold (a resource's records are never split). Two chunks are alive at once
// (one processed, the next merged), each several times its bytes once decoded and folded: at
// 8 MiB they were the analysis's largest holding after the indexes, and 4 MiB keeps 2 threads
// as busy (8 GiB input: analysis 4.0 s either way, peak 191 -> 161 MB).
inline constexpr size_t kAnalysisChunk = 2048;
inline constexpr size_t kAnalysisChunkBytes = 4u << 20;

} // namespace minetrace::analysis
