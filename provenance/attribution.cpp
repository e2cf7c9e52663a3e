#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/investigation.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <set>

namespace minetrace::analysis {

void Analyzer::Attribute(ResourceFinding& f, const Operation& creation) const {
    f.created_at_us = creation.request_us;
    f.completed_at_us = creation.completion_us;
    f.correlation_id = creation.correlation_id;
    f.created_by = std::make_shared<const Principal>(PrincipalOf(*creation.request));
    // The deployment whose correlation id this creation shares.
    if (!creation.correlation_id.empty()) {
        auto it = deployments_.find(creation.correlation_id);
        if (it != deployments_.end() && it->second.resource_id != f.resource_id)
            f.deployment = it->second.resource_id;
    }
    GrantFor(f, creation, *f.created_by);
}

namespace {

// A GUID written without dashes (as evidence writes them), with them; other texts lowercased.
std::string WithDashes(std::string_view id) {
    std::string lower = AsciiLowerCopy(id);
    if (lower.size() != 32 || lower.find_first_not_of("0123456789abcdef") != std::string::npos)
        return lower;
    return lower.substr(0, 8) + "-" + lower.substr(8, 4) + "-" + lower.substr(12, 4) + "-" +
           lower.substr(16, 4) + "-" + lower.substr(20);
}

Grant GrantFromEvidence(const RetainedEvent& e) {
    Grant g;
    g.source = "evidence";
    g.at_us = -1;
    std::string assignment = WithDashes(LastSegment(e.role_assignment_id));
    std::string scope = AsciiLowerCopy(e.role_assignment_scope);
    while (!scope.empty() && scope.back() == '/') scope.pop_back();
    g.scope = scope;
    g.assignment_id =
        e.role_assignment_id.find('/') != std::string_view::npos
            ? AsciiLowerCopy(e.role_assignment_id)
            : scope + "/providers/microsoft.authorization/roleassignments/" + assignment;
    g.role_definition_id = WithDashes(LastSegment(e.role_definition_id));
    std::string_view builtin = BuiltInRoleName(g.role_definition_id);
    g.role = !e.evidence_role.empty() ? std::string(e.evidence_role)
             : !builtin.empty()       ? std::string(builtin)
                                      : g.role_definition_id;
    g.principal_id = WithDashes(e.evidence_principal_id);
    g.principal_type = e.evidence_principal_type;
    return g;
}

} // namespace

void Analyzer::GrantFor(ResourceFinding& f, const Operation& op, const Principal& principal) const {
    const SharedGrant* best = nullptr;
    const RetainedEvent* evidence = nullptr;
    for (const RetainedEvent* e : op.events)
        if (!e->role_assignment_id.empty()) evidence = e;
    if (evidence) {
        auto it =
            grants_by_assignment_.find(RemoveDashes(LastSegment(evidence->role_assignment_id)));
        if (it != grants_by_assignment_.end() && it->second->at_us <= op.request_us)
            best = &it->second;
        if (!best) {
            // The grant's own records are outside the logs: the evidence alone names it.
            f.authorized_by = std::make_shared<const Grant>(GrantFromEvidence(*evidence));
            return;
        }
    }
    if (!best && !principal.object_id.empty()) {
        auto it = grants_by_principal_.find(principal.object_id);
        if (it != grants_by_principal_.end())
            for (const SharedGrant& g : it->second)
                if (g->at_us <= op.request_us && (!best || g->at_us >= (*best)->at_us)) best = &g;
    }
    if (best) f.authorized_by = *best;
}

// The finding for one resource with its operations, attributed and with its details; nullopt
// when nothing on it is relevant (no compute write, no signal of what mining needs). Not rated.
// Needs the indexes of pass 1 (deployments, grants).
std::optional<ResourceFinding>
Analyzer::BuildFinding(std::string_view resource,
                       const std::vector<std::unique_ptr<Operation>>& ops,
                       CreationContext context) const {
    if (!IsRelevant(ops)) return std::nullopt;
    ResourceFinding f;
    f.resource_id = resource;
    f.resource_type = ops.front()->resource_type;
    const RetainedEvent* any = ops.front()->request;
    f.subscription_id = any->subscription_id;
    f.resource_group = any->resource_group;
    f.name = LastSegment(any->resource_id.empty() ? resource : any->resource_id);
    f.parent = ParentOf(resource);
    const Lifecycle life = LifecycleOf(ops, context);
    const Operation* creation = life.creation;
    const Operation* deletion = life.deletion;
    f.first_seen_us = ops.front()->request_us;
    f.pre_existing = life.pre_existing;
    if (creation) {
        Attribute(f, *creation);
        f.status = "created";
        if (AnswerOf(*creation) == WriteAnswer::kCreated)
            f.creation_evidence = "answered 201 Created";
        else if (context == CreationContext::kDeployment)
            f.creation_evidence =
                "first written inside a deployment of the log" +
                (f.deployment.empty() ? std::string() : " (" + f.deployment + ")");
        else
            f.creation_evidence =
                "first written after the creation in the log of " + ContainerOf(resource);
    } else if (life.origin) {
        // Every write failed: attributed to the first attempt, never called created.
        Attribute(f, *life.origin);
        f.status = "failed";
        f.completed_at_us = -1;
    } else {
        f.status = "pre-existing";
    }
    const Operation* origin = life.origin ? life.origin : ops.front().get();
    if (deletion && (!creation || deletion->request_us >= creation->request_us)) {
        f.status = "deleted";
        f.deleted_at_us = deletion->request_us;
        f.deletion_completed_at_us = deletion->completion_us;
        f.deleted_by = std::make_shared<const Principal>(PrincipalOf(*deletion->request));
    }
    // Deleted with its resource group, when the group's deletion came after what the log shows
    // of it.
    if (f.deleted_at_us < 0 && f.status != "failed") {
        std::string_view id = resource;
        size_t providers = id.find("/providers/");
        if (providers != std::string_view::npos)
            if (auto it = group_deletions_.find(id.substr(0, providers));
                it != group_deletions_.end() &&
                it->second.request_us >= (creation ? creation->request_us : f.first_seen_us)) {
                f.status = "deleted";
                f.deleted_at_us = it->second.request_us;
                f.deletion_completed_at_us = it->second.completion_us;
                f.deleted_by = std::make_shared<const Principal>(it->second.by);
                f.deleted_by_parent = it->first;
            }
    }
    // Details from the creating operation's bodies (request on Start, model on Accept); the size
    // fields then follow every later write (AddChanges).
    if (life.origin)
        for (const RetainedEvent* e : origin->events) AddDetails(f, *e);
    AddChanges(f, ops, life);
    // A parent that existed before the logs answers to whoever installed a miner on it, whatever
    // routine work others did on it.
    auto miner_act = [&] {
        return std::any_of(ops.begin(), ops.end(), [&](const auto& op) {
            return op->request_us == f.acted_at_us && op->operation == f.act &&
                   op->has_signal(signal_kind::kMinerContent);
        });
    };
    if (!f.created_by)
        if (auto install = miner_parents_.find(f.resource_id); install != miner_parents_.end())
            if (!f.actor || !miner_act()) {
                f.actor = std::make_shared<const Principal>(install->second.by);
                f.acted_at_us = install->second.at_us;
                f.act = install->second.operation;
            }
    // Without a region on the creating operation, any region named on the resource's operations.
    if (!f.details.count("location"))
        if (std::string_view region = RegionOnRecords(*origin, ops); !region.empty())
            f.details.emplace("location", std::string(region));
    std::set<std::string> rule_ids, signals, notes;
    for (const auto& op : ops) {
        for (uint32_t r : op->rules)
            if (const RuleInfo* info = Rule(r)) {
                rule_ids.insert(info->id);
                signals.insert(info->signal);
            }
        for (const RetainedEvent* e : op->events) {
            for (const RuleRef& hit : e->rules)
                if (hit.content_unavailable)
                    if (const RuleInfo* info = Rule(hit.rule))
                        notes.insert("content unavailable: " + (info->content_note.empty()
                                                                    ? info->title
                                                                    : info->content_note));
        }
    }
    f.rules.assign(rule_ids.begin(), rule_ids.end());
    f.signals.assign(signals.begin(), signals.end());
    f.content_unavailable.assign(notes.begin(), notes.end());
    return f;
}

} // namespace minetrace::analysis
