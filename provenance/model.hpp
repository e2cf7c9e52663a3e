// The provenance model: what `minetrace investigate` concludes from the matched events.
//
//   RetainedEvent   an event worth keeping past its batch (rule hits, compute writes and
//                   deletes, deployments, role grants, Partner Center records), with its
//                   evidence reference
//   Operation       the phases of one ARM operation folded together (correlation id +
//                   operation + resource), with request time, completion time, final status
//   ResourceFinding one suspicious resource: lifecycle, attribution, chain of rights,
//                   preparation, severity with reasons, evidence
//   SubscriptionFinding, PrincipalSummary, TimelineEntry, Detection: the other outputs
//
// All types are plain values; an InvestigationResult owns everything it points to.
#pragma once

#include "core/arena.hpp"
#include "core/event.hpp"
#include "core/sha256.hpp"
#include "provenance/detections.hpp"
#include "provenance/evidence_copy.hpp"
#include "provenance/principal_table.hpp"
#include "provenance/severity_level.hpp"
#include "provenance/timeline.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

// What the investigation needs to know of each rule (from the RuleSet, by index).
struct RuleInfo {
    std::string id;
    std::string title;
    std::string signal;
    std::string content_note;
    std::string level; // informational | low | medium | high | critical (Rule::level)
};

struct RuleRef {
    uint32_t rule = 0;
    bool content_unavailable = false;
};

// Where a record is, for an auditor to re-verify: file, line, byte offset, SHA-256 of its bytes.
// Compact, since a big answer holds hundreds of thousands: `file` views a path that whoever
// built the reference owns (InvestigationResult::files for the analysis's), and the digest is
// turned into hex only when written.
struct EvidenceRef {
    std::string_view file;
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    Sha256Digest sha256{};
};

// Who made a call, as the record names it. In the result, the records of one caller share one
// instance.
struct RetainedIdentity {
    std::string_view caller;
    std::string_view upn;
    std::string_view object_id;
    std::string_view app_id;
    std::string_view appidacr;
    std::string_view principal_type;
    std::string_view token_tenant;
    std::string_view idtyp;
    Tristate mfa = Tristate::kUnknown;
    std::string_view managed_identity_resource_id;
    std::string_view ip_claim;
    std::string_view unique_name;
    std::string_view email;
    std::string_view idp;
};

// Facts read from the request/response bodies in the parallel stage (first non-empty of
// request, then response), so bodies need not be kept. Shared like RetainedIdentity.
struct RetainedFacts {
    std::string_view location;
    std::string_view vm_size;
    std::string_view priority;
    std::string_view max_price;
    std::string_view capacity;
    std::string_view target_dedicated_nodes;
    std::string_view target_low_priority_nodes;
    std::string_view image;
    std::string_view publisher;
    std::string_view extension_type;
    std::string_view grant_principal_id; // roleAssignments/write: who receives the role
    std::string_view grant_principal_type;
    std::string_view grant_role_definition_id;
    std::string_view grant_scope;
    // A change ticket the request names: a change/ticket tag holding a number, or a ticket-like
    // token (letters, then digits: CHG0041234, CR-1234) in a role assignment's description.
    std::string_view change_ticket;
};

// Partner Center fields (rare among kept records, so held apart).
struct RetainedPartner {
    std::string_view customer_name;
    std::string_view partner_id;
    std::string_view order_id;
    std::string_view record_id;
    std::string_view resource_new_value;
    std::string_view customized_data;
    std::vector<std::string_view> subscription_ids;
};

// Views point into the bytes the record was decoded from (retained_codec.hpp): a chunk of the
// Investigation's store while the analysis reads it, or the InvestigationResult's own copy for
// the operations it reports, which outlives every view into it.
struct RetainedEvent {
    int64_t time_us = 0;
    SourceKind kind = SourceKind::kActivityExport;
    Phase phase = Phase::kOther;
    uint32_t file_id = 0;
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::array<uint8_t, 32> sha256{}; // of the record's bytes
    uint64_t sequence = 0;            // input order, for stable sorting
    uint8_t time_digits = 0;          // fraction digits of the source time (event_identity.hpp)

