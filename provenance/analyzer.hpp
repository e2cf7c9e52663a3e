// The Analyzer: Investigation::Analyze's passes over the kept records (pass 1 indexes in
// analysis_indexes.cpp, attribution.cpp and preparation.cpp build findings, rating.cpp rates them
// through severity.cpp, passes 2 and 3 and the driver in analyzer.cpp, pass 4 in
// finding_details.cpp, subscriptions.cpp and timeline_entries.cpp). Private to provenance/.
#pragma once

#include "core/arena.hpp"
#include "core/byte_form.hpp"
#include "provenance/analysis.hpp"
#include "provenance/analysis_limits.hpp"
#include "provenance/creation_index.hpp"
#include "provenance/model.hpp"
#include "provenance/operation_folding.hpp"
#include "provenance/precursor_index.hpp"
#include "provenance/region_sweep.hpp"
#include "provenance/retained_store.hpp"
#include "provenance/severity.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace minetrace::analysis {

// Everything Analyze builds, with the lookups between the parts. The store is read in passes
// (see Run); between passes only compact indexes and the findings that may be reported stay.
class Analyzer {
  public:
    // `spill`: where and past which size the timeline spills, as for the kept records.
    // `scratches`: the per-thread scratch of the parallel passes (AnalysisScratch's contract).
    Analyzer(RetainedStore& store, RetainedStore& partner_records,
             const std::vector<RuleInfo>& rules, const std::vector<std::string>& paths,
             const std::map<std::string, std::string, std::less<>>& subscription_tenants,
             const RetainedStoreOptions& spill, ScratchPool& scratches)
        : store_(store), partner_records_(partner_records), rules_(rules),
          subscription_tenants_(subscription_tenants), scratches_(scratches) {
        result_.files = paths;
        // The timeline is built last, while every reported finding is held: it keeps less in
        // memory than the kept records before it spills.
        RetainedStoreOptions timeline_spill = spill;
        timeline_spill.budget_bytes = std::min(spill.budget_bytes, kTimelineBudget);
        result_.timeline = Timeline(timeline_spill);
        result_.detections = Detections(timeline_spill);
        creations_ = std::make_unique<CreationIndex>(spill);
    }

    InvestigationResult Run();

    // When `principal` (a PrincipalKey) first used address `ip` in the input, -1 if unknown.
    // Called from the analysis's parallel passes: it must be safe to call concurrently.
    using AddressHistory = std::function<int64_t(std::string_view principal, std::string_view ip)>;
    void SetAddressHistory(AddressHistory history) { address_history_ = std::move(history); }

