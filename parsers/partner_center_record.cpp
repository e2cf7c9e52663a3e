// Partner Center audit records: customizedData, resourceNewValue, order and subscription ids,
// and the subscription names the records give (read once here, for the reports' coverage).
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/phase.hpp"
#include "core/timestamp.hpp"
#include "parsers/record_parser_impl.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace minetrace {

ParseOutcome RecordParser::Impl::FinishPartnerCenter(Event& event) {
    RawFields& f = fields;
    Arena& a = *arena;
    if (f.time.empty()) return Quarantine(QuarantineReason::kMissingFields, "no operationDate");
    auto time = ParseTimestamp(f.time);
    if (!time) {
        return Quarantine(QuarantineReason::kBadTimestamp, "unparseable operationDate \"" +
                                                               std::string(f.time.substr(0, 64)) +
                                                               "\"");
    }
    event.kind = SourceKind::kPartnerCenterAudit;
    event.time_us = time->unix_us;
    event.time_zone_assumed = time->zone_assumed ? Tristate::kYes : Tristate::kNo;
    event.operation = a.StoreLower(f.operation_type);
    event.resource_type = a.StoreLower(f.resource_type);
    event.status = f.operation_status;
    event.phase = ParsePhase(f.operation_status);
    event.tenant_id = a.StoreLower(f.customer_id);
    event.correlation_id = a.StoreLower(f.correlation_id);
    event.caller.caller = f.user_principal_name;
    if (f.user_principal_name.find('@') != std::string_view::npos) {
        event.caller.upn = f.user_principal_name;
        event.caller.principal_type = "User";
    } else if (!f.user_principal_name.empty()) {
        event.caller.principal_type = "Application";
    }
    // A GUID is lowercased like every app id (so the same application matches across sources);
    // a display name ("Partner Center Native App") stays as written.
    event.caller.app_id =
        IsGuidLike(f.application_id) ? a.StoreLower(f.application_id) : f.application_id;
    PartnerCenterFields& p = event.partner;
    p.customer_name = f.customer_name;
    p.partner_id = a.StoreLower(f.partner_id);
    p.record_id = f.record_id;
    p.resource_new_value = f.resource_new_value;
    p.resource_old_value = f.resource_old_value;
    p.customized_data = f.customized_data;

    std::string_view order_id;
    auto add_subscription = [&](std::string_view id) {
        id = TrimAsciiSpace(id);
        if (id.empty()) return;
        std::string_view lowered = a.StoreLower(id);
        if (std::find(p.subscription_ids.begin(), p.subscription_ids.end(), lowered) ==
            p.subscription_ids.end())
            p.subscription_ids.push_back(lowered);
    };
    // Names (p.subscription_names) count only string values, and only from a text read whole
    // without a JSON error; ids and the order id are taken as far as the text reads, from values
    // of any type, and stop at the first list element that is not an object.
    auto is_string = [](od::value& value) {
        od::json_type type;
        return !value.type().get(type) && type == od::json_type::string;
    };
    auto add_name = [&](std::string_view id, std::string_view name) {
        if (IsGuidLike(id) && !name.empty()) p.subscription_names.push_back({id, name});
    };

    // customizedData: [{"key":"SubscriptionId-0","value":"..."}, {"key":"OrderId",...},
    // {"key":"SubscriptionName-0",...}]: names pair with ids by the keys' suffix ("-0").
    std::string_view list = f.customized_data;
    const size_t list_start = list.find_first_not_of(" \t\r\n");
    if (list_start != std::string_view::npos && list[list_start] == '[') {
        bool ids_open = list_start == 0;
        std::map<std::string, std::pair<std::string_view, std::string_view>> by_suffix;
        std::string wrapped = "{\"list\":";
        wrapped.append(list);
        wrapped.push_back('}');
        size_t lists = 0;
        const bool whole = WithWholeNestedObject(wrapped, [&](od::object root) {
            for (auto field : root) {
                od::array items;
                if (field.value().get_array().get(items)) return false;
                ++lists;
                for (auto element : items) {
                    if (element.error()) return false;
                    od::object pair;
                    if (element.get_object().get(pair)) {
                        ids_open = false;
                        continue;
                    }
                    std::string_view key, value;               // as text, any type
                    std::string_view key_string, value_string; // string values only
                    for (auto kv : pair) {
                        std::string_view k;
                        if (kv.unescaped_key().get(k)) return false;
                        od::value v;
                        if (kv.value().get(v)) return false;
                        const bool quoted = is_string(v);
                        std::string_view text;
                        if (!Text(v, text)) return false;
                        if (EqualsIgnoreCase(k, "key")) {
                            key = text;
                            key_string = quoted ? text : std::string_view();
                        } else if (EqualsIgnoreCase(k, "value")) {
                            value = text;
                            value_string = quoted ? text : std::string_view();
                        }
                    }
                    if (ids_open) {
                        if (StartsWithIgnoreCase(key, "SubscriptionId"))
                            add_subscription(value);
                        else if (EqualsIgnoreCase(key, "OrderId") && order_id.empty())
                            order_id = value;
                    }
                    for (std::string_view prefix : {"subscriptionid", "subscriptionname"}) {
                        if (!StartsWithIgnoreCase(key_string, prefix)) continue;
                        std::string suffix = AsciiLowerCopy(key_string.substr(prefix.size()));
                        // "SubscriptionIdX" is neither.
                        if (!suffix.empty() && suffix[0] != '-') continue;
                        auto& pair_of = by_suffix[suffix];
                        (prefix == "subscriptionid" ? pair_of.first : pair_of.second) =
                            value_string;
                    }
                }
            }
            return true;
        });
        if (whole && lists == 1)
            for (const auto& [suffix, pair] : by_suffix) add_name(pair.first, pair.second);
    }

    // resourceNewValue: PascalCase JSON text; orders list LineItems[].SubscriptionId, a
    // subscription is its own Id; FriendlyName names either.
    if (!f.resource_new_value.empty()) {
        const bool is_order = EqualsIgnoreCase(f.resource_type, "order");
        const bool is_subscription = EqualsIgnoreCase(f.resource_type, "subscription");
        bool ids_open = true;
        bool names_read = true; // no error in a value read only for names
        std::string_view top_id, top_name;
        std::vector<SubscriptionName> line_names;
        const bool whole = WithWholeNestedObject(f.resource_new_value, [&](od::object root) {
            for (auto field : root) {
                std::string_view key;
                if (field.unescaped_key().get(key)) return false;
                od::value value;
                if (field.value().get(value)) return false;
                const bool is_id = EqualsIgnoreCase(key, "Id");
                const bool is_subscription_id = EqualsIgnoreCase(key, "SubscriptionId");
                if (is_id) {
                    const bool quoted = is_string(value);
                    std::string_view text;
                    if (!Text(value, text)) return false;
                    if (ids_open) {
                        std::string_view id = Trim(text);
                        if (is_order && order_id.empty()) order_id = id;
                        if (is_subscription) add_subscription(id);
                    }
                    if (quoted && IsGuidLike(text) && top_id.empty()) top_id = text;
                } else if (is_subscription_id || EqualsIgnoreCase(key, "FriendlyName")) {
                    const bool quoted = is_string(value);
                    std::string_view text;
                    if (!Text(value, text)) {
                        names_read = false;
                        continue;
                    }
                    std::string_view as_string = quoted ? text : std::string_view();
                    if (!is_subscription_id)
                        top_name = as_string;
                    else if (IsGuidLike(as_string))
                        top_id = as_string; // SubscriptionId outranks Id
                } else if (EqualsIgnoreCase(key, "OrderId")) {
                    if (ids_open && order_id.empty() && !TrimmedText(value, order_id)) return false;
                } else if (EqualsIgnoreCase(key, "LineItems")) {
                    od::array items;
                    if (value.get_array().get(items)) continue;
                    for (auto item : items) {
                        if (item.error()) return false;
                        od::object line;
                        if (item.get_object().get(line)) {
                            ids_open = false;
                            continue;
                        }
                        std::string_view line_id, line_name;
                        for (auto lf : line) {
                            std::string_view lk;
                            if (lf.unescaped_key().get(lk)) return false;
                            const bool is_line_id = EqualsIgnoreCase(lk, "SubscriptionId");
                            if (!is_line_id && !EqualsIgnoreCase(lk, "FriendlyName")) continue;
                            od::value lv;
                            if (lf.value().get(lv)) return false;
                            const bool quoted = is_string(lv);
                            std::string_view text;
                            if (!Text(lv, text)) {
                                if (is_line_id) return false;
                                names_read = false;
                                continue;
                            }
                            std::string_view as_string = quoted ? text : std::string_view();
                            if (!is_line_id) {
                                line_name = as_string;
                                continue;
                            }
                            if (ids_open) add_subscription(Trim(text));
                            if (IsGuidLike(as_string)) line_id = as_string;
                        }
                        line_names.push_back({line_id, line_name});
                    }
                }
            }
            return true;
        });
        if (whole && names_read) {
            // A top-level Id or SubscriptionId is a subscription's only when the record names
            // it among its subscription ids.
            if (!top_id.empty()) {
                std::string lower = AsciiLowerCopy(top_id);
                if (std::find(p.subscription_ids.begin(), p.subscription_ids.end(), lower) !=
                    p.subscription_ids.end())
                    add_name(top_id, top_name);
            }
            for (const SubscriptionName& n : line_names) add_name(n.subscription_id, n.name);
        }
    }
    p.order_id = a.StoreLower(order_id);
    if (!p.subscription_ids.empty()) event.subscription_id = p.subscription_ids.front();
    return {};
}

} // namespace minetrace
