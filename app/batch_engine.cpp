#include "app/batch_engine.hpp"

#include "app/investigate_job.hpp"
#include "core/ascii.hpp"
#include "provenance/principal_wording.hpp"
#include "provenance/rules_glue.hpp"
#include "report/coverage.hpp"
#include "segment/segment.hpp"

#include <algorithm>
#include <map>

namespace minetrace {

namespace {

constexpr size_t kEvidencePerFinding = 3;

std::vector<std::string> RuleSources(const batch::EngineOptions& options) {
    std::vector<std::string> extra;
    for (const auto& r : options.rules) extra.push_back(r.string());
    return RuleLocations(extra, /*use_default=*/true);
}

std::string EvidenceText(std::string_view file, uint64_t line, uint64_t offset,
                         const Sha256Digest& sha256) {
    return std::string(file) + ":" + std::to_string(line) + "@" + std::to_string(offset) + " " +
           ToHex(sha256);
}

// The oldest and newest record a coverage saw; -1 when none.
void TimeRange(const InputCoverage& coverage, batch::SegmentInfo& info) {
    auto see = [&](int64_t first, int64_t last) {
        info.oldest_us = info.oldest_us < 0 ? first : std::min(info.oldest_us, first);
        info.newest_us = std::max(info.newest_us, last);
    };
    for (const SubscriptionCoverage& s : coverage.activity)
        if (s.events > 0) see(s.first_us, s.last_us);
    if (coverage.partner_center_events > 0)
        see(coverage.partner_center_first_us, coverage.partner_center_last_us);
}

// The product's engine: segments (segment/segment.hpp) made and analysed by the investigate job.
class SegmentEngine : public batch::Engine {
  public:
    std::vector<std::string> Check(const batch::EngineOptions& options) override {
        std::vector<std::string> errors;
        std::vector<LintMessage> lint;
        RuleSet rules = RuleSet::Load(RuleSources(options), lint);
        for (const LintMessage& m : lint)
            errors.push_back(m.file + ":" + std::to_string(m.line) + ": " + m.rule_id + ": " +
                             m.message);
        if (lint.empty() && rules.size() == 0) errors.push_back("no detection rules loaded");
        for (const std::string& l : options.languages)
            if (l != "en" && l != "ja") errors.push_back("unknown language " + l);
        return errors;
    }

    batch::IngestResult Ingest(const std::vector<batch::SegmentSlice>& slices,
                               const std::filesystem::path& segment_file,
                               const batch::EngineOptions& options) override {
        SegmentIngestConfig config;
        for (const batch::SegmentSlice& s : slices) {
            config.inputs.files.push_back(s.path);
            config.ingest.reader.slices.push_back(FileSlice{s.begin, s.end});
        }
        config.segment = segment_file;
        config.rule_sources = RuleSources(options);
        config.ingest.threads = options.threads;
        SegmentIngestOutcome outcome = RunSegmentIngest(config);
        if (!outcome.ran()) throw std::runtime_error(outcome.config_errors.front());
        batch::IngestResult result;
        const std::vector<FileAccount>& files = outcome.accounting->files();
        for (size_t i = 0; i < slices.size(); ++i) {
            const FileAccount& f = files.at(i);
            batch::SliceResult& r = result.slices.emplace_back();
            // A compressed or non-JSON-Lines file is read whole: its stored bytes are consumed.
            const bool lines = f.summary.compression == Compression::kNone &&
                               (f.summary.shape == ContentShape::kJsonLines ||
                                f.summary.shape == ContentShape::kEmpty);
            r.consumed_end = lines ? std::max(f.summary.consumed, slices[i].begin)
                                   : std::max(f.summary.size, slices[i].begin);
            r.consumed_end = std::min(r.consumed_end, slices[i].end);
            r.records = f.records_read;
            r.quarantined = f.quarantined_total();
            r.error = f.summary.error;
            result.segment.records += f.events;
        }
        TimeRange(outcome.coverage, result.segment);
        return result;
    }

