#include "provenance/investigation.hpp"

#include "core/arena.hpp"
#include "core/ascii.hpp"
#include "core/byte_form.hpp"
#include "core/flat_index.hpp"
#include "core/sha256.hpp"
#include "core/timestamp.hpp"
#include "provenance/body.hpp"
#include "provenance/outputs.hpp"
#include "provenance/retained_codec.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tbb/parallel_for.h>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace minetrace {

namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000 * 1000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// Preparation (quota requests, registrations, grants, failed attempts) counts toward a creation
// when it happened at most this long before it, by the same principal in the same subscription.
constexpr int64_t kPreparationWindow = 7 * kMicrosPerDay;
// A role grant this recent before a creation is "fresh".
constexpr int64_t kFreshGrantWindow = 7 * kMicrosPerDay;
// Compute in this many regions within a day by one principal is a region sweep.
constexpr size_t kSweepRegions = 3;
constexpr size_t kMaxEvidence = 64;
constexpr size_t kMaxIpsPerPrincipal = 64;
// Bytes of timeline entries held in memory before they spill (at most --spill-after).
constexpr size_t kTimelineBudget = 4u << 20;
constexpr size_t kMaxBodyBytes = 256 * 1024;
// Resources built at once by the parallel analysis passes, and about how many bytes of kept
// records they may hold (a resource's records are never split). Two chunks are alive at once
// (one processed, the next merged), each several times its bytes once decoded and folded: at
// 8 MiB they were the analysis's largest holding after the indexes, and 4 MiB keeps 2 threads
// as busy (8 GiB input: analysis 4.0 s either way, peak 191 -> 161 MB).
constexpr size_t kAnalysisChunk = 2048;
constexpr size_t kAnalysisChunkBytes = 4u << 20;

// The last segment of an id, without trailing slashes: a view into `id`.
std::string_view LastSegment(std::string_view id) {
    while (!id.empty() && id.back() == '/') id.remove_suffix(1);
    size_t slash = id.rfind('/');
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

// Operation verbs: "write", "delete", "action", ... (a view into `operation`)
std::string_view VerbOf(std::string_view operation) {
    size_t slash = operation.rfind('/');
    return slash == std::string_view::npos ? operation : operation.substr(slash + 1);
}

std::string RemoveDashes(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '-') out.push_back(AsciiLower(c));
    return out;
}

// Parent of a child resource: .../virtualMachines/vm1/extensions/ext -> .../virtualMachines/vm1.
std::string ParentOf(std::string_view id_lower) {
    size_t providers = id_lower.rfind("/providers/");
    if (providers == std::string_view::npos) return "";
    std::string_view tail = id_lower.substr(providers + 11); // ns/t1/n1[/t2/n2...]
    size_t segments = static_cast<size_t>(std::count(tail.begin(), tail.end(), '/')) + 1;
    if (segments < 5) return ""; // ns/t1/n1 is a top-level resource
    size_t cut = id_lower.rfind('/');
    if (cut == std::string_view::npos) return "";
    cut = id_lower.rfind('/', cut - 1);
    return std::string(id_lower.substr(0, cut));
}

bool IsComputeType(std::string_view type) {
    static const std::set<std::string, std::less<>> kTypes = {
        "microsoft.compute/virtualmachines",
        "microsoft.compute/virtualmachinescalesets",
        "microsoft.batch/batchaccounts",
        "microsoft.batch/batchaccounts/pools",
        "microsoft.containerinstance/containergroups",
        "microsoft.containerservice/managedclusters",
        "microsoft.containerservice/managedclusters/agentpools",
        "microsoft.machinelearningservices/workspaces/computes",
        "microsoft.app/containerapps",
        "microsoft.app/jobs",
        "microsoft.web/serverfarms",
        "microsoft.compute/virtualmachines/extensions",
        "microsoft.compute/virtualmachinescalesets/extensions",
        "microsoft.compute/virtualmachines/runcommands"};
    return kTypes.count(type) > 0;
}

// Compute whose creation regions count toward a region sweep.
bool IsSweptType(std::string_view type) {
    return type == "microsoft.compute/virtualmachines" ||
           type == "microsoft.compute/virtualmachinescalesets" ||
           type == "microsoft.batch/batchaccounts/pools" ||
           type == "microsoft.containerinstance/containergroups";
}

// The caller of a parsed event, as a kept record names it (views into the event).
RetainedIdentity IdentityOf(const Caller& c) {
    RetainedIdentity who;
    who.caller = c.caller;
    who.upn = c.upn;
    who.object_id = c.object_id;
    who.app_id = c.app_id;
    who.appidacr = c.appidacr;
    who.principal_type = c.principal_type;
    who.token_tenant = c.token_tenant;
    who.idtyp = c.idtyp;
    who.mfa = c.mfa;
    who.managed_identity_resource_id = c.managed_identity_resource_id;
    who.ip_claim = c.ip_claim;
    return who;
}

Principal PrincipalOf(const RetainedEvent& e) {
    const RetainedIdentity& w = e.who();
    Principal p;
    p.object_id = w.object_id;
    p.app_id = w.app_id;
    p.tenant_id = w.token_tenant;
    p.ip = e.caller_ip;
    if (!w.ip_claim.empty() && w.ip_claim != e.caller_ip) p.ip_claim = w.ip_claim;
    p.mfa = w.mfa;
    std::string type = AsciiLowerCopy(w.principal_type);
    if (!w.managed_identity_resource_id.empty() || type == "managedidentity") {
        p.type = "managed_identity";
        p.name = w.app_id.empty() ? w.caller : w.app_id;
    } else if (type == "serviceprincipal") {
        p.type = "service_principal";
        p.name = !w.app_id.empty() ? w.app_id : w.caller;
    } else if (type == "user") {
        p.type = "user";
        p.name = !w.upn.empty() ? w.upn : w.caller;
    } else if (type == "application") {
        p.type = "application";
        p.name = w.caller;
    } else {
        p.type = "unknown";
        p.name = !w.upn.empty() ? w.upn : (!w.caller.empty() ? w.caller : w.app_id);
    }
    if (p.type == "service_principal" || p.type == "managed_identity") {
        if (w.appidacr == "0")
            p.credential = "public-client";
        else if (w.appidacr == "1")
            p.credential = "secret";
        else if (w.appidacr == "2")
            p.credential = "certificate";
    }
    if (!w.token_tenant.empty() && !e.tenant_id.empty() && w.token_tenant != e.tenant_id)
        p.foreign_tenant = true;
    return p;
}

std::string Describe(const Principal& p) {
    std::string out = p.name.empty() ? "an unknown caller" : p.name;
    if (p.type == "service_principal")
        out += " (service principal)";
    else if (p.type == "managed_identity")
        out += " (managed identity)";
    if (p.foreign_tenant) out += " from foreign tenant " + p.tenant_id;
    return out;
}

} // namespace

std::string_view ToString(Severity severity) {
    switch (severity) {
    case Severity::kLow:
        return "low";
    case Severity::kMedium:
        return "medium";
    case Severity::kHigh:
        return "high";
    }
    return "low";
}

