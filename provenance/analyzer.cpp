#include "provenance/analyzer.hpp"

#include "core/arm_id.hpp"
#include "provenance/severity.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <tbb/parallel_for.h>
#include <unordered_set>

namespace minetrace::analysis {

void Analyzer::ForEachGroups(const std::function<void(std::vector<ResourceGroup>&)>& visit,
                             const std::function<bool(std::string_view)>& select,
                             const std::function<bool(const StoredRecord&)>& wanted) {
    // Each pass reads the creation contexts alongside, in the same key order.
    CreationIndex::Cursor contexts = creations_->Read();
    store_.ForEachChunk(
        kAnalysisChunk, kAnalysisChunkBytes,
        [&](const StoredChunk& chunk) {
            std::vector<ResourceGroup> groups = LoadGroups(chunk, rules_, wanted, scratches_);
            for (ResourceGroup& group : groups) group.context = contexts.At(group.key);
            visit(groups);
        },
        select);
}

void Analyzer::Keep(ResourceFinding f) {
    Share(f.created_by);
    Share(f.deleted_by);
    Share(f.actor);
    for (ResourceChange& c : f.changes) Share(c.by);
    for (auto& [field, change] : f.size_changes) Share(change.by);
    std::string id = f.resource_id;
    findings_.emplace(std::move(id), std::move(f));
}

// Pass 2: every relevant resource built, prepared and rated. What is reported so far is kept
// (without its operations: pass 4 reads them again); the rest (rated low and not notable, mostly
// ordinary compute) is dropped here and looked at again in pass 3 only if its creator turns out to
// be behind high findings.
void Analyzer::RateResources() {
    ForEachGroups([&](std::vector<ResourceGroup>& groups) {
        std::vector<std::optional<ResourceFinding>> built(groups.size());
        std::vector<std::vector<Detection>> hits(groups.size());
        tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
            if (!IsRelevant(groups[g].ops)) {
                hits[g] = DetectionsOf(groups[g]); // not compute: its hits are detections
                return;
            }
            if (groups[g].key.empty()) return;
            std::optional<ResourceFinding> f =
                BuildFinding(groups[g].key, groups[g].ops, groups[g].context);
            if (!f) return;
            AttachPreparation(*f);
            Rate(*f, groups[g].ops);
            if (!Notable(*f)) return;
            built[g] = std::move(f);
        });
        for (size_t g = 0; g < groups.size(); ++g) {
            if (built[g]) Keep(std::move(*built[g]));
            for (const Detection& d : hits[g]) result_.detections.Add(d);
        }
    });
    for (const auto& [id, f] : findings_)
        if (const Principal* who = f.responsible();
            f.severity == Severity::kHigh && who && !who->object_id.empty()) {
            suspects_.insert(who->object_id);
            const int64_t at = f.responsible_at_us();
            auto [window, fresh] = suspect_windows_.try_emplace(who->object_id, at, at);
            if (!fresh) {
                window->second.first = std::min(window->second.first, at);
                window->second.second = std::max(window->second.second, at);
            }
        }
    for (auto& [id, f] : findings_) Implicate(f);
}