    std::string_view subscription_id;
    std::string_view tenant_id;
    std::string_view resource_id;
    std::string_view resource_id_lower;
    std::string_view resource_type;
    std::string_view resource_group;
    std::string_view operation;
    std::string_view status;
    std::string_view status_code;
    std::string_view correlation_id;
    std::string_view caller_ip;
    std::string_view operation_id;  // lowercased; read only by event identity
    std::string_view event_data_id; // lowercased; read only by event identity

    std::string_view evidence_role;
    std::string_view role_assignment_id;
    std::string_view role_definition_id;
    std::string_view role_assignment_scope; // authorization.evidence, with the three above
    std::string_view evidence_principal_id;
    std::string_view evidence_principal_type;

    // The bodies themselves, kept only for records whose rules inspect content (execution,
    // miner content): the report shows their command lines.
    std::string_view request_body;
    std::string_view response_body;

    // The groups; null means all fields empty. Decoded records point at their own (DecodedEvent);
    // in tests, whoever built the event owns them. They outlive the event.
    const RetainedIdentity* identity = nullptr;
    const RetainedFacts* facts = nullptr;
    const RetainedPartner* partner = nullptr;

    std::vector<RuleRef> rules;

    // The other copies of this event in the input (other exports of the same log), in input
    // order, folded in by the analysis (copy_folding.hpp); never encoded.
    using Copy = EvidenceCopy;
    std::vector<Copy> copies;

    const RetainedIdentity& who() const { return identity ? *identity : kNoIdentity; }
    const RetainedFacts& fact() const { return facts ? *facts : kNoFacts; }
    const RetainedPartner& pc() const { return partner ? *partner : kNoPartner; }

  private:
    static inline const RetainedIdentity kNoIdentity{};
    static inline const RetainedFacts kNoFacts{};
    static inline const RetainedPartner kNoPartner{};
};

// The views point where the RetainedEvents' views point (the records they were decoded from) or
// at static or rule-description storage, all of which outlive the Operation.
struct Operation {
    std::vector<const RetainedEvent*> events; // in time order
    int64_t request_us = 0;                   // the Start record (or the first record)
    int64_t completion_us = -1;               // the final Success/Failure record; -1 if none
    Phase final_phase = Phase::kOther;
    std::string_view status_code;
    std::string_view operation;
    std::string_view verb; // write | delete | action | other
    std::string_view resource_id_lower;
    std::string_view resource_type;
    std::string_view correlation_id;
    const RetainedEvent* request = nullptr; // the record that carries the caller and request body
    std::vector<uint32_t> rules;            // rule indexes, sorted, distinct
    std::vector<std::string_view> signals;  // sorted, distinct
    bool content_unavailable = false;

    bool succeeded() const {
        return final_phase == Phase::kSucceeded || final_phase == Phase::kAccepted;
    }
    bool has_signal(std::string_view signal) const {
        return std::binary_search(signals.begin(), signals.end(), signal);
    }
};

// Who made a call.
struct Principal {
    std::string name; // UPN for users; app id for service principals; the caller otherwise
    std::string type; // user | service_principal | managed_identity | application | unknown
    std::string object_id;
    std::string app_id;
    std::string tenant_id; // the token's tenant
    std::string ip;
    std::string ip_claim; // the ipaddr claim, when it differs from ip
    Tristate mfa = Tristate::kUnknown;
    bool foreign_tenant = false; // token tenant differs from the resource's, or a B2B guest
    std::string home_tenant;     // a guest's home tenant (from idp): GUID, or "live.com" (MSA)
    std::string credential;      // public-client | secret | certificate (appidacr), apps only
    // A managed identity's owner (the xms_mirid claim), lowercased: the resource whose code holds
    // the identity (system-assigned), or the user-assigned identity resource itself.
    std::string identity_resource;
};