std::string_view BuiltInRoleName(std::string_view guid) {
    static const std::map<std::string, std::string, std::less<>> kRoles = {
        {"8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"},
        {"b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"},
        {"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"},
        {"f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator"},
        {"9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor"},
        {"acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"},
        {"ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "Azure Kubernetes Service Contributor Role"},
        {"b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner"},
        {"1c0163c0-47e6-4577-8991-ea5c82e286e4", "Virtual Machine Administrator Login"},
        {"fb1c8493-542b-48eb-b624-b4c8fea62acd", "Security Admin"},
    };
    auto it = kRoles.find(guid);
    return it == kRoles.end() ? std::string_view{} : std::string_view(it->second);
}

namespace {
// Roles that allow creating compute (or granting that right); custom roles count too, since
// they are defined by whoever granted them.
bool IsPrivilegedRole(const Grant& grant) {
    static const std::set<std::string, std::less<>> kPrivileged = {
        "Owner",
        "Contributor",
        "User Access Administrator",
        "Virtual Machine Contributor",
        "Role Based Access Control Administrator",
        "Azure Kubernetes Service Contributor Role"};
    return kPrivileged.count(grant.role) > 0 || BuiltInRoleName(grant.role_definition_id).empty();
}
} // namespace

std::string PrincipalKey(const RetainedEvent& e) {
    const RetainedIdentity& w = e.who();
    if (!w.object_id.empty()) return std::string(w.object_id);
    if (!w.upn.empty()) return AsciiLowerCopy(w.upn);
    return AsciiLowerCopy(w.caller);
}

Investigation::Investigation(std::vector<std::string> paths, std::vector<RuleInfo> rules,
                             RetainedStoreOptions store)
    : paths_(std::move(paths)), rules_(std::move(rules)), spill_options_(store), store_(store),
      partner_records_(std::move(store)) {}

Investigation::~Investigation() = default;

namespace {

// The body facts a kept record carries, in RetainedFacts' order (see FactField).
enum Fact : size_t {
    kLocation,
    kVmSize,
    kPriority,
    kMaxPrice,
    kCapacity,
    kTargetDedicatedNodes,
    kTargetLowPriorityNodes,
    kImage,
    kPublisher,
    kExtensionType,
    kGrantPrincipalId,
    kGrantPrincipalType,
    kGrantRoleDefinitionId,
    kGrantScope,
    kFactCount
};

// The RetainedFacts member that holds each Fact.
template <typename Facts> auto& FactField(Facts& r, Fact fact) {
    decltype(&r.location) fields[kFactCount] = {&r.location,
                                                &r.vm_size,
                                                &r.priority,
                                                &r.max_price,
                                                &r.capacity,
                                                &r.target_dedicated_nodes,
                                                &r.target_low_priority_nodes,
                                                &r.image,
                                                &r.publisher,
                                                &r.extension_type,
                                                &r.grant_principal_id,
                                                &r.grant_principal_type,
                                                &r.grant_role_definition_id,
                                                &r.grant_scope};
    return *fields[fact];
}

bool ShouldKeep(const Event& e, bool matched) {
    if (matched || e.kind == SourceKind::kPartnerCenterAudit) return true;
    // Lifecycle records the rules may not flag on every phase: the phases of compute writes and
    // deletes and of deployments (a rule may see only the phase with a body), and role grants.
    // Power actions and reads are not kept.
    std::string_view verb = e.operation.substr(e.operation.rfind('/') + 1);
    if (IsComputeType(e.resource_type) && (verb == "write" || verb == "delete")) return true;
    return e.operation == "microsoft.resources/deployments/write" ||
           e.operation == "microsoft.authorization/roleassignments/write";
}

// Reads the facts the analysis needs from one record's bodies into `v` (each empty on entry).
// The request body is read first; within a body the first path listed for a fact wins.
// Thread-safe: one BodyReader and one scratch string per thread; in steady state it allocates
// only for values longer than `v`'s strings have held before.
void ReadBodyFacts(const Event& e, std::array<std::string, kFactCount>& v) {
    using Path = std::initializer_list<std::string_view>;
    struct Lookup {
        Fact fact;
        Path path;
    };
    static const Lookup kLookups[] = {
        {kLocation, {"location"}},
        {kVmSize, {"properties", "hardwareprofile", "vmsize"}},
        {kVmSize, {"properties", "vmsize"}},
        {kVmSize, {"sku", "name"}},
        {kPriority, {"properties", "priority"}},
        {kPriority, {"properties", "virtualmachineprofile", "priority"}},
        {kMaxPrice, {"properties", "billingprofile", "maxprice"}},
        {kMaxPrice, {"properties", "virtualmachineprofile", "billingprofile", "maxprice"}},
        {kCapacity, {"sku", "capacity"}},
        {kPublisher, {"properties", "publisher"}},
        {kExtensionType, {"properties", "type"}},
    };
    static const Lookup kGrantLookups[] = {
        {kGrantPrincipalId, {"properties", "principalid"}},
        {kGrantPrincipalType, {"properties", "principaltype"}},
        {kGrantRoleDefinitionId, {"properties", "roledefinitionid"}},
        {kGrantScope, {"properties", "scope"}},
    };
    static constexpr std::string_view kAnywhere[] = {"targetdedicatednodes",
                                                     "targetlowprioritynodes", "image"};
    thread_local BodyReader reader;
    thread_local std::string found;
    auto look = [&](simdjson::dom::element body, const Lookup& l) {
        std::string& slot = v[l.fact];
        if (!slot.empty() || !BodyReader::Find(body, {l.path.begin(), l.path.size()}, found))
            return;
        slot.swap(found);
    };
    for (std::string_view text : {e.request_body, e.response_body}) {
        if (text.empty()) continue;
        auto body = reader.Parse(text);
        if (!body) continue;
        for (const Lookup& l : kLookups) look(*body, l);
        std::string* const anywhere[] = {&v[kTargetDedicatedNodes], &v[kTargetLowPriorityNodes],
                                         &v[kImage]};
        BodyReader::FindAnywhere(*body, kAnywhere, anywhere);
        if (e.operation == "microsoft.authorization/roleassignments/write" &&
            text.data() == e.request_body.data())
            for (const Lookup& l : kGrantLookups) look(*body, l);
    }
    AsciiLowerInPlace(v[kLocation]);
    AsciiLowerInPlace(v[kGrantPrincipalId]);
    // The role's GUID: the last segment of its id, cut in place.
    std::string& role = v[kGrantRoleDefinitionId];
    std::string_view guid = LastSegment(role);
    auto begin = static_cast<size_t>(guid.data() - role.data());
    role.resize(begin + guid.size());
    role.erase(0, begin);
    AsciiLowerInPlace(role);
}

// Appends the byte form of kept record `e` (retained_codec.hpp): views into the batch and
// `facts`, so nothing is copied twice.
void EncodeKept(const Batch& batch, size_t i, const Sha256Digest& digest,
                const std::array<std::string, kFactCount>& facts, bool keep_bodies,
                std::string& out) {
    const Event& e = batch.events[i];
    RetainedEvent r;
    r.time_us = e.time_us;
    r.kind = e.kind;
    r.phase = e.phase;
    r.file_id = e.file_id;
    r.line = e.line;
    r.offset = e.offset;
    r.length = e.length;
    r.sha256 = digest;
    r.subscription_id = e.subscription_id;
    r.tenant_id = e.tenant_id;
    r.resource_id = e.resource_id;
    r.resource_id_lower = e.resource_id_lower;
    r.resource_type = e.resource_type;
    r.resource_group = e.resource_group;
    r.operation = e.operation;
    r.status = e.status;
    r.status_code = e.status_code;
    r.correlation_id = e.correlation_id;
    r.caller_ip = e.caller_ip;
    const RetainedIdentity who = IdentityOf(e.caller);
    r.identity = &who;
    r.evidence_role = e.authorization.evidence_role;
    r.role_assignment_id = e.authorization.role_assignment_id;
    r.role_definition_id = e.authorization.role_definition_id;
    // Bodies are the bulk of a record: their facts were read above; the bodies themselves stay
    // only where the report shows content (execution, miner content).
    RetainedFacts kept_facts;
    for (size_t f = 0; f < kFactCount; ++f) FactField(kept_facts, static_cast<Fact>(f)) = facts[f];
    r.facts = &kept_facts;
    if (keep_bodies) {
        r.request_body = e.request_body.substr(0, kMaxBodyBytes);
        r.response_body = e.response_body.substr(0, kMaxBodyBytes);
    }
    const PartnerCenterFields& partner = e.partner;
    RetainedPartner pc;
    if (!partner.customer_name.empty() || !partner.partner_id.empty() ||
        !partner.order_id.empty() || !partner.record_id.empty() ||
        !partner.resource_new_value.empty() || !partner.customized_data.empty() ||
        !partner.subscription_ids.empty()) {
        pc.customer_name = partner.customer_name;
        pc.partner_id = partner.partner_id;
        pc.order_id = partner.order_id;
        pc.record_id = partner.record_id;
        pc.resource_new_value = partner.resource_new_value.substr(0, kMaxBodyBytes);
        pc.customized_data = partner.customized_data.substr(0, kMaxBodyBytes);
        pc.subscription_ids.assign(partner.subscription_ids.begin(),
                                   partner.subscription_ids.end());
        r.partner = &pc;
    }
    thread_local std::vector<RuleRef> rules; // its capacity is reused from record to record
    rules.clear();
    if (i < batch.rule_ranges.size()) {
        auto [begin, count] = batch.rule_ranges[i];
        for (uint32_t h = 0; h < count; ++h) {
            uint32_t hit = batch.rule_hits[begin + h];
            rules.push_back(
                {hit & ~kRuleHitContentUnavailable, (hit & kRuleHitContentUnavailable) != 0});
        }
    }
    r.rules.swap(rules);
    EncodeRetained(r, out);
    r.rules.swap(rules);
}

} // namespace

// What Prepare computes for one batch: the kept records in byte form, and per-batch tallies of
// principals and subscriptions (views into the batch).
struct Investigation::Notes : BatchNotes {
    struct Seen {
        std::string_view key;         // into the batch, or into `folded`
        const Event* first = nullptr; // the principal's first event in the batch
        int64_t first_us = INT64_MAX;
        int64_t last_us = INT64_MIN;
        uint64_t events = 0;
        uint64_t failures = 0;
        boost::container::small_vector<std::string_view, 2> ips; // distinct, first-seen order
    };
    std::vector<uint32_t> keep;   // event indexes
    std::string encoded;          // the kept records, back to back
    std::vector<size_t> ends;     // parallel to keep: where each record ends in `encoded`
    std::vector<Seen> principals; // first-seen order, so merging is deterministic
    std::vector<std::pair<std::string_view, std::string_view>> subscriptions; // id, tenant
    std::deque<std::string> folded; // keys of callers without an object id, lowercased
};

std::unique_ptr<BatchNotes> Investigation::Prepare(const Batch& batch) const {
    auto notes = std::make_unique<Notes>();
    // Per thread, reused from batch to batch (FlatIndex keeps its table).
    thread_local FlatIndex principal_index, subscription_index;
    principal_index.Clear();
    subscription_index.Clear();
    auto principal_key = [&](uint32_t at) { return notes->principals[at].key; };
    auto subscription_key = [&](uint32_t at) { return notes->subscriptions[at].first; };
    for (size_t i = 0; i < batch.events.size(); ++i) {
        const Event& e = batch.events[i];
        bool matched = i < batch.rule_ranges.size() && batch.rule_ranges[i].second > 0;
        if (ShouldKeep(e, matched)) {
            notes->keep.push_back(static_cast<uint32_t>(i));
            thread_local Sha256 sha; // one EVP context per thread; Finish resets it
            sha.Update(batch.data.get() + (e.offset - batch.base_offset),
                       static_cast<size_t>(e.length));
            // Reused from record to record: their capacity stays, so facts do not allocate.
            thread_local std::array<std::string, kFactCount> facts;
            for (std::string& fact : facts) fact.clear();
            if (!e.request_body.empty() || !e.response_body.empty()) ReadBodyFacts(e, facts);
            bool keep_bodies = false;
            if (matched) {
                auto [begin, count] = batch.rule_ranges[i];
                for (uint32_t h = 0; h < count; ++h) {
                    uint32_t rule = batch.rule_hits[begin + h] & ~kRuleHitContentUnavailable;
                    if (rule < rules_.size() && (rules_[rule].signal == "execution" ||
                                                 rules_[rule].signal == "miner-content"))
                        keep_bodies = true;
                }
            }
            EncodeKept(batch, i, sha.Finish(), facts, keep_bodies, notes->encoded);
            notes->ends.push_back(notes->encoded.size());
        }
        if (!e.subscription_id.empty()) {
            auto next = static_cast<uint32_t>(notes->subscriptions.size());
            if (subscription_index.FindOrInsert(e.subscription_id, next, subscription_key) == next)
                notes->subscriptions.emplace_back(
                    e.subscription_id,
                    e.kind == SourceKind::kPartnerCenterAudit ? std::string_view{} : e.tenant_id);
        }
        // The object id (already lowercase, a view into the batch) keys almost every event;
        // only callers without one need a folded copy.
        std::string_view key = e.caller.object_id;
        if (key.empty()) {
            std::string_view raw = !e.caller.upn.empty() ? e.caller.upn : e.caller.caller;
            if (raw.empty()) continue;
            notes->folded.push_back(AsciiLowerCopy(raw));
            key = notes->folded.back();
        }
        auto next = static_cast<uint32_t>(notes->principals.size());
        uint32_t at = principal_index.FindOrInsert(key, next, principal_key);
        if (at == next) {
            notes->principals.emplace_back();
            notes->principals.back().key = key;
            notes->principals.back().first = &e;
        }
        Notes::Seen& p = notes->principals[at];
        ++p.events;
        p.first_us = std::min(p.first_us, e.time_us);
        p.last_us = std::max(p.last_us, e.time_us);
        if (e.phase == Phase::kFailed) ++p.failures;
        if (!e.caller_ip.empty() && p.ips.size() < kMaxIpsPerPrincipal &&
            std::find(p.ips.begin(), p.ips.end(), e.caller_ip) == p.ips.end())
            p.ips.push_back(e.caller_ip);
    }
    return notes;
}

void Investigation::Consume(const Batch& batch) {
    const Notes* notes = nullptr;
    for (const auto& n : batch.notes)
        if ((notes = dynamic_cast<const Notes*>(n.get())) != nullptr) break;
    std::unique_ptr<BatchNotes> own;
    if (notes == nullptr) {
        own = Prepare(batch);
        notes = static_cast<const Notes*>(own.get());
    }
    // Lookups before inserts: the keys are views, and most are known already.
    for (const auto& [id, tenant] : notes->subscriptions) {
        if (!tenant.empty() && subscription_tenants_.find(id) == subscription_tenants_.end())
            subscription_tenants_.emplace(std::string(id), std::string(tenant));
        if (subscriptions_seen_.find(id) == subscriptions_seen_.end())
            subscriptions_seen_.emplace(id);
    }
    for (const Notes::Seen& seen : notes->principals) {
        auto found = principals_.find(seen.key);
        if (found == principals_.end())
            found = principals_.emplace(std::string(seen.key), PrincipalAggregate{}).first;
        PrincipalAggregate& p = found->second;
        if (p.events == 0) {
            const Event& e = *seen.first;
            const RetainedIdentity who = IdentityOf(e.caller);
            RetainedEvent probe;
            probe.tenant_id = e.tenant_id;
            probe.identity = &who;
            p.identity = PrincipalOf(probe);
            // Addresses are per event: the summary lists them in `ips`.
            p.identity.ip.clear();
            p.identity.ip_claim.clear();
        }
        p.events += seen.events;
        p.failures += seen.failures;
        p.first_seen_us = std::min(p.first_seen_us, seen.first_us);
        p.last_seen_us = std::max(p.last_seen_us, seen.last_us);
        for (std::string_view ip : seen.ips)
            if (p.ips.size() < kMaxIpsPerPrincipal && p.ips.find(ip) == p.ips.end())
                p.ips.emplace(ip);
    }
    size_t begin = 0;
    for (size_t k = 0; k < notes->keep.size(); ++k) {
        const Event& e = batch.events[notes->keep[k]];
        std::string_view bytes(notes->encoded.data() + begin, notes->ends[k] - begin);
        begin = notes->ends[k];
        if (e.kind == SourceKind::kPartnerCenterAudit) {
            // Keyed by the sequence (big-endian, so key order is input order): one record per
            // group, so a pass never holds them all at once.
            std::string key;
            PutBigEndian(key, sequence_);
            partner_records_.Append(key, sequence_++, bytes);
        } else {
            store_.Append(e.resource_id_lower, sequence_++, bytes);
        }
    }
}

namespace {

std::string_view PrecursorSignal(const Operation& op);

// Whether anything on a resource is relevant to mining: a compute write, or a signal of what
// mining needs.
bool IsRelevant(const std::vector<std::unique_ptr<Operation>>& ops) {
    for (const auto& op : ops) {
        for (std::string_view s : op->signals) {
            if (s == "compute-create" || s == "compute-scale" || s == "gpu-sku" ||
                s == "large-sku" || s == "miner-content" || s == "spot-unlimited" ||
                s == "execution" || s == "gpu-driver")
                return true;
        }
        if (op->verb == "write" && IsComputeType(op->resource_type)) return true;
    }
    return false;
}

// A resource's lifecycle among its operations (in operation order, at least one).
struct Lifecycle {
    const Operation* creation = nullptr; // the first successful write
    const Operation* failed = nullptr;   // the first failed write
    const Operation* deletion = nullptr; // a delete that did not fail, a succeeded one first
    const Operation* origin = nullptr;   // what the finding is attributed from
};

Lifecycle LifecycleOf(const std::vector<std::unique_ptr<Operation>>& ops) {
    Lifecycle life;
    for (const auto& owned : ops) {
        const Operation* op = owned.get();
        if (op->verb == "write") {
            if (op->succeeded() && !life.creation)
                life.creation = op;
            else if (op->final_phase == Phase::kFailed && !life.failed)
                life.failed = op;
        } else if (op->verb == "delete" && op->final_phase != Phase::kFailed &&
                   (!life.deletion || !life.deletion->succeeded())) {
            life.deletion = op;
        }
    }
    life.origin = life.creation ? life.creation : life.failed;
    // Only actions or deletes: a resource created before the logs begin. Kept when a rule
    // flagged what happened to it (run commands, miner extensions).
    if (!life.origin) life.origin = ops.front().get();
    return life;
}

// A resource's region (BuildFinding's details["location"]; pass 1 reads it without building the
// finding): the first location on the origin's records, else the first on any of its
// operations' records. A view into a record.
std::string_view RegionOnRecords(const Operation& origin,
                                 const std::vector<std::unique_ptr<Operation>>& ops) {
    for (const RetainedEvent* e : origin.events)
        if (!e->fact().location.empty()) return e->fact().location;
    for (const auto& op : ops)
        for (const RetainedEvent* e : op->events)
            if (!e->fact().location.empty()) return e->fact().location;
    return {};
}

// A resource's records, decoded, with its operations folded; lives for one chunk of a pass.
struct ResourceGroup {
    std::string_view key;                  // lowercased resource id ("" for none)
    const StoredRecord* records = nullptr; // in sequence order
    size_t count = 0;
    std::unique_ptr<DecodedEvent[]> events;      // parallel to records
    std::vector<std::unique_ptr<Operation>> ops; // in operation order (OperationBefore)
};

// The total order of operations: request time, operation, resource, first record.
bool OperationBefore(const Operation& a, const Operation& b) {
    return std::tie(a.request_us, a.operation, a.resource_id_lower, a.events.front()->sequence) <
           std::tie(b.request_us, b.operation, b.resource_id_lower, b.events.front()->sequence);
}

// Folds one resource's records into operations: by correlation id + operation (+ resource, the
// group's); records without a correlation id stand alone. Phases of one operation in time order;
// a new Start after a completion is a new attempt.
std::vector<std::unique_ptr<Operation>> FoldOperations(const std::vector<const RetainedEvent*>& all,
                                                       const std::vector<RuleInfo>& rules) {
    // Records sorted by (key, time, phase, sequence): each key's records are then one run, in
    // the order its phases are folded. A Start logged in the same microsecond as its completion
    // still comes first. Sequences are distinct, so the order is total.
    auto key_of = [](const RetainedEvent* e) {
        return std::make_tuple(e->correlation_id, e->operation, e->resource_id_lower,
                               e->correlation_id.empty() ? e->sequence + 1 : 0);
    };
    thread_local std::vector<const RetainedEvent*> sorted; // capacity reused per thread
    sorted.assign(all.begin(), all.end());
    std::sort(sorted.begin(), sorted.end(), [&](const RetainedEvent* a, const RetainedEvent* b) {
        auto ka = key_of(a), kb = key_of(b);
        if (ka != kb) return ka < kb;
        return std::tie(a->time_us, a->phase, a->sequence) <
               std::tie(b->time_us, b->phase, b->sequence);
    });
    std::vector<std::unique_ptr<Operation>> out;
    for (size_t run = 0; run < sorted.size();) {
        size_t run_end = run + 1;
        while (run_end < sorted.size() && key_of(sorted[run_end]) == key_of(sorted[run])) ++run_end;
        std::span<const RetainedEvent* const> events(sorted.data() + run, run_end - run);
        run = run_end;
        std::unique_ptr<Operation> op;
        auto flush = [&] {
            if (!op) return;
            std::sort(op->rules.begin(), op->rules.end());
            op->rules.erase(std::unique(op->rules.begin(), op->rules.end()), op->rules.end());
            std::sort(op->signals.begin(), op->signals.end());
            op->signals.erase(std::unique(op->signals.begin(), op->signals.end()),
                              op->signals.end());
            out.push_back(std::move(op));
        };
        for (const RetainedEvent* e : events) {
            bool terminal_seen =
                op && (op->final_phase == Phase::kSucceeded || op->final_phase == Phase::kFailed);
            if (!op || (e->phase == Phase::kStarted && terminal_seen)) {
                flush();
                op = std::make_unique<Operation>();
                op->operation = e->operation;
                op->verb = VerbOf(e->operation);
                op->resource_id_lower = e->resource_id_lower;
                op->resource_type = e->resource_type;
                op->correlation_id = e->correlation_id;
                op->request_us = e->time_us;
            }
            op->events.push_back(e);
            if (e->phase == Phase::kStarted &&
                (!op->request || op->request->phase != Phase::kStarted))
                op->request = e, op->request_us = e->time_us;
            if (!op->request) op->request = e;
            switch (e->phase) {
            case Phase::kSucceeded:
            case Phase::kFailed:
                // A failure after a success, or the reverse: the last word counts.
                op->final_phase = e->phase;
                op->completion_us = e->time_us;
                break;
            case Phase::kAccepted:
                if (op->final_phase != Phase::kSucceeded && op->final_phase != Phase::kFailed)
                    op->final_phase = Phase::kAccepted;
                break;
            case Phase::kStarted:
                if (op->final_phase == Phase::kOther) op->final_phase = Phase::kStarted;
                break;
            case Phase::kOther:
                if (op->final_phase == Phase::kOther) op->final_phase = Phase::kSucceeded;
                break;
            }
            if (!e->status_code.empty()) op->status_code = e->status_code;
            for (const RuleRef& hit : e->rules) {
                op->rules.push_back(hit.rule);
                if (hit.rule < rules.size()) op->signals.push_back(rules[hit.rule].signal);
                op->content_unavailable = op->content_unavailable || hit.content_unavailable;
            }
        }
        flush();
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return OperationBefore(*a, *b); });
    return out;
}

// Decodes the chunk's groups and folds their operations, in parallel. With `wanted`, a group
// none of whose records it accepts is left without operations (not decoded).
std::vector<ResourceGroup> LoadGroups(const StoredChunk& chunk, const std::vector<RuleInfo>& rules,
                                      const std::function<bool(const StoredRecord&)>& wanted) {
    std::vector<ResourceGroup> groups(chunk.groups.size());
    tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
        const StoredGroup& stored = chunk.groups[g];
        ResourceGroup& group = groups[g];
        group.key = stored.key;
        group.records = chunk.records.data() + stored.first;
        group.count = stored.count;
        if (wanted && std::none_of(group.records, group.records + group.count, wanted)) return;
        group.events = std::make_unique<DecodedEvent[]>(stored.count);
        std::vector<const RetainedEvent*> events(stored.count);
        for (size_t r = 0; r < stored.count; ++r) {
            DecodeRetained(group.records[r].bytes, group.records[r].sequence, group.events[r]);
            events[r] = &group.events[r].event;
        }
        group.ops = FoldOperations(events, rules);
    });
    return groups;
}

