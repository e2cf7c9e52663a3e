#include "rules/example_event.hpp"

#include "core/phase.hpp"
#include "core/timestamp.hpp"
#include "rules/fields.hpp"
#include "rules/text.hpp"

namespace minetrace {

namespace {

using rules_internal::ScalarField;

// The string member behind a plain scalar field; nullptr for fields handled specially.
std::string_view* Member(Event& e, ScalarField field) {
    switch (field) {
    case ScalarField::kSubscriptionId:
        return &e.subscription_id;
    case ScalarField::kTenantId:
        return &e.tenant_id;
    case ScalarField::kResourceId:
        return &e.resource_id;
    case ScalarField::kResourceIdLower:
        return &e.resource_id_lower;
    case ScalarField::kResourceType:
        return &e.resource_type;
    case ScalarField::kResourceGroup:
        return &e.resource_group;
    case ScalarField::kOperation:
        return &e.operation;
    case ScalarField::kOperationDisplay:
        return &e.operation_display;
    case ScalarField::kStatus:
        return &e.status;
    case ScalarField::kStatusCode:
        return &e.status_code;
    case ScalarField::kCategory:
        return &e.category;
    case ScalarField::kLevel:
        return &e.level;
    case ScalarField::kCorrelationId:
        return &e.correlation_id;
    case ScalarField::kOperationId:
        return &e.operation_id;
    case ScalarField::kEventDataId:
        return &e.event_data_id;
    case ScalarField::kCaller:
        return &e.caller.caller;
    case ScalarField::kCallerUpn:
        return &e.caller.upn;
    case ScalarField::kCallerName:
        return &e.caller.name;
    case ScalarField::kCallerObjectId:
        return &e.caller.object_id;
    case ScalarField::kCallerAppId:
        return &e.caller.app_id;
    case ScalarField::kCallerAppidacr:
        return &e.caller.appidacr;
    case ScalarField::kCallerPrincipalType:
        return &e.caller.principal_type;
    case ScalarField::kCallerTokenTenant:
        return &e.caller.token_tenant;
    case ScalarField::kCallerIdtyp:
        return &e.caller.idtyp;
    case ScalarField::kCallerAmr:
        return &e.caller.amr;
    case ScalarField::kCallerManagedIdentityResourceId:
        return &e.caller.managed_identity_resource_id;
    case ScalarField::kCallerIpClaim:
        return &e.caller.ip_claim;
    case ScalarField::kCallerTokenId:
        return &e.caller.token_id;
    case ScalarField::kCallerIp:
        return &e.caller_ip;
    case ScalarField::kAuthAction:
        return &e.authorization.action;
    case ScalarField::kAuthScope:
        return &e.authorization.scope;
    case ScalarField::kAuthRole:
        return &e.authorization.role;
    case ScalarField::kAuthEvidenceRole:
        return &e.authorization.evidence_role;
    case ScalarField::kAuthRoleAssignmentId:
        return &e.authorization.role_assignment_id;
    case ScalarField::kAuthRoleAssignmentScope:
        return &e.authorization.role_assignment_scope;
    case ScalarField::kAuthRoleDefinitionId:
        return &e.authorization.role_definition_id;
    case ScalarField::kAuthPrincipalId:
        return &e.authorization.principal_id;
    case ScalarField::kAuthPrincipalType:
        return &e.authorization.principal_type;
    case ScalarField::kRequestText:
        return &e.request_body;
    case ScalarField::kResponseText:
        return &e.response_body;
    case ScalarField::kStatusMessageText:
        return &e.status_message;
    case ScalarField::kPartnerCustomerName:
        return &e.partner.customer_name;
    case ScalarField::kPartnerPartnerId:
        return &e.partner.partner_id;
    case ScalarField::kPartnerOrderId:
        return &e.partner.order_id;
    case ScalarField::kPartnerRecordId:
        return &e.partner.record_id;
    case ScalarField::kPartnerResourceNewValueText:
        return &e.partner.resource_new_value;
    case ScalarField::kPartnerResourceOldValueText:
        return &e.partner.resource_old_value;
    case ScalarField::kPartnerCustomizedDataText:
        return &e.partner.customized_data;
    default:
        return nullptr;
    }
}

// Fields the Event contract stores ASCII-lowercased.
bool IsLowercased(ScalarField field) {
    switch (field) {
    case ScalarField::kSubscriptionId:
    case ScalarField::kTenantId:
    case ScalarField::kResourceIdLower:
    case ScalarField::kResourceType:
    case ScalarField::kResourceGroup:
    case ScalarField::kOperation:
    case ScalarField::kCorrelationId:
    case ScalarField::kOperationId:
    case ScalarField::kEventDataId:
    case ScalarField::kCallerObjectId:
    case ScalarField::kCallerAppId:
    case ScalarField::kCallerTokenTenant:
    case ScalarField::kPartnerPartnerId:
    case ScalarField::kPartnerOrderId:
    case ScalarField::kPartnerSubscriptionIds:
        return true;
    default:
        return false;
    }
}

} // namespace

bool ExampleEvent::Set(std::string_view field, std::string_view value, std::string& error) {
    std::optional<ScalarField> id = rules_internal::LookupScalarField(field);
    if (!id) {
        error = "unknown field '" + std::string(field) + "'";
        return false;
    }
    switch (*id) {
    case ScalarField::kTime: {
        std::optional<ParsedTime> parsed = ParseTimestamp(value);
        if (!parsed) {
            error = "time: cannot parse '" + std::string(value) + "'";
            return false;
        }
        event_.time_us = parsed->unix_us;
        event_.time_zone_assumed = parsed->zone_assumed ? Tristate::kYes : Tristate::kNo;
        return true;
    }
    case ScalarField::kKind: {
        for (SourceKind kind :
             {SourceKind::kActivityExport, SourceKind::kActivityRest, SourceKind::kActivitySdk,
              SourceKind::kActivityLogAnalytics, SourceKind::kPartnerCenterAudit}) {
            if (ToString(kind) == value) {
                event_.kind = kind;
                return true;
            }
        }
        error = "kind: expected activity-export, activity-rest, activity-sdk, "
                "activity-log-analytics or partner-center-audit, got '" +
                std::string(value) + "'";
        return false;
    }
    case ScalarField::kPhase: {
        for (Phase phase : {Phase::kStarted, Phase::kAccepted, Phase::kSucceeded, Phase::kFailed,
                            Phase::kOther}) {
            if (ToString(phase) == value) {
                event_.phase = phase;
                return true;
            }
        }
        event_.phase = ParsePhase(value);
        return true;
    }
    case ScalarField::kCallerMfa: {
        for (Tristate t : {Tristate::kUnknown, Tristate::kNo, Tristate::kYes}) {
            if (ToString(t) == value) {
                event_.caller.mfa = t;
                return true;
            }
        }
        error = "caller.mfa: expected yes, no or unknown, got '" + std::string(value) + "'";
        return false;
    }
    case ScalarField::kResourceProvider:
    case ScalarField::kResourceName:
    case ScalarField::kCallerCrossTenant:
        error = "'" + std::string(field) +
                "' is derived (from operation, resource_id, or "
                "caller.token_tenant and tenant_id); set those instead";
        return false;
    case ScalarField::kPartnerSubscriptionIds:
        event_.partner.subscription_ids.push_back(arena_.StoreLower(value));
        return true;
    default:
        break;
    }
    std::string_view* member = Member(event_, *id);
    if (member == nullptr) {
        error = "field '" + std::string(field) + "' cannot be set";
        return false;
    }
    *member = IsLowercased(*id) ? arena_.StoreLower(value) : arena_.Store(value);
    if (*id == ScalarField::kResourceIdLower) resource_id_lower_set_ = true;
    if (*id == ScalarField::kResourceId && !resource_id_lower_set_) {
        event_.resource_id_lower = arena_.StoreLower(value);
    }
    return true;
}

} // namespace minetrace