struct Grant {
    std::string assignment_id; // role assignment resource id, lowercased
    std::string principal_id;  // who received the role
    std::string principal_type;
    std::string role_definition_id; // GUID, lowercased
    std::string role;               // built-in name when known, else the GUID
    std::string scope;
    int64_t at_us = 0; // the grant's request time; -1: not in the logs (source evidence)
    Principal granted_by;
    uint64_t operation_sequence = 0; // of the operation's first record: identifies it
    // "record": the grant's own records are in the logs; "evidence": known only from the
    // authorization evidence of the calls it enabled (no time, no granter).
    std::string source = "record";
    bool completion_unknown = false; // its records show the request but no outcome
    std::string change_ticket;       // named in its request (RetainedFacts::change_ticket)
};

// The texts of Precursor and InvokedAction view InvestigationResult::texts (or, where tests build
// findings by hand, storage that outlives them): the findings of one attacker repeat them.
struct Precursor {
    int64_t at_us = 0;
    std::string_view operation;
    std::string_view resource_id;
    std::string_view signal;
    std::string_view status;      // succeeded | failed | ...
    uint64_t source_sequence = 0; // of the operation's first record: identifies it
};

// A run command, start or restart invoked on a reported resource: its report card lists them.
struct InvokedAction {
    int64_t at_us = 0;
    std::string_view operation;
    Phase final_phase = Phase::kOther;
    std::string_view caller; // UPN, else the caller
    std::string_view ip;
};

// Command lines and scripts kept per finding (ResourceFinding::commands): each at most
// kMaxCommandBytes (cut on a UTF-8 boundary, marked with " [...]"), at most kMaxCommands.
inline constexpr size_t kMaxCommandBytes = 4096;
inline constexpr size_t kMaxCommands = 8;

// A size field changed by a write: its value before (empty: not known from the log) and after.
struct FieldChange {
    std::string before;
    std::string after;
};

// Something done to a resource other than its creation and deletion: an update (a successful
// write that did not create it) or an action (`*/action`: run command, start, deallocate, ...).
struct ResourceChange {
    std::string kind;      // update | action
    std::string operation; // lowercased
    int64_t at_us = 0;     // request time
    std::shared_ptr<const Principal> by;
    std::string status_code;                   // of the final record ("OK", "Accepted", ...)
    std::map<std::string, FieldChange> fields; // size fields this write changed
    bool routine = false; // the same caller did the same operation here on kRoutineDays+ days
};

// At most this many preparation entries per finding (ResourceFinding::preparation): a busy
// principal's failed attempts must not make every finding carry hundreds.
inline constexpr size_t kMaxPreparation = 32;
// At most this many changes per finding (the earliest; `changes_omitted` counts the rest).
inline constexpr size_t kMaxChanges = 32;
// At most this many links from an identity's owner to what the identity did.
inline constexpr size_t kMaxIdentityLinks = 64;

