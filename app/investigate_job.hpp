// The investigate job as a library call: rules -> ingest -> analysis -> every output file in one
// directory. No argument parsing and no terminal: the CLI is one caller (it parses options,
// draws the progress bar and prints the summary), a batch runner or another front end can be
// another.
//
// Thread-safety: one job per process at a time (it sets TBB's global parallelism for its run).
#pragma once

#include "pipeline/accounting.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/retained_store.hpp"
#include "report/coverage.hpp"
#include "report/report.hpp"
#include "rules/rule.hpp"

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace minetrace {

class ProgressMeter;

struct InvestigateConfig {
    ExpandedInputs inputs;         // resolved by the caller; `missing` must be empty
    std::filesystem::path out_dir; // created if needed; claimed as an OutputSet (output_set.hpp)
    bool force = false;            // replace an earlier run's files there (never other files)
    std::vector<Language> languages = {Language::kEnglish, Language::kJapanese};
    std::vector<std::string> rule_sources; // rule files and directories, in load order
    // Threads and reader limits; the job sets the matcher and its own preparers.
    IngestOptions ingest;
    QuarantineLimits quarantine;           // how many quarantined records quarantine.jsonl holds
    RetainedStoreOptions store;            // an empty spill_dir means DefaultSpillDir()
    std::vector<std::string> command_line; // recorded in manifest.json
    ProgressMeter* progress = nullptr;     // last consumer of the ingest, finished when it ends
    std::ostream* timings = nullptr;       // wall time and memory of each phase, when set
    // Non-empty: `minetrace analyze`. The job replays the files of these segments (segment.hpp)
    // in path order instead of reading `inputs` (which must be empty), and writes the same
    // outputs a run over those files would.
    std::vector<std::filesystem::path> segments;
};

// What a run produced. `config_errors` non-empty: nothing ran and no output was written (a
// refused output directory is left as it was).
// Otherwise every output is in out_dir and the members describe it; they stay valid as long as
// the outcome lives.
struct InvestigateOutcome {
    std::vector<std::string> config_errors; // unusable spill dir, out dir, broken rules
    std::vector<LintMessage> rule_errors;   // each broken rule (file:line), also in config_errors
    std::unique_ptr<Accounting> accounting;
    std::unique_ptr<Investigation> investigation; // the kept records the result's views point at
    std::unique_ptr<InvestigationResult> result;
    std::vector<std::string> report_files; // the reports for people, by name in out_dir
    std::vector<std::string> input_errors; // directories that could not be listed
    std::vector<std::string> output_notes; // what claiming out_dir did (an earlier run removed)

    bool ran() const { return config_errors.empty(); }
    // Every input readable and no record quarantined.
    bool clean() const { return ran() && accounting->clean() && input_errors.empty(); }
    // The analysis state is large; freeing it node by node costs about a tenth of a run. A
    // process about to exit calls this to let the exit take it (the members become null).
    void ReleaseWithoutFreeing();
};

InvestigateOutcome RunInvestigation(const InvestigateConfig& config);

// `minetrace ingest PATH... --segment FILE`: the ingest of `investigate`, written as a segment.
struct SegmentIngestConfig {
    ExpandedInputs inputs; // resolved by the caller; `missing` must be empty
    std::filesystem::path segment;
    std::vector<std::string> rule_sources;
    IngestOptions ingest;
    RetainedStoreOptions store;
    ProgressMeter* progress = nullptr;
};

struct SegmentIngestOutcome {
    std::vector<std::string> config_errors; // nothing ran, nothing written
    std::unique_ptr<Accounting> accounting; // what was read (files, records, quarantine counts)
    std::vector<std::string> input_errors;  // directories that could not be listed
    InputCoverage coverage;                 // the time range read, per subscription
    bool ran() const { return config_errors.empty(); }
    bool clean() const { return ran() && accounting->clean() && input_errors.empty(); }
};

SegmentIngestOutcome RunSegmentIngest(const SegmentIngestConfig& config);

// What identifies a rule set for segments: SHA-256 (hex) of every rule's description in index
// order; a segment is analysed only with the rules it was ingested with.
std::string RulesFingerprint(const std::vector<RuleInfo>& rules);

} // namespace minetrace
