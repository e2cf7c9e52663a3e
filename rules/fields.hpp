// The field names rules use, and how each one is read from a normalized Event.
//
// Scalar fields are the Event's own members (names as in `minetrace events` JSON output) plus a
// few derived ones (resource_provider, resource_name, caller.cross_tenant). Body fields are JSON
// paths into the raw JSON text members (request.<path>, response.<path>, ...); see
// rules/README.md for the path syntax.
//
// Pure and thread-safe.
#pragma once

#include "core/event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::rules_internal {

enum class ScalarField : uint8_t {
    kTime,
    kKind,
    kPhase,
    kSubscriptionId,
    kTenantId,
    kResourceId,
    kResourceIdLower,
    kResourceType,
    kResourceGroup,
    kResourceProvider, // derived: operation (or resource_type) up to the first '/'
    kResourceName,     // derived: last segment of resource_id
    kOperation,
    kOperationDisplay,
    kStatus,
    kStatusCode,
    kCategory,
    kLevel,
    kCorrelationId,
    kOperationId,
    kEventDataId,
    kCaller,
    kCallerUpn,
    kCallerName,
    kCallerObjectId,
    kCallerAppId,
    kCallerAppidacr,
    kCallerPrincipalType,
    kCallerTokenTenant,
    kCallerIdtyp,
    kCallerAmr,
    kCallerMfa,
    kCallerManagedIdentityResourceId,
    kCallerIpClaim,
    kCallerTokenId,
    kCallerCrossTenant, // derived: yes when token tenant and event tenant are known and differ
    kCallerIp,
    kAuthAction,
    kAuthScope,
    kAuthRole,
    kAuthEvidenceRole,
    kAuthRoleAssignmentId,
    kAuthRoleAssignmentScope,
    kAuthRoleDefinitionId,
    kAuthPrincipalId,
    kAuthPrincipalType,
    kRequestText,  // raw text of request_body
    kResponseText, // raw text of response_body
    kStatusMessageText,
    kPartnerCustomerName,
    kPartnerPartnerId,
    kPartnerOrderId,
    kPartnerRecordId,
    kPartnerSubscriptionIds, // multi-valued
    kPartnerResourceNewValueText,
    kPartnerResourceOldValueText,
    kPartnerCustomizedDataText,
    kCount,
};

inline constexpr size_t kScalarFieldCount = static_cast<size_t>(ScalarField::kCount);

// JSON texts of an Event that rules can address with paths.
enum class BodyId : uint8_t {
    kRequest,
    kResponse,
    kStatusMessage,
    kPartnerNewValue,
    kPartnerOldValue,
    kPartnerCustomizedData,
    kCount,
};
inline constexpr size_t kBodyCount = static_cast<size_t>(BodyId::kCount);

std::optional<ScalarField> LookupScalarField(std::string_view name);
std::string_view ScalarFieldName(ScalarField field);

// Body prefixes: "request", "response", "status_message", "partner.resource_new_value",
// "partner.resource_old_value", "partner.customized_data", and "bodies" (request, response and
// partner.resource_new_value together). Returns a bit mask of BodyId, 0 when unknown.
uint32_t LookupBodyPrefix(std::string_view prefix);
std::string_view BodyText(const Event& event, BodyId body);

// Fields Sigma keyword searches (a detection item that is a plain list of strings) look in.
const std::vector<ScalarField>& KeywordFields();

// Calls `fn(value)` for each non-empty value of `field` (one, or several for
// partner.subscription_ids); stops early when fn returns true and then returns true. `buffer`
// holds derived text (the formatted time) and must outlive the callback.
template <typename Fn>
bool ForEachScalarValue(const Event& event, ScalarField field, std::string& buffer, Fn&& fn);

// Single-valued access (partner.subscription_ids yields its first id).
std::string_view ScalarValue(const Event& event, ScalarField field, std::string& buffer);

template <typename Fn>
bool ForEachScalarValue(const Event& event, ScalarField field, std::string& buffer, Fn&& fn) {
    if (field == ScalarField::kPartnerSubscriptionIds) {
        for (std::string_view id : event.partner.subscription_ids) {
            if (!id.empty() && fn(id)) return true;
        }
        return false;
    }
    std::string_view value = ScalarValue(event, field, buffer);
    return !value.empty() && fn(value);
}

} // namespace minetrace::rules_internal
