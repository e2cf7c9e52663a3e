#include "app/investigate_job.hpp"

#include "core/byte_form.hpp"
#include "core/escape.hpp"
#include "core/output_set.hpp"
#include "core/sha256.hpp"
#include "core/text_output.hpp"
#include "core/timestamp.hpp"
#include "core/version.hpp"
#include "pipeline/progress.hpp"
#include "provenance/outputs.hpp"
#include "provenance/rules_glue.hpp"
#include "report/coverage.hpp"
#include "segment/segment.hpp"

#include <chrono>
#include <fstream>
#include <malloc.h>
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>
#include <tbb/global_control.h>
#include <tbb/task_group.h>
#include <unistd.h>

namespace minetrace {

namespace fs = std::filesystem;

namespace {

// Wall time and memory of each phase, for profiling (MINETRACE_TIMINGS=1 in the CLI).
class PhaseTimer {
  public:
    explicit PhaseTimer(std::ostream* out) : out_(out) {}
    void Lap(const char* phase) {
        if (out_ == nullptr) return;
        auto now = std::chrono::steady_clock::now();
        *out_ << "minetrace: timing " << phase << " "
              << std::chrono::duration<double>(now - last_).count() << " s, " << Status("VmRSS")
              << " resident, " << Status("VmHWM") << " peak\n";
        last_ = now;
    }
    void Note(const std::string& text) {
        if (out_ != nullptr) *out_ << "minetrace: timing " << text << "\n";
    }

  private:
    // A line of /proc/self/status ("VmRSS", "VmHWM"), e.g. "123456 kB".
    static std::string Status(std::string_view key) {
        std::ifstream status("/proc/self/status");
        std::string line;
        while (std::getline(status, line))
            if (line.rfind(key, 0) == 0 && line.size() > key.size() + 1)
                return std::string(TrimAsciiSpace(std::string_view(line).substr(key.size() + 1)));
        return "?";
    }

