// One pass over a record's keys into RawFields: the nested walkers (claims, authorization,
// properties, httpRequest, identity) and the top-level dispatch.
#include "core/ascii.hpp"
#include "parsers/record_parser_impl.hpp"

namespace minetrace {

// ---- nested objects ------------------------------------------------------------------

bool RecordParser::Impl::WalkClaims(od::object object) {
    Caller& c = fields.claims;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        // Claim URIs: only the last segment names the claim.
        size_t slash = key.rfind('/');
        if (slash != std::string_view::npos) key = key.substr(slash + 1);
        std::string_view* target = nullptr;
        switch (static_cast<ClaimKey>(kClaimKeys.FindKey(key))) {
        case ClaimKey::kNone:
            continue;
        case ClaimKey::kUpn:
            target = &c.upn;
            break;
        case ClaimKey::kName:
            target = &c.name;
            break;
        case ClaimKey::kObjectId:
            target = &c.object_id;
            break;
        case ClaimKey::kTenantId:
            target = &c.token_tenant;
            break;
        case ClaimKey::kAppId:
            target = &c.app_id;
            break;
        case ClaimKey::kAppIdAcr:
            target = &c.appidacr;
            break;
        case ClaimKey::kIpAddr:
            target = &c.ip_claim;
            break;
        case ClaimKey::kIdTyp:
            target = &c.idtyp;
            break;
        case ClaimKey::kAmr:
            target = &c.amr;
            break;
        case ClaimKey::kMiRid:
            target = &c.managed_identity_resource_id;
            break;
        case ClaimKey::kUti:
            target = &c.token_id;
            break;
        }
        if (!target->empty()) continue;
        if (!TrimmedText(field.value(), *target)) return false;
    }
    fields.claims_done = true;
    return true;
}

bool RecordParser::Impl::WalkEvidence(od::object object) {
    Authorization& a = fields.authorization;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        std::string_view* target = nullptr;
        switch (static_cast<AuthorizationKey>(kAuthorizationKeys.FindKey(key))) {
        case AuthorizationKey::kRole:
            target = &a.evidence_role;
            break;
        case AuthorizationKey::kRoleAssignmentId:
            target = &a.role_assignment_id;
            break;
        case AuthorizationKey::kRoleAssignmentScope:
            target = &a.role_assignment_scope;
            break;
        case AuthorizationKey::kRoleDefinitionId:
            target = &a.role_definition_id;
            break;
        case AuthorizationKey::kPrincipalId:
            target = &a.principal_id;
            break;
        case AuthorizationKey::kPrincipalType:
            target = &a.principal_type;
            break;
        default:
            continue;
        }
        if (!target->empty()) continue;
        if (!TrimmedText(field.value(), *target)) return false;
    }
    return true;
}

bool RecordParser::Impl::WalkAuthorizationObject(od::object object) {
    Authorization& a = fields.authorization;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        std::string_view* target = nullptr;
        od::value& value = field.value();
        switch (static_cast<AuthorizationKey>(kAuthorizationKeys.FindKey(key))) {
        case AuthorizationKey::kEvidence: {
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type == od::json_type::object) {
                od::object evidence;
                if (value.get_object().get(evidence)) return false;
                if (!WalkEvidence(evidence)) return false;
            }
            continue;
        }
        case AuthorizationKey::kAction:
            target = &a.action;
            break;
        case AuthorizationKey::kScope:
            target = &a.scope;
            break;
        case AuthorizationKey::kRole:
            target = &a.role;
            break;
        default:
            continue;
        }
        if (!target->empty()) continue;
        if (!TrimmedText(value, *target)) return false;
    }
    fields.authorization_done = true;
    return true;
}

