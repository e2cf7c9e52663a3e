// The key vocabularies of the record shapes. Each table row carries where its value goes: a
// RawFields member for plain text, or a Slot naming the handler for values that need logic
// (LocalizableString objects, nested walks, envelopes). Adding a plain text field is one row.
#pragma once

#include "core/event.hpp"
#include "parsers/key_table.hpp"
#include "parsers/record_kind.hpp"

#include <cstdint>
#include <string_view>
#include <utility>

namespace minetrace::record_parsing {

// How a top-level value is handled.
enum class Slot : uint8_t {
    kNone,          // a key no table row maps
    kText,          // trimmed text into `text`; the first non-empty one wins
    kRawText,       // text as written into `text` (JSON: the last one wins; text: the first)
    kLocalizable,   // LocalizableString's value or a trimmed string into `text` (JSON: last wins)
    kOperationName, // a string into `text`, or a LocalizableString (REST/SDK) into the *_value
                    // and localized members
    kIdentity,      // an object walked for claims/authorization, or text into `text`
    kPresence,      // `flag` = the text is non-empty (markers of other record kinds)
    kMarker,        // `flag` = true whatever the value (cost-export columns)
    kHttpRequest,
    kClaims,
    kAuthorization,
    kProperties,
    kWrapperArray, // records / value / items / tables: the record is a container
    kEnvelope,     // log / event / _source / record: a record inside a tool's envelope
    kApiResponses, // responses: an Azure REST API example document
};

// What the key itself says about the record's shape (see RecordParser::ParseJsonObject).
enum class KeyMark : uint8_t {
    kNone,
    kTime,         // a time key: `event_timestamp` means the SDK, `TimeGenerated` Log Analytics
    kLogAnalytics, // a column only Log Analytics writes
};

// Where one top-level key's value goes.
struct TopRoute {
    Slot slot = Slot::kNone;
    KeyMark mark = KeyMark::kNone;
    std::string_view RawFields::*text = nullptr;
    bool RawFields::*flag = nullptr;
};

constexpr TopRoute PlainText(std::string_view RawFields::*text, KeyMark mark = KeyMark::kNone) {
    return {Slot::kText, mark, text, nullptr};
}
constexpr TopRoute RawText(std::string_view RawFields::*text) {
    return {Slot::kRawText, KeyMark::kNone, text, nullptr};
}
constexpr TopRoute LocalizableText(std::string_view RawFields::*text) {
    return {Slot::kLocalizable, KeyMark::kNone, text, nullptr};
}
constexpr TopRoute PresenceFlag(bool RawFields::*flag) {
    return {Slot::kPresence, KeyMark::kNone, nullptr, flag};
}
constexpr TopRoute MarkerFlag(bool RawFields::*flag) {
    return {Slot::kMarker, KeyMark::kNone, nullptr, flag};
}
constexpr TopRoute Handler(Slot slot) {
    return {slot, KeyMark::kNone, nullptr, nullptr};
}

constexpr std::pair<std::string_view, TopRoute> kTopLevelNames[] = {
    {"time", PlainText(&RawFields::time, KeyMark::kTime)},
    {"eventtimestamp", PlainText(&RawFields::time, KeyMark::kTime)},
    {"timegenerated", PlainText(&RawFields::time, KeyMark::kTime)},
    {"operationdate", PlainText(&RawFields::time, KeyMark::kTime)},
    // string (export, LA legacy localized text) or LocalizableString (REST/SDK)
    {"operationname", {Slot::kOperationName, KeyMark::kNone, &RawFields::operation_name, nullptr}},
    {"operationnamevalue", PlainText(&RawFields::operation_name_value, KeyMark::kLogAnalytics)},
    {"status", LocalizableText(&RawFields::status_value)},
    {"resulttype", PlainText(&RawFields::result_type)},
    {"activitystatusvalue", PlainText(&RawFields::activity_status_value, KeyMark::kLogAnalytics)},
    {"activitystatus", PlainText(&RawFields::activity_status, KeyMark::kLogAnalytics)},
    {"substatus", LocalizableText(&RawFields::sub_status)},
    {"resultsignature", PlainText(&RawFields::result_signature)},
    {"activitysubstatusvalue", PlainText(&RawFields::activity_substatus)},
    {"activitysubstatus", PlainText(&RawFields::activity_substatus)},
    {"category", LocalizableText(&RawFields::category)},
    {"categoryvalue", PlainText(&RawFields::category)},
    {"resourceid", PlainText(&RawFields::resource_id)},
    {"resourceuri", PlainText(&RawFields::resource_id)},
    {"resourcetype",
     LocalizableText(&RawFields::resource_type)}, // also Partner Center's resourceType
    {"resourcegroupname", PlainText(&RawFields::resource_group)},
    {"resourcegroup", PlainText(&RawFields::resource_group)},
    {"subscriptionid", PlainText(&RawFields::subscription_id)},
    {"tenantid", PlainText(&RawFields::tenant_id)},
    {"correlationid", PlainText(&RawFields::correlation_id)},
    {"operationid", PlainText(&RawFields::operation_id)},
    {"eventdataid", PlainText(&RawFields::event_data_id)},
    {"caller", PlainText(&RawFields::caller)},
    {"calleripaddress", PlainText(&RawFields::caller_ip)},
    {"httprequest", Handler(Slot::kHttpRequest)},
    {"identity", {Slot::kIdentity, KeyMark::kNone, &RawFields::identity_text, nullptr}},
    {"claims", Handler(Slot::kClaims)},
    {"claimsd", Handler(Slot::kClaims)},
    {"authorization", Handler(Slot::kAuthorization)},
    {"authorizationd", Handler(Slot::kAuthorization)},
    {"properties", Handler(Slot::kProperties)},
    {"propertiesd", Handler(Slot::kProperties)},
    {"level", PlainText(&RawFields::level)},
    {"type", PlainText(&RawFields::table_type)},
    {"$table", PlainText(&RawFields::table_type)},
    {"hierarchy", PlainText(&RawFields::hierarchy)},
    // Partner Center audit records.
    {"customerid", PlainText(&RawFields::customer_id)},
    {"customername", PlainText(&RawFields::customer_name)},
    {"partnerid", PlainText(&RawFields::partner_id)},
    {"userprincipalname", PlainText(&RawFields::user_principal_name)},
    {"applicationid", PlainText(&RawFields::application_id)},
    {"operationtype", PlainText(&RawFields::operation_type)},
    {"operationstatus", PlainText(&RawFields::operation_status)},
    {"resourcenewvalue", RawText(&RawFields::resource_new_value)},
    {"resourceoldvalue", RawText(&RawFields::resource_old_value)},
    {"customizeddata", RawText(&RawFields::customized_data)},
    {"id", PlainText(&RawFields::record_id)},
    // Markers of other record kinds.
    {"activitydisplayname", PresenceFlag(&RawFields::has_activity_display_name)},
    {"activitydatetime", PresenceFlag(&RawFields::has_activity_date_time)},
    {"createddatetime", PresenceFlag(&RawFields::has_created_date_time)},
    {"usagestarttime", PresenceFlag(&RawFields::has_usage_start_time)},
    {"totalcost", PresenceFlag(&RawFields::has_total_cost)},
    {"costinbillingcurrency", MarkerFlag(&RawFields::has_cost_column)},
    {"metercategory", MarkerFlag(&RawFields::has_cost_column)},
    {"billingaccountid", MarkerFlag(&RawFields::has_cost_column)},
    {"appdisplayname", PresenceFlag(&RawFields::has_app_display_name)},
    {"records", Handler(Slot::kWrapperArray)},
    {"value", Handler(Slot::kWrapperArray)},
    {"items", Handler(Slot::kWrapperArray)},
    {"tables", Handler(Slot::kWrapperArray)},
    {"log", Handler(Slot::kEnvelope)},
    {"event", Handler(Slot::kEnvelope)},
    {"source", Handler(Slot::kEnvelope)}, // _source
    {"record", Handler(Slot::kEnvelope)},
    {"responses", Handler(Slot::kApiResponses)},
};

// Every row routes somewhere: text slots name a member, flag slots a flag.
constexpr bool RoutesComplete() {
    for (const auto& [name, route] : kTopLevelNames) {
        const bool text = route.slot == Slot::kText || route.slot == Slot::kRawText ||
                          route.slot == Slot::kLocalizable || route.slot == Slot::kOperationName ||
                          route.slot == Slot::kIdentity;
        const bool flag = route.slot == Slot::kPresence || route.slot == Slot::kMarker;
        if (route.slot == Slot::kNone || text != (route.text != nullptr) ||
            flag != (route.flag != nullptr))
            return false;
    }
    return true;
}
static_assert(RoutesComplete());

constexpr RouteTable kTopLevelRoutes(kTopLevelNames);
static_assert(kTopLevelRoutes.Valid());

// Route of a normalized key (CSV headers, Log Analytics columns).
inline const TopRoute& LookupRoute(std::string_view normalized) {
    return kTopLevelRoutes.FindNormalized(normalized);
}

// Keys of the claims object (the last segment of claim URIs), normalized.
constexpr std::pair<std::string_view, std::string_view Caller::*> kClaimNames[] = {
    {"upn", &Caller::upn},
    {"name", &Caller::name},
    {"uniquename", &Caller::unique_name},
    {"email", &Caller::email},
    {"idp", &Caller::idp},
    {"objectidentifier", &Caller::object_id},
    {"oid", &Caller::object_id},
    {"tenantid", &Caller::token_tenant},
    {"tid", &Caller::token_tenant},
    {"appid", &Caller::app_id},
    {"azp", &Caller::app_id},
    {"appidacr", &Caller::appidacr},
    {"azpacr", &Caller::appidacr},
    {"ipaddr", &Caller::ip_claim},
    {"idtyp", &Caller::idtyp},
    {"authnmethodsreferences", &Caller::amr},
    {"amr", &Caller::amr},
    {"xmsmirid", &Caller::managed_identity_resource_id},
    {"uti", &Caller::token_id},
};
constexpr RouteTable kClaimRoutes(kClaimNames);
static_assert(kClaimRoutes.Valid());

// Keys of `authorization`: a member, or `evidence`, the object naming the role assignment.
struct AuthorizationRoute {
    std::string_view Authorization::*text = nullptr;
    bool evidence = false;
};
constexpr std::pair<std::string_view, AuthorizationRoute> kAuthorizationNames[] = {
    {"action", {&Authorization::action}},
    {"scope", {&Authorization::scope}},
    {"role", {&Authorization::role}},
    {"evidence", {nullptr, true}},
};
constexpr RouteTable kAuthorizationRoutes(kAuthorizationNames);
static_assert(kAuthorizationRoutes.Valid());

// Keys of `authorization.evidence`, normalized.
constexpr std::pair<std::string_view, std::string_view Authorization::*> kEvidenceNames[] = {
    {"role", &Authorization::evidence_role},
    {"roleassignmentid", &Authorization::role_assignment_id},
    {"roleassignmentscope", &Authorization::role_assignment_scope},
    {"roledefinitionid", &Authorization::role_definition_id},
    {"principalid", &Authorization::principal_id},
    {"principaltype", &Authorization::principal_type},
};
constexpr RouteTable kEvidenceRoutes(kEvidenceNames);
static_assert(kEvidenceRoutes.Valid());

// Keys of `properties`, normalized. Bodies and the status message are kept as written.
struct PropertyRoute {
    std::string_view RawFields::*text = nullptr;
    bool trim = true;
};
constexpr std::pair<std::string_view, PropertyRoute> kPropertyNames[] = {
    {"requestbody", {&RawFields::request_body, false}},
    {"responsebody", {&RawFields::response_body, false}},
    {"statuscode", {&RawFields::status_code}},
    {"statusmessage", {&RawFields::status_message, false}},
    {"entity", {&RawFields::entity}},
    {"message", {&RawFields::message}},
    {"hierarchy", {&RawFields::hierarchy}},
    {"operationid", {&RawFields::property_operation_id}},
    {"eventcategory", {&RawFields::property_event_category}},
};
constexpr RouteTable kPropertyRoutes(kPropertyNames);
static_assert(kPropertyRoutes.Valid());

// Keys of `httpRequest`, normalized.
constexpr std::pair<std::string_view, std::string_view RawFields::*> kHttpRequestNames[] = {
    {"clientipaddress", &RawFields::http_client_ip},
};
constexpr RouteTable kHttpRequestRoutes(kHttpRequestNames);
static_assert(kHttpRequestRoutes.Valid());

// Keys of `identity` and of LocalizableString objects, normalized: their values need walks.
constexpr uint8_t kIdentityClaims = 1;
constexpr uint8_t kIdentityAuthorization = 2;
constexpr std::pair<std::string_view, uint8_t> kIdentityNames[] = {
    {"claims", kIdentityClaims}, {"authorization", kIdentityAuthorization}};
constexpr auto kIdentityKeys = MakeKeyTable(kIdentityNames);
static_assert(kIdentityKeys.Valid());

constexpr uint8_t kLocalizableValue = 1;
constexpr uint8_t kLocalizableLocalized = 2;
constexpr std::pair<std::string_view, uint8_t> kLocalizableNames[] = {
    {"value", kLocalizableValue}, {"localizedvalue", kLocalizableLocalized}};
constexpr auto kLocalizableKeys = MakeKeyTable(kLocalizableNames);
static_assert(kLocalizableKeys.Valid());
} // namespace minetrace::record_parsing
