// The normalized event: every input shape (activity-log exports, REST/CLI JSON, SDK JSON, Log
// Analytics rows and CSV, Partner Center audit records) maps onto this one struct.
//
// Lifetime contract: every std::string_view in an Event points into the Batch that produced it
// (its raw input buffer or its Arena). An Event is valid only while that Batch lives. Stages that
// keep facts beyond a batch (provenance, timeline) must copy what they keep.
//
// Normalization contract:
//   - time_us is UTC microseconds since the Unix epoch (fractions beyond µs are truncated).
//   - Fields documented as "lowercased" are ASCII-lowercased (ARM ids and names are
//     case-insensitive); everything else is as written in the log, trimmed of surrounding spaces.
//   - An empty view means "absent".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace minetrace {

// Which log family and shape a record came from.
enum class SourceKind : uint8_t {
    kActivityExport,       // diagnostic-settings export (storage PT1H.json, Event Hub records)
    kActivityRest,         // REST API / az CLI / portal JSON (EventData)
    kActivitySdk,          // Python SDK snake_case JSON
    kActivityLogAnalytics, // Log Analytics AzureActivity rows (query API JSON, JSON rows, CSV)
    kPartnerCenterAudit,   // Partner Center audit record
};

// The phase of one ARM operation, from every spelling (Start/Started, Accept/Accepted,
// Success/Succeeded, Failure/Failed, localized legacy values).
enum class Phase : uint8_t { kStarted, kAccepted, kSucceeded, kFailed, kOther };

// Three-valued flag for facts the log may not state (e.g. MFA when `amr` is absent).
enum class Tristate : uint8_t { kUnknown, kNo, kYes };

std::string_view ToString(SourceKind kind);
std::string_view ToString(Phase phase);
std::string_view ToString(Tristate value);

// Who made the call, from the `caller` field, JWT claims and authorization evidence.
struct Caller {
    std::string_view caller;    // the `caller` field as written (UPN or GUID)
    std::string_view upn;       // upn claim (users only)
    std::string_view name;      // name claim (display only; mutable)
    std::string_view object_id; // oid claim, lowercased
    // appid / azp claim, lowercased (a Partner Center applicationId that is a name: as written)
    std::string_view app_id;
    std::string_view appidacr;         // 0 public client, 1 secret, 2 certificate
    std::string_view principal_type;   // User | ServicePrincipal | ManagedIdentity | ...
    std::string_view token_tenant;     // tid claim, lowercased
    std::string_view idtyp;            // idtyp claim: app | user
    std::string_view amr;              // authnmethodsreferences claim, as written
    Tristate mfa = Tristate::kUnknown; // from amr: "mfa" present => yes
    std::string_view managed_identity_resource_id; // xms_mirid claim
    std::string_view ip_claim;                     // ipaddr claim (where the token was issued)
    std::string_view token_id;                     // uti claim: ties events to one token
    // B2B guests have no upn: these name them, and idp says where their home tenant is.
    std::string_view unique_name; // unique_name claim ("live.com#x@outlook.com" for MSA)
    std::string_view email;       // email claim
    std::string_view idp;         // idp claim: https://sts.windows.net/<home tenant>/ or live.com
};

// RBAC information of the call; evidence names the role assignment that granted it.
struct Authorization {
    std::string_view action;
    std::string_view scope;
    std::string_view role;
    std::string_view evidence_role;
    std::string_view role_assignment_id;
    std::string_view role_assignment_scope;
    std::string_view role_definition_id;
    std::string_view principal_id;
    std::string_view principal_type;
};

// A subscription's friendly name as one Partner Center record gives it.
struct SubscriptionName {
    std::string_view subscription_id; // GUID-like, as written
    std::string_view name;            // as written, not empty
};

// Partner Center specifics (empty for activity-log events).
struct PartnerCenterFields {
    std::string_view customer_name;
    std::string_view partner_id;                    // lowercased
    std::string_view order_id;                      // lowercased
    std::string_view record_id;                     // audit record id
    std::string_view resource_new_value;            // raw JSON text (PascalCase keys)
    std::string_view resource_old_value;            // raw JSON text
    std::string_view customized_data;               // raw JSON text of the [{key,value}] list
    std::vector<std::string_view> subscription_ids; // lowercased, deduplicated, in record order
    // Names the record gives subscriptions (customizedData SubscriptionName-N paired with
    // SubscriptionId-N by suffix; resourceNewValue FriendlyName with its SubscriptionId or, for
    // a subscription the record names, Id; each LineItems[] entry's pair). In precedence order:
    // of two entries for one id the later wins. String values only; none from a text whose
    // read hits a JSON error or that holds more than one value (values the read skips are not
    // validated, so a text with, say, a malformed number in a skipped member still names).
    std::vector<SubscriptionName> subscription_names;
};

struct Event {
    int64_t time_us = 0; // UTC µs since epoch
    SourceKind kind = SourceKind::kActivityExport;
    Phase phase = Phase::kOther;
    Tristate time_zone_assumed =
        Tristate::kNo;       // kYes when the source time had no zone (UTC assumed)
    uint8_t time_digits = 0; // fraction digits of the source time, 0..6 (ParsedTime)

    // Where the record came from. offset/length are bytes of the (decompressed) file content;
    // line is 1-based and names the line where the record starts.
    uint32_t file_id = 0;
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;

    std::string_view subscription_id;   // lowercased
    std::string_view tenant_id;         // lowercased (customer id for Partner Center)
    std::string_view resource_id;       // as written
    std::string_view resource_id_lower; // lowercased
    std::string_view resource_type;     // lowercased, e.g. microsoft.compute/virtualmachines
    std::string_view resource_group;    // lowercased
    std::string_view operation;         // lowercased, e.g. microsoft.compute/virtualmachines/write
    std::string_view operation_display; // localized / friendly operation name when given
    std::string_view status;            // status / resultType as written
    std::string_view status_code;       // HTTP status text or code: Created, OK, Conflict, 409
    std::string_view category;          // Administrative, Policy, ... (legacy Write/Action/Delete)
    std::string_view level;
    std::string_view correlation_id; // lowercased
    std::string_view operation_id;   // lowercased
    std::string_view event_data_id;  // lowercased

    Caller caller;
    std::string_view caller_ip; // callerIpAddress / httpRequest.clientIpAddress
    Authorization authorization;

    // Raw JSON text; bodies arrive as strings or objects, both are kept as JSON text here.
    std::string_view request_body;
    std::string_view response_body;
    std::string_view status_message; // properties.statusMessage (error codes of failures)

    PartnerCenterFields partner;
};

} // namespace minetrace
