// RawFields, everything one record says, and which kinds of record are ignored (Entra sign-ins
// and audits, resource logs, Partner Center usage, cost exports, other Log Analytics tables).
#pragma once

#include "core/event.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace minetrace::record_parsing {

// Everything a record says, collected in one pass before its kind is decided. Views point into
// the record or the arena.
struct RawFields {
    std::string_view time;
    std::string_view operation_name;       // string form
    std::string_view operation_name_value; // LocalizableString value / OperationNameValue
    std::string_view operation_localized;
    std::string_view status_value;
    std::string_view result_type;
    std::string_view activity_status_value;
    std::string_view activity_status;
    std::string_view sub_status;
    std::string_view result_signature;
    std::string_view activity_substatus;
    std::string_view category;
    std::string_view resource_id;
    std::string_view resource_type;
    std::string_view resource_group;
    std::string_view subscription_id;
    std::string_view tenant_id;
    std::string_view correlation_id;
    std::string_view operation_id;
    std::string_view event_data_id;
    std::string_view caller;
    std::string_view caller_ip;
    std::string_view http_client_ip;
    std::string_view level;
    std::string_view table_type;
    std::string_view hierarchy;
    std::string_view identity_text;
    // properties.*
    std::string_view request_body;
    std::string_view response_body;
    std::string_view status_code;
    std::string_view status_message;
    std::string_view entity;
    std::string_view message;
    std::string_view property_operation_id;
    std::string_view property_event_category;
    // Partner Center.
    std::string_view customer_id;
    std::string_view customer_name;
    std::string_view partner_id;
    std::string_view user_principal_name;
    std::string_view application_id;
    std::string_view operation_type;
    std::string_view operation_status;
    std::string_view resource_new_value;
    std::string_view resource_old_value;
    std::string_view customized_data;
    std::string_view record_id;

    Caller claims;
    Authorization authorization;

    // Raw views (into the record) of objects that may hold records; see kEnvelope.
    std::array<std::string_view, 8> envelope_inner{};
    size_t envelope_count = 0;

    bool snake_case_time = false;    // `event_timestamp`: the Python SDK shape
    bool log_analytics_keys = false; // TimeGenerated / ActivityStatus*: a Log Analytics row
    bool has_activity_display_name = false;
    bool has_activity_date_time = false;
    bool has_created_date_time = false;
    bool has_usage_start_time = false;
    bool has_total_cost = false;
    bool has_app_display_name = false;
    bool has_cost_column = false;
    bool has_wrapper_array = false;
    bool claims_done = false;
    bool properties_done = false;
    bool http_done = false;
    // A key written twice in one object (SeenKeys): the record is quarantined as ambiguous-key.
    bool repeated_key = false;
    std::string_view repeated_key_name; // the key as written (arena copy, at most 64 bytes)
};

inline void SetIfEmpty(std::string_view& slot, std::string_view value) {
    if (slot.empty()) slot = value;
}

// Ignored kinds (stable names in the manifest).
constexpr std::string_view kIgnoredEntraSignin = "entra-signin";
constexpr std::string_view kIgnoredEntraAudit = "entra-audit";
constexpr std::string_view kIgnoredEntraOther = "entra-other";
constexpr std::string_view kIgnoredResourceLog = "resource-log";
constexpr std::string_view kIgnoredPartnerUtilization = "partner-center-utilization";
constexpr std::string_view kIgnoredPartnerUsage = "partner-center-usage";
constexpr std::string_view kIgnoredCostExport = "cost-export";
constexpr std::string_view kIgnoredLogAnalyticsOther = "log-analytics-other-table";

// Categories of the activity log itself (current and legacy log-profile spellings).
bool IsActivityCategory(std::string_view category);
std::string_view EntraKindOfCategory(std::string_view category);
// The table of a Log Analytics row decides its kind.
std::string_view IgnoredKindOfTable(std::string_view table);
bool LooksLikeArmOperation(std::string_view op);

} // namespace minetrace::record_parsing
