// The key vocabularies of the record shapes: what a top-level key means (Slot) and the keys of
// the nested objects (claims, authorization, properties, httpRequest, identity,
// LocalizableString), each with its KeyTable.
#pragma once

#include "parsers/key_table.hpp"

#include <cstdint>
#include <string_view>
#include <utility>

namespace minetrace::record_parsing {

// What a top-level key means, across every shape.
enum class Slot : uint8_t {
    kNone,
    kTime,
    kOperationName, // string (export, LA legacy localized text) or LocalizableString (REST/SDK)
    kOperationNameValue,
    kStatus, // string or LocalizableString
    kResultType,
    kActivityStatusValue,
    kActivityStatus,
    kSubStatus, // string or LocalizableString
    kResultSignature,
    kActivitySubstatusValue,
    kActivitySubstatus,
    kCategory, // string or LocalizableString
    kCategoryValue,
    kResourceId,
    kResourceType, // string or LocalizableString (also Partner Center's resourceType)
    kResourceGroup,
    kSubscriptionId,
    kTenantId,
    kCorrelationId,
    kOperationId,
    kEventDataId,
    kCaller,
    kCallerIp,
    kHttpRequest,
    kIdentity,
    kClaims,
    kAuthorization,
    kProperties,
    kLevel,
    kTableType,
    kHierarchy,
    // Partner Center audit records.
    kCustomerId,
    kCustomerName,
    kPartnerId,
    kUserPrincipalName,
    kApplicationId,
    kOperationType,
    kOperationStatus,
    kResourceNewValue,
    kResourceOldValue,
    kCustomizedData,
    kRecordId,
    // Markers of other record kinds.
    kActivityDisplayName,
    kActivityDateTime,
    kCreatedDateTime,
    kUsageStartTime,
    kTotalCost,
    kAppDisplayName,
    kCostColumn,
    kWrapperArray,
    kEnvelope,     // log / event / _source / record: a record inside a tool's envelope
    kApiResponses, // responses: an Azure REST API example document // records / value / items /
                   // tables: the record is a container
};

constexpr std::pair<std::string_view, Slot> kTopLevelNames[] = {
    {"time", Slot::kTime},
    {"eventtimestamp", Slot::kTime},
    {"timegenerated", Slot::kTime},
    {"operationdate", Slot::kTime},
    {"operationname", Slot::kOperationName},
    {"operationnamevalue", Slot::kOperationNameValue},
    {"status", Slot::kStatus},
    {"resulttype", Slot::kResultType},
    {"activitystatusvalue", Slot::kActivityStatusValue},
    {"activitystatus", Slot::kActivityStatus},
    {"substatus", Slot::kSubStatus},
    {"resultsignature", Slot::kResultSignature},
    {"activitysubstatusvalue", Slot::kActivitySubstatusValue},
    {"activitysubstatus", Slot::kActivitySubstatus},
    {"category", Slot::kCategory},
    {"categoryvalue", Slot::kCategoryValue},
    {"resourceid", Slot::kResourceId},
    {"resourceuri", Slot::kResourceId},
    {"resourcetype", Slot::kResourceType},
    {"resourcegroupname", Slot::kResourceGroup},
    {"resourcegroup", Slot::kResourceGroup},
    {"subscriptionid", Slot::kSubscriptionId},
    {"tenantid", Slot::kTenantId},
    {"correlationid", Slot::kCorrelationId},
    {"operationid", Slot::kOperationId},
    {"eventdataid", Slot::kEventDataId},
    {"caller", Slot::kCaller},
    {"calleripaddress", Slot::kCallerIp},
    {"httprequest", Slot::kHttpRequest},
    {"identity", Slot::kIdentity},
    {"claims", Slot::kClaims},
    {"claimsd", Slot::kClaims},
    {"authorization", Slot::kAuthorization},
    {"authorizationd", Slot::kAuthorization},
    {"properties", Slot::kProperties},
    {"propertiesd", Slot::kProperties},
    {"level", Slot::kLevel},
    {"type", Slot::kTableType},
    {"$table", Slot::kTableType},
    {"hierarchy", Slot::kHierarchy},
    {"customerid", Slot::kCustomerId},
    {"customername", Slot::kCustomerName},
    {"partnerid", Slot::kPartnerId},
    {"userprincipalname", Slot::kUserPrincipalName},
    {"applicationid", Slot::kApplicationId},
    {"operationtype", Slot::kOperationType},
    {"operationstatus", Slot::kOperationStatus},
    {"resourcenewvalue", Slot::kResourceNewValue},
    {"resourceoldvalue", Slot::kResourceOldValue},
    {"customizeddata", Slot::kCustomizedData},
    {"id", Slot::kRecordId},
    {"activitydisplayname", Slot::kActivityDisplayName},
    {"activitydatetime", Slot::kActivityDateTime},
    {"createddatetime", Slot::kCreatedDateTime},
    {"usagestarttime", Slot::kUsageStartTime},
    {"totalcost", Slot::kTotalCost},
    {"costinbillingcurrency", Slot::kCostColumn},
    {"metercategory", Slot::kCostColumn},
    {"billingaccountid", Slot::kCostColumn},
    {"appdisplayname", Slot::kAppDisplayName},
    {"records", Slot::kWrapperArray},
    {"value", Slot::kWrapperArray},
    {"items", Slot::kWrapperArray},
    {"tables", Slot::kWrapperArray},
    {"log", Slot::kEnvelope},
    {"event", Slot::kEnvelope},
    {"source", Slot::kEnvelope}, // _source
    {"record", Slot::kEnvelope},
    {"responses", Slot::kApiResponses},
};
constexpr auto kTopLevelSlots = MakeKeyTable(kTopLevelNames);
static_assert(kTopLevelSlots.Valid());
static_assert(static_cast<uint8_t>(Slot::kNone) == 0, "KeyTable::Find returns 0 for no match");

// Slot of a normalized key (CSV headers, Log Analytics columns).
inline Slot LookupSlot(std::string_view normalized) {
    return static_cast<Slot>(kTopLevelSlots.FindNormalized(normalized));
}

// Keys of the claims object (the last segment of claim URIs), normalized.
enum class ClaimKey : uint8_t {
    kNone,
    kUpn,
    kName,
    kObjectId,
    kTenantId,
    kAppId,
    kAppIdAcr,
    kIpAddr,
    kIdTyp,
    kAmr,
    kMiRid,
    kUti,
};
constexpr std::pair<std::string_view, ClaimKey> kClaimNames[] = {
    {"upn", ClaimKey::kUpn},         {"name", ClaimKey::kName},
    {"uniquename", ClaimKey::kName}, {"objectidentifier", ClaimKey::kObjectId},
    {"oid", ClaimKey::kObjectId},    {"tenantid", ClaimKey::kTenantId},
    {"tid", ClaimKey::kTenantId},    {"appid", ClaimKey::kAppId},
    {"azp", ClaimKey::kAppId},       {"appidacr", ClaimKey::kAppIdAcr},
    {"azpacr", ClaimKey::kAppIdAcr}, {"ipaddr", ClaimKey::kIpAddr},
    {"idtyp", ClaimKey::kIdTyp},     {"authnmethodsreferences", ClaimKey::kAmr},
    {"amr", ClaimKey::kAmr},         {"xmsmirid", ClaimKey::kMiRid},
    {"uti", ClaimKey::kUti},
};
constexpr auto kClaimKeys = MakeKeyTable(kClaimNames);
static_assert(kClaimKeys.Valid());

// Keys of `authorization` and of its `evidence`, normalized.
enum class AuthorizationKey : uint8_t {
    kNone,
    kAction,
    kScope,
    kRole,
    kEvidence,
    kRoleAssignmentId,
    kRoleAssignmentScope,
    kRoleDefinitionId,
    kPrincipalId,
    kPrincipalType,
};
constexpr std::pair<std::string_view, AuthorizationKey> kAuthorizationNames[] = {
    {"action", AuthorizationKey::kAction},
    {"scope", AuthorizationKey::kScope},
    {"role", AuthorizationKey::kRole},
    {"evidence", AuthorizationKey::kEvidence},
    {"roleassignmentid", AuthorizationKey::kRoleAssignmentId},
    {"roleassignmentscope", AuthorizationKey::kRoleAssignmentScope},
    {"roledefinitionid", AuthorizationKey::kRoleDefinitionId},
    {"principalid", AuthorizationKey::kPrincipalId},
    {"principaltype", AuthorizationKey::kPrincipalType},
};
constexpr auto kAuthorizationKeys = MakeKeyTable(kAuthorizationNames);
static_assert(kAuthorizationKeys.Valid());

// Keys of `properties`, normalized.
enum class PropertyKey : uint8_t {
    kNone,
    kRequestBody,
    kResponseBody,
    kStatusCode,
    kStatusMessage,
    kEntity,
    kMessage,
    kHierarchy,
    kOperationId,
    kEventCategory,
};
constexpr std::pair<std::string_view, PropertyKey> kPropertyNames[] = {
    {"requestbody", PropertyKey::kRequestBody},
    {"responsebody", PropertyKey::kResponseBody},
    {"statuscode", PropertyKey::kStatusCode},
    {"statusmessage", PropertyKey::kStatusMessage},
    {"entity", PropertyKey::kEntity},
    {"message", PropertyKey::kMessage},
    {"hierarchy", PropertyKey::kHierarchy},
    {"operationid", PropertyKey::kOperationId},
    {"eventcategory", PropertyKey::kEventCategory},
};
constexpr auto kPropertyKeys = MakeKeyTable(kPropertyNames);
static_assert(kPropertyKeys.Valid());

// Keys of `httpRequest`, `identity` and LocalizableString objects, normalized.
constexpr uint8_t kHttpClientIp = 1;
constexpr std::pair<std::string_view, uint8_t> kHttpRequestNames[] = {
    {"clientipaddress", kHttpClientIp}};
constexpr auto kHttpRequestKeys = MakeKeyTable(kHttpRequestNames);
static_assert(kHttpRequestKeys.Valid());

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