struct ResourceFinding {
    std::string resource_id; // lowercased
    std::string name;        // last segment, as written
    std::string resource_type;
    std::string subscription_id;
    std::string resource_group;
    // created: the log shows its creation (creation_evidence says how); pre-existing: it has no
    // creation in the log (made before the logs began, or by a write whose answer does not prove
    // it), so created_by is null and `actor` is who did the decisive act; failed: every write
    // failed; deleted: deleted in the log (pre_existing tells which of the first two it was).
    std::string status;
    Severity severity = Severity::kLow;
    std::vector<std::string> rules;               // rule ids, sorted
    std::vector<std::string> signals;             // sorted
    std::vector<std::string> reasons;             // plain language
    std::vector<std::string> content_unavailable; // notes
    int64_t created_at_us = -1;
    int64_t completed_at_us = -1;
    std::shared_ptr<const Principal> created_by; // null: no creation in the log
    // How the log proves the creation: "201 Created", "inside deployment <id>", "its parent
    // <id> was created in the log"; empty when not created in the log.
    std::string creation_evidence;
    bool pre_existing = false;
    int64_t first_seen_us = -1; // request time of its first operation in the log
    // The decisive act: miner content first, else the first non-routine flagged operation, else
    // the latest update or action. Null when that is the creation itself.
    std::shared_ptr<const Principal> actor;
    int64_t acted_at_us = -1;
    std::string act;                     // its operation
    std::vector<ResourceChange> changes; // in operation order, at most kMaxChanges
    size_t changes_omitted = 0;
    // The latest change of each size field (capacity, vm_size, ...): before, after, by, at.
    struct SizeChange {
        FieldChange values;
        std::shared_ptr<const Principal> by;
        int64_t at_us = 0;
    };
    std::map<std::string, SizeChange> size_changes;
    std::string correlation_id;
    std::string deployment;                     // resource id of the deployment that created it
    std::shared_ptr<const Grant> authorized_by; // null: none found
    int64_t deleted_at_us = -1;
    int64_t deletion_completed_at_us = -1;
    std::shared_ptr<const Principal> deleted_by;
    // Deleted with its resource group: the group's id (the deletion fields are the group's).
    std::string deleted_by_parent;
    std::string parent;
    std::map<std::string, std::string> details; // location, vm_size, priority, capacity, ...
    // At most kMaxPreparation: the latest before the act, and the latest of each signal kind
    // among the older ones (the rating needs only which kinds there are); the rest counted.
    std::vector<Precursor> preparation;
    size_t preparation_omitted = 0;
    // What the reports read from the resource's operations, taken in the analysis's last pass
    // (operations live only as long as the chunk of the store they were folded from): the command
    // lines and scripts in its request/response bodies (extension commandToExecute, run command
    // scripts, container commands), distinct, in operation order; and the run commands, starts
    // and restarts invoked on it.
    std::vector<std::string> commands;
    std::vector<InvokedAction> actions;
    std::vector<EvidenceRef> evidence;
    // Managed identities: on a finding its responsible principal is a managed identity of, the
    // identity's owner (Principal::identity_resource), itself a finding; on that owner, the
    // findings the identity created or acted on (sorted, at most kMaxIdentityLinks; the rest
    // counted in identity_links_omitted).
    std::string identity_host;
    std::vector<std::string> identity_used_for;
    size_t identity_links_omitted = 0;

    // Who answers for it: its creator when the log shows the creation, else the actor; and when
    // (without either, as for the owner of a managed identity, when the log first shows it).
    const Principal* responsible() const { return created_by ? created_by.get() : actor.get(); }
    int64_t responsible_at_us() const {
        return created_at_us >= 0 ? created_at_us : acted_at_us >= 0 ? acted_at_us : first_seen_us;
    }
};

struct SubscriptionFinding {
    std::string subscription_id;
    std::string customer_id;
    std::string customer_name;
    std::string created_by;
    int64_t created_at_us = -1;
    std::string order_id;
    std::string partner_id;
    std::optional<EvidenceRef> evidence;
};

struct InvestigationResult {
    std::vector<ResourceFinding> resources; // sorted: severity, created_at, resource_id
    std::vector<SubscriptionFinding> subscriptions;
    // Every principal seen, by key: byte form, spilled past the store's budget.
    PrincipalTable principals;
    Timeline timeline; // sorted by time
    // The rule hits outside rated compute (detections.hpp says which), sorted by time.
    Detections detections;
    // The input paths, by file id: what evidence references' `file` views. Set once, before
    // any reference is made (the strings never move, even when the result does).
    std::vector<std::string> files;
    // The texts the findings' preparation and invoked actions view, each stored once. Shared,
    // so that copies of a result view the same texts.
    std::shared_ptr<Arena> texts = std::make_shared<Arena>(size_t{64} << 10);
};

} // namespace minetrace
