// RecordParser on Partner Center audit records (GET /v1/auditrecords items): operationDate,
// operationType, customer and partner ids, userPrincipalName / applicationId, customizedData
// and resourceNewValue with the order and subscription ids they carry; and malformed variants.
#include "tests/unit/parsers/record_parser_support.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minetrace {
namespace {

// A Partner Center audit record of `resource_type` with `extra` members.
std::string Record(std::string_view resource_type, std::string_view extra) {
    return R"({"customerId":"8e744963-e906-4d46-a7e4-bcf85c07368a","operationType":"update_subscription",)"
           R"("operationDate":"2026-10-12T07:31:12Z","operationStatus":"succeeded","resourceType":")" +
           std::string(resource_type) + "\"," + std::string(extra) + "}";
}

using Names = std::vector<std::pair<std::string, std::string>>;

Names NamesOf(const Event& e) {
    Names out;
    for (const SubscriptionName& n : e.partner.subscription_names)
        out.emplace_back(std::string(n.subscription_id), std::string(n.name));
    return out;
}

} // namespace

TEST_CASE("RecordParser Partner Center: an order's subscriptions from resourceNewValue",
          "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"id":"c97f49aa_8e744963_createorder_2","partnerId":"C97F49AA-3801-4F57-A9AF-AC93DD4CBE83",)"
        R"("customerId":"8E744963-E906-4D46-A7E4-BCF85C07368A","customerName":" Fabrikam Robotics Ltd ",)"
        R"("userPrincipalName":"admin@northwindcsp.onmicrosoft.com",)"
        R"("applicationId":"acca84e1-7af0-469b-99b9-897a0f39933d","resourceType":"order",)"
        R"("resourceNewValue":"{\"Id\":\"ORD-77AB\",\"LineItems\":[{\"SubscriptionId\":\"AB8B2C1E-0D3B-4F8A-9C5E-1234567890AB\"},)"
        R"({\"SubscriptionId\":\"ab8b2c1e-0d3b-4f8a-9c5e-1234567890ab\"},{\"SubscriptionId\":\"CD000000-0000-4000-8000-000000000002\"}]}",)"
        R"("resourceOldValue":null,"operationType":"create_order",)"
        R"("originalCorrelationId":"6d4a57a1","correlationId":"6D4A57A1-6181-4646-B574-33BB98B1BBAF",)"
        R"("operationDate":"2026-10-05T18:21:39.0043218Z","operationStatus":"succeeded",)"
        R"("attributes":{"objectType":"AuditRecord"}})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kPartnerCenterAudit);
    CHECK(e.time_us == 1791224499004321);
    CHECK(e.operation == "create_order");
    CHECK(e.resource_type == "order");
    CHECK(e.status == "succeeded");
    CHECK(e.phase == Phase::kSucceeded);
    CHECK(e.tenant_id == "8e744963-e906-4d46-a7e4-bcf85c07368a"); // the customer
    CHECK(e.correlation_id == "6d4a57a1-6181-4646-b574-33bb98b1bbaf");
    CHECK(e.caller.caller == "admin@northwindcsp.onmicrosoft.com");
    CHECK(e.caller.upn == "admin@northwindcsp.onmicrosoft.com");
    CHECK(e.caller.principal_type == "User");
    CHECK(e.caller.app_id == "acca84e1-7af0-469b-99b9-897a0f39933d");
    CHECK(e.partner.customer_name == "Fabrikam Robotics Ltd");
    CHECK(e.partner.partner_id == "c97f49aa-3801-4f57-a9af-ac93dd4cbe83");
    CHECK(e.partner.record_id == "c97f49aa_8e744963_createorder_2");
    CHECK(e.partner.order_id == "ord-77ab"); // the order's Id, lowercased
    // LineItems' ids lowercased and deduplicated, in record order; the first is the event's.
    REQUIRE(e.partner.subscription_ids.size() == 2);
    CHECK(e.partner.subscription_ids[0] == "ab8b2c1e-0d3b-4f8a-9c5e-1234567890ab");
    CHECK(e.partner.subscription_ids[1] == "cd000000-0000-4000-8000-000000000002");
    CHECK(e.subscription_id == "ab8b2c1e-0d3b-4f8a-9c5e-1234567890ab");
    CHECK(e.partner.resource_new_value.substr(0, 16) == R"({"Id":"ORD-77AB")");
    CHECK(e.partner.resource_old_value.empty()); // null
    CHECK(e.partner.customized_data.empty());
}

