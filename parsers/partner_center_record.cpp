// Partner Center audit records: customizedData, resourceNewValue, order and subscription ids.
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/phase.hpp"
#include "core/timestamp.hpp"
#include "parsers/record_parser_impl.hpp"

#include <algorithm>

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
    event.caller.app_id = f.application_id;
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
    // customizedData: [{"key":"SubscriptionId-0","value":"..."}, {"key":"OrderId",...}]
    if (!f.customized_data.empty() && f.customized_data.front() == '[') {
        std::string wrapped = "{\"list\":";
        wrapped.append(f.customized_data);
        wrapped.push_back('}');
        WithNestedObject(wrapped, [&](od::object root) {
            for (auto field : root) {
                od::array list;
                if (field.value().get_array().get(list)) return;
                for (auto element : list) {
                    od::object pair;
                    if (element.get_object().get(pair)) return;
                    std::string_view key;
                    std::string_view value;
                    for (auto kv : pair) {
                        std::string_view k;
                        if (kv.unescaped_key().get(k)) return;
                        od::value v;
                        if (kv.value().get(v)) return;
                        std::string_view text;
                        if (!Text(v, text)) return;
                        if (EqualsIgnoreCase(k, "key"))
                            key = text;
                        else if (EqualsIgnoreCase(k, "value"))
                            value = text;
                    }
                    if (StartsWithIgnoreCase(key, "SubscriptionId"))
                        add_subscription(value);
                    else if (EqualsIgnoreCase(key, "OrderId") && order_id.empty())
                        order_id = value;
                }
            }
        });
    }
    // resourceNewValue: PascalCase JSON text; orders list LineItems[].SubscriptionId.
    if (!f.resource_new_value.empty()) {
        bool is_order = EqualsIgnoreCase(f.resource_type, "order");
        bool is_subscription = EqualsIgnoreCase(f.resource_type, "subscription");
        WithNestedObject(f.resource_new_value, [&](od::object root) {
            for (auto field : root) {
                std::string_view key;
                if (field.unescaped_key().get(key)) return;
                od::value value;
                if (field.value().get(value)) return;
                if (EqualsIgnoreCase(key, "Id")) {
                    std::string_view id;
                    if (!TrimmedText(value, id)) return;
                    if (is_order && order_id.empty()) order_id = id;
                    if (is_subscription) add_subscription(id);
                } else if (EqualsIgnoreCase(key, "OrderId") && order_id.empty()) {
                    if (!TrimmedText(value, order_id)) return;
                } else if (EqualsIgnoreCase(key, "LineItems")) {
                    od::array items;
                    if (value.get_array().get(items)) continue;
                    for (auto item : items) {
                        od::object line;
                        if (item.get_object().get(line)) return;
                        for (auto lf : line) {
                            std::string_view lk;
                            if (lf.unescaped_key().get(lk)) return;
                            if (!EqualsIgnoreCase(lk, "SubscriptionId")) continue;
                            od::value lv;
                            if (lf.value().get(lv)) return;
                            std::string_view id;
                            if (!TrimmedText(lv, id)) return;
                            add_subscription(id);
                        }
                    }
                }
            }
        });
    }
    p.order_id = a.StoreLower(order_id);
    if (!p.subscription_ids.empty()) event.subscription_id = p.subscription_ids.front();
    return {};
}

} // namespace minetrace