    std::ostream* out_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

std::string UtcNow() {
    auto now = std::chrono::system_clock::now();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    return FormatRfc3339Micros(us);
}

std::string HostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

// Everything that can be found wrong before any input is read or any output opened.
bool CheckConfig(const InvestigateConfig& config, RetainedStoreOptions& store, RuleSet& rules,
                 InvestigateOutcome& outcome) {
    if (store.spill_dir.empty()) store.spill_dir = DefaultSpillDir();
    // Found out now, not after minutes of ingest when the first run is spilled.
    std::error_code ec;
    if (!fs::is_directory(store.spill_dir, ec) || access(store.spill_dir.c_str(), W_OK | X_OK) != 0)
        outcome.config_errors.push_back("the spill directory " + store.spill_dir +
                                        " (--spill-dir, else $TMPDIR, else /tmp) is not a "
                                        "writable directory");
    if (config.languages.empty()) outcome.config_errors.push_back("no response pack language");
    if (!config.inputs.missing.empty())
        outcome.config_errors.push_back("an input path does not exist");
    rules = RuleSet::Load(config.rule_sources, outcome.rule_errors);
    for (const LintMessage& m : outcome.rule_errors)
        outcome.config_errors.push_back(m.file + ":" + std::to_string(m.line) + ": " + m.rule_id +
                                        ": " + m.message);
    // A run without rules would find nothing and look clean (a binary copied without its packs).
    if (outcome.rule_errors.empty() && rules.size() == 0)
        outcome.config_errors.push_back(
            "no detection rules loaded (no shipped packs found beside the binary or in its "
            "install prefix, and no --rules): a run without rules cannot find anything");
    // An input that is the output directory or inside it would read back a run's own outputs.
    for (const std::string& path : config.inputs.given)
        if (path != "-" && IsInside(path, config.out_dir))
            outcome.config_errors.push_back("the input " + path +
                                            " is the output directory or inside it (--out)");
    return outcome.config_errors.empty();
}

// Every name an investigate run may write, in any language: an earlier run's files are known.
std::set<std::string> OwnedNames() {
    std::set<std::string> names = {"resources.jsonl",  "subscriptions.jsonl", "principals.jsonl",
                                   "detections.jsonl", "timeline.jsonl",      "timeline.csv",
                                   "manifest.json",    "quarantine.jsonl"};
    for (const std::string& name : ReportFileNames({Language::kEnglish, Language::kJapanese}))
        names.insert(name);
    return names;
}

} // namespace

namespace {

// Opens every segment (each verified whole), checks that they were ingested with these rules,
// and orders their files by path as one run over all of them would read them (a directory's
// files are read in path order); the same file in several segments is read once, the same path
// with other content is an error.
bool OpenSegments(const InvestigateConfig& config, const std::vector<RuleInfo>& rules,
                  std::vector<Segment>& segments, ExpandedInputs& inputs,
                  std::vector<std::vector<std::pair<size_t, size_t>>>& replayed_from,
                  std::vector<std::string>& errors) {
    const std::string fingerprint = RulesFingerprint(rules);
    for (const fs::path& file : config.segments) {
        try {
            segments.emplace_back(file);
        } catch (const SegmentRefused& e) {
            errors.push_back(e.what());
            continue;
        }
        if (segments.back().rules_fingerprint() != fingerprint)
            errors.push_back("segment " + file.string() +
                             " was ingested with other rules than these (--rules)");
    }
    if (!errors.empty()) return false;
    // Per path, its slices (FileSlice) by where they begin: one whole file has one, a blob read
    // night by night one per night, each beginning where the one before stopped.
    std::map<std::string, std::map<uint64_t, std::pair<size_t, size_t>>> by_path;
    std::set<std::string> input_errors;
    for (size_t s = 0; s < segments.size(); ++s) {
        for (const std::string& e : segments[s].input_errors()) input_errors.insert(e);
        const std::vector<SegmentFile>& files = segments[s].files();
        for (size_t f = 0; f < files.size(); ++f) {
            auto [it, fresh] = by_path[files[f].path].try_emplace(files[f].begin, s, f);
            if (fresh) continue;
            // Which one is read: ChooseSlice (segment.hpp).
            const SegmentFile& first = segments[it->second.first].files()[it->second.second];
            const SliceChoice choice = ChooseSlice(first, files[f]);
            if (choice == SliceChoice::kTakeSecond) it->second = {s, f};
            if (choice == SliceChoice::kConflict)
                errors.push_back("the file " + files[f].path + " is in segments " +
                                 segments[it->second.first].file().string() + " and " +
                                 segments[s].file().string() + " with different content");
        }
    }
    inputs = ExpandedInputs{};
    for (const auto& [path, slices] : by_path) {
        uint64_t next = 0;
        for (const auto& [begin, at] : slices) {
            const SegmentFile& slice = segments[at.first].files()[at.second];
            if (begin != next)
                errors.push_back("the file " + path + " is read in slices that " +
                                 (begin < next ? "overlap" : "leave a gap") + " at byte " +
                                 std::to_string(std::min(begin, next)));
            next = slice.consumed;
        }
        inputs.files.push_back(path);
        auto& parts = replayed_from.emplace_back();
        for (const auto& [begin, at] : slices) parts.push_back(at);
    }
    inputs.errors.assign(input_errors.begin(), input_errors.end());
    return errors.empty();
}

} // namespace

std::string RulesFingerprint(const std::vector<RuleInfo>& rules) {
    std::string bytes;
    for (const RuleInfo& r : rules)
        for (const std::string* field : {&r.id, &r.title, &r.signal, &r.content_note, &r.level})
            PutText(bytes, *field);
    Sha256 sha;
    sha.Update(bytes);
    return ToHex(sha.Finish());
}

SegmentIngestOutcome RunSegmentIngest(const SegmentIngestConfig& config) {
    SegmentIngestOutcome outcome;
    RetainedStoreOptions store = config.store;
    if (store.spill_dir.empty()) store.spill_dir = DefaultSpillDir();
    if (!config.inputs.missing.empty())
        outcome.config_errors.push_back("an input path does not exist");
    std::vector<LintMessage> rule_errors;
    RuleSet rules = RuleSet::Load(config.rule_sources, rule_errors);
    for (const LintMessage& m : rule_errors)
        outcome.config_errors.push_back(m.file + ":" + std::to_string(m.line) + ": " + m.rule_id +
                                        ": " + m.message);
    if (rule_errors.empty() && rules.size() == 0)
        outcome.config_errors.push_back("no detection rules loaded");
    std::error_code ec;
    if (fs::is_symlink(config.segment, ec) || fs::is_directory(config.segment, ec))
        outcome.config_errors.push_back("the segment path " + config.segment.string() +
                                        " is a directory or a symlink");
    for (const std::string& path : config.inputs.files)
        if (path != "-" && fs::equivalent(path, config.segment, ec))
            outcome.config_errors.push_back("the segment " + config.segment.string() +
                                            " is one of the inputs");
    if (!outcome.config_errors.empty()) return outcome;
    RuleSetMatcher matcher(rules);
    const std::vector<std::string>& files = config.inputs.files;
    outcome.input_errors = config.inputs.errors;
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                    ResolveThreads(config.ingest.threads));
    outcome.accounting = std::make_unique<Accounting>(files, nullptr);
    std::vector<RuleInfo> infos = DescribeRules(rules);
    Investigation investigation(files, infos, store);
    investigation.SetRecordOnly(true); // the segment holds what it would keep
    CoverageCollector coverage;
    SegmentRecorder recorder(config.segment, files,
                             {outcome.accounting.get(), &investigation, &coverage},
                             RulesFingerprint(infos), config.inputs.errors);
    IngestOptions ingest = config.ingest;
    ingest.matcher = &matcher;
    ingest.preparers = {&investigation};
    std::vector<BatchConsumer*> consumers = {outcome.accounting.get(), &investigation, &coverage,
                                             &recorder};
    if (config.progress != nullptr) consumers.push_back(config.progress);
    RunIngest(files, ingest, consumers);
    if (config.progress != nullptr) config.progress->Finish();
    recorder.Finish();
    outcome.coverage = coverage.Result();
    return outcome;
}

void InvestigateOutcome::ReleaseWithoutFreeing() {
    static_cast<void>(result.release());
    static_cast<void>(investigation.release());
}

InvestigateOutcome RunInvestigation(const InvestigateConfig& config) {
    InvestigateOutcome outcome;
    RetainedStoreOptions store = config.store;
    RuleSet rules;
    if (!CheckConfig(config, store, rules, outcome)) return outcome;
    // analyze: the segments, verified whole, give the files (by path) and the input errors.
    std::vector<Segment> segments;
    // By file id: its slices in order, each as (segment, index in its files).
    std::vector<std::vector<std::pair<size_t, size_t>>> replayed_from;
    ExpandedInputs inputs = config.inputs;
    if (!config.segments.empty()) {
        if (!OpenSegments(config, DescribeRules(rules), segments, inputs, replayed_from,
                          outcome.config_errors))
            return outcome;
    }
    std::unique_ptr<OutputSet> claimed;
    try {
        claimed = std::make_unique<OutputSet>(config.out_dir, OwnedNames(), config.force);
    } catch (const OutputSetRefused& e) {
        outcome.config_errors.push_back(e.what());
        return outcome;
    }
    OutputSet& outputs = *claimed;
    outcome.output_notes = outputs.notes();
    RuleSetMatcher matcher(rules);
    // Files inside the output directory (an input folder that holds it) are never read back.
    // (Segments hold what was read already: their files are replayed whatever their path.)
    if (segments.empty()) {
        std::erase_if(inputs.files, [&](const std::string& f) {
            return f != "-" && IsInside(f, config.out_dir);
        });
        if (size_t skipped = config.inputs.files.size() - inputs.files.size())
            outcome.output_notes.push_back(
                std::to_string(skipped) +
                " files inside the output directory are not read as input");
    }
    outcome.input_errors = inputs.errors;

    PendingOutput quarantine_file(outputs.dir(), "quarantine.jsonl");
    std::ostream& quarantine_out = quarantine_file.stream();
    RunInfo run;
    run.rule_sources = config.rule_sources;
    run.command_line = config.command_line;
    run.input_errors = inputs.errors;
    run.started_at = UtcNow();
    run.host = HostName();
    run.threads = ResolveThreads(config.ingest.threads);
    // The thread count bounds the analysis after ingest too (it runs parallel passes).
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, run.threads);
    auto started = std::chrono::steady_clock::now();
    PhaseTimer timer(config.timings);