// Where an operation stands in operation order (OperationBefore). The texts are views: into the
// operation's records while a pass builds it, into the Analyzer's index texts once an index keeps
// it (Analyzer::Indexed), so an index entry holds no string of its own.
struct OperationOrder {
    int64_t request_us = 0;
    std::string_view operation;
    std::string_view resource_id;
    uint64_t sequence = 0; // of the operation's first record: identifies it

    static OperationOrder Of(const Operation& op) {
        return {op.request_us, op.operation, op.resource_id_lower, op.events.front()->sequence};
    }
    bool operator<(const OperationOrder& o) const {
        return std::tie(request_us, operation, resource_id, sequence) <
               std::tie(o.request_us, o.operation, o.resource_id, o.sequence);
    }
};

// A compact entry of the preparation index: an operation that can be preparation
// (PrecursorSignal), by principal, in operation order.
struct PrecursorEntry {
    OperationOrder at;
    std::string_view subscription_id; // like `at`'s texts
    std::string_view signal;          // static text
    Phase final_phase = Phase::kOther;
};

// Everything Analyze builds, with the lookups between the parts. The store is read in passes
// (see Run); between passes only compact indexes and the findings that may be reported stay.
class Analyzer {
  public:
    // `spill`: where and past which size the timeline spills, as for the kept records.
    Analyzer(RetainedStore& store, RetainedStore& partner_records,
             const std::vector<RuleInfo>& rules, const std::vector<std::string>& paths,
             const std::map<std::string, std::string, std::less<>>& subscription_tenants,
             const RetainedStoreOptions& spill)
        : store_(store), partner_records_(partner_records), rules_(rules),
          subscription_tenants_(subscription_tenants) {
        result_.files = paths;
        // The timeline is built last, while every reported finding is held: it keeps less in
        // memory than the kept records before it spills.
        RetainedStoreOptions timeline_spill = spill;
        timeline_spill.budget_bytes = std::min(spill.budget_bytes, kTimelineBudget);
        result_.timeline = Timeline(timeline_spill);
    }