// Pass 3: what the principals behind high findings did around them: their ordinary compute,
// the supporting resources (networks, disks, groups, deployments) they created, and the grants
// that gave them their rights.
void Analyzer::TraceSuspects() {
    if (suspects_.empty()) return;
    // Only resources with a record of a suspect, or holding a grant to one, can matter here:
    // the others are not decoded.
    std::unordered_set<uint64_t> grants_to_suspects; // their first records
    for (const auto& [g, at] : grants_)
        if (suspects_.count(g->principal_id)) grants_to_suspects.insert(g->operation_sequence);
    auto wanted = [&](const StoredRecord& record) {
        return grants_to_suspects.count(record.sequence) > 0 ||
               suspects_.count(PeekCallerObjectId(record.bytes)) > 0;
    };
    ForEachGroups(
        [&](std::vector<ResourceGroup>& groups) {
            std::vector<std::optional<ResourceFinding>> built(groups.size());
            std::vector<char> supporting(groups.size(), 0);
            tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
                const ResourceGroup& group = groups[g];
                if (group.ops.empty() || group.key.empty() || findings_.count(group.key)) return;
                if (IsRelevant(group.ops)) {
                    // Rated low and not notable in pass 2: reported if a suspect created it
                    // or, where the log shows no creation, did its decisive act.
                    std::optional<ResourceFinding> f =
                        BuildFinding(group.key, group.ops, group.context);
                    const Principal* who = f ? f->responsible() : nullptr;
                    if (!who || who->object_id.empty() || !suspects_.count(who->object_id) ||
                        !InIncidentWindow(who->object_id, f->responsible_at_us()))
                        return;
                    AttachPreparation(*f);
                    Rate(*f, group.ops);
                    Implicate(*f);
                    built[g] = std::move(f);
                    return;
                }
                for (const auto& owned : group.ops) {
                    const Operation* op = owned.get();
                    if (op->verb != "write" || !op->succeeded()) continue;
                    const RetainedEvent& req = *op->request;
                    // Quota requests and registrations are preparation, not resources.
                    if (op->has_signal(signal_kind::kQuotaIncrease) ||
                        op->has_signal(signal_kind::kRpRegistration))
                        continue;
                    bool suspect_creator = !req.who().object_id.empty() &&
                                           suspects_.count(req.who().object_id) > 0 &&
                                           InIncidentWindow(req.who().object_id, op->request_us);
                    const Grant* enabling = nullptr;
                    if (auto it = grants_by_operation_.find(op->events.front()->sequence);
                        it != grants_by_operation_.end() &&
                        suspects_.count(it->second->principal_id))
                        enabling = it->second.get();
                    if (!suspect_creator && !enabling) continue;
                    ResourceFinding s;
                    s.resource_id = group.key;
                    s.resource_type = op->resource_type;
                    s.subscription_id = req.subscription_id;
                    s.resource_group = req.resource_group;
                    s.name = LastSegment(req.resource_id.empty() ? group.key : req.resource_id);
                    s.parent = ParentOf(s.resource_id);
                    for (const auto& o : group.ops) {
                        for (uint32_t r : o->rules)
                            if (const RuleInfo* info = Rule(r)) {
                                s.rules.push_back(info->id);
                                s.signals.push_back(info->signal);
                            }
                    }
                    std::sort(s.rules.begin(), s.rules.end());
                    s.rules.erase(std::unique(s.rules.begin(), s.rules.end()), s.rules.end());
                    std::sort(s.signals.begin(), s.signals.end());
                    s.signals.erase(std::unique(s.signals.begin(), s.signals.end()),
                                    s.signals.end());
                    // Created by this write only where the log proves it; else the suspect changed
                    // a resource that existed before.
                    const CreationContext context = group.context;
                    const Lifecycle life = LifecycleOf(group.ops, context);
                    if (life.creation == op) {
                        Attribute(s, *op);
                        s.status = "created";
                        s.creation_evidence = AnswerOf(*op) == WriteAnswer::kCreated
                                                  ? "answered 201 Created"
                                                  : "first written in the context of its creation";
                    } else {
                        s.status = "pre-existing";
                        s.pre_existing = true;
                        s.first_seen_us = group.ops.front()->request_us;
                        s.actor = std::make_shared<const Principal>(PrincipalOf(req));
                        s.acted_at_us = op->request_us;
                        s.act = op->operation;
                        GrantFor(s, *op, *s.actor);
                    }
                    for (const RetainedEvent* e : op->events)
                        if (!e->fact().location.empty())
                            s.details.emplace("location", std::string(e->fact().location));
                    if (enabling) {
                        s.details["role"] = enabling->role;
                        s.details["principal_id"] = enabling->principal_id;
                        s.details["role_definition_id"] = enabling->role_definition_id;
                        Verdict v = RateEnablingGrant(*enabling, s.responsible());
                        s.severity = v.severity;
                        s.reasons = std::move(v.reasons);
                    } else {
                        Verdict v = RateSupporting(*s.responsible(), s.created_by != nullptr);
                        s.severity = v.severity;
                        s.reasons = std::move(v.reasons);
                    }
                    built[g] = std::move(s);
                    supporting[g] = 1;
                    break; // the resource's first such operation makes it a supporting resource
                }
            });
            for (size_t g = 0; g < groups.size(); ++g) {
                if (!built[g]) continue;
                if (supporting[g]) supporting_.insert(built[g]->resource_id);
                Keep(std::move(*built[g]));
            }
        },
        {}, wanted);
}

// The reported findings in report order (severity, creation time, resource id), moved from
// findings_ into the result; pass 4 adds what they need from their operations.
void Analyzer::ReportFindings() {
    result_.resources.reserve(static_cast<size_t>(std::count_if(
        findings_.begin(), findings_.end(), [](const auto& kv) { return Notable(kv.second); })));
    for (auto& [id, f] : findings_)
        if (Notable(f)) result_.resources.push_back(std::move(f));
    findings_.clear();
    std::sort(result_.resources.begin(), result_.resources.end(),
              [](const ResourceFinding& a, const ResourceFinding& b) {
                  if (a.severity != b.severity) return a.severity > b.severity;
                  if (a.responsible_at_us() != b.responsible_at_us())
                      return a.responsible_at_us() < b.responsible_at_us();
                  return a.resource_id < b.resource_id;
              });
}

InvestigationResult Analyzer::Run() {
    CollectIndexes();
    RateResources();
    TraceSuspects();
    LinkIdentityHosts();
    ReportFindings();
    AddDetectionTimeline();
    Finish();
    BuildSubscriptions();
    AddPartnerTimeline();
    return std::move(result_);
}

} // namespace minetrace::analysis
