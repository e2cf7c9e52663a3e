#include "provenance/analyzer.hpp"
#include "provenance/severity.hpp"

#include <algorithm>

namespace minetrace::analysis {

// Reported: see IsNotable, and the owner of a managed identity behind findings. Ordinary CPU
// compute by ordinary callers is not a finding; it stays in principals.jsonl's counts.
bool Analyzer::Notable(const ResourceFinding& f) {
    return IsNotable(f.severity, f.signals) || !f.identity_used_for.empty();
}

// Compute in kSweepRegions+ regions within a day either side of the finding's act
// (RegionSweep: O(log n) per finding, whatever the principal's count of creations).
bool Analyzer::Swept(const ResourceFinding& f) const {
    const Principal* who = f.responsible();
    auto it = compute_regions_.find(who->object_id + "|" + who->name);
    if (it == compute_regions_.end()) return false;
    const int64_t at = f.responsible_at_us();
    return it->second.Swept(at - kMicrosPerDay, at + kMicrosPerDay);
}

// The rating of a finding: its facts and the cross-resource indexes (regions per principal,
// miner parents) gathered, the verdict from RateFinding (severity.cpp).
void Analyzer::Rate(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops) const {
    FindingFacts facts;
    facts.signals = f.signals;
    facts.resource_type = f.resource_type;
    facts.status = f.status;
    if (!ops.empty()) facts.status_code = ops.front()->status_code;
    if (auto size = f.details.find("vm_size"); size != f.details.end())
        facts.vm_size = &size->second;
    facts.preparation = f.preparation;
    facts.authorized_by = f.authorized_by.get();
    GrantContext context;
    if (f.authorized_by) {
        context = WeighGrant(f);
        facts.grant_context = &context;
    }
    facts.created_at_us = f.responsible_at_us();
    facts.sweep = f.responsible() && Swept(f);
    facts.miner_parent = miner_parents_.count(f.resource_id) > 0;
    facts.created_by = f.responsible();
    facts.pre_existing = !f.created_by && f.pre_existing;
    facts.act = f.act;
    Verdict verdict = RateFinding(facts);
    f.severity = verdict.severity;
    for (std::string& reason : verdict.reasons) f.reasons.push_back(std::move(reason));
}

void Analyzer::Implicate(ResourceFinding& f) const {
    const Principal* who = f.responsible();
    if (f.severity != Severity::kLow || !who) return;
    if (suspects_.count(who->object_id) && InIncidentWindow(who->object_id, f.responsible_at_us()))
        minetrace::Implicate(f.severity, f.reasons, *who, f.created_by != nullptr);
}

} // namespace minetrace::analysis