    InvestigationResult Run();

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
    void ReportFindings();
    void Finish();
    void ForEachPartnerRecord(const std::function<void(const RetainedEvent*)>& visit);
    std::optional<ResourceFinding>
    BuildFinding(std::string_view resource,
                 const std::vector<std::unique_ptr<Operation>>& ops) const;
    static bool Notable(const ResourceFinding& f);
    bool Swept(const ResourceFinding& f) const;
    void Rate(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops) const;
    void Attribute(ResourceFinding& finding, const Operation& creation) const;
    void AttachPreparation(ResourceFinding& finding) const;
    void Keep(ResourceFinding f);
    void BuildSubscriptions();
    void AddPartnerTimeline();
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
    void AddEvidenceFields(TimelineEntry& t, const RetainedEvent& e) const {
        EvidenceRef ref = Evidence(e);
        t.fields["source_file"] = ref.file;
        t.fields["record_offset"] = std::to_string(ref.offset);
        t.fields["record_line"] = std::to_string(ref.line);
        t.fields["record_sha256"] = ToHex(ref.sha256);
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
            }
    }

    RetainedStore& store_;
    RetainedStore& partner_records_;
    const std::vector<RuleInfo>& rules_;
    const std::map<std::string, std::string, std::less<>>& subscription_tenants_;
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
    std::unordered_map<std::string, std::vector<PrecursorEntry>> by_principal_;
    // Per principal (object id|name): when and where it created compute, for region sweeps;
    // regions are indexes into regions_.
    std::map<std::string, std::vector<std::pair<int64_t, uint32_t>>> compute_regions_;
    std::vector<std::string> regions_;
    std::set<std::string> miner_parents_; // resources a miner was installed on

    // What may be reported, by resource id, until ReportFindings moves it to the result.
    std::map<std::string, ResourceFinding, std::less<>> findings_;
    std::set<std::string, std::less<>> supporting_; // findings added as supporting resources
    // The principals of kept findings, each held once (Keep): one attacker's findings share it.
    std::map<std::string, std::shared_ptr<const Principal>> shared_principals_;
    void Share(std::shared_ptr<const Principal>& p) {
        if (!p) return;
        // Every field, length-prefixed: texts from the logs may hold any byte.
        std::string key;
        for (const std::string* field : {&p->name, &p->type, &p->object_id, &p->app_id,
                                         &p->tenant_id, &p->ip, &p->ip_claim, &p->credential})
            PutText(key, *field);
        key += static_cast<char>('0' + static_cast<int>(p->mfa));
        key += p->foreign_tenant ? 'f' : '-';
        p = shared_principals_.try_emplace(std::move(key), p).first->second;
    }
    std::set<std::string, std::less<>> suspects_; // object ids behind high findings
};