TEST_CASE("RecordParser Partner Center: customizedData ids, an application caller", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"partnerId":"c97f49aa-3801-4f57-a9af-ac93dd4cbe83","customerId":"8e744963-e906-4d46-a7e4-bcf85c07368a",)"
        R"("userPrincipalName":"acca84e1-7af0-469b-99b9-897a0f39933d","resourceType":"subscription",)"
        R"("operationType":"update_subscription","operationDate":"2026-10-12T07:31:12.6619304Z",)"
        R"("operationStatus":"failed",)"
        R"("resourceNewValue":{"Id":"EF000000-0000-4000-8000-000000000003","Quantity":1},)"
        R"("customizedData":[{"key":"SubscriptionId-0","value":" 12000000-0000-4000-8000-000000000001 "},)"
        R"({"key":"OrderId","value":"ORD-9"},{"key":"SubscriptionName-0","value":"Azure plan"}]})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kPartnerCenterAudit);
    CHECK(e.time_us == 1791790272661930);
    CHECK(e.operation == "update_subscription");
    CHECK(e.phase == Phase::kFailed);
    CHECK(e.caller.caller == "acca84e1-7af0-469b-99b9-897a0f39933d");
    CHECK(e.caller.upn.empty());
    CHECK(e.caller.principal_type == "Application");
    CHECK(e.partner.order_id == "ord-9");
    // customizedData first, then the subscription's own Id.
    REQUIRE(e.partner.subscription_ids.size() == 2);
    CHECK(e.partner.subscription_ids[0] == "12000000-0000-4000-8000-000000000001");
    CHECK(e.partner.subscription_ids[1] == "ef000000-0000-4000-8000-000000000003");
    CHECK(e.subscription_id == "12000000-0000-4000-8000-000000000001");
    // Objects and arrays are kept as their raw JSON text.
    CHECK(e.partner.resource_new_value ==
          R"({"Id":"EF000000-0000-4000-8000-000000000003","Quantity":1})");
    CHECK(e.partner.customized_data.front() == '[');
}