// `authorization` is an object, an array of objects (newer categories), or JSON text.
bool RecordParser::Impl::WalkAuthorization(od::value& value) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::object) {
        od::object object;
        if (value.get_object().get(object)) return false;
        return WalkAuthorizationObject(object);
    }
    if (type == od::json_type::array) {
        od::array array;
        if (value.get_array().get(array)) return false;
        for (auto element : array) {
            od::object object;
            if (element.get_object().get(object)) return false;
            return WalkAuthorizationObject(object);
        }
        return true;
    }
    std::string_view text;
    if (!Text(value, text, true)) return false;
    WithNestedObject(text, [&](od::object object) { WalkAuthorizationObject(object); });
    return true;
}

bool RecordParser::Impl::WalkProperties(od::object object) {
    RawFields& f = fields;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        std::string_view* target = nullptr;
        bool trim = true; // bodies and messages are kept as written
        switch (static_cast<PropertyKey>(kPropertyKeys.FindKey(key))) {
        case PropertyKey::kNone:
            continue;
        case PropertyKey::kRequestBody:
            target = &f.request_body;
            trim = false;
            break;
        case PropertyKey::kResponseBody:
            target = &f.response_body;
            trim = false;
            break;
        case PropertyKey::kStatusCode:
            target = &f.status_code;
            break;
        case PropertyKey::kStatusMessage:
            target = &f.status_message;
            trim = false;
            break;
        case PropertyKey::kEntity:
            target = &f.entity;
            break;
        case PropertyKey::kMessage:
            target = &f.message;
            break;
        case PropertyKey::kHierarchy:
            target = &f.hierarchy;
            break;
        case PropertyKey::kOperationId:
            target = &f.property_operation_id;
            break;
        case PropertyKey::kEventCategory:
            target = &f.property_event_category;
            break;
        }
        if (!target->empty()) continue;
        if (!Text(field.value(), *target)) return false;
        if (trim) *target = Trim(*target);
    }
    fields.properties_done = true;
    return true;
}

bool RecordParser::Impl::WalkHttpRequest(od::object object) {
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        if (kHttpRequestKeys.FindKey(key) == 0) continue;
        if (!TrimmedText(field.value(), fields.http_client_ip)) return false;
    }
    fields.http_done = true;
    return true;
}

bool RecordParser::Impl::WalkIdentity(od::object object) {
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        uint8_t k = kIdentityKeys.FindKey(key);
        if (k == kIdentityClaims) {
            if (!ObjectOrText(field.value(), &Impl::WalkClaims)) return false;
        } else if (k == kIdentityAuthorization) {
            if (!WalkAuthorization(field.value())) return false;
        }
    }
    return true;
}

// Applies `walk` to an object value, or to JSON text held in a string value.
bool RecordParser::Impl::ObjectOrText(od::value& value, bool (Impl::*walk)(od::object)) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::object) {
        od::object object;
        if (value.get_object().get(object)) return false;
        return (this->*walk)(object);
    }
    std::string_view text;
    if (!Text(value, text, true)) return false;
    WithNestedObject(text, [&](od::object object) { (this->*walk)(object); });
    return true;
}

// LocalizableString {value, localizedValue} or a plain string.
bool RecordParser::Impl::Localizable(od::value& value, std::string_view& out_value,
                                     std::string_view* out_localized) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type != od::json_type::object) return TrimmedText(value, out_value);
    od::object object;
    if (value.get_object().get(object)) return false;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        uint8_t k = kLocalizableKeys.FindKey(key);
        if (k == kLocalizableValue) {
            if (!TrimmedText(field.value(), out_value)) return false;
        } else if (k == kLocalizableLocalized && out_localized != nullptr) {
            if (!TrimmedText(field.value(), *out_localized)) return false;
        }
    }
    return true;
}

// ---- top level -----------------------------------------------------------------------