    batch::AnalyzeResult Analyze(const std::vector<std::filesystem::path>& segments,
                                 const std::filesystem::path& out_dir,
                                 const batch::EngineOptions& options) override {
        InvestigateConfig config;
        config.segments = segments;
        config.out_dir = out_dir;
        config.rule_sources = RuleSources(options);
        config.ingest.threads = options.threads;
        config.languages.clear();
        for (const std::string& l : options.languages)
            config.languages.push_back(l == "ja" ? Language::kJapanese : Language::kEnglish);
        if (config.languages.empty()) config.languages = {Language::kEnglish, Language::kJapanese};
        config.command_line = {"minetrace", "batch"};
        InvestigateOutcome outcome = RunInvestigation(config);
        if (!outcome.ran()) throw std::runtime_error(outcome.config_errors.front());
        batch::AnalyzeResult result;
        result.records = outcome.accounting->unique_events();
        result.inputs_clean = outcome.clean();
        const InvestigationResult& r = *outcome.result;
        for (const ResourceFinding& f : r.resources) {
            batch::Finding& out = result.findings.emplace_back();
            out.resource_id = f.resource_id;
            out.kind = "resource";
            out.severity = f.severity == Severity::kHigh     ? batch::Severity::kHigh
                           : f.severity == Severity::kMedium ? batch::Severity::kMedium
                                                             : batch::Severity::kLow;
            out.created_at_us = f.created_at_us >= 0 ? f.created_at_us : f.first_seen_us;
            if (const Principal* who = f.responsible()) out.principal = DescribePrincipal(*who);
            out.title = std::string(ToString(f.severity)) + " " + f.resource_type + " " + f.name +
                        " (" + f.status + ")";
            for (const EvidenceRef& e : f.evidence) {
                if (out.evidence.size() >= kEvidencePerFinding) break;
                out.evidence.push_back(EvidenceText(e.file, e.line, e.offset, e.sha256));
            }
        }
        // Rule hits outside rated compute: one finding per resource and rule (the first hit's
        // time, the highest level, the first records as evidence).
        std::map<std::pair<std::string, std::string>, batch::Finding> hits;
        r.detections.ForEach([&](const Detection& d) {
            auto [it, fresh] = hits.try_emplace({d.resource_id, d.rule_id});
            batch::Finding& f = it->second;
            batch::Severity level = batch::Severity::kLow;
            batch::ParseSeverity(d.level, level);
            if (fresh) {
                f.resource_id = d.resource_id;
                f.kind = d.rule_id;
                f.title = d.rule_title + " on " + d.resource_id;
                f.severity = level;
                f.created_at_us = d.time_us;
                if (d.principal) f.principal = DescribePrincipal(*d.principal);
            }
            f.severity = std::max(f.severity, level);
            f.created_at_us = std::min(f.created_at_us, d.time_us);
            if (f.evidence.size() < kEvidencePerFinding)
                f.evidence.push_back(EvidenceText(d.file, d.line, d.offset, d.sha256));
        });
        for (auto& [key, f] : hits) result.findings.push_back(std::move(f));
        return result;
    }

    batch::SegmentInfo Compact(const std::vector<std::filesystem::path>& segments,
                               const std::filesystem::path& segment_file) override {
        CompactSegments(segments, segment_file);
        // What it holds, from its accounting and coverage digests.
        Segment compacted(segment_file);
        std::vector<std::string> paths;
        for (const SegmentFile& f : compacted.files()) paths.push_back(f.path);
        Accounting accounting(paths, nullptr);
        CoverageCollector coverage;
        std::vector<ReplayableConsumer*> consumers(compacted.consumers(), nullptr);
        if (consumers.size() == 3) consumers = {&accounting, nullptr, &coverage};
        for (size_t i = 0; i < compacted.files().size(); ++i)
            compacted.Replay(i, static_cast<uint32_t>(i), consumers);
        batch::SegmentInfo info;
        info.records = accounting.events();
        TimeRange(coverage.Result(), info);
        return info;
    }
};

} // namespace

std::unique_ptr<batch::Engine> MakeBatchEngine() {
    return std::make_unique<SegmentEngine>();
}

} // namespace minetrace