  private:
    // Visits the store's groups chunk by chunk, decoded and folded.
    // `select` skips groups by key before they are read; `wanted` skips groups by their records
    // before they are decoded (see LoadGroups).
    void ForEachGroups(const std::function<void(std::vector<ResourceGroup>&)>& visit,
                       const std::function<bool(std::string_view)>& select = {},
                       const std::function<bool(const StoredRecord&)>& wanted = {});
    void CollectIndexes();
    void RateResources();
    void Implicate(ResourceFinding& f) const;
    void TraceSuspects();
    void LinkIdentityHosts();
    void ReportFindings();
    void Finish();
    void ForEachPartnerRecord(const std::function<void(const RetainedEvent*)>& visit);
    // `context`: the group's creation context (ResourceGroup::context).
    std::optional<ResourceFinding> BuildFinding(std::string_view resource,
                                                const std::vector<std::unique_ptr<Operation>>& ops,
                                                CreationContext context) const;
    static bool Notable(const ResourceFinding& f);
    bool Swept(const ResourceFinding& f) const;
    void Rate(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops) const;
    void Attribute(ResourceFinding& finding, const Operation& creation) const;
    // authorized_by for `op` by `principal`: the role assignment its authorization evidence
    // names, else the latest grant to the principal before it.
    void GrantFor(ResourceFinding& finding, const Operation& op, const Principal& principal) const;
    // The finding's updates and actions, size changes and actor (resource_changes.cpp).
    void AddChanges(ResourceFinding& finding, const std::vector<std::unique_ptr<Operation>>& ops,
                    const Lifecycle& life) const;
    void AttachPreparation(ResourceFinding& finding) const;
    void Keep(ResourceFinding f);
    void BuildSubscriptions();
    void AddPartnerTimeline();
    // Detections (detections_pass.cpp): the rule hits of a resource pass 2 does not rate; after
    // the last Add, their timeline entries. DetectionsOf is thread-safe.
    std::vector<Detection> DetectionsOf(const ResourceGroup& group) const;
    void AddDetectionTimeline();
    TimelineEntry OperationEntry(const Operation& op, const std::string& role,
                                 const ResourceFinding* finding) const;
    const RuleInfo* Rule(uint32_t index) const {
        return index < rules_.size() ? &rules_[index] : nullptr;
    }
    EvidenceRef Evidence(const RetainedEvent& e) const {
        EvidenceRef ref;
        if (e.file_id < result_.files.size()) ref.file = result_.files[e.file_id];
        ref.line = e.line;
        ref.offset = e.offset;
        ref.length = e.length;
        ref.sha256 = e.sha256;
        return ref;
    }
    EvidenceRef Evidence(const RetainedEvent::Copy& c) const {
        EvidenceRef ref;
        if (c.file_id < result_.files.size()) ref.file = result_.files[c.file_id];
        ref.line = c.line;
        ref.offset = c.offset;
        ref.length = c.length;
        ref.sha256 = c.sha256;
        return ref;
    }
    void AddEvidenceFields(TimelineEntry& t, const RetainedEvent& e) const {
        EvidenceRef ref = Evidence(e);
        t.fields["source_file"] = ref.file;
        t.fields["record_offset"] = std::to_string(ref.offset);
        t.fields["record_line"] = std::to_string(ref.line);
        t.fields["record_sha256"] = ToHex(ref.sha256);
        if (!e.copies.empty()) t.fields["record_copies"] = CopiesText(e.copies);
    }
    // The same event in other exports: "file:line@offset sha256" each, "; " between.
    std::string CopiesText(const std::vector<EvidenceCopy>& copies) const {
        std::string text;
        for (const EvidenceCopy& c : copies) {
            EvidenceRef other = Evidence(c);
            if (!text.empty()) text += "; ";
            text += std::string(other.file) + ":" + std::to_string(other.line) + "@" +
                    std::to_string(other.offset) + " " + ToHex(other.sha256);
        }
        return text;
    }
    static void AddDetails(ResourceFinding& f, const RetainedEvent& event) {
        const RetainedFacts& e = event.fact();
        auto set = [&](const char* key, std::string_view value) {
            if (!value.empty() && !f.details.count(key)) f.details[key] = std::string(value);
        };
        set("location", e.location);
        set("vm_size", e.vm_size);
        set("priority", e.priority);
        set("max_price", e.max_price);
        set("capacity", e.capacity);
        set("target_dedicated_nodes", e.target_dedicated_nodes);
        set("target_low_priority_nodes", e.target_low_priority_nodes);
        set("image", e.image);
        set("publisher", e.publisher);
        set("extension_type", e.extension_type);
        set("change_ticket", e.change_ticket);
    }
    // The evidence of a reported finding: the records of its operations, at most kMaxEvidence;
    // distinct records only, except for supporting resources.
    void AddEvidence(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops) const {
        bool distinct = !supporting_.count(f.resource_id);
        std::set<std::pair<uint32_t, uint64_t>> seen; // file, offset
        for (const auto& op : ops)
            for (const RetainedEvent* e : op->events) {
                if (f.evidence.size() >= kMaxEvidence) return;
                if (distinct && !seen.emplace(e->file_id, e->offset).second) continue;
                f.evidence.push_back(Evidence(*e));
                // Every copy of the event in other exports stays a reference of its own.
                for (const RetainedEvent::Copy& c : e->copies) {
                    if (f.evidence.size() >= kMaxEvidence) return;
                    if (distinct && !seen.emplace(c.file_id, c.offset).second) continue;
                    f.evidence.push_back(Evidence(c));
                }
            }
    }

    RetainedStore& store_;
    RetainedStore& partner_records_;
    const std::vector<RuleInfo>& rules_;
    const std::map<std::string, std::string, std::less<>>& subscription_tenants_;
    ScratchPool& scratches_;
    InvestigationResult result_;

    // Cross-resource indexes (CollectIndexes), read-only afterwards.
    // The texts the indexes view: repeated ones (operations, subscriptions, resources named by
    // preparation) stored once in the result's texts, since findings' preparation views them
    // too; the rest (deployments' ids) as they come in index_texts_, which ends with the
    // analysis. Serial only.
    Arena index_texts_{64u << 10};
    std::unordered_set<std::string_view> interned_;
    std::string_view Intern(std::string_view text) {
        if (text.empty()) return {};
        if (auto it = interned_.find(text); it != interned_.end()) return *it;
        return *interned_.insert(result_.texts->Store(text)).first;
    }
    // `at` with its texts moved out of the chunk's records.
    OperationOrder Indexed(OperationOrder at, bool repeated) {
        at.operation = Intern(at.operation);
        at.resource_id = repeated ? Intern(at.resource_id) : index_texts_.Store(at.resource_id);
        return at;
    }

