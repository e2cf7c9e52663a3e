// The ingest sink (Investigation's Prepare and Consume) and Analyze's entry; the analysis passes
// are in analyzer.hpp's files.
#include "provenance/investigation.hpp"

#include "core/ascii.hpp"
#include "core/byte_form.hpp"
#include "provenance/analysis.hpp"
#include "provenance/analysis_limits.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/retained_codec.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <stdexcept>

namespace minetrace {

using namespace analysis;

namespace {

// The identity index gets a sixteenth of the store's budget (at least 4 KiB; 2 MiB by default):
// its entries are small and read in one sequential pass, so spilling them early costs little,
// and the memory they would hold is the run's peak (measured in README).
RetainedStoreOptions IdentityStoreOptions(RetainedStoreOptions options) {
    options.budget_bytes = std::max<size_t>(options.budget_bytes / 16, size_t{4} << 10);
    return options;
}

} // namespace

Investigation::Investigation(std::vector<std::string> paths, std::vector<RuleInfo> rules,
                             const RetainedStoreOptions& store)
    : paths_(std::move(paths)), rules_(std::move(rules)), spill_options_(store), store_(store),
      partner_records_(store), principals_(store), identities_(IdentityStoreOptions(store)),
      scratches_(std::make_unique<ScratchPool>()) {}

Investigation::~Investigation() = default;

namespace {

bool ShouldKeep(const Event& e, bool matched) {
    if (matched || e.kind == SourceKind::kPartnerCenterAudit) return true;
    // Lifecycle records the rules may not flag on every phase: the phases of compute writes and
    // deletes and of deployments (a rule may see only the phase with a body), and role grants.
    // Power actions and reads are not kept.
    std::string_view verb = e.operation.substr(e.operation.rfind('/') + 1);
    if (IsComputeType(e.resource_type) && (verb == "write" || verb == "delete")) return true;
    // Resource group deletes: they delete everything in the group (deleted_by_parent).
    return e.operation == "microsoft.resources/deployments/write" ||
           e.operation == "microsoft.authorization/roleassignments/write" ||
           e.operation == "microsoft.resources/subscriptions/resourcegroups/delete";
}

// Appends the byte form of kept record `e` (retained_codec.hpp): views into the batch and
// `facts`, so nothing is copied twice.
void EncodeKept(const Batch& batch, size_t i, const Sha256Digest& digest,
                const std::array<std::string, kFactCount>& facts, bool keep_bodies,
                std::vector<RuleRef>& rules, std::string& out) {
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
    r.operation_id = e.operation_id;
    r.event_data_id = e.event_data_id;
    r.time_digits = e.time_digits;
    const RetainedIdentity who = IdentityOf(e.caller);
    r.identity = &who;
    r.evidence_role = e.authorization.evidence_role;
    r.role_assignment_id = e.authorization.role_assignment_id;
    r.role_definition_id = e.authorization.role_definition_id;
    r.role_assignment_scope = e.authorization.role_assignment_scope;
    r.evidence_principal_id = e.authorization.principal_id;
    r.evidence_principal_type = e.authorization.principal_type;
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
    rules.clear(); // the scratch's: its capacity is reused from record to record
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
        // distinct; the earliest kMaxIpsPerPrincipal (KeepEarliestAddress), each with its earliest
        // time
        boost::container::small_vector<std::pair<std::string_view, int64_t>, 2> ips;
    };
    std::vector<uint32_t> keep;   // event indexes
    std::string encoded;          // the kept records, back to back
    std::vector<size_t> ends;     // parallel to keep: where each record ends in `encoded`
    std::vector<Seen> principals; // first-seen order, so merging is deterministic
    std::vector<std::pair<std::string_view, std::string_view>> subscriptions; // id, tenant
    std::deque<std::string> folded; // keys of callers without an object id, lowercased
    // Every event with an identity, in batch order (DuplicateIndex).
    struct Identity {
        EventIdentity id;
        uint32_t principal = DuplicateIndex::kNoPrincipal; // index in `principals`
        bool failed = false;
    };
    std::vector<Identity> identities;
};

std::unique_ptr<BatchNotes> Investigation::Prepare(const Batch& batch) const {
    auto notes = std::make_unique<Notes>();
    // The thread's scratch, reused from batch to batch (FlatIndex keeps its table).
    AnalysisScratch& scratch = scratches_->local();
    FlatIndex& principal_index = scratch.principal_index;
    FlatIndex& subscription_index = scratch.subscription_index;
    principal_index.Clear();
    subscription_index.Clear();
    auto principal_key = [&](uint32_t at) { return notes->principals[at].key; };
    auto subscription_key = [&](uint32_t at) { return notes->subscriptions[at].first; };
    for (size_t i = 0; i < batch.events.size(); ++i) {
        const Event& e = batch.events[i];
        size_t identity = SIZE_MAX; // this event's entry in notes->identities, if any
        if (EventIdentity id = EventIdentityOf(IdentityFieldsOf(e)); id.valid) {
            identity = notes->identities.size();
            notes->identities.push_back(
                {id, DuplicateIndex::kNoPrincipal, e.phase == Phase::kFailed});
        }
        bool matched = i < batch.rule_ranges.size() && batch.rule_ranges[i].second > 0;
        if (ShouldKeep(e, matched)) {
            notes->keep.push_back(static_cast<uint32_t>(i));
            Sha256& sha = scratch.sha; // one EVP context per thread; Finish resets it
            sha.Update(batch.data.get() + (e.offset - batch.base_offset),
                       static_cast<size_t>(e.length));
            // Reused from record to record: their capacity stays, so facts do not allocate.
            std::array<std::string, kFactCount>& facts = scratch.facts;
            for (std::string& fact : facts) fact.clear();
            if (!e.request_body.empty() || !e.response_body.empty())
                ReadBodyFacts(e, facts, scratch);
            bool keep_bodies = false;
            if (matched) {
                auto [begin, count] = batch.rule_ranges[i];
                for (uint32_t h = 0; h < count; ++h) {
                    uint32_t rule = batch.rule_hits[begin + h] & ~kRuleHitContentUnavailable;
                    if (rule < rules_.size() && (rules_[rule].signal == signal_kind::kExecution ||
                                                 rules_[rule].signal == signal_kind::kMinerContent))
                        keep_bodies = true;
                }
            }
            EncodeKept(batch, i, sha.Finish(), facts, keep_bodies, scratch.rules, notes->encoded);
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
        if (identity != SIZE_MAX) notes->identities[identity].principal = at;
        Notes::Seen& p = notes->principals[at];
        ++p.events;
        p.first_us = std::min(p.first_us, e.time_us);
        p.last_us = std::max(p.last_us, e.time_us);
        if (e.phase == Phase::kFailed) ++p.failures;
        if (!e.caller_ip.empty())
            KeepEarliestAddress(p.ips, e.caller_ip, e.time_us, kMaxIpsPerPrincipal);
    }
    return notes;
}

namespace {

constexpr const char* kDamagedDigest = "minetrace: a segment's investigation digest is damaged";

// Who a principal is, from its first event (PrincipalOf without the per-event addresses).
PrincipalIdentity IdentityOfFirst(const Event& e) {
    const RetainedIdentity who = IdentityOf(e.caller);
    RetainedEvent probe;
    probe.tenant_id = e.tenant_id;
    probe.identity = &who;
    Principal p = PrincipalOf(probe);
    PrincipalIdentity identity;
    identity.name = std::move(p.name);
    identity.type = std::move(p.type);
    identity.object_id = std::move(p.object_id);
    identity.app_id = std::move(p.app_id);
    identity.tenant_id = std::move(p.tenant_id);
    identity.foreign_tenant = p.foreign_tenant;
    return identity;
}

void PutShare(std::string& out, std::string_view key, const PrincipalIdentity& who,
              const PrincipalTallies::Share& share) {
    PutText(out, key);
    for (const std::string* text :
         {&who.name, &who.type, &who.object_id, &who.app_id, &who.tenant_id})
        PutText(out, *text);
    PutVarint(out, who.foreign_tenant ? 1 : 0);
    PutInt64(out, share.first_us);
    PutInt64(out, share.last_us);
    PutVarint(out, share.events);
    PutVarint(out, share.failures);
    PutVarint(out, share.ips.size());
    for (const auto& [ip, at] : share.ips) {
        PutText(out, ip);
        PutInt64(out, at);
    }
}

// The key; `share.ips` view the digest.
std::string_view ReadShare(ByteFormReader& in, PrincipalIdentity& who,
                           PrincipalTallies::Share& share) {
    std::string_view key = in.Text();
    for (std::string* text : {&who.name, &who.type, &who.object_id, &who.app_id, &who.tenant_id})
        text->assign(in.Text());
    who.foreign_tenant = in.Varint() != 0;
    share.first_us = in.Int64();
    share.last_us = in.Int64();
    share.events = in.Varint();
    share.failures = in.Varint();
    share.ips.clear();
    for (uint64_t n = in.Varint(); n > 0; --n) {
        std::string_view ip = in.Text();
        share.ips.emplace_back(ip, in.Int64());
    }
    return key;
}

void PutIdentity(std::string& out, const EventIdentity& id, uint32_t principal, bool failed) {
    out.append(reinterpret_cast<const char*>(id.bucket.data()), sizeof id.bucket);
    PutInt64(out, id.time_us);
    PutVarint(out, id.operation_id);
    PutVarint(out, id.event_data_id);
    PutVarint(out, id.time_digits);
    // 0: no principal, else its index in the batch's shares plus one.
    PutVarint(out, principal == DuplicateIndex::kNoPrincipal ? 0 : uint64_t{principal} + 1);
    PutVarint(out, failed ? 1 : 0);
}

EventIdentity ReadIdentity(ByteFormReader& in, uint32_t& principal, bool& failed) {
    EventIdentity id;
    in.Copy(id.bucket.data(), sizeof id.bucket);
    id.time_us = in.Int64();
    id.operation_id = static_cast<uint32_t>(in.Varint());
    id.event_data_id = static_cast<uint32_t>(in.Varint());
    id.time_digits = static_cast<uint8_t>(in.Varint());
    id.valid = true;
    uint64_t p = in.Varint();
    principal = p == 0 ? DuplicateIndex::kNoPrincipal : static_cast<uint32_t>(p - 1);
    failed = in.Varint() != 0;
    return id;
}

} // namespace

void Investigation::Consume(const Batch& batch) {
    const Notes* notes = nullptr;
    for (const auto& n : batch.notes)
        if ((notes = dynamic_cast<const Notes*>(n.get())) != nullptr) break;
    std::unique_ptr<BatchNotes> own;
    if (notes == nullptr) {
        own = Prepare(batch);
        notes = static_cast<const Notes*>(own.get());
    }
    std::string* digest = digest_;
    if (digest) PutVarint(*digest, notes->subscriptions.size());
    for (const auto& [id, tenant] : notes->subscriptions) {
        AddSubscription(id, tenant);
        if (digest) {
            PutText(*digest, id);
            PutText(*digest, tenant);
        }
    }
    std::vector<uint32_t>& ordinal_of = ordinal_of_; // notes->principals index -> ordinal
    ordinal_of.clear();
    if (digest) PutVarint(*digest, notes->principals.size());
    for (const Notes::Seen& seen : notes->principals) {
        PrincipalTallies::Share& share = share_;
        share.first_us = seen.first_us;
        share.last_us = seen.last_us;
        share.events = seen.events;
        share.failures = seen.failures;
        share.ips.assign(seen.ips.begin(), seen.ips.end());
        auto identity = [&] { return IdentityOfFirst(*seen.first); };
        if (!record_only_) ordinal_of.push_back(principals_.Add(seen.key, identity, share));
        if (digest) PutShare(*digest, seen.key, identity(), share);
    }
    if (digest) PutVarint(*digest, notes->identities.size());
    for (const Notes::Identity& identity : notes->identities) {
        if (!record_only_)
            identities_.Add(identity.id, identity_sequence_++, batch.file_id,
                            identity.principal == DuplicateIndex::kNoPrincipal
                                ? DuplicateIndex::kNoPrincipal
                                : ordinal_of[identity.principal],
                            identity.failed);
        if (digest) PutIdentity(*digest, identity.id, identity.principal, identity.failed);
    }
    if (digest) PutVarint(*digest, notes->keep.size());
    size_t begin = 0;
    for (size_t k = 0; k < notes->keep.size(); ++k) {
        const Event& e = batch.events[notes->keep[k]];
        std::string_view bytes(notes->encoded.data() + begin, notes->ends[k] - begin);
        begin = notes->ends[k];
        const bool partner = e.kind == SourceKind::kPartnerCenterAudit;
        if (!record_only_) AddKept(partner, e.resource_id_lower, bytes);
        if (digest) {
            PutVarint(*digest, partner ? 1 : 0);
            PutText(*digest, partner ? std::string_view{} : e.resource_id_lower);
            PutText(*digest, bytes);
        }
    }
}

void Investigation::AddSubscription(std::string_view id, std::string_view tenant) {
    // Lookups before inserts: the keys are views, and most are known already.
    if (!tenant.empty() && subscription_tenants_.find(id) == subscription_tenants_.end())
        subscription_tenants_.emplace(std::string(id), std::string(tenant));
    if (subscriptions_seen_.find(id) == subscriptions_seen_.end()) subscriptions_seen_.emplace(id);
}

void Investigation::AddKept(bool partner, std::string_view key, std::string_view bytes) {
    if (partner) {
        // Keyed by the sequence (big-endian, so key order is input order): one record per
        // group, so a pass never holds them all at once.
        std::string sequence_key;
        PutBigEndian(sequence_key, sequence_);
        partner_records_.Append(sequence_key, sequence_++, bytes);
    } else {
        store_.Append(key, sequence_++, bytes);
    }
}

// The digest's parts in Consume's order: subscriptions, principals' shares, identities, kept
// records; with the file id of each kept record set to `file_id`.
void Investigation::Replay(std::string_view digest, uint32_t file_id) {
    ByteFormReader in(digest, kDamagedDigest);
    for (uint64_t n = in.Varint(); n > 0; --n) {
        std::string_view id = in.Text();
        AddSubscription(id, in.Text());
    }
    std::vector<uint32_t>& ordinal_of = ordinal_of_;
    ordinal_of.clear();
    for (uint64_t n = in.Varint(); n > 0; --n) {
        PrincipalIdentity identity;
        PrincipalTallies::Share& share = share_;
        std::string_view key = ReadShare(in, identity, share);
        ordinal_of.push_back(principals_.Add(
            key, [&] { return identity; }, share));
    }
    for (uint64_t n = in.Varint(); n > 0; --n) {
        uint32_t principal = 0;
        bool failed = false;
        EventIdentity id = ReadIdentity(in, principal, failed);
        if (principal != DuplicateIndex::kNoPrincipal) {
            if (principal >= ordinal_of.size()) in.Damaged();
            principal = ordinal_of[principal];
        }
        identities_.Add(id, identity_sequence_++, file_id, principal, failed);
    }
    std::string bytes;
    for (uint64_t n = in.Varint(); n > 0; --n) {
        const bool partner = in.Varint() != 0;
        std::string_view key = in.Text();
        bytes.assign(in.Text());
        if (!SetRetainedFileId(bytes, file_id)) in.Damaged();
        AddKept(partner, key, bytes);
    }
    if (!in.done()) in.Damaged();
}

void Investigation::ResolveDuplicates() {
    if (duplicates_resolved_) return;
    duplicates_resolved_ = true;
    duplicates_ = identities_.Resolve();
}

InvestigationResult Investigation::Analyze() {
    if (analyzed_) throw std::logic_error("Investigation::Analyze called twice");
    if (record_only_) throw std::logic_error("Investigation::Analyze of a record-only ingest");
    analyzed_ = true;
    ResolveDuplicates();
    // Sealed before the analysis: its grants ask when a granter first used an address.
    PrincipalTable principals = principals_.Seal(duplicates_.per_principal);
    Analyzer analyzer(store_, partner_records_, rules_, paths_, subscription_tenants_,
                      spill_options_, *scratches_);
    // When a principal (by PrincipalKey) first used an address: "a known address" for grants.
    analyzer.SetAddressHistory([&principals](std::string_view principal, std::string_view ip) {
        return principals.AddressFirstUsed(principal, ip);
    });
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

    // Principals: every caller seen, with what the findings say each created.
    std::map<std::string, PrincipalTable::FindingTally, std::less<>> created;
    for (const ResourceFinding& f : result.resources) {
        if (!f.created_by) continue;
        std::string key = !f.created_by->object_id.empty() ? f.created_by->object_id
                                                           : AsciiLowerCopy(f.created_by->name);
        PrincipalTable::FindingTally& s = created[key];
        s.has_findings = true;
        s.worst = std::max(s.worst, f.severity);
        if (f.status == "failed") continue;
        ++s.created_by_type[f.resource_type];
        if (auto size = f.details.find("vm_size"); size != f.details.end())
            ++s.created_by_size[size->second];
        if (auto region = f.details.find("location"); region != f.details.end())
            ++s.created_by_region[region->second];
    }
    principals.SetFindings(std::move(created));
    result.principals = std::move(principals);
    return result;
}

} // namespace minetrace
