// Alerts: this run's findings against the previous run's, so a nightly run reports only what is
// new or got worse, each finding under an id that stays the same from night to night.
//
// Identity: a finding's id is a hash of the case's tenant id, the lowercased resource id and the
// finding's kind (StableAlertId), so the same finding keeps its id across runs, engines and
// machines, and two cases never share one.
// States:
//   new        not seen in any earlier run (still remembered)
//   escalated  seen before, and its severity is now higher than any run had reported it
//   unchanged  seen before, not more severe than reported (a drop in severity is not news)
//   gone       seen in the previous run, not in this one (its records aged out of the look-back
//              window, or the analysis no longer rates it); remembered for the look-back window,
//              so one that comes back is not new again
// alerts.jsonl and alerts.ocsf.jsonl hold the new and escalated findings only (what someone must
// act on). Gone ones are not alerts: they are listed, with every other finding of the run, in
// findings.jsonl. Order everywhere: severity (highest first), creation time, id.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include "batch/engine.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

enum class AlertState : uint8_t { kNew, kEscalated, kUnchanged, kGone };
std::string_view AlertStateName(AlertState state);

// What the state keeps of a finding between runs.
struct FindingRecord {
    std::string id;
    std::string resource_id;
    std::string kind;
    std::string title;
    std::string principal;
    Severity severity = Severity::kLow; // in the last run that saw it
    Severity peak = Severity::kLow;     // the highest any run reported
    int64_t created_at_us = -1;
    int64_t first_reported_us = -1; // the run that first reported it
    int64_t last_seen_us = -1;      // the last run that saw it
    int64_t gone_us = -1;           // the run that first missed it; -1 while seen

    bool operator==(const FindingRecord&) const = default;
};

struct Alert {
    FindingRecord finding;
    AlertState state = AlertState::kNew;
    Severity previous = Severity::kLow; // escalated: the highest severity reported before
    std::vector<std::string> evidence;  // this run's, sorted, at most kMaxAlertEvidence
};

inline constexpr size_t kMaxAlertEvidence = 32;

// Who and when: written into every alert.
struct AlertContext {
    std::string case_name;
    std::string tenant_id;
    int64_t run_us = 0;       // this run's time (--now)
    uint64_t run_counter = 0; // 1 for a case's first run
    std::string state_epoch;  // changes only when the case starts over
};

// 32 lowercase hex digits: SHA-256 of the tenant id, lowercased resource id and kind.
std::string StableAlertId(std::string_view tenant_id, std::string_view resource_id,
                          std::string_view kind);

struct AlertComparison {
    std::vector<Alert> alerts;       // every finding of this run, and those gone since the last
    std::vector<FindingRecord> next; // what the state keeps for the next run, sorted by id
};

// Findings of one (tenant, resource, kind) are merged first: the highest severity, the earliest
// creation, the evidence of all. Gone records that went before `forget_gone_before_us` are
// dropped from `next`.
AlertComparison CompareFindings(const std::vector<Finding>& current,
                                const std::vector<FindingRecord>& previous,
                                const AlertContext& context, int64_t forget_gone_before_us);

// alerts.jsonl: the new and escalated alerts, one JSON object per line.
void WriteAlertsJsonl(std::ostream& out, const std::vector<Alert>& alerts,
                      const AlertContext& context);
// alerts.ocsf.jsonl: the same alerts as OCSF 1.1.0 Detection Findings (class_uid 2004): activity
// 1 (Create) for new, 2 (Update) for escalated; times in milliseconds.
void WriteAlertsOcsf(std::ostream& out, const std::vector<Alert>& alerts,
                     const AlertContext& context);
// findings.jsonl: every alert with its state (new, escalated, unchanged, gone).
void WriteFindingsJsonl(std::ostream& out, const std::vector<Alert>& alerts,
                        const AlertContext& context);

// The state's form of a record (`{"type": "finding", ...}`, no newline), and back.
void AppendFindingRecordJson(std::string& out, const FindingRecord& record);
bool ParseFindingRecordJson(std::string_view line, FindingRecord& record, std::string& error);

} // namespace minetrace::batch