TEST_CASE("RecordParser Partner Center: malformed variants quarantine", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(R"({"customerId":"8e744963","operationType":"create_order",)"
                              R"("operationStatus":"succeeded"})",
                              e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
    CHECK(out.detail == "no operationDate");

    out = h.Json(R"({"customerId":"8e744963","operationType":"create_order",)"
                 R"("operationDate":"the fifth of October"})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);

    out = h.Json(R"({"customerId":"8e744963","operationType":"create_order",)"
                 R"("customizedData":[{"key":"OrderId","value":"ORD-1"})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    // resourceNewValue text that is not JSON is kept, and yields no ids.
    out = h.Json(R"({"customerId":"8e744963","operationType":"create_order",)"
                 R"("operationDate":"2026-10-05T18:21:39Z","resourceType":"order",)"
                 R"("resourceNewValue":"{not json"})",
                 e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.resource_new_value == "{not json");
    CHECK(e.partner.order_id.empty());
    CHECK(e.partner.subscription_ids.empty());
    CHECK(e.subscription_id.empty());
}

TEST_CASE("RecordParser Partner Center: subscription names from customizedData", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // Ids and names pair by suffix, in suffix order; "SubscriptionIdX" is neither.
    ParseOutcome out = h.Json(
        Record(
            "order",
            R"("customizedData":[{"key":"OrderId","value":"o-1"},)"
            R"({"key":"SubscriptionId-1","value":"d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7"},)"
            R"({"key":"SubscriptionName-0","value":"Fabrikam Production"},)"
            R"({"key":"SubscriptionId-0","value":"23796C67-2F4B-4FEB-B0FE-60D76B018983"},)"
            R"({"key":"SubscriptionName-1","value":"Dev <Test>"},)"
            R"({"key":"SubscriptionIdX","value":"x"},{"key":"SubscriptionName-2","value":"No id"}])"),
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(NamesOf(e) == Names{{"23796C67-2F4B-4FEB-B0FE-60D76B018983", "Fabrikam Production"},
                              {"d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7", "Dev <Test>"}});
    CHECK(e.partner.order_id == "o-1");

    // Only string values name: a number is no name.
    out = h.Json(
        Record("order",
               R"("customizedData":[)"
               R"({"key":"SubscriptionId-0","value":"23796c67-2f4b-4feb-b0fe-60d76b018983"},)"
               R"({"key":"SubscriptionName-0","value":42}])"),
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.subscription_names.empty());
    CHECK(e.partner.subscription_ids.size() == 1);

    // JSON text that breaks off: its ids are read as far as it goes, its names not at all.
    out = h.Json(Record("order", R"("customizedData":"[{\"key\":\"SubscriptionId-0\",)"
                                 R"(\"value\":\"23796c67-2f4b-4feb-b0fe-60d76b018983\"},)"
                                 R"({\"key\":\"SubscriptionName-0\",\"value\":\"Cut\"}")"),
                 e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.subscription_names.empty());
    REQUIRE(e.partner.subscription_ids.size() == 1);
    CHECK(e.partner.subscription_ids[0] == "23796c67-2f4b-4feb-b0fe-60d76b018983");

    // An element that is not an object: names skip it, the ids stop at it.
    out = h.Json(
        Record("order",
               R"("customizedData":[1,)"
               R"({"key":"SubscriptionId-0","value":"23796c67-2f4b-4feb-b0fe-60d76b018983"},)"
               R"({"key":"SubscriptionName-0","value":"After a number"}])"),
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(NamesOf(e) == Names{{"23796c67-2f4b-4feb-b0fe-60d76b018983", "After a number"}});
    CHECK(e.partner.subscription_ids.empty());

    // Not JSON at all.
    out = h.Json(Record("order", R"("customizedData":"not json","resourceNewValue":"[1,2")"), e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.subscription_names.empty());
    CHECK(e.partner.subscription_ids.empty());
}

TEST_CASE("RecordParser Partner Center: subscription names from resourceNewValue", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // An order's line items.
    ParseOutcome out = h.Json(
        Record(
            "order",
            R"("resourceNewValue":"{\"Id\":\"o-2\",\"LineItems\":[)"
            R"({\"SubscriptionId\":\"11111111-2222-3333-4444-555555555555\",\"FriendlyName\":\"From order\"},)"
            R"({\"FriendlyName\":\"No id\"}]}")"),
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(NamesOf(e) == Names{{"11111111-2222-3333-4444-555555555555", "From order"}});
    CHECK(e.partner.order_id == "o-2");

    // A line item that is not an object: names skip it, the ids stop at it.
    out = h.Json(
        Record(
            "order",
            R"("resourceNewValue":{"Id":"o-3","LineItems":[)"
            R"({"SubscriptionId":"11111111-2222-3333-4444-555555555555","FriendlyName":"One"},"x",)"
            R"({"SubscriptionId":"22222222-2222-3333-4444-555555555555","FriendlyName":"Two"}]})"),
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(NamesOf(e) == Names{{"11111111-2222-3333-4444-555555555555", "One"},
                              {"22222222-2222-3333-4444-555555555555", "Two"}});
    REQUIRE(e.partner.subscription_ids.size() == 1);
    CHECK(e.partner.subscription_ids[0] == "11111111-2222-3333-4444-555555555555");

    // A subscription names itself: its Id is one of the record's subscription ids.
    out = h.Json(Record("subscription",
                        R"("resourceNewValue":{"Id":"23796c67-2f4b-4feb-b0fe-60d76b018983",)"
                        R"("FriendlyName":"Renamed later"})"),
                 e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(NamesOf(e) == Names{{"23796c67-2f4b-4feb-b0fe-60d76b018983", "Renamed later"}});

    // A customer's Id is not a subscription's, however GUID-like.
    out = h.Json(Record("customer",
                        R"("resourceNewValue":{"Id":"8e744963-e906-4d46-a7e4-bcf85c07368a",)"
                        R"("FriendlyName":"A customer"})"),
                 e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.subscription_names.empty());

    // A second value after the object: no names, the ids as read.
    out = h.Json(Record("subscription",
                        R"("resourceNewValue":"{\"Id\":\"23796c67-2f4b-4feb-b0fe-60d76b018983\",)"
                        R"(\"FriendlyName\":\"N\"} {}")"),
                 e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.partner.subscription_names.empty());
    CHECK(e.subscription_id == "23796c67-2f4b-4feb-b0fe-60d76b018983");
}

// Found by fuzz/record_parser_fuzz.cpp (fixtures/fuzz-regressions/record_parser/): a GUID
// applicationId kept its capitals, so the application did not match its activity-log appid.
TEST_CASE("RecordParser Partner Center: applicationId GUID lowercased, a name as written",
          "[parsers]") {
    const std::string path = std::string(MINETRACE_FIXTURES_DIR) +
                             "/fuzz-regressions/record_parser/partner-center-uppercase-app-id.json";
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    const std::string record((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    test::ParserHarness h;
    Event e;
    REQUIRE(h.Json(record, e).outcome == RecordOutcome::kEvent);
    CHECK(e.caller.app_id == "acca84e1-7af0-469b-99b9-897a0f39933d");

    const std::string named = Record("order", R"("applicationId":"Partner Center Native App")");
    REQUIRE(h.Json(named, e).outcome == RecordOutcome::kEvent);
    CHECK(e.caller.app_id == "Partner Center Native App");
}

} // namespace minetrace
