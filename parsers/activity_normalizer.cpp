// The kind decision and normalization of a record's RawFields into an Event (Finish), with the
// caller's principal-type inference (FinishCaller).
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/phase.hpp"
#include "core/timestamp.hpp"
#include "parsers/record_parser_impl.hpp"

#include <algorithm>

namespace minetrace {

namespace {

std::string_view StoreLowerJoined(Arena& arena, const ArmIdParts& parts) {
    size_t size = parts.provider_namespace.size();
    for (size_t i = 0; i < parts.type_count; ++i) size += 1 + parts.types[i].size();
    char* out = arena.Allocate(size);
    size_t n = 0;
    auto append = [&](std::string_view s) {
        for (char c : s) out[n++] = AsciiLower(c);
    };
    append(parts.provider_namespace);
    for (size_t i = 0; i < parts.type_count; ++i) {
        out[n++] = '/';
        append(parts.types[i]);
    }
    return {out, n};
}

// "OK (HTTP Status Code: 200)" -> "OK"; "Succeeded.Created" -> "Created".
std::string_view StatusCodeOf(std::string_view text) {
    text = TrimAsciiSpace(text);
    size_t paren = text.find(" (");
    if (paren != std::string_view::npos) text = text.substr(0, paren);
    return TrimAsciiSpace(text);
}

} // namespace

ParseOutcome RecordParser::Impl::Finish(Event& event, bool from_table) {
    RawFields& f = fields;
    if (f.has_wrapper_array && f.time.empty() && f.operation_name.empty() &&
        f.operation_name_value.empty() && f.operation_type.empty()) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kWrapper;
        return out;
    }
    if (!f.operation_type.empty() && (!f.time.empty() || !f.customer_id.empty()))
        return FinishPartnerCenter(event);
    if (f.has_usage_start_time) return Ignored(kIgnoredPartnerUtilization);
    if (f.has_cost_column) return Ignored(kIgnoredCostExport);
    if (f.has_total_cost && f.operation_name.empty() && f.operation_name_value.empty())
        return Ignored(kIgnoredPartnerUsage);
    if (f.has_activity_display_name || f.has_activity_date_time) return Ignored(kIgnoredEntraAudit);
    if (f.has_created_date_time && f.has_app_display_name && f.operation_name.empty())
        return Ignored(kIgnoredEntraSignin);