    outcome.accounting =
        std::make_unique<Accounting>(inputs.files, &quarantine_out, config.quarantine);
    Accounting& accounting = *outcome.accounting;
    std::vector<RuleInfo> rule_infos = DescribeRules(rules);
    outcome.investigation = std::make_unique<Investigation>(inputs.files, rule_infos, store);
    Investigation& investigation = *outcome.investigation;
    CoverageCollector coverage;
    IngestOptions ingest = config.ingest;
    ingest.matcher = &matcher;
    ingest.preparers = {&investigation}; // its per-event work runs in the parallel stage
    if (segments.empty()) {
        std::vector<BatchConsumer*> consumers = {&accounting, &investigation, &coverage};
        if (config.progress != nullptr) consumers.push_back(config.progress);
        RunIngest(inputs.files, ingest, consumers);
        if (config.progress != nullptr) config.progress->Finish();
    } else {
        // Each file from the segment that holds it, in the order of inputs.files.
        const std::vector<ReplayableConsumer*> replayed = {&accounting, &investigation, &coverage};
        for (uint32_t id = 0; id < replayed_from.size(); ++id)
            for (const auto& [segment, index] : replayed_from[id])
                segments[segment].Replay(index, id, replayed);
    }
    // The pipeline's batches were freed on the worker threads' malloc arenas, which the analysis
    // (this thread) does not reuse: give those pages back before the analysis grows.
    malloc_trim(0);
    timer.Lap("ingest");
    timer.Note("kept " + std::to_string(investigation.retained_count()) + " records, " +
               FormatBytes(investigation.store().bytes()) + ", " +
               std::to_string(investigation.store().spilled_runs()) + " runs spilled");
    outcome.result = std::make_unique<InvestigationResult>(investigation.Analyze());
    // The same event in overlapping exports is counted once: the manifest says how often not.
    accounting.SetDuplicates(investigation.duplicates_per_file());
    const InvestigationResult& result = *outcome.result;
    // The analysis's chunks were freed on the worker threads' arenas as well: the outputs are
    // written with less, so give the pages back before they grow.
    malloc_trim(0);
    timer.Lap("analyze");