void Analyzer::ForEachGroups(const std::function<void(std::vector<ResourceGroup>&)>& visit,
                             const std::function<bool(std::string_view)>& select,
                             const std::function<bool(const StoredRecord&)>& wanted) {
    store_.ForEachChunk(
        kAnalysisChunk, kAnalysisChunkBytes,
        [&](const StoredChunk& chunk) {
            std::vector<ResourceGroup> groups = LoadGroups(chunk, rules_, wanted);
            visit(groups);
        },
        select);
}

void Analyzer::Keep(ResourceFinding f) {
    Share(f.created_by);
    Share(f.deleted_by);
    std::string id = f.resource_id;
    findings_.emplace(std::move(id), std::move(f));
}

// Pass 1: what rating a resource needs from the others (grants, deployments, preparation by
// principal, compute regions by principal, resources a miner was installed on).
void Analyzer::CollectIndexes() {
    struct Found {
        std::vector<std::pair<std::string, PrecursorEntry>> precursors; // principal key
        std::vector<std::pair<Grant, OperationOrder>> grants;
        std::vector<std::pair<std::string_view, OperationOrder>> deployments; // correlation id
        std::string sweep_principal;                                          // empty if none
        std::pair<int64_t, std::string> creation;
        std::string miner_parent;
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
                if (op->operation == "microsoft.authorization/roleassignments/write" &&
                    op->succeeded()) {
                    Grant grant;
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
                        grant.scope = e->fact().grant_scope;
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
            // Only compute of the swept types and extensions or run commands feed the indexes.
            if (group.key.empty() || !IsRelevant(group.ops)) return;
            std::string_view type = group.ops.front()->resource_type;
            if (!IsSweptType(type) && !IsExtensionOrRunCommand(type)) return;
            // What BuildFinding would give for the creator, creation time, region and signals,
            // without building the finding.
            const Operation& origin = *LifecycleOf(group.ops).origin;
            if (IsSweptType(type) && origin.request_us >= 0) {
                std::string_view region = RegionOnRecords(origin, group.ops);
                if (!region.empty()) {
                    Principal creator = PrincipalOf(*origin.request);
                    out.sweep_principal = creator.object_id + "|" + creator.name;
                    out.creation = {origin.request_us, std::string(region)};
                }
            }
            if (IsExtensionOrRunCommand(type) &&
                std::any_of(group.ops.begin(), group.ops.end(),
                            [](const auto& op) { return op->has_signal("miner-content"); })) {
                std::string parent = ParentOf(group.key);
                if (!parent.empty()) out.miner_parent = std::move(parent);
            }
        });
        std::unordered_map<std::string, uint32_t> region_ids;
        for (uint32_t r = 0; r < regions_.size(); ++r) region_ids.emplace(regions_[r], r);
        for (Found& out : found) {
            // The entries view the chunk's records: their texts are stored here (Indexed, Intern).
            for (auto& [key, p] : out.precursors) {
                p.at = Indexed(p.at, true);
                p.subscription_id = Intern(p.subscription_id);
                by_principal_[key].push_back(p);
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
                compute_regions_[out.sweep_principal].emplace_back(out.creation.first, it->second);
            }
            if (!out.miner_parent.empty()) miner_parents_.insert(std::move(out.miner_parent));
        }
    });
    for (auto& [key, ops] : by_principal_)
        std::sort(ops.begin(), ops.end(),
                  [](const PrecursorEntry& a, const PrecursorEntry& b) { return a.at < b.at; });
    for (auto& [principal, creations] : compute_regions_)
        std::sort(creations.begin(), creations.end());
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
    // authorized_by: the role assignment named by the call's evidence, else the latest grant
    // to the creator before the creation.
    const SharedGrant* best = nullptr;
    std::string evidence_id;
    for (const RetainedEvent* e : creation.events)
        if (!e->role_assignment_id.empty()) evidence_id = RemoveDashes(e->role_assignment_id);
    if (!evidence_id.empty()) {
        auto it = grants_by_assignment_.find(evidence_id);
        if (it != grants_by_assignment_.end() && it->second->at_us <= creation.request_us)
            best = &it->second;
    }
    if (!best && !f.created_by->object_id.empty()) {
        auto it = grants_by_principal_.find(f.created_by->object_id);
        if (it != grants_by_principal_.end())
            for (const SharedGrant& g : it->second)
                if (g->at_us <= creation.request_us && (!best || g->at_us >= (*best)->at_us))
                    best = &g;
    }
    if (best) f.authorized_by = *best;
}