    SourceKind kind;
    if (!f.table_type.empty()) {
        if (!EqualsIgnoreCase(f.table_type, "AzureActivity"))
            return Ignored(IgnoredKindOfTable(f.table_type));
        kind = SourceKind::kActivityLogAnalytics;
    } else if (from_table || f.log_analytics_keys) {
        kind = SourceKind::kActivityLogAnalytics;
    } else if (f.snake_case_time) {
        kind = SourceKind::kActivitySdk;
    } else if (!f.status_value.empty() || !f.operation_name_value.empty()) {
        kind = SourceKind::kActivityRest;
    } else if (!f.operation_name.empty() || !f.result_type.empty()) {
        kind = SourceKind::kActivityExport;
    } else if (IsActivityCategory(f.category) && !f.time.empty()) {
        // The activity envelope without an operation: quarantined below, precisely.
        kind = SourceKind::kActivityExport;
    } else if (f.envelope_count > 0) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kEnvelope;
        out.inner.assign(f.envelope_inner.begin(), f.envelope_inner.begin() + f.envelope_count);
        return out;
    } else {
        return Quarantine(QuarantineReason::kUnrecognizedRecord,
                          "no known key set (not an activity-log, Partner Center, Entra or "
                          "usage record)");
    }

    // Category: Entra and resource-log categories share the export envelope.
    std::string_view category = f.category.empty() ? f.property_event_category : f.category;
    if (!category.empty() && !IsActivityCategory(category)) {
        std::string_view entra = EntraKindOfCategory(category);
        if (!entra.empty()) return Ignored(entra);
        return Ignored(kIgnoredResourceLog);
    }

    // Operation: the ARM operation value; legacy LA rows only have localized text, then
    // properties.message or the authorized action carry the value.
    std::string_view operation = f.operation_name_value;
    std::string_view display = f.operation_localized;
    if (operation.empty()) {
        if (kind == SourceKind::kActivityLogAnalytics && !LooksLikeArmOperation(f.operation_name)) {
            display = f.operation_name;
        } else {
            operation = f.operation_name;
        }
    }
    if (operation.empty() && LooksLikeArmOperation(f.message)) operation = f.message;
    if (operation.empty() && LooksLikeArmOperation(f.authorization.action))
        operation = f.authorization.action;
    if (category.empty() && !LooksLikeArmOperation(operation)) {
        // No category and no ARM operation: a resource log or sign-in in export dress.
        if (ContainsIgnoreCase(f.operation_name, "sign-in")) return Ignored(kIgnoredEntraSignin);
        return Ignored(kIgnoredResourceLog);
    }
    if (operation.empty())
        return Quarantine(QuarantineReason::kMissingFields,
                          "activity record without an operation name");
    if (f.time.empty()) return Quarantine(QuarantineReason::kMissingFields, "no event time");
    auto time = ParseTimestamp(f.time);
    if (!time) {
        return Quarantine(QuarantineReason::kBadTimestamp,
                          "unparseable time \"" + std::string(f.time.substr(0, 64)) + "\"");
    }

    Arena& a = *arena;
    event.kind = kind;
    event.time_us = time->unix_us;
    event.time_digits = time->fraction_digits;
    event.time_zone_assumed = time->zone_assumed ? Tristate::kYes : Tristate::kNo;
    event.operation = Lower(operation);
    event.operation_display = display;
    event.category = category;
    event.level = f.level;

    // Phase, from the most specific status spelling present.
    std::string_view status = f.status_value;
    if (status.empty()) status = f.activity_status_value;
    if (status.empty()) status = f.activity_status;
    if (status.empty()) status = f.result_type;
    if (status.empty()) status = f.result_signature;
    event.status = status;
    event.phase = ParsePhase(status);

    std::string_view status_code = f.status_code;
    if (status_code.empty()) status_code = StatusCodeOf(f.sub_status);
    if (status_code.empty()) status_code = StatusCodeOf(f.activity_substatus);
    if (status_code.empty() && !f.result_signature.empty()) {
        size_t dot = f.result_signature.find('.');
        if (dot != std::string_view::npos)
            status_code = TrimAsciiSpace(f.result_signature.substr(dot + 1));
    }
    event.status_code = status_code;

    std::string_view resource_id = f.resource_id.empty() ? f.entity : f.resource_id;
    event.resource_id = resource_id;
    event.resource_id_lower = Lower(resource_id);
    ArmIdParts parts = ParseArmId(resource_id);
    std::string_view subscription = f.subscription_id;
    if (subscription.empty()) subscription = parts.subscription;
    event.subscription_id = Lower(subscription);
    event.resource_group =
        Lower(f.resource_group.empty() ? parts.resource_group : f.resource_group);
    if (!parts.provider_namespace.empty()) {
        event.resource_type = StoreLowerJoined(a, parts);
    } else if (parts.resource_group_only) {
        event.resource_type = "microsoft.resources/resourcegroups";
    } else if (parts.subscription_only) {
        event.resource_type = "microsoft.resources/subscriptions";
    } else if (!f.resource_type.empty()) {
        event.resource_type = Lower(f.resource_type);
    } else {
        size_t slash = event.operation.rfind('/');
        if (slash != std::string_view::npos) event.resource_type = event.operation.substr(0, slash);
    }

    // Tenant of the resource: an explicit tenantId (except LA, where TenantId is the
    // workspace), else the hierarchy's root, else the token's tenant.
    std::string_view tenant;
    if (kind != SourceKind::kActivityLogAnalytics) tenant = f.tenant_id;
    if (tenant.empty() && !f.hierarchy.empty()) {
        size_t slash = f.hierarchy.find('/');
        std::string_view root = f.hierarchy.substr(0, slash);
        if (IsGuidLike(root)) tenant = root;
    }
    if (tenant.empty()) tenant = f.claims.token_tenant;
    event.tenant_id = Lower(tenant);

    event.correlation_id = Lower(f.correlation_id);
    std::string_view operation_id =
        f.operation_id.empty() ? f.property_operation_id : f.operation_id;
    event.operation_id = Lower(operation_id);
    event.event_data_id = Lower(f.event_data_id);

    FinishCaller(event);
    event.caller_ip = f.caller_ip.empty() ? f.http_client_ip : f.caller_ip;
    event.authorization = f.authorization;
    event.request_body = f.request_body;
    event.response_body = f.response_body;
    event.status_message = f.status_message;
    return {};
}

void RecordParser::Impl::FinishCaller(Event& event) {
    RawFields& f = fields;
    Caller c = f.claims;
    c.caller = f.caller.empty() ? f.identity_text : f.caller;
    c.object_id = Lower(c.object_id);
    c.app_id = Lower(c.app_id);
    c.token_tenant = Lower(c.token_tenant);
    if (!c.amr.empty()) c.mfa = ContainsIgnoreCase(c.amr, "mfa") ? Tristate::kYes : Tristate::kNo;
    if (!f.authorization.principal_type.empty()) {
        c.principal_type = f.authorization.principal_type;
    } else if (!c.managed_identity_resource_id.empty()) {
        c.principal_type = "ManagedIdentity";
    } else if (EqualsIgnoreCase(c.idtyp, "app")) {
        c.principal_type = "ServicePrincipal";
    } else if (!c.upn.empty() || EqualsIgnoreCase(c.idtyp, "user") ||
               c.caller.find('@') != std::string_view::npos) {
        c.principal_type = "User";
    } else if (IsGuidLike(c.caller) && c.upn.empty()) {
        c.principal_type = "ServicePrincipal";
    }
    if (c.upn.empty() && c.caller.find('@') != std::string_view::npos && c.principal_type == "User")
        c.upn = c.caller;
    event.caller = c;
}

} // namespace minetrace