// Handles one top-level key/value; false on a JSON error.
bool RecordParser::Impl::TopField(Slot slot, od::value& value) {
    RawFields& f = fields;
    switch (slot) {
    case Slot::kNone:
        return true;
    case Slot::kOperationName: {
        std::string_view v;
        std::string_view localized;
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type == od::json_type::object) {
            if (!Localizable(value, v, &localized)) return false;
            SetIfEmpty(f.operation_name_value, v);
            SetIfEmpty(f.operation_localized, localized);
        } else {
            if (!TrimmedText(value, v)) return false;
            SetIfEmpty(f.operation_name, v);
        }
        return true;
    }
    case Slot::kStatus:
        return Localizable(value, f.status_value, nullptr);
    case Slot::kSubStatus:
        return Localizable(value, f.sub_status, nullptr);
    case Slot::kCategory:
        return Localizable(value, f.category, nullptr);
    case Slot::kResourceType:
        return Localizable(value, f.resource_type, nullptr);
    case Slot::kHttpRequest:
        return f.http_done ? true : ObjectOrText(value, &Impl::WalkHttpRequest);
    case Slot::kClaims:
        return f.claims_done ? true : ObjectOrText(value, &Impl::WalkClaims);
    case Slot::kAuthorization:
        return f.authorization_done ? true : WalkAuthorization(value);
    case Slot::kProperties:
        return f.properties_done ? true : ObjectOrText(value, &Impl::WalkProperties);
    case Slot::kIdentity: {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type == od::json_type::object) {
            od::object object;
            if (value.get_object().get(object)) return false;
            return WalkIdentity(object);
        }
        return TrimmedText(value, f.identity_text);
    }
    case Slot::kWrapperArray: {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type == od::json_type::array) f.has_wrapper_array = true;
        return true;
    }
    case Slot::kEnvelope: {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type != od::json_type::object || in_nested) return true;
        od::object object;
        std::string_view raw;
        if (value.get_object().get(object) || object.raw_json().get(raw)) return false;
        if (f.envelope_count < f.envelope_inner.size()) f.envelope_inner[f.envelope_count++] = raw;
        return true;
    }
    case Slot::kApiResponses: {
        // {"200": {"body": {...}}, "201": {...}}: every response body.
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type != od::json_type::object || in_nested) return true;
        od::object responses;
        if (value.get_object().get(responses)) return false;
        for (auto response : responses) {
            od::object object;
            if (response.value().get_object().get(object)) continue;
            for (auto part : object) {
                std::string_view key;
                if (part.unescaped_key().get(key)) return false;
                if (!EqualsIgnoreCase(key, "body")) continue;
                od::object body;
                std::string_view raw;
                if (part.value().get_object().get(body) || body.raw_json().get(raw)) continue;
                if (f.envelope_count < f.envelope_inner.size())
                    f.envelope_inner[f.envelope_count++] = raw;
            }
        }
        return true;
    }
    case Slot::kCustomizedData:
        return Text(value, f.customized_data);
    case Slot::kResourceNewValue:
        return Text(value, f.resource_new_value);
    case Slot::kResourceOldValue:
        return Text(value, f.resource_old_value);
    default:
        break;
    }
    std::string_view text;
    if (!TrimmedText(value, text)) return false;
    return TopText(slot, text);
}

