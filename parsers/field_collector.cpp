// One pass over a record's keys into RawFields: the nested walkers (claims, authorization,
// properties, httpRequest, identity) and the top-level dispatch. Where a plain value goes is
// the route of its key (record_keys.hpp); the switches here are only for values that need logic.
#include "core/ascii.hpp"
#include "parsers/record_parser_impl.hpp"

namespace minetrace {

// ---- nested objects ------------------------------------------------------------------

bool RecordParser::Impl::WalkClaims(od::object object) {
    Caller& c = fields.claims;
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view full_key;
        if (FieldKey(field, full_key)) return false;
        // Claim URIs: only the last segment names the claim.
        std::string_view key = full_key;
        size_t slash = key.rfind('/');
        if (slash != std::string_view::npos) key = key.substr(slash + 1);
        const uint8_t id = kClaimRoutes.FindId(key);
        if (!seen.Add(id, full_key)) NoteRepeatedKey(full_key);
        std::string_view Caller::*member = kClaimRoutes.At(id);
        if (member == nullptr || !(c.*member).empty()) continue;
        if (!TrimmedText(field.value(), c.*member)) return false;
    }
    fields.claims_done = true;
    return true;
}

bool RecordParser::Impl::WalkEvidence(od::object object) {
    Authorization& a = fields.authorization;
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        const uint8_t id = kEvidenceRoutes.FindId(key);
        if (!seen.Add(id, key)) NoteRepeatedKey(key);
        std::string_view Authorization::*member = kEvidenceRoutes.At(id);
        if (member == nullptr || !(a.*member).empty()) continue;
        if (!TrimmedText(field.value(), a.*member)) return false;
    }
    return true;
}

bool RecordParser::Impl::WalkAuthorizationObject(od::object object) {
    Authorization& a = fields.authorization;
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        od::value& value = field.value();
        const uint8_t id = kAuthorizationRoutes.FindId(key);
        if (!seen.Add(id, key)) NoteRepeatedKey(key);
        const AuthorizationRoute& route = kAuthorizationRoutes.At(id);
        if (route.evidence) {
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type == od::json_type::object) {
                od::object evidence;
                if (value.get_object().get(evidence)) return false;
                if (!WalkEvidence(evidence)) return false;
            }
            continue;
        }
        if (route.text == nullptr || !(a.*route.text).empty()) continue;
        if (!TrimmedText(value, a.*route.text)) return false;
    }
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
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        const uint8_t id = kPropertyRoutes.FindId(key);
        if (!seen.Add(id, key)) NoteRepeatedKey(key);
        const PropertyRoute& route = kPropertyRoutes.At(id);
        if (route.text == nullptr) continue;
        std::string_view& target = f.*route.text;
        if (!target.empty()) continue;
        if (!Text(field.value(), target)) return false;
        if (route.trim) target = Trim(target);
    }
    fields.properties_done = true;
    return true;
}

bool RecordParser::Impl::WalkHttpRequest(od::object object) {
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        const uint8_t id = kHttpRequestRoutes.FindId(key);
        if (!seen.Add(id, key)) NoteRepeatedKey(key);
        std::string_view RawFields::*member = kHttpRequestRoutes.At(id);
        if (member == nullptr) continue;
        if (!TrimmedText(field.value(), fields.*member)) return false;
    }
    fields.http_done = true;
    return true;
}

bool RecordParser::Impl::WalkIdentity(od::object object) {
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        uint8_t k = kIdentityKeys.FindKey(key);
        if (!seen.Add(k, key)) NoteRepeatedKey(key);
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
    SeenKeys seen;
    for (auto result : object) {
        if (result.error()) return false;
        od::field& field = result.value_unsafe();
        std::string_view key;
        if (FieldKey(field, key)) return false;
        uint8_t k = kLocalizableKeys.FindKey(key);
        if (!seen.Add(k, key)) NoteRepeatedKey(key);
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
bool RecordParser::Impl::TopField(const TopRoute& route, od::value& value) {
    RawFields& f = fields;
    switch (route.slot) {
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
            SetIfEmpty(f.*route.text, v);
        }
        return true;
    }
    case Slot::kLocalizable:
        return Localizable(value, f.*route.text, nullptr);
    case Slot::kRawText:
        return Text(value, f.*route.text);
    case Slot::kHttpRequest:
        return f.http_done ? true : ObjectOrText(value, &Impl::WalkHttpRequest);
    case Slot::kClaims:
        return f.claims_done ? true : ObjectOrText(value, &Impl::WalkClaims);
    case Slot::kAuthorization:
        // Every copy fills what the ones before left empty: Log Analytics' Authorization text
        // has no evidence, its Authorization_d object does.
        return WalkAuthorization(value);
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
        return TrimmedText(value, f.*route.text);
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
    default:
        break;
    }
    std::string_view text;
    if (!TrimmedText(value, text)) return false;
    return TopText(route, text);
}

// Handles one top-level field given as text (CSV cells, and scalar JSON values).
bool RecordParser::Impl::TopText(const TopRoute& route, std::string_view text) {
    RawFields& f = fields;
    switch (route.slot) {
    case Slot::kText:
    case Slot::kRawText:
    case Slot::kLocalizable:
    case Slot::kOperationName:
    case Slot::kIdentity:
        SetIfEmpty(f.*route.text, text);
        break;
    case Slot::kPresence:
        f.*route.flag = !text.empty();
        break;
    case Slot::kMarker:
        f.*route.flag = true;
        break;
    case Slot::kHttpRequest:
        if (!f.http_done) WithNestedObject(text, [&](od::object o) { WalkHttpRequest(o); });
        break;
    case Slot::kClaims:
        if (!f.claims_done) WithNestedObject(text, [&](od::object o) { WalkClaims(o); });
        break;
    case Slot::kAuthorization:
        WithNestedObject(text, [&](od::object o) { WalkAuthorizationObject(o); });
        break;
    case Slot::kProperties:
        if (!f.properties_done) WithNestedObject(text, [&](od::object o) { WalkProperties(o); });
        break;
    case Slot::kNone:
    case Slot::kWrapperArray:
    case Slot::kEnvelope:
    case Slot::kApiResponses:
        break;
    }
    return true;
}

} // namespace minetrace
