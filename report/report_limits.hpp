// How much of a big answer report.html and report.md show, so that they stay readable (and well
// under 10 MB) at any scale; everything stays in the JSONL outputs. The one place of the limits.
//
//   findings    full cards for high, then medium findings, at most kFullCards; the others (the
//               rest of high and medium, and every low) as one table row each, at most
//               kTableRows, then "N more in resources.jsonl"
//   detections  cards for high and critical, then medium detections, at most kDetectionCards; the
//               others as table rows, at most kDetectionRows, then "N more in detections.jsonl"
//   principals  at most kPrincipalRows rows: those behind findings (worst first), then the busiest
//               (most events), shown in principals.jsonl's order, then "N more in principals.jsonl"
//
// Counts (per severity, per level) always cover everything.
#pragma once

#include <cstddef>

namespace minetrace {

inline constexpr size_t kFullCards = 200;
inline constexpr size_t kTableRows = 2000;
inline constexpr size_t kDetectionCards = 200;
inline constexpr size_t kDetectionRows = 2000;
inline constexpr size_t kPrincipalRows = 2000;

} // namespace minetrace