// The finding for one resource with its operations, attributed and with its details; nullopt
// when nothing on it is relevant (no compute write, no signal of what mining needs). Not rated.
// Needs the indexes of pass 1 (deployments, grants).
std::optional<ResourceFinding>
Analyzer::BuildFinding(std::string_view resource,
                       const std::vector<std::unique_ptr<Operation>>& ops) const {
    if (!IsRelevant(ops)) return std::nullopt;
    ResourceFinding f;
    f.resource_id = resource;
    f.resource_type = ops.front()->resource_type;
    const RetainedEvent* any = ops.front()->request;
    f.subscription_id = any->subscription_id;
    f.resource_group = any->resource_group;
    f.name = LastSegment(any->resource_id.empty() ? resource : any->resource_id);
    f.parent = ParentOf(resource);
    const auto [creation, failed, deletion, origin] = LifecycleOf(ops);
    Attribute(f, *origin);
    if (!creation && failed) {
        f.status = "failed";
        f.completed_at_us = -1;
    } else {
        f.status = "created";
    }
    if (deletion && (!creation || deletion->request_us >= creation->request_us)) {
        f.status = "deleted";
        f.deleted_at_us = deletion->request_us;
        f.deletion_completed_at_us = deletion->completion_us;
        f.deleted_by = std::make_shared<const Principal>(PrincipalOf(*deletion->request));
    }
    // Details from the creating operation's bodies: request on Start, model on Accept.
    for (const RetainedEvent* e : origin->events) AddDetails(f, *e);
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

// What makes an operation preparation for a later creation: a quota increase, a provider
// registration, a new resource group, or a failed write; empty when it is none of those.
std::string_view PrecursorSignal(const Operation& op) {
    std::string_view signal;
    for (std::string_view s : op.signals) {
        if (s == "quota-increase") signal = "quota-increase";
        if (s == "rp-registration") signal = "rp-registration";
        if (s == "resource-group-create") signal = "resource-group-create";
    }
    if (op.final_phase == Phase::kFailed && op.verb == "write") signal = "failed-attempt";
    return signal;
}

void Analyzer::AttachPreparation(ResourceFinding& f) const {
    if (!f.created_by || f.created_at_us < 0) return;
    std::string key = !f.created_by->object_id.empty() ? f.created_by->object_id
                                                       : AsciiLowerCopy(f.created_by->name);
    auto it = by_principal_.find(key);
    if (it == by_principal_.end()) return;
    // A principal's operations are in request-time order: visit only the window.
    const std::vector<PrecursorEntry>& ops = it->second;
    auto from = std::lower_bound(
        ops.begin(), ops.end(), f.created_at_us - kPreparationWindow,
        [](const PrecursorEntry& op, int64_t at) { return op.at.request_us < at; });
    for (auto op = from; op != ops.end() && op->at.request_us <= f.created_at_us; ++op) {
        if (op->at.resource_id == f.resource_id) continue;
        if (!op->subscription_id.empty() && op->subscription_id != f.subscription_id) continue;
        Precursor p;
        p.at_us = op->at.request_us;
        p.operation = op->at.operation;
        p.resource_id = op->at.resource_id;
        p.signal = op->signal;
        p.status = ToString(op->final_phase);
        p.source_sequence = op->at.sequence;
        f.preparation.push_back(std::move(p));
    }
}

// Reported: everything rated medium or high, and low-rated compute that is still worth a look
// (GPU/HPC, very large or uncapped Spot sizes). Ordinary CPU compute by ordinary callers is not
// a finding; it stays in principals.jsonl's counts.
bool Analyzer::Notable(const ResourceFinding& f) {
    if (f.severity != Severity::kLow) return true;
    for (const std::string& signal : f.signals)
        if (signal == "gpu-sku" || signal == "large-sku" || signal == "spot-unlimited" ||
            signal == "miner-content")
            return true;
    return false;
}

bool Analyzer::Swept(const ResourceFinding& f) const {
    auto it = compute_regions_.find(f.created_by->object_id + "|" + f.created_by->name);
    if (it == compute_regions_.end()) return false;
    // The principal's creations are sorted by time: look only within a day either side.
    const auto& creations = it->second;
    auto from = std::lower_bound(creations.begin(), creations.end(),
                                 std::make_pair(f.created_at_us - kMicrosPerDay, uint32_t{0}));
    std::vector<uint32_t> regions;
    for (auto c = from; c != creations.end() && c->first <= f.created_at_us + kMicrosPerDay; ++c) {
        if (std::find(regions.begin(), regions.end(), c->second) != regions.end()) continue;
        regions.push_back(c->second);
        if (regions.size() >= kSweepRegions) return true;
    }
    return false;
}
// The rating of a finding, from its own facts and the cross-resource indexes (regions per
// principal, miner parents, grants).
void Analyzer::Rate(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops) const {
    auto has = [&](const char* s) { return std::count(f.signals.begin(), f.signals.end(), s) > 0; };
    bool miner = has("miner-content");
    bool gpu = has("gpu-sku") || has("large-sku");
    bool compute = has("compute-create") || has("compute-scale") || IsComputeType(f.resource_type);
    bool spot_unlimited = has("spot-unlimited");
    std::vector<std::string> prep;
    bool quota = false, registration = false, failed_attempts = false;
    for (const Precursor& p : f.preparation) {
        if (p.signal == "quota-increase") quota = true;
        if (p.signal == "rp-registration") registration = true;
        if (p.signal == "failed-attempt") failed_attempts = true;
    }
    // A fresh grant counts when it gave rights to create: Reader and data roles do not.
    bool fresh_grant = f.authorized_by &&
                       f.created_at_us - f.authorized_by->at_us <= kFreshGrantWindow &&
                       IsPrivilegedRole(*f.authorized_by);
    bool sweep = f.created_by && Swept(f);
    if (quota) prep.push_back("a quota increase requested by the same principal beforehand");
    if (fresh_grant)
        prep.push_back("the creator received the " + f.authorized_by->role + " role " +
                       "shortly before (from " + Describe(f.authorized_by->granted_by) + ")");
    if (sweep)
        prep.push_back("compute created in " + std::to_string(kSweepRegions) +
                       "+ regions within a day by the same principal");
    if (spot_unlimited) prep.push_back("Spot/low-priority capacity with no price cap");
    if (failed_attempts)
        prep.push_back("failed creation attempts by the same principal beforehand");
    if (registration)
        prep.push_back("resource providers registered by the same principal beforehand");

    Severity severity = Severity::kLow;
    if (miner) {
        severity = Severity::kHigh;
        f.reasons.push_back("miner content in its configuration (command line, image or script)");
    }
    if (miner_parents_.count(f.resource_id)) {
        severity = Severity::kHigh;
        f.reasons.push_back("a miner was installed on it through an extension or run command");
    }
    if (gpu) {
        std::string size = f.details.count("vm_size") ? " (" + f.details["vm_size"] + ")" : "";
        // Registrations alone are routine; the other signals are what mining needs.
        bool strong = quota || fresh_grant || sweep || spot_unlimited || failed_attempts;
        if (strong) {
            severity = Severity::kHigh;
            f.reasons.push_back("GPU/HPC compute" + size + " with preparation signals");
        } else {
            bool trusted_user = f.created_by && f.created_by->type == "user" &&
                                f.created_by->mfa == Tristate::kYes &&
                                !f.created_by->foreign_tenant;
            Severity lone = trusted_user ? Severity::kLow : Severity::kMedium;
            severity = std::max(severity, lone);
            f.reasons.push_back(std::string("GPU/HPC compute") + size +
                                (trusted_user ? " created by an MFA-authenticated user with no "
                                                "preparation signal"
                                              : " with no preparation signal"));
        }
    } else if (compute && (quota || fresh_grant || spot_unlimited)) {
        // Ordinary compute is medium only with what mining needs: more quota, fresh rights
        // or uncapped Spot capacity. (Many regions at once is normal for CPU automation; it
        // counts for GPU compute above.)
        severity = std::max(severity, Severity::kMedium);
        f.reasons.push_back("compute created with preparation signals");
    } else if (compute && !miner) {
        f.reasons.push_back("compute created with no preparation signal");
    }
    for (const std::string& p : prep) f.reasons.push_back(p);
    if (f.created_by && f.created_by->foreign_tenant) {
        severity = std::max(severity, Severity::kMedium);
        f.reasons.push_back("created by a principal from another tenant (partner, GDAP or guest)");
    }
    if (f.resource_type == "microsoft.resources/deployments" && !miner) {
        // A deployment carries what it creates; those resources are rated themselves.
        severity = std::min(severity, Severity::kMedium);
    }
    if (f.status == "failed") {
        // An attempt that never ran is not mining, but it is part of the story.
        severity = std::min(severity, Severity::kMedium);
        if (gpu || compute) severity = std::max(severity, Severity::kMedium);
        f.reasons.push_back("the creation failed" +
                            (ops.empty() || ops.front()->status_code.empty()
                                 ? std::string()
                                 : " (" + std::string(ops.front()->status_code) + ")"));
    }
    f.severity = severity;
}

void Analyzer::Implicate(ResourceFinding& f) const {
    if (f.severity != Severity::kLow || !f.created_by) return;
    if (suspects_.count(f.created_by->object_id)) {
        f.severity = Severity::kMedium;
        f.reasons.push_back("created by " + Describe(*f.created_by) +
                            ", who created high-severity resources");
    }
}

// Pass 2: every relevant resource built, prepared and rated. What is reported so far is kept
// (without its operations: pass 4 reads them again); the rest (rated low and not notable, mostly
// ordinary compute) is dropped here and looked at again in pass 3 only if its creator turns out to
// be behind high findings.
void Analyzer::RateResources() {
    ForEachGroups([&](std::vector<ResourceGroup>& groups) {
        std::vector<std::optional<ResourceFinding>> built(groups.size());
        tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
            if (groups[g].key.empty()) return;
            std::optional<ResourceFinding> f = BuildFinding(groups[g].key, groups[g].ops);
            if (!f) return;
            AttachPreparation(*f);
            Rate(*f, groups[g].ops);
            if (!Notable(*f)) return;
            built[g] = std::move(f);
        });
        for (size_t g = 0; g < groups.size(); ++g)
            if (built[g]) Keep(std::move(*built[g]));
    });
    for (const auto& [id, f] : findings_)
        if (f.severity == Severity::kHigh && f.created_by && !f.created_by->object_id.empty())
            suspects_.insert(f.created_by->object_id);
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
                    // Rated low and not notable in pass 2: reported if a suspect created it.
                    std::string_view creator =
                        LifecycleOf(group.ops).origin->request->who().object_id;
                    if (creator.empty() || !suspects_.count(creator)) return;
                    std::optional<ResourceFinding> f = BuildFinding(group.key, group.ops);
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
                    if (op->has_signal("quota-increase") || op->has_signal("rp-registration"))
                        continue;
                    bool suspect_creator =
                        !req.who().object_id.empty() && suspects_.count(req.who().object_id) > 0;
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
                    s.status = "created";
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
                    Attribute(s, *op);
                    for (const RetainedEvent* e : op->events)
                        if (!e->fact().location.empty())
                            s.details.emplace("location", std::string(e->fact().location));
                    if (enabling) {
                        s.severity = Severity::kHigh;
                        s.details["role"] = enabling->role;
                        s.details["principal_id"] = enabling->principal_id;
                        s.details["role_definition_id"] = enabling->role_definition_id;
                        s.reasons.push_back("granted the " + enabling->role + " role to " +
                                            enabling->principal_id +
                                            ", who then created high-severity resources");
                        if (s.created_by && s.created_by->mfa == Tristate::kNo)
                            s.reasons.push_back("the grant was made without MFA");
                    } else {
                        s.severity = Severity::kMedium;
                        s.reasons.push_back("supporting resource created by " +
                                            Describe(*s.created_by) +
                                            ", who created high-severity resources");
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
                  if (a.created_at_us != b.created_at_us) return a.created_at_us < b.created_at_us;
                  return a.resource_id < b.resource_id;
              });
}

