// The facts every human-readable report shows, derived once from an InvestigationResult so that
// report.html, report.md and the response pack state the same things: the summary (severities,
// affected subscriptions, creators, time span, input accounting), one card per resource with its
// provenance chain (grant -> preparation -> creation -> execution -> deletion), rule use, and which
// findings and detections get a card or a table row (report_limits.hpp).
//
// Every string in these structs may come from the logs (attacker-controlled): writers escape all
// of them for their medium; nothing here is markup. BuildFacts is deterministic (same context,
// same facts) and never throws on odd input; pointers in the result point into the context,
// which must outlive it.
#pragma once

#include "pipeline/accounting.hpp"
#include "provenance/model.hpp"
#include "provenance/outputs.hpp"
#include "provenance/principal_wording.hpp" // DescribePrincipal, PrincipalTypeLabel
#include "report/coverage.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

// What the writers are given. `files` is the manifest (Accounting::files()).
struct ReportContext {
    const InvestigationResult& result;
    const std::vector<FileAccount>& files;
    const InputCoverage& coverage;
    const std::vector<RuleInfo>& rules;
    std::vector<std::string> input_errors; // directories that could not be listed
    // BuildFacts' result, built on first use by CachedFacts (each report file needs them).
    // Not thread-safe: build it before report writers run on several threads.
    mutable std::shared_ptr<const struct ReportFacts> facts_cache;
};

enum class Stage : uint8_t { kGrant, kPreparation, kCreation, kExecution, kDeletion };
std::string_view StageName(Stage stage); // "Grant", "Preparation", ...

// One labelled value of a step ("by", "IP", "role", ...). Labels are ours; values are log text.
struct Fact {
    std::string label;
    std::string value;
};

struct StepItem {
    int64_t at_us = -1; // -1: no time
    std::string text;   // one sentence
    std::vector<Fact> facts;
    std::vector<std::string> commands; // command lines / scripts found in request bodies
};

struct ChainStep {
    Stage stage = Stage::kGrant;
    std::vector<StepItem> items;
    std::string absent; // why the step is empty, when it is
};

// A reported resource as the reports show it. Its provenance chain is built by ChainOf when a
// report writes the card: held for every card at once, the chains of a big answer took tens of MB.
struct ResourceCard {
    const ResourceFinding* finding = nullptr;
    std::string region; // details["location"], or empty
};

struct Creator {
    Principal identity;
    size_t resources = 0;
    Severity worst = Severity::kLow;
    int64_t first_us = -1;
    int64_t last_us = -1;
};

struct AffectedSubscription {
    std::string subscription_id;
    std::string name; // friendly name (Partner Center), empty if unknown
    const SubscriptionFinding* finding = nullptr; // who created it; null when not in the input
    size_t high = 0, medium = 0, low = 0;
};

struct ReportSummary {
    size_t high = 0, medium = 0, low = 0;
    std::vector<AffectedSubscription> subscriptions; // every subscription with a finding
    std::vector<Creator> creators;                   // of medium and high findings, worst first
    int64_t first_us = -1;                           // activity span of medium/high findings
    int64_t last_us = -1;
    uint64_t files = 0, files_with_errors = 0, records_read = 0, events = 0, ignored = 0,
             quarantined = 0;
    std::map<std::string, uint64_t> quarantined_by_reason;
};

// Which cards a report shows in full and which as a table row (report_limits.hpp): indexes into
// ReportFacts::cards, each list in card order.
struct CardSelection {
    std::vector<size_t> full;
    std::vector<size_t> rows;
    size_t omitted = 0; // neither: only in resources.jsonl
};

// What the reports show of the detections (report_limits.hpp), read in one pass.
struct DetectionDigest {
    uint64_t total = 0;
    std::map<std::string, uint64_t> by_level;
    std::vector<Detection> cards; // high and critical first, then medium; each in time order
    std::vector<Detection> rows;  // the others, in time order
    uint64_t omitted = 0;         // neither: only in detections.jsonl
};

// Which principals a report lists (report_limits.hpp): copies of result.principals' rows, in its
// (key) order.
struct PrincipalSelection {
    std::vector<PrincipalSummary> rows;
    size_t omitted = 0; // only in principals.jsonl
};

struct ReportFacts {
    ReportSummary summary;
    CardSelection shown;
    DetectionDigest detections;
    PrincipalSelection principals;
    std::vector<ResourceCard> cards;         // in result.resources order
    std::map<std::string, size_t> rule_hits; // rule id -> resources it flagged
    // Children (extensions, run commands, pools) by parent id, in result order: their commands
    // are shown on their own card and on their parent's.
    std::map<std::string, std::vector<const ResourceFinding*>, std::less<>> children;
};

ReportFacts BuildFacts(const ReportContext& context);
// The selections of report_limits.hpp (report_selection.cpp). DigestDetections passes over the
// store once: call it from one thread at a time.
CardSelection SelectCards(const std::vector<ResourceCard>& cards);
DetectionDigest DigestDetections(const Detections& detections);
PrincipalSelection SelectPrincipals(const PrincipalTable& principals);
// The provenance chain of one card: grant, preparation, creation, execution, deletion.
// Thread-safe (reads only).
std::array<ChainStep, 5> ChainOf(const ReportFacts& facts, const ResourceCard& card);
// BuildFacts, once per context.
const ReportFacts& CachedFacts(const ReportContext& context);

// "2026-10-12 08:20:21 UTC"; "-" for a negative time.
std::string ReportTime(int64_t unix_us);
// The finding's name, prefixed with its parent's for child resources:
// "gpu-train-eus-01/CUSTOMSCRIPT" for an extension, "GPU-TRAIN-EUS-01" for the VM.
std::string DisplayName(const ResourceFinding& finding);
// Plain-language label of a preparation signal ("quota increase", ...).
std::string SignalLabel(std::string_view signal);

} // namespace minetrace
