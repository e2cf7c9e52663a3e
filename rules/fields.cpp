#include "rules/fields.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/timestamp.hpp"
#include "rules/text.hpp"

#include <array>

namespace minetrace::rules_internal {

namespace {

constexpr std::array<std::string_view, kScalarFieldCount> kNames = {
    "time",
    "kind",
    "phase",
    "subscription_id",
    "tenant_id",
    "resource_id",
    "resource_id_lower",
    "resource_type",
    "resource_group",
    "resource_provider",
    "resource_name",
    "operation",
    "operation_display",
    "status",
    "status_code",
    "category",
    "level",
    "correlation_id",
    "operation_id",
    "event_data_id",
    "caller.caller",
    "caller.upn",
    "caller.name",
    "caller.object_id",
    "caller.app_id",
    "caller.appidacr",
    "caller.principal_type",
    "caller.token_tenant",
    "caller.idtyp",
    "caller.amr",
    "caller.mfa",
    "caller.managed_identity_resource_id",
    "caller.ip_claim",
    "caller.token_id",
    "caller.cross_tenant",
    "caller_ip",
    "authorization.action",
    "authorization.scope",
    "authorization.role",
    "authorization.evidence_role",
    "authorization.role_assignment_id",
    "authorization.role_assignment_scope",
    "authorization.role_definition_id",
    "authorization.principal_id",
    "authorization.principal_type",
    "request",
    "response",
    "status_message",
    "partner.customer_name",
    "partner.partner_id",
    "partner.order_id",
    "partner.record_id",
    "partner.subscription_ids",
    "partner.resource_new_value",
    "partner.resource_old_value",
    "partner.customized_data",
};

std::string_view Provider(const Event& event) {
    std::string_view source = !event.operation.empty() ? event.operation : event.resource_type;
    size_t slash = source.find('/');
    if (slash == std::string_view::npos) return {};
    return source.substr(0, slash);
}

std::string_view CrossTenant(const Event& event) {
    if (event.caller.token_tenant.empty() || event.tenant_id.empty()) return "unknown";
    return EqualsIgnoreCase(event.caller.token_tenant, event.tenant_id) ? "no" : "yes";
}

} // namespace

std::optional<ScalarField> LookupScalarField(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) return static_cast<ScalarField>(i);
    }
    return std::nullopt;
}

std::string_view ScalarFieldName(ScalarField field) {
    size_t index = static_cast<size_t>(field);
    return index < kNames.size() ? kNames[index] : std::string_view("?");
}

uint32_t LookupBodyPrefix(std::string_view prefix) {
    auto bit = [](BodyId id) { return 1u << static_cast<unsigned>(id); };
    if (prefix == "request") return bit(BodyId::kRequest);
    if (prefix == "response") return bit(BodyId::kResponse);
    if (prefix == "status_message") return bit(BodyId::kStatusMessage);
    if (prefix == "partner.resource_new_value") return bit(BodyId::kPartnerNewValue);
    if (prefix == "partner.resource_old_value") return bit(BodyId::kPartnerOldValue);
    if (prefix == "partner.customized_data") return bit(BodyId::kPartnerCustomizedData);
    if (prefix == "bodies") {
        return bit(BodyId::kRequest) | bit(BodyId::kResponse) | bit(BodyId::kPartnerNewValue);
    }
    return 0;
}

std::string_view BodyText(const Event& event, BodyId body) {
    switch (body) {
    case BodyId::kRequest:
        return event.request_body;
    case BodyId::kResponse:
        return event.response_body;
    case BodyId::kStatusMessage:
        return event.status_message;
    case BodyId::kPartnerNewValue:
        return event.partner.resource_new_value;
    case BodyId::kPartnerOldValue:
        return event.partner.resource_old_value;
    case BodyId::kPartnerCustomizedData:
        return event.partner.customized_data;
    case BodyId::kCount:
        break;
    }
    return {};
}

const std::vector<ScalarField>& KeywordFields() {
    static const std::vector<ScalarField> kFields = {
        ScalarField::kOperation,        ScalarField::kOperationDisplay, ScalarField::kResourceId,
        ScalarField::kResourceType,     ScalarField::kStatus,           ScalarField::kStatusCode,
        ScalarField::kCategory,         ScalarField::kCaller,           ScalarField::kCallerUpn,
        ScalarField::kCallerIp,         ScalarField::kAuthAction,       ScalarField::kAuthScope,
        ScalarField::kStatusMessageText};
    return kFields;
}