    // The reports' facts are read from the result here, before the task below reads it: the
    // detections and the timeline are stores that one reader at a time may pass over.
    InputCoverage input_coverage = coverage.Result();
    ReportContext context{result,     accounting.files(), input_coverage,
                          rule_infos, inputs.errors,      {}};
    CachedFacts(context);

    auto write = [&](const char* name, auto&& writer) {
        outputs.Write(name, [&](std::ostream& file) { writer(file, result); });
    };
    // The machine-readable outputs are written by a task while this thread writes the reports
    // for people (themselves one task per file); all only read the (immutable) result, and the
    // thread count bounds them all.
    tbb::task_group machine_outputs;
    machine_outputs.run([&] {
        write("resources.jsonl", WriteResources);
        write("subscriptions.jsonl", WriteSubscriptions);
        write("principals.jsonl", WritePrincipals);
        write("detections.jsonl", WriteDetections);
        write("timeline.jsonl", WriteTimelineJsonl);
        write("timeline.csv", WriteTimelineCsv);
    });
    try {
        run.finished_at = UtcNow();
        run.duration_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        outputs.Record(quarantine_file.Finish());
        outputs.Write("manifest.json",
                      [&](std::ostream& manifest) { accounting.WriteManifest(manifest, run); });

        // The reports for people, from the same result and the manifest's accounting.
        outcome.report_files = WriteReportFiles(outputs, context, config.languages);
    } catch (...) {
        machine_outputs.wait(); // the task reads `result`: it must end before the unwinding
        throw;
    }
    machine_outputs.wait(); // rethrows a write failure
    // Last: the completion marker with every file's hash. Until it is there the set reads as
    // incomplete (a killed or failed run leaves no marker and its in-progress file).
    outputs.Commit(std::string("minetrace ") + kVersion);
    timer.Lap("outputs");
    return outcome;
}

} // namespace minetrace