// Handles one top-level field given as text (CSV cells, and scalar JSON values).
bool RecordParser::Impl::TopText(Slot slot, std::string_view text) {
    RawFields& f = fields;
    switch (slot) {
    case Slot::kNone:
        break;
    case Slot::kTime:
        SetIfEmpty(f.time, text);
        break;
    case Slot::kOperationName:
        SetIfEmpty(f.operation_name, text);
        break;
    case Slot::kOperationNameValue:
        SetIfEmpty(f.operation_name_value, text);
        break;
    case Slot::kStatus:
        SetIfEmpty(f.status_value, text);
        break;
    case Slot::kResultType:
        SetIfEmpty(f.result_type, text);
        break;
    case Slot::kActivityStatusValue:
        SetIfEmpty(f.activity_status_value, text);
        break;
    case Slot::kActivityStatus:
        SetIfEmpty(f.activity_status, text);
        break;
    case Slot::kSubStatus:
        SetIfEmpty(f.sub_status, text);
        break;
    case Slot::kResultSignature:
        SetIfEmpty(f.result_signature, text);
        break;
    case Slot::kActivitySubstatusValue:
    case Slot::kActivitySubstatus:
        SetIfEmpty(f.activity_substatus, text);
        break;
    case Slot::kCategory:
    case Slot::kCategoryValue:
        SetIfEmpty(f.category, text);
        break;
    case Slot::kResourceId:
        SetIfEmpty(f.resource_id, text);
        break;
    case Slot::kResourceType:
        SetIfEmpty(f.resource_type, text);
        break;
    case Slot::kResourceGroup:
        SetIfEmpty(f.resource_group, text);
        break;
    case Slot::kSubscriptionId:
        SetIfEmpty(f.subscription_id, text);
        break;
    case Slot::kTenantId:
        SetIfEmpty(f.tenant_id, text);
        break;
    case Slot::kCorrelationId:
        SetIfEmpty(f.correlation_id, text);
        break;
    case Slot::kOperationId:
        SetIfEmpty(f.operation_id, text);
        break;
    case Slot::kEventDataId:
        SetIfEmpty(f.event_data_id, text);
        break;
    case Slot::kCaller:
        SetIfEmpty(f.caller, text);
        break;
    case Slot::kCallerIp:
        SetIfEmpty(f.caller_ip, text);
        break;
    case Slot::kLevel:
        SetIfEmpty(f.level, text);
        break;
    case Slot::kTableType:
        SetIfEmpty(f.table_type, text);
        break;
    case Slot::kHierarchy:
        SetIfEmpty(f.hierarchy, text);
        break;
    case Slot::kIdentity:
        SetIfEmpty(f.identity_text, text);
        break;
    case Slot::kCustomerId:
        SetIfEmpty(f.customer_id, text);
        break;
    case Slot::kCustomerName:
        SetIfEmpty(f.customer_name, text);
        break;
    case Slot::kPartnerId:
        SetIfEmpty(f.partner_id, text);
        break;
    case Slot::kUserPrincipalName:
        SetIfEmpty(f.user_principal_name, text);
        break;
    case Slot::kApplicationId:
        SetIfEmpty(f.application_id, text);
        break;
    case Slot::kOperationType:
        SetIfEmpty(f.operation_type, text);
        break;
    case Slot::kOperationStatus:
        SetIfEmpty(f.operation_status, text);
        break;
    case Slot::kResourceNewValue:
        SetIfEmpty(f.resource_new_value, text);
        break;
    case Slot::kResourceOldValue:
        SetIfEmpty(f.resource_old_value, text);
        break;
    case Slot::kCustomizedData:
        SetIfEmpty(f.customized_data, text);
        break;
    case Slot::kRecordId:
        SetIfEmpty(f.record_id, text);
        break;
    case Slot::kActivityDisplayName:
        f.has_activity_display_name = !text.empty();
        break;
    case Slot::kActivityDateTime:
        f.has_activity_date_time = !text.empty();
        break;
    case Slot::kCreatedDateTime:
        f.has_created_date_time = !text.empty();
        break;
    case Slot::kUsageStartTime:
        f.has_usage_start_time = !text.empty();
        break;
    case Slot::kTotalCost:
        f.has_total_cost = !text.empty();
        break;
    case Slot::kAppDisplayName:
        f.has_app_display_name = !text.empty();
        break;
    case Slot::kCostColumn:
        f.has_cost_column = true;
        break;
    case Slot::kHttpRequest:
        if (!f.http_done) WithNestedObject(text, [&](od::object o) { WalkHttpRequest(o); });
        break;
    case Slot::kClaims:
        if (!f.claims_done) WithNestedObject(text, [&](od::object o) { WalkClaims(o); });
        break;
    case Slot::kAuthorization:
        if (!f.authorization_done)
            WithNestedObject(text, [&](od::object o) { WalkAuthorizationObject(o); });
        break;
    case Slot::kProperties:
        if (!f.properties_done) WithNestedObject(text, [&](od::object o) { WalkProperties(o); });
        break;
    case Slot::kWrapperArray:
    case Slot::kEnvelope:
    case Slot::kApiResponses:
        break;
    }
    return true;
}

} // namespace minetrace