namespace {

// The timeline's order among entries of the same time and message: where the operation is first
// mentioned in a walk of the reported findings in report order, each with its own operations
// (in operation order), then the preparation it names, then the grant that authorized it; the
// Partner Center records come after, in input order (rank = the number of findings). Each
// operation has one entry, from its first mention. 64 bits: rank (below 2^32 findings), own or
// named, position (below 2^31: no resource holds that many operations in one chunk).
uint64_t MentionOrder(size_t rank, bool named, size_t position) {
    return (static_cast<uint64_t>(rank) << 32) | (static_cast<uint64_t>(named) << 31) |
           (static_cast<uint64_t>(position) & 0x7fffffffu);
}

// Cuts `text` to at most `limit` bytes on a UTF-8 character boundary.
std::string CutUtf8(std::string_view text, size_t limit) {
    if (text.size() <= limit) return std::string(text);
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + " [...]";
}

// ResourceFinding::commands from the operations' request and response bodies. Thread-safe (a
// body reader per thread).
std::vector<std::string> CommandsOf(const std::vector<std::unique_ptr<Operation>>& ops) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    thread_local BodyReader reader;
    auto add = [&](const std::string& text) {
        if (text.empty() || out.size() >= kMaxCommands) return;
        std::string cut = CutUtf8(text, kMaxCommandBytes);
        if (seen.insert(cut).second) out.push_back(std::move(cut));
    };
    for (const auto& op : ops) {
        for (const RetainedEvent* e : op->events) {
            for (const std::string_view* body : {&e->request_body, &e->response_body}) {
                auto root = reader.Parse(*body);
                if (!root) continue;
                add(reader.FindAnywhere(*root, "commandtoexecute"));
                add(reader.FindAnywhere(*root, "script"));
                add(reader.FindAnywhere(*root, "commandid"));
                add(reader.Find(*root, {"properties", "containers", "properties", "command"}));
            }
        }
    }
    return out;
}

// ResourceFinding::actions: the run commands, starts and restarts among the operations.
std::vector<InvokedAction> ActionsOf(const std::vector<std::unique_ptr<Operation>>& ops) {
    std::vector<InvokedAction> out;
    for (const auto& op : ops) {
        if (op->verb != "action") continue;
        if (op->operation.find("runcommand") == std::string_view::npos &&
            !op->operation.ends_with("/start/action") &&
            !op->operation.ends_with("/restart/action"))
            continue;
        InvokedAction action;
        action.at_us = op->request_us;
        action.operation = op->operation;
        action.final_phase = op->final_phase;
        if (op->request) {
            const RetainedIdentity& who = op->request->who();
            action.caller = who.upn.empty() ? who.caller : who.upn;
            action.ip = op->request->caller_ip;
        }
        out.push_back(std::move(action));
    }
    return out;
}

} // namespace

// Pass 4: what the reported findings need from operations, read again from the store since no
// operation outlives its chunk: each finding's evidence, commands and invoked actions, and the
// timeline entries of its operations, of the preparation it names on other resources and of the
// grant that authorized it.
void Analyzer::Finish() {
    struct Mention {
        uint64_t order = 0;
        std::string_view role; // static text
    };
    // Operations named by a finding (preparation, grants), by first record: the first mention.
    std::unordered_map<uint64_t, Mention> named;
    std::map<std::string_view, size_t> rank_of; // resource id -> index in result_.resources
    std::set<std::string, std::less<>> read;    // the resources whose operations are read
    for (size_t rank = 0; rank < result_.resources.size(); ++rank) {
        const ResourceFinding& f = result_.resources[rank];
        rank_of.emplace(f.resource_id, rank);
        read.insert(f.resource_id);
        auto mention = [&](uint64_t sequence, std::string_view resource, size_t position,
                           std::string_view role) {
            named.try_emplace(sequence, Mention{MentionOrder(rank, true, position), role});
            if (!read.count(resource)) read.emplace(resource);
        };
        for (size_t j = 0; j < f.preparation.size(); ++j)
            mention(f.preparation[j].source_sequence, f.preparation[j].resource_id, j, "precursor");
        if (f.authorized_by)
            mention(f.authorized_by->operation_sequence, f.authorized_by->assignment_id,
                    f.preparation.size(), "grant");
    }
    if (read.empty()) return;
    ForEachGroups(
        [&](std::vector<ResourceGroup>& groups) {
            std::vector<std::vector<std::pair<uint64_t, TimelineEntry>>> entries(groups.size());
            std::vector<ResourceFinding*> finding_of(groups.size(), nullptr);
            tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
                const ResourceGroup& group = groups[g];
                auto found = rank_of.find(group.key);
                ResourceFinding* finding =
                    found == rank_of.end() ? nullptr : &result_.resources[found->second];
                finding_of[g] = finding;
                if (finding) {
                    AddEvidence(*finding, group.ops);
                    finding->commands = CommandsOf(group.ops);
                    finding->actions = ActionsOf(group.ops);
                }
                for (size_t i = 0; i < group.ops.size(); ++i) {
                    const Operation& op = *group.ops[i];
                    std::optional<Mention> first;
                    if (finding) first = Mention{MentionOrder(found->second, false, i), "resource"};
                    auto n = named.find(op.events.front()->sequence);
                    if (n != named.end() && (!first || n->second.order < first->order))
                        first = n->second;
                    if (!first) continue;
                    bool own = first->role == "resource";
                    entries[g].emplace_back(
                        first->order,
                        OperationEntry(op, std::string(first->role), own ? finding : nullptr));
                }
            });
            // The actions view the chunk's records: their texts move to the result's here.
            for (ResourceFinding* finding : finding_of)
                if (finding)
                    for (InvokedAction& action : finding->actions) {
                        action.operation = Intern(action.operation);
                        action.caller = Intern(action.caller);
                        action.ip = Intern(action.ip);
                    }
            for (const auto& group_entries : entries)
                for (const auto& [order, entry] : group_entries) result_.timeline.Add(entry, order);
        },
        [&](std::string_view key) { return read.count(key) > 0; });
}

