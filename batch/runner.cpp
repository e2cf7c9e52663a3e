#include "batch/runner.hpp"

#include "batch/alerts.hpp"
#include "batch/run_output.hpp"
#include "batch/state_dir.hpp"
#include "core/escape.hpp"
#include "core/json_writer.hpp"
#include "core/output_set.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"

#include <algorithm>
#include <fcntl.h>
#include <map>
#include <optional>
#include <ostream>
#include <unistd.h>

namespace minetrace::batch {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kDayUs = int64_t{86400} * 1000000;
constexpr int64_t kWeekUs = 7 * kDayUs;

int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct InputProblem {
    std::string path;
    std::string problem; // missing, unreadable, rewritten, quarantined, read-error, analysis
    std::string detail;
};

EngineOptions MakeEngineOptions(const BatchConfig& batch, const CaseConfig& one) {
    EngineOptions options;
    options.threads = batch.threads;
    options.languages = one.languages;
    options.rules = one.rules;
    return options;
}

std::string Shown(std::string_view text) {
    std::string shown;
    AppendTerminalSafe(shown, text);
    return shown;
}

void FsyncPath(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw std::runtime_error("cannot open " + path.string());
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw std::runtime_error("fsync " + path.string() + " failed");
}

// Renames an engine-written segment into place durably.
void PublishSegment(const fs::path& temp, const fs::path& final_path) {
    FsyncPath(temp);
    if (::rename(temp.c_str(), final_path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + temp.string() + " to " + final_path.string());
    FsyncDir(final_path.parent_path());
}

fs::path TempSegment(const fs::path& dir, const std::string& name) {
    fs::path temp = dir / ("." + name + ".tmp-" + std::to_string(getpid()));
    ::unlink(temp.c_str());
    return temp;
}

// One case's run from its previous state to its committed next state.
class CaseRun {
  public:
    CaseRun(const BatchConfig& batch, const CaseConfig& config, Engine& engine,
            const StateDir& state, const RunOptions& options, std::ostream& err)
        : batch_(batch), config_(config), engine_(engine), state_(state), options_(options),
          err_(err), stamp_(RunStamp(options.now_us)),
          window_start_us_(options.now_us - int64_t{config.look_back_days} * kDayUs) {}

    CaseOutcome Run(const std::optional<CaseState>& previous);

  private:
    void Step(std::string_view name) {
        if (options_.on_step) options_.on_step(config_.name + ":" + std::string(name));
    }
    void Ingest(CaseState& next, CatalogScan& scan);
    void DropAndCompact(CaseState& next);
    void WriteRunJson(std::ostream& out, const CaseState& next, const CatalogScan& scan,
                      const AlertComparison& alerts, uint64_t records_analyzed, int exit_code);

    const BatchConfig& batch_;
    const CaseConfig& config_;
    Engine& engine_;
    const StateDir& state_;
    const RunOptions& options_;
    std::ostream& err_;
    std::string stamp_;
    int64_t window_start_us_;

    // What this run did, for batch-run.json and the summary.
    std::vector<SegmentSlice> slices_;
    IngestResult ingest_;
    std::vector<InputProblem> problems_;
    std::vector<std::string> dropped_;                                        // segment files
    std::vector<std::pair<std::string, std::vector<std::string>>> compacted_; // into, from
    uint64_t records_ = 0;
    uint64_t quarantined_ = 0;
};

void CaseRun::Ingest(CaseState& next, CatalogScan& scan) {
    slices_ = scan.Slices();
    std::vector<uint64_t> ends;
    if (!slices_.empty()) {
        const std::string name = stamp_ + ".seg";
        fs::path dir = state_.SegmentDir(config_.name);
        fs::path temp = TempSegment(dir, name);
        ingest_ = engine_.Ingest(slices_, temp, MakeEngineOptions(batch_, config_));
        Step("ingested");
        if (ingest_.slices.size() != slices_.size())
            throw std::logic_error("the engine answered " + std::to_string(ingest_.slices.size()) +
                                   " slices of " + std::to_string(slices_.size()));
        for (size_t i = 0; i < slices_.size(); ++i) {
            const SliceResult& r = ingest_.slices[i];
            ends.push_back(r.consumed_end);
            records_ += r.records;
            quarantined_ += r.quarantined;
            if (!r.error.empty()) problems_.push_back({slices_[i].path, "read-error", r.error});
            if (r.quarantined > 0)
                problems_.push_back({slices_[i].path, "quarantined",
                                     std::to_string(r.quarantined) + " records quarantined"});
        }
        // A segment that read records is kept even when it kept none: it also holds the
        // accounting of what it read (quarantined records, file errors).
        uint64_t read = 0;
        for (const SliceResult& r : ingest_.slices) read += r.records;
        if (ingest_.segment.records > 0 || read > 0) {
            PublishSegment(temp, dir / name);
            SegmentRecord s;
            s.file = name;
            s.records = ingest_.segment.records;
            s.oldest_us = ingest_.segment.oldest_us;
            s.newest_us = ingest_.segment.newest_us;
            s.created_us = options_.now_us;
            next.segments.push_back(s);
            Step("segment-renamed");
        } else {
            ::unlink(temp.c_str());
        }
    }
    next.catalog.Apply(scan, ends, options_.now_us, window_start_us_);
}

void CaseRun::DropAndCompact(CaseState& next) {
    std::vector<SegmentRecord> kept;
    for (const SegmentRecord& s : next.segments) {
        if (s.age_key_us() < window_start_us_)
            dropped_.push_back(s.file);
        else
            kept.push_back(s);
    }
    // Whole weeks older than kCompactAfterDays: one segment each.
    const int64_t cutoff = options_.now_us - int64_t{kCompactAfterDays} * kDayUs;
    std::map<int64_t, std::vector<SegmentRecord>> weeks;
    std::vector<SegmentRecord> result;
    for (const SegmentRecord& s : kept) {
        int64_t week = FloorDiv(s.age_key_us(), kWeekUs);
        if ((week + 1) * kWeekUs <= cutoff)
            weeks[week].push_back(s);
        else
            result.push_back(s);
    }
    fs::path dir = state_.SegmentDir(config_.name);
    for (auto& [week, group] : weeks) {
        if (group.size() < 2) {
            result.push_back(group.front());
            continue;
        }
        std::sort(group.begin(), group.end(),
                  [](const SegmentRecord& a, const SegmentRecord& b) { return a.file < b.file; });
        std::string name = stamp_ + "-w" + std::to_string(week) + ".seg";
        std::vector<fs::path> paths;
        std::vector<std::string> from;
        SegmentRecord merged;
        merged.file = name;
        merged.source_segments = 0;
        for (const SegmentRecord& s : group) {
            paths.push_back(dir / s.file);
            from.push_back(s.file);
            merged.source_segments += s.source_segments;
            merged.created_us = std::max(merged.created_us, s.created_us);
        }
        fs::path temp = TempSegment(dir, name);
        SegmentInfo info = engine_.Compact(paths, temp);
        PublishSegment(temp, dir / name);
        merged.records = info.records;
        merged.oldest_us = info.oldest_us;
        merged.newest_us = info.newest_us;
        result.push_back(merged);
        compacted_.emplace_back(name, std::move(from));
        Step("compacted");
    }
    std::sort(result.begin(), result.end(),
              [](const SegmentRecord& a, const SegmentRecord& b) { return a.file < b.file; });
    next.segments = std::move(result);
}

void CaseRun::WriteRunJson(std::ostream& out, const CaseState& next, const CatalogScan& scan,
                           const AlertComparison& alerts, uint64_t records_analyzed,
                           int exit_code) {
    std::string text;
    JsonObjectWriter j(text, JsonEmpty::kKeep);
    j.Str("schema", "minetrace-batch-run/1").Str("tool", std::string("minetrace ") + kVersion);
    j.Str("case", config_.name).Str("tenant_id", config_.tenant_id);
    j.Time("run", options_.now_us).Int("run_counter", next.run_counter);
    j.Str("state_epoch", next.state_epoch).Raw("exit_code", std::to_string(exit_code));
    j.Int("look_back_days", config_.look_back_days).Time("window_start", window_start_us_);
    j.Key("files");
    {
        JsonObjectWriter files(text, JsonEmpty::kKeep);
        for (FileChange change :
             {FileChange::kNew, FileChange::kGrown, FileChange::kUnchanged, FileChange::kRewritten,
              FileChange::kVanished, FileChange::kUnreadable})
            files.Int(FileChangeName(change), scan.Count(change));
        files.Close();
    }
    j.Key("slices");
    text += '[';
    for (size_t i = 0; i < slices_.size(); ++i) {
        if (i) text += ", ";
        JsonObjectWriter s(text, JsonEmpty::kKeep);
        const SliceResult& r = ingest_.slices[i];
        s.Str("path", slices_[i].path).Int("begin", slices_[i].begin).Int("end", slices_[i].end);
        s.Int("consumed_end", r.consumed_end).Int("records", r.records);
        s.Int("quarantined", r.quarantined).Str("error", r.error);
        s.Close();
    }
    text += ']';
    j.Key("input_problems");
    text += '[';
    for (size_t i = 0; i < problems_.size(); ++i) {
        if (i) text += ", ";
        JsonObjectWriter p(text, JsonEmpty::kKeep);
        p.Str("path", problems_[i].path).Str("problem", problems_[i].problem);
        p.Str("detail", problems_[i].detail);
        p.Close();
    }
    text += ']';
    std::vector<std::string> held, vanished;
    for (const FileObservation& f : scan.files) {
        if (f.change == FileChange::kRewritten && !f.reported) held.push_back(f.path);
        if (f.change == FileChange::kVanished && f.reported) vanished.push_back(f.path);
    }
    j.StrArray("rewritten_held", held).StrArray("vanished", vanished);
    j.Key("segments");
    text += '[';
    for (size_t i = 0; i < next.segments.size(); ++i) {
        if (i) text += ", ";
        const SegmentRecord& s = next.segments[i];
        JsonObjectWriter o(text, JsonEmpty::kNull);
        o.Str("file", s.file).Int("records", s.records);
        o.Time("oldest", s.oldest_us).Time("newest", s.newest_us);
        o.Int("source_segments", s.source_segments);
        o.Close();
    }
    text += ']';
    j.StrArray("segments_dropped", dropped_);
    j.Key("segments_compacted");
    text += '[';
    for (size_t i = 0; i < compacted_.size(); ++i) {
        if (i) text += ", ";
        JsonObjectWriter c(text, JsonEmpty::kKeep);
        c.Str("into", compacted_[i].first).StrArray("from", compacted_[i].second);
        c.Close();
    }
    text += ']';
    j.Int("records_ingested", records_).Int("records_quarantined", quarantined_);
    j.Int("records_analyzed", records_analyzed);
    std::map<std::string, uint64_t> states;
    for (AlertState s :
         {AlertState::kNew, AlertState::kEscalated, AlertState::kUnchanged, AlertState::kGone})
        states[std::string(AlertStateName(s))] = 0;
    for (const Alert& a : alerts.alerts) ++states[std::string(AlertStateName(a.state))];
    j.Counts("findings", states);
    j.Close();
    text += '\n';
    out << text;
}

CaseOutcome CaseRun::Run(const std::optional<CaseState>& previous) {
    CaseOutcome outcome;
    outcome.name = config_.name;
    state_.Prepare(config_.name);
    CaseState next;
    if (previous) {
        next = *previous;
    } else {
        next.case_name = config_.name;
        next.tenant_id = config_.tenant_id;
        std::string seed = config_.name + '\0' + config_.tenant_id + '\0' + stamp_;
        next.state_epoch = Sha256Hex(seed).substr(0, 16);
    }

    CatalogScan scan =
        next.catalog.Scan(std::vector<std::string>(config_.inputs.begin(), config_.inputs.end()));
    Step("scanned");
    for (const std::string& e : scan.input_errors) problems_.push_back({e, "missing", e});
    for (const FileObservation& f : scan.files) {
        if (f.change == FileChange::kUnreadable)
            problems_.push_back({f.path, "unreadable", f.detail});
        else if (f.change == FileChange::kRewritten && f.reported)
            problems_.push_back({f.path, "rewritten", f.detail});
    }
    Ingest(next, scan);
    DropAndCompact(next);

    RunOutput output(config_.out, stamp_);
    std::vector<fs::path> segments;
    for (const SegmentRecord& s : next.segments)
        segments.push_back(state_.SegmentDir(config_.name) / s.file);
    AnalyzeResult analysis =
        engine_.Analyze(segments, output.temp_dir(), MakeEngineOptions(batch_, config_));
    Step("analyzed");
    if (!analysis.inputs_clean)
        problems_.push_back(
            {config_.out.string(), "analysis", "the analysis met unreadable input"});

    AlertContext context{config_.name, config_.tenant_id, options_.now_us, next.run_counter + 1,
                         next.state_epoch};
    AlertComparison alerts =
        CompareFindings(analysis.findings, next.findings, context, window_start_us_);
    size_t fresh = 0, escalated = 0, gone = 0;
    for (const Alert& a : alerts.alerts) {
        if (a.state == AlertState::kNew) ++fresh;
        if (a.state == AlertState::kEscalated) ++escalated;
        if (a.state == AlertState::kGone) ++gone;
    }
    int exit_code = kBatchNothingNew;
    if (!problems_.empty()) exit_code = CombineExitCodes(exit_code, kBatchInputProblems);
    if (fresh + escalated > 0) exit_code = CombineExitCodes(exit_code, kBatchNewFindings);

    next.run_counter += 1;
    next.last_run_us = options_.now_us;
    next.last_output = stamp_;
    next.last_exit = exit_code;
    next.findings = std::move(alerts.next);

    output.Write("alerts.jsonl",
                 [&](std::ostream& o) { WriteAlertsJsonl(o, alerts.alerts, context); });
    Step("alerts-written");
    output.Write("alerts.ocsf.jsonl",
                 [&](std::ostream& o) { WriteAlertsOcsf(o, alerts.alerts, context); });
    Step("ocsf-written");
    output.Write("findings.jsonl",
                 [&](std::ostream& o) { WriteFindingsJsonl(o, alerts.alerts, context); });
    Step("findings-written");
    output.Write("batch-run.json", [&](std::ostream& o) {
        WriteRunJson(o, next, scan, alerts, analysis.records, exit_code);
    });
    Step("run-written");
    output.Publish([&](std::string_view step) { Step(step); });
    Step("latest-linked");

    std::string summary = "case=" + Shown(config_.name);
    summary += " files_new=" + std::to_string(scan.Count(FileChange::kNew));
    summary += " files_grown=" + std::to_string(scan.Count(FileChange::kGrown));
    summary += " files_rewritten=" + std::to_string(scan.Count(FileChange::kRewritten));
    summary += " files_unreadable=" + std::to_string(scan.Count(FileChange::kUnreadable));
    summary += " files_vanished=" + std::to_string(scan.Count(FileChange::kVanished));
    summary += " records=" + std::to_string(records_);
    summary += " alerts_new=" + std::to_string(fresh);
    summary += " alerts_escalated=" + std::to_string(escalated);
    summary += " findings=" + std::to_string(alerts.alerts.size() - gone);
    summary += " exit=" + std::to_string(exit_code);
    summary += " out=" + Shown(output.final_dir().string());
    next.last_summary = summary;

    state_.Commit(next);
    Step("committed");
    std::vector<std::string> unlisted = dropped_;
    for (const auto& [into, from] : compacted_)
        unlisted.insert(unlisted.end(), from.begin(), from.end());
    state_.RemoveSegments(config_.name, unlisted);
    Step("segments-removed");

    for (const InputProblem& p : problems_)
        err_ << "minetrace batch: " << Shown(config_.name) << ": " << p.problem << ": "
             << Shown(p.path) << (p.detail == p.path ? "" : ": " + Shown(p.detail)) << "\n";
    outcome.exit_code = exit_code;
    outcome.summary = summary;
    return outcome;
}

// Outputs of runs that were published but never committed (killed between the two): their
// alerts are reported again by this run.
void NoteUncommittedOutputs(const CaseConfig& one, const std::optional<CaseState>& state,
                            const std::string& stamp, std::ostream& err) {
    std::error_code ec;
    std::string last = state ? state->last_output : "";
    std::vector<std::string> found;
    for (const fs::directory_entry& e : fs::directory_iterator(one.out, ec)) {
        std::string name = e.path().filename().string();
        if (name.size() == 18 && name[10] == 'T' && name.back() == 'Z' && name > last &&
            name != stamp)
            found.push_back(name);
    }
    std::sort(found.begin(), found.end());
    for (const std::string& name : found)
        err << "minetrace batch: " << Shown(one.name) << ": " << Shown((one.out / name).string())
            << " is from a run that did not commit; this run reports its alerts again\n";
}

} // namespace

int CombineExitCodes(int a, int b) {
    if (a == kBatchInternal || b == kBatchInternal) return kBatchInternal;
    if (a == kBatchUsage || b == kBatchUsage) return kBatchUsage;
    auto findings = [](int c) {
        return c == kBatchNewFindings || c == kBatchNewFindingsAndInputProblems;
    };
    auto inputs = [](int c) {
        return c == kBatchInputProblems || c == kBatchNewFindingsAndInputProblems;
    };
    bool f = findings(a) || findings(b);
    bool i = inputs(a) || inputs(b);
    if (f && i) return kBatchNewFindingsAndInputProblems;
    if (f) return kBatchNewFindings;
    if (i) return kBatchInputProblems;
    return kBatchNothingNew;
}

BatchOutcome RunBatch(const BatchConfig& config, Engine& engine, const RunOptions& options,
                      std::ostream& out, std::ostream& err) {
    BatchOutcome outcome;
    std::optional<StateLock> lock;
    try {
        lock.emplace(config.state_dir, options.wait_seconds);
    } catch (const StateLockBusy& e) {
        err << "minetrace batch: " << Shown(e.what()) << "\n";
        outcome.exit_code = kBatchBusy;
        return outcome;
    } catch (const std::exception& e) {
        err << "minetrace batch: " << Shown(e.what()) << "\n";
        outcome.exit_code = kBatchInternal;
        return outcome;
    }
    if (options.on_step) options.on_step("locked");
    StateDir state(config.state_dir);
    const std::string stamp = RunStamp(options.now_us);

    // Everything that would make the whole run wrong is checked before any case runs. The states
    // are read again case by case below, so that only one is held at a time.
    std::vector<std::string> unusable(config.cases.size());
    bool usage = false;
    for (size_t c = 0; c < config.cases.size(); ++c) {
        const CaseConfig& one = config.cases[c];
        std::optional<CaseState> previous;
        try {
            previous = state.Load(one.name);
        } catch (const std::exception& e) {
            unusable[c] = e.what();
            continue;
        }
        if (previous && previous->tenant_id != one.tenant_id) {
            err << "minetrace batch: case " << Shown(one.name) << ": tenant_id changed from "
                << Shown(previous->tenant_id) << " to " << one.tenant_id
                << " since its state was made; start the case over (docs/nightly.md) or restore "
                   "the tenant id\n";
            usage = true;
        }
        if (previous && previous->last_run_us > options.now_us) {
            err << "minetrace batch: case " << Shown(one.name) << " was last run at "
                << RunStamp(previous->last_run_us) << ", after --now " << stamp
                << ": nights run in order\n";
            usage = true;
        }
        for (const std::string& e : engine.Check(MakeEngineOptions(config, one))) {
            err << "minetrace batch: case " << Shown(one.name) << ": " << Shown(e) << "\n";
            usage = true;
        }
    }
    if (usage) {
        outcome.exit_code = kBatchUsage;
        return outcome;
    }

    for (size_t c = 0; c < config.cases.size(); ++c) {
        const CaseConfig& one = config.cases[c];
        std::optional<CaseState> previous;
        if (unusable[c].empty()) {
            try {
                previous = state.Load(one.name);
            } catch (const std::exception& e) {
                unusable[c] = e.what(); // changed since the check: as unusable
            }
        }
        if (!unusable[c].empty()) {
            err << "minetrace batch: case " << Shown(one.name)
                << ": its state cannot be used: " << Shown(unusable[c])
                << "; to start the case over, remove " << Shown(state.CaseDir(one.name).string())
                << " (its outputs stay)\n";
            outcome.cases.push_back({one.name, kBatchInternal, "", false});
            outcome.exit_code = CombineExitCodes(outcome.exit_code, kBatchInternal);
            continue;
        }
        const CaseState* committed = previous ? &*previous : nullptr;
        std::vector<std::string> cleaned;
        try {
            cleaned = state.CleanLeftovers(one.name, committed);
            std::vector<std::string> more = CleanOutputLeftovers(one.out);
            cleaned.insert(cleaned.end(), more.begin(), more.end());
        } catch (const std::exception& e) {
            cleaned.push_back(std::string("cleanup failed: ") + e.what());
        }
        for (const std::string& line : cleaned)
            err << "minetrace batch: " << Shown(one.name)
                << ": cleaned up after an interrupted run: " << Shown(line) << "\n";
        if (options.on_step) options.on_step(one.name + ":cleaned");

        if (previous && previous->last_run_us == options.now_us) {
            CaseOutcome done{one.name, previous->last_exit,
                             previous->last_summary + " already_done=yes", true};
            out << done.summary << "\n";
            outcome.exit_code = CombineExitCodes(outcome.exit_code, done.exit_code);
            outcome.cases.push_back(std::move(done));
            continue;
        }
        NoteUncommittedOutputs(one, previous, stamp, err);
        CaseOutcome result;
        try {
            CaseRun run(config, one, engine, state, options, err);
            result = run.Run(previous);
            out << result.summary << "\n";
            out.flush();
        } catch (const std::exception& e) {
            err << "minetrace batch: case " << Shown(one.name)
                << ": internal failure: " << Shown(e.what())
                << "; its state is left as it was (the next run retries)\n";
            result = CaseOutcome{one.name, kBatchInternal, "", false};
            try {
                static_cast<void>(state.CleanLeftovers(one.name, committed));
            } catch (const std::exception&) {
                // The next run's cleanup removes them.
            }
        }
        outcome.exit_code = CombineExitCodes(outcome.exit_code, result.exit_code);
        outcome.cases.push_back(std::move(result));
    }
    return outcome;
}

} // namespace minetrace::batch
