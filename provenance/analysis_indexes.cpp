#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/investigation.hpp"
#include "provenance/outputs.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <optional>
#include <tbb/parallel_for.h>

namespace minetrace::analysis {

// Pass 1: what rating a resource needs from the others (grants, deployments, preparation by
// principal, compute regions by principal, resources a miner was installed on).
void Analyzer::CollectIndexes() {
    struct Found {
        std::vector<std::pair<std::string, PrecursorEntry>> precursors; // principal key
        std::vector<std::pair<Grant, OperationOrder>> grants;
        std::vector<std::pair<std::string_view, OperationOrder>> deployments; // correlation id
        std::string sweep_principal;                                          // empty if none
        std::string compute_key; // principal|type of its creation, empty if none
        int64_t compute_at_us = -1;
        std::pair<int64_t, std::string> creation;
        std::string miner_parent;
        MinerInstall install;
        std::optional<CreationIndex::Write> writes; // the group's entry of the creation index
        std::optional<GroupDeletion> group_deletion;
    };
    ForEachGroups([&](std::vector<ResourceGroup>& groups) {
        std::vector<Found> found(groups.size());
        tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
            const ResourceGroup& group = groups[g];
            Found& out = found[g];
            for (const auto& op : group.ops) {
                if (op->request) {
                    std::string_view signal = PrecursorSignal(*op);
                    if (!signal.empty()) {
                        PrecursorEntry p;
                        p.at = OperationOrder::Of(*op);
                        p.subscription_id = op->request->subscription_id;
                        p.signal = signal;
                        p.final_phase = op->final_phase;
                        out.precursors.emplace_back(PrincipalKey(*op->request), std::move(p));
                    }
                }
                // A grant whose records show the request but no outcome still names who was
                // given what (its completion unknown); a failed one granted nothing.
                if (op->operation == "microsoft.authorization/roleassignments/write" &&
                    op->final_phase != Phase::kFailed) {
                    Grant grant;
                    grant.completion_unknown = !op->succeeded();
                    grant.assignment_id = op->resource_id_lower;
                    grant.at_us = op->request_us;
                    grant.operation_sequence = op->events.front()->sequence;
                    grant.granted_by = PrincipalOf(*op->request);
                    // The request body (on the Start record) names who received which role
                    // where: {"Properties":{"PrincipalId":..,"RoleDefinitionId":..,"Scope":..}}.
                    for (const RetainedEvent* e : op->events) {
                        if (e->fact().grant_principal_id.empty()) continue;
                        grant.principal_id = e->fact().grant_principal_id;
                        grant.principal_type = e->fact().grant_principal_type;
                        grant.role_definition_id = e->fact().grant_role_definition_id;
                        grant.scope = AsciiLowerCopy(e->fact().grant_scope);
                        grant.change_ticket = e->fact().change_ticket; // its description's
                        break;
                    }
                    if (!grant.principal_id.empty()) {
                        std::string_view name = BuiltInRoleName(grant.role_definition_id);
                        grant.role = name.empty() ? grant.role_definition_id : std::string(name);
                        out.grants.emplace_back(std::move(grant), OperationOrder::Of(*op));
                    }
                }
                if (op->operation == "microsoft.resources/deployments/write" &&
                    !op->correlation_id.empty())
                    out.deployments.emplace_back(op->correlation_id, OperationOrder::Of(*op));
            }
            if (group.key.empty()) return;
            for (const auto& op : group.ops)
                if (op->request && !out.group_deletion && op->final_phase != Phase::kFailed &&
                    op->operation == "microsoft.resources/subscriptions/resourcegroups/delete")
                    out.group_deletion =
                        GroupDeletion{op->request_us, op->completion_us, PrincipalOf(*op->request)};
            const Lifecycle life = LifecycleOf(group.ops);
            if (life.first_write) {
                CreationIndex::Write entry;
                entry.first_write_us = life.first_write->request_us;
                entry.created_us = life.creation ? life.creation->request_us : -1;
                entry.correlation_id = life.first_write->correlation_id;
                entry.first_answer = AnswerOf(*life.first_write);
                out.writes = entry;
            }
            // Only compute of the swept types and extensions or run commands feed the indexes.
            if (!IsRelevant(group.ops)) return;
            std::string_view type = group.ops.front()->resource_type;
            // Who creates compute of this type when, for the weekly repetition of a pipeline.
            if (const Operation* made = life.creation ? life.creation : life.first_write;
                IsComputeType(type) && made && made->request && made->request_us >= 0) {
                Principal creator = PrincipalOf(*made->request);
                out.compute_key = creator.object_id + "|" + creator.name + "|" + std::string(type);
                out.compute_at_us = made->request_us;
            }
            if (!IsSweptType(type) && !IsExtensionOrRunCommand(type)) return;
            // Where the principal wrote compute (its creation, else its first write): regions
            // swept in a day count either way.
            const Operation* written = life.creation ? life.creation : life.first_write;
            if (IsSweptType(type) && written && written->request_us >= 0) {
                const Operation& origin = *written;
                std::string_view region = RegionOnRecords(origin, group.ops);
                if (!region.empty()) {
                    Principal creator = PrincipalOf(*origin.request);
                    out.sweep_principal = creator.object_id + "|" + creator.name;
                    out.creation = {origin.request_us, std::string(region)};
                }
            }
            if (IsExtensionOrRunCommand(type)) {
                auto miner = std::find_if(group.ops.begin(), group.ops.end(), [](const auto& op) {
                    return op->request && op->has_signal(signal_kind::kMinerContent);
                });
                std::string parent = ParentOf(group.key);
                if (miner != group.ops.end() && !parent.empty()) {
                    out.miner_parent = std::move(parent);
                    out.install = {PrincipalOf(*(*miner)->request), (*miner)->request_us,
                                   std::string((*miner)->operation)};
                }
            }
        });
        std::unordered_map<std::string, uint32_t> region_ids;
        for (uint32_t r = 0; r < regions_.size(); ++r) region_ids.emplace(regions_[r], r);
        for (size_t g = 0; g < found.size(); ++g) {
            Found& out = found[g];
            if (out.group_deletion)
                group_deletions_.try_emplace(std::string(groups[g].key), *out.group_deletion);
            if (out.writes && !groups[g].key.empty()) creations_->Add(groups[g].key, *out.writes);
            // The entries view the chunk's records: their texts are stored here (Indexed, Intern).
            for (auto& [key, p] : out.precursors) {
                p.at = Indexed(p.at, true);
                p.subscription_id = Intern(p.subscription_id);
                by_principal_[key].Add(p);
            }
            for (auto& [grant, at] : out.grants)
                grants_.emplace_back(std::make_shared<const Grant>(std::move(grant)),
                                     Indexed(at, true));
            for (const auto& [correlation, at] : out.deployments) {
                auto it = deployments_.find(correlation);
                if (it == deployments_.end())
                    deployments_.emplace(index_texts_.Store(correlation), Indexed(at, false));
                else if (at < it->second)
                    it->second = Indexed(at, false);
            }
            if (!out.sweep_principal.empty()) {
                auto [it, inserted] = region_ids.try_emplace(
                    out.creation.second, static_cast<uint32_t>(regions_.size()));
                if (inserted) regions_.push_back(out.creation.second);
                compute_regions_[out.sweep_principal].Add(out.creation.first, it->second);
            }
            if (!out.compute_key.empty())
                compute_creations_[out.compute_key].push_back(out.compute_at_us);
            if (!out.miner_parent.empty()) {
                auto [it, fresh] = miner_parents_.try_emplace(out.miner_parent, out.install);
                if (!fresh && out.install.at_us < it->second.at_us) it->second = out.install;
            }
        }
    });
    ResolveCreations();
    for (auto& [key, ops] : by_principal_) ops.Seal();
    for (auto& [principal, creations] : compute_regions_) creations.Seal(kSweepRegions);
    for (auto& [key, creations] : compute_creations_) std::sort(creations.begin(), creations.end());
    // Grants in operation order: the latest grant before a creation wins, the first one of an
    // assignment id is the one named by evidence.
    std::sort(grants_.begin(), grants_.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [g, at] : grants_) {
        grants_by_principal_[g->principal_id].push_back(g);
        grants_by_assignment_.emplace(RemoveDashes(LastSegment(g->assignment_id)), g);
        grants_by_operation_.emplace(g->operation_sequence, g);
    }
}

} // namespace minetrace::analysis

namespace minetrace::analysis {

std::string ContainerOf(std::string_view id_lower) {
    std::string parent = ParentOf(id_lower);
    if (!parent.empty()) return parent;
    size_t providers = id_lower.find("/providers/");
    if (providers == std::string_view::npos) return "";
    parent = std::string(id_lower.substr(0, providers));
    return ParseArmId(parent).resource_group.empty() ? "" : parent;
}

// The creations the context proves: a first write inside a deployment in the log (unless it was
// answered OK, as a redeployment over an existing resource is), then, parents before children, a
// first write after the creation in the log of its parent, or of its resource group for a
// top-level resource (nothing predates its container, whatever its answer: Batch pools, for one,
// are created with 200 OK).
void Analyzer::ResolveCreations() {
    creations_->Resolve(
        [&](std::string_view correlation_id, std::string_view resource, int64_t at_us) {
            auto it = deployments_.find(correlation_id);
            return it != deployments_.end() && it->second.resource_id != resource &&
                   it->second.request_us <= at_us;
        });
}

} // namespace minetrace::analysis