void Analyzer::ForEachPartnerRecord(const std::function<void(const RetainedEvent*)>& visit) {
    partner_records_.ForEachChunk(kAnalysisChunk, kAnalysisChunkBytes,
                                  [&](const StoredChunk& chunk) {
                                      DecodedEvent decoded;
                                      for (const StoredRecord& record : chunk.records) {
                                          DecodeRetained(record.bytes, record.sequence, decoded);
                                          visit(&decoded.event);
                                      }
                                  });
}

void Analyzer::BuildSubscriptions() {
    std::map<std::string, SubscriptionFinding> subs;
    ForEachPartnerRecord([&](const RetainedEvent* e) {
        if (e->operation != "create_order" && e->operation != "update_subscription" &&
            e->operation != "create_subscription")
            return;
        if (e->phase == Phase::kFailed) return;
        for (std::string_view id : e->pc().subscription_ids) {
            SubscriptionFinding& s = subs[std::string(id)];
            if (s.created_at_us >= 0 && s.created_at_us <= e->time_us) continue;
            s.subscription_id = id;
            s.customer_id = e->tenant_id;
            s.customer_name = e->pc().customer_name;
            s.created_by = !e->who().upn.empty() ? e->who().upn : e->who().caller;
            s.created_at_us = e->time_us;
            s.order_id = e->pc().order_id;
            s.partner_id = e->pc().partner_id;
            s.evidence = Evidence(*e);
        }
    });
    for (const auto& [id, tenant] : subscription_tenants_) {
        SubscriptionFinding& s = subs[id];
        s.subscription_id = id;
        if (s.customer_id.empty()) s.customer_id = tenant;
    }
    for (auto& [id, s] : subs) result_.subscriptions.push_back(std::move(s));
}

} // namespace

InvestigationResult Analyzer::Run() {
    CollectIndexes();
    RateResources();
    TraceSuspects();
    ReportFindings();
    Finish();
    BuildSubscriptions();
    AddPartnerTimeline();
    return std::move(result_);
}

InvestigationResult Investigation::Analyze() {
    Analyzer analyzer(store_, partner_records_, rules_, paths_, subscription_tenants_,
                      spill_options_);
    InvestigationResult result = analyzer.Run();
    // Subscriptions seen only in activity logs, without a tenant.
    std::set<std::string> known;
    for (const auto& s : result.subscriptions) known.insert(s.subscription_id);
    for (const std::string& id : subscriptions_seen_) {
        if (known.count(id)) continue;
        SubscriptionFinding s;
        s.subscription_id = id;
        result.subscriptions.push_back(std::move(s));
    }
    std::sort(result.subscriptions.begin(), result.subscriptions.end(),
              [](const auto& a, const auto& b) { return a.subscription_id < b.subscription_id; });

    // Principals: every caller seen, with what they created.
    std::map<std::string, PrincipalSummary> summaries;
    for (const auto& [key, p] : principals_) {
        PrincipalSummary& s = summaries[key];
        s.key = key;
        s.identity = p.identity;
        s.first_seen_us = p.first_seen_us;
        s.last_seen_us = p.last_seen_us;
        s.events = p.events;
        s.failures = p.failures;
        s.ips = p.ips;
    }
    for (const ResourceFinding& f : result.resources) {
        if (!f.created_by) continue;
        std::string key = !f.created_by->object_id.empty() ? f.created_by->object_id
                                                           : AsciiLowerCopy(f.created_by->name);
        auto it = summaries.find(key);
        if (it == summaries.end()) continue;
        PrincipalSummary& s = it->second;
        s.has_findings = true;
        s.worst = std::max(s.worst, f.severity);
        if (f.status == "failed") continue;
        ++s.created_by_type[f.resource_type];
        if (auto size = f.details.find("vm_size"); size != f.details.end())
            ++s.created_by_size[size->second];
        if (auto region = f.details.find("location"); region != f.details.end())
            ++s.created_by_region[region->second];
    }
    for (auto& [key, s] : summaries) result.principals.push_back(std::move(s));
    return result;
}

// The timeline entry of one operation, mentioned in the role given ("resource" with its finding,
// "precursor", "grant"). Thread-safe.
TimelineEntry Analyzer::OperationEntry(const Operation& operation, const std::string& role,
                                       const ResourceFinding* finding) const {
    const Operation* op = &operation;
    const RetainedEvent& req = *op->request;
    Principal who = PrincipalOf(req);
    TimelineEntry t;
    t.time_us = op->request_us;
    t.data_type = "azure:arm:operation";
    std::string verb = op->verb == "write" ? "wrote" : op->verb == "delete" ? "deleted" : "ran";
    if (op->verb == "write" && finding && finding->created_at_us == op->request_us)
        verb = "created";
    std::string outcome = std::string(ToString(op->final_phase));
    t.timestamp_desc = "Request time (" + role + ")";
    t.message = Describe(who) + " " + verb + " " + ShortResourceType(op->resource_type) + " " +
                std::string(LastSegment(req.resource_id.empty() ? op->resource_id_lower
                                                                : req.resource_id)) +
                " [" + outcome +
                (op->status_code.empty() ? "" : " " + std::string(op->status_code)) + "]";
    if (finding) {
        auto size = finding->details.find("vm_size");
        if (size != finding->details.end() && verb == "created") t.message += " " + size->second;
        auto region = finding->details.find("location");
        if (region != finding->details.end()) t.message += " in " + region->second;
    }
    t.fields["operation"] = op->operation;
    t.fields["resource_id"] = op->resource_id_lower;
    t.fields["resource_type"] = op->resource_type;
    t.fields["subscription_id"] = req.subscription_id;
    t.fields["correlation_id"] = op->correlation_id;
    t.fields["status"] = outcome;
    t.fields["status_code"] = op->status_code;
    t.fields["caller"] = who.name;
    t.fields["caller_type"] = who.type;
    t.fields["caller_object_id"] = who.object_id;
    t.fields["caller_ip"] = who.ip;
    t.fields["role"] = role;
    if (op->completion_us >= 0) t.fields["completed_at"] = FormatRfc3339Micros(op->completion_us);
    if (finding) t.fields["severity"] = std::string(ToString(finding->severity));
    std::string rules;
    for (uint32_t r : op->rules)
        if (const RuleInfo* info = Rule(r)) rules += (rules.empty() ? "" : ",") + info->id;
    t.fields["rules"] = rules;
    AddEvidenceFields(t, req);
    return t;
}

// The Partner Center records' timeline entries, after every finding's (MentionOrder).
void Analyzer::AddPartnerTimeline() {
    size_t position = 0;
    ForEachPartnerRecord([&](const RetainedEvent* e) {
        TimelineEntry t;
        t.time_us = e->time_us;
        t.data_type = "azure:partner-center:audit";
        t.timestamp_desc = "Partner Center operation";
        t.message =
            std::string(e->who().upn.empty() ? e->who().caller : e->who().upn) + " " +
            std::string(e->operation) + " (" + std::string(e->status) + ") for customer " +
            std::string(e->pc().customer_name.empty() ? e->tenant_id : e->pc().customer_name);
        if (!e->pc().subscription_ids.empty()) {
            t.message += ", subscription";
            for (std::string_view s : e->pc().subscription_ids) t.message += " " + std::string(s);
        }
        t.fields["operation"] = e->operation;
        t.fields["resource_type"] = e->resource_type;
        t.fields["customer_id"] = e->tenant_id;
        t.fields["customer_name"] = e->pc().customer_name;
        t.fields["partner_id"] = e->pc().partner_id;
        t.fields["caller"] = e->who().upn.empty() ? e->who().caller : e->who().upn;
        t.fields["order_id"] = e->pc().order_id;
        std::string subs;
        for (std::string_view s : e->pc().subscription_ids)
            subs += (subs.empty() ? "" : ",") + std::string(s);
        t.fields["subscription_id"] = subs;
        t.fields["status"] = e->status;
        std::string rules;
        for (const RuleRef& r : e->rules)
            if (const RuleInfo* info = Rule(r.rule)) rules += (rules.empty() ? "" : ",") + info->id;
        t.fields["rules"] = rules;
        AddEvidenceFields(t, *e);
        result_.timeline.Add(t, MentionOrder(result_.resources.size(), false, position++));
    });
}

} // namespace minetrace
