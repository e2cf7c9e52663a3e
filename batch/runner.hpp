// The nightly run: every case of a config, one after the other, under the state directory's
// lock. Per case:
//   catalog scan -> slices of new bytes -> Engine::Ingest into a new segment -> segments outside
//   the look-back window dropped, old ones compacted (Engine::Compact) -> Engine::Analyze into
//   the run's temporary output folder -> alerts against the previous run's findings -> the
//   folder published as OUT/STAMP and OUT/latest -> the case's state committed -> segments no
//   longer listed removed -> one summary line on `out`.
// The state is committed last, per case: a run killed at any point leaves every case either at
// its previous state or at this run's, and the next run with the same --now produces what an
// uninterrupted run would have (tests/unit/batch/crash_test.cpp kills it at every step). A case
// whose last committed run has this run's time is not run again (its summary is printed as it
// was, marked "already done").
//
// Look-back window: a segment is analyzed while its newest record is inside the case's
// look_back_days before --now. Segments whose newest record is more than kCompactAfterDays old
// are merged per UTC week (of 7 days since the epoch) once the week is wholly that old, so a
// case holds at most 2 * kCompactAfterDays nightly segments plus one per older week of the
// window; records of a compacted week can be analyzed up to a week past the window (never fewer
// days than look_back_days).
//
// Exit codes (README.md, docs/nightly.md), the run's being the worst of its cases':
//   0 nothing new: no new or escalated finding, every input read
//   1 internal failure of some case (its state not committed; the other cases ran)
//   2 usage or configuration error (nothing ran)
//   3 some input unreadable, newly rewritten, or with quarantined records; no new findings
//   4 new or escalated findings (alerts.jsonl is not empty); every input read
//   5 both 4 and 3
//   75 another run holds the state directory (EX_TEMPFAIL: try again later)
//
// Thread-safety: one RunBatch per state directory at a time (the lock sees to it across
// processes).
#pragma once

#include "batch/batch_config.hpp"
#include "batch/engine.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

inline constexpr int kBatchNothingNew = 0;
inline constexpr int kBatchInternal = 1;
inline constexpr int kBatchUsage = 2;
inline constexpr int kBatchInputProblems = 3;
inline constexpr int kBatchNewFindings = 4;
inline constexpr int kBatchNewFindingsAndInputProblems = 5;
inline constexpr int kBatchBusy = 75;

inline constexpr int kCompactAfterDays = 7;

struct RunOptions {
    int64_t now_us = 0;      // the run's time, whole seconds (--now, else the clock)
    double wait_seconds = 0; // for the state directory's lock
    // Called at every step of the run with the step's name (test hook: the crash tests kill the
    // process there). May be empty.
    std::function<void(std::string_view)> on_step;
};

struct CaseOutcome {
    std::string name;
    int exit_code = kBatchNothingNew;
    std::string summary; // the line printed on `out`
    bool already_done = false;
};

struct BatchOutcome {
    int exit_code = kBatchNothingNew;
    std::vector<CaseOutcome> cases;
};

// The worst of two exit codes (internal > both > findings or inputs > nothing new).
int CombineExitCodes(int a, int b);

// Runs every case of `config` (which must have no errors). Summary lines go to `out`, problems
// and cleanup notes to `err`.
BatchOutcome RunBatch(const BatchConfig& config, Engine& engine, const RunOptions& options,
                      std::ostream& out, std::ostream& err);

} // namespace minetrace::batch