std::string_view ScalarValue(const Event& event, ScalarField field, std::string& buffer) {
    const Caller& c = event.caller;
    const Authorization& a = event.authorization;
    switch (field) {
    case ScalarField::kTime:
        buffer.clear();
        AppendRfc3339Micros(buffer, event.time_us);
        return buffer;
    case ScalarField::kKind:
        return ToString(event.kind);
    case ScalarField::kPhase:
        return ToString(event.phase);
    case ScalarField::kSubscriptionId:
        return event.subscription_id;
    case ScalarField::kTenantId:
        return event.tenant_id;
    case ScalarField::kResourceId:
        return event.resource_id;
    case ScalarField::kResourceIdLower:
        return event.resource_id_lower;
    case ScalarField::kResourceType:
        return event.resource_type;
    case ScalarField::kResourceGroup:
        return event.resource_group;
    case ScalarField::kResourceProvider:
        return Provider(event);
    case ScalarField::kResourceName:
        return LastSegment(event.resource_id);
    case ScalarField::kOperation:
        return event.operation;
    case ScalarField::kOperationDisplay:
        return event.operation_display;
    case ScalarField::kStatus:
        return event.status;
    case ScalarField::kStatusCode:
        return event.status_code;
    case ScalarField::kCategory:
        return event.category;
    case ScalarField::kLevel:
        return event.level;
    case ScalarField::kCorrelationId:
        return event.correlation_id;
    case ScalarField::kOperationId:
        return event.operation_id;
    case ScalarField::kEventDataId:
        return event.event_data_id;
    case ScalarField::kCaller:
        return c.caller;
    case ScalarField::kCallerUpn:
        return c.upn;
    case ScalarField::kCallerName:
        return c.name;
    case ScalarField::kCallerObjectId:
        return c.object_id;
    case ScalarField::kCallerAppId:
        return c.app_id;
    case ScalarField::kCallerAppidacr:
        return c.appidacr;
    case ScalarField::kCallerPrincipalType:
        return c.principal_type;
    case ScalarField::kCallerTokenTenant:
        return c.token_tenant;
    case ScalarField::kCallerIdtyp:
        return c.idtyp;
    case ScalarField::kCallerAmr:
        return c.amr;
    case ScalarField::kCallerMfa:
        return ToString(c.mfa);
    case ScalarField::kCallerManagedIdentityResourceId:
        return c.managed_identity_resource_id;
    case ScalarField::kCallerIpClaim:
        return c.ip_claim;
    case ScalarField::kCallerTokenId:
        return c.token_id;
    case ScalarField::kCallerCrossTenant:
        return CrossTenant(event);
    case ScalarField::kCallerIp:
        return event.caller_ip;
    case ScalarField::kAuthAction:
        return a.action;
    case ScalarField::kAuthScope:
        return a.scope;
    case ScalarField::kAuthRole:
        return a.role;
    case ScalarField::kAuthEvidenceRole:
        return a.evidence_role;
    case ScalarField::kAuthRoleAssignmentId:
        return a.role_assignment_id;
    case ScalarField::kAuthRoleAssignmentScope:
        return a.role_assignment_scope;
    case ScalarField::kAuthRoleDefinitionId:
        return a.role_definition_id;
    case ScalarField::kAuthPrincipalId:
        return a.principal_id;
    case ScalarField::kAuthPrincipalType:
        return a.principal_type;
    case ScalarField::kRequestText:
        return event.request_body;
    case ScalarField::kResponseText:
        return event.response_body;
    case ScalarField::kStatusMessageText:
        return event.status_message;
    case ScalarField::kPartnerCustomerName:
        return event.partner.customer_name;
    case ScalarField::kPartnerPartnerId:
        return event.partner.partner_id;
    case ScalarField::kPartnerOrderId:
        return event.partner.order_id;
    case ScalarField::kPartnerRecordId:
        return event.partner.record_id;
    case ScalarField::kPartnerSubscriptionIds:
        return event.partner.subscription_ids.empty() ? std::string_view()
                                                      : event.partner.subscription_ids.front();
    case ScalarField::kPartnerResourceNewValueText:
        return event.partner.resource_new_value;
    case ScalarField::kPartnerResourceOldValueText:
        return event.partner.resource_old_value;
    case ScalarField::kPartnerCustomizedDataText:
        return event.partner.customized_data;
    case ScalarField::kCount:
        break;
    }
    return {};
}

} // namespace minetrace::rules_internal