    // Grants are shared with the findings they authorized.
    using SharedGrant = std::shared_ptr<const Grant>;
    std::vector<std::pair<SharedGrant, OperationOrder>> grants_;
    std::map<std::string, std::vector<SharedGrant>> grants_by_principal_;
    std::map<std::string, SharedGrant> grants_by_assignment_; // assignment GUID without dashes
    std::unordered_map<uint64_t, SharedGrant> grants_by_operation_; // by first record
    // correlation id -> the first deployment (in operation order) that carries it; its
    // resource_id is the deployment's
    std::unordered_map<std::string_view, OperationOrder> deployments_;
    // principal key -> the operations that may be preparation, in operation order
    std::unordered_map<std::string, PrecursorIndex> by_principal_;
    // Per principal (object id|name): when and where it created compute, for region sweeps;
    // regions are indexes into regions_. Sealed at the end of CollectIndexes.
    std::map<std::string, RegionSweep> compute_regions_;
    // Per principal and type (object id|name|type): when it created (else first wrote) compute,
    // sorted; for the weekly repetition that marks a pipeline (WeighGrant).
    std::map<std::string, std::vector<int64_t>, std::less<>> compute_creations_;
    AddressHistory address_history_;
    GrantContext WeighGrant(const ResourceFinding& f) const;
    std::vector<std::string> regions_;
    // Resources a miner was installed on, with who installed it first, when and how: the actor
    // of a parent that existed before the logs.
    struct MinerInstall {
        Principal by;
        int64_t at_us = 0;
        std::string operation;
    };
    std::map<std::string, MinerInstall> miner_parents_;
    // The creation index: every resource with a successful write, and which of them the log
    // proves created by their context (a deployment in the log, their container's creation in
    // the log; ResolveCreations). Bounded: spilled like the kept records.
    std::unique_ptr<CreationIndex> creations_;
    // Resource group deletions that did not fail, by the group's lowercased id: the first one.
    struct GroupDeletion {
        int64_t request_us = 0;
        int64_t completion_us = -1;
        Principal by;
    };
    std::map<std::string, GroupDeletion, std::less<>> group_deletions_;
    void ResolveCreations();

    // What may be reported, by resource id, until ReportFindings moves it to the result.
    std::map<std::string, ResourceFinding, std::less<>> findings_;
    std::set<std::string, std::less<>> supporting_; // findings added as supporting resources
    // The principals of kept findings, each held once (Keep): one attacker's findings share it.
    std::map<std::string, std::shared_ptr<const Principal>> shared_principals_;
    void Share(std::shared_ptr<const Principal>& p) {
        if (!p) return;
        // Every field, length-prefixed: texts from the logs may hold any byte.
        std::string key;
        for (const std::string* field :
             {&p->name, &p->type, &p->object_id, &p->app_id, &p->tenant_id, &p->ip, &p->ip_claim,
              &p->credential, &p->home_tenant, &p->identity_resource})
            PutText(key, *field);
        key += static_cast<char>('0' + static_cast<int>(p->mfa));
        key += p->foreign_tenant ? 'f' : '-';
        p = shared_principals_.try_emplace(std::move(key), p).first->second;
    }
    std::set<std::string, std::less<>> suspects_; // object ids behind high findings
    // Each suspect's incident window: from its first high finding's act minus the preparation
    // window to its last plus a day. Only what it did inside is drawn in (supporting resources,
    // implicated compute), not every resource a busy automation identity ever touched.
    std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> suspect_windows_;
    bool InIncidentWindow(std::string_view object_id, int64_t at_us) const {
        auto it = suspect_windows_.find(object_id);
        return it != suspect_windows_.end() && at_us >= it->second.first - kPreparationWindow &&
               at_us <= it->second.second + kMicrosPerDay;
    }
};

// What contains a resource and must have been created before it: its parent resource, else (a
// top-level resource) its resource group; "" for neither. `id_lower` is lowercased.
std::string ContainerOf(std::string_view id_lower);

// The (caller, operation) pairs done on kRoutineDays+ distinct days among a resource's operations.
std::set<std::pair<std::string, std::string_view>>
RoutineActs(const std::vector<std::unique_ptr<Operation>>& ops);

// What makes an operation preparation for a later creation: a quota increase, a provider
// registration, a new resource group, or a failed write; empty when it is none of those.
std::string_view PrecursorSignal(const Operation& op);

// The timeline's order among entries of the same time and message: where the operation is first
// mentioned in a walk of the reported findings in report order, each with its own operations
// (in operation order), then the preparation it names, then the grant that authorized it; the
// Partner Center records come after, in input order (rank = the number of findings). Each
// operation has one entry, from its first mention. 64 bits: rank (below 2^32 findings), own or
// named, position (below 2^31: no resource holds that many operations in one chunk).
inline uint64_t MentionOrder(size_t rank, bool named, size_t position) {
    return (static_cast<uint64_t>(rank) << 32) | (static_cast<uint64_t>(named) << 31) |
           (static_cast<uint64_t>(position) & 0x7fffffffu);
}

} // namespace minetrace::analysis
