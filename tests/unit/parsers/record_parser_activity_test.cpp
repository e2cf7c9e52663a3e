// RecordParser on activity-log export records (storage PT1H.json / Event Hub), driven directly:
// normalized fields, and records that quarantine or are ignored.
#include "core/arena.hpp"
#include "core/event.hpp"
#include "parsers/record_parser.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace minetrace {
namespace {

// Parses `record` with the padding the parser needs behind it; `storage` keeps the bytes alive
// for the Event's views.
ParseOutcome Parse(RecordParser& parser, Arena& arena, std::string& storage,
                   std::string_view record, Event& event) {
    storage.assign(record);
    storage.append(RecordParser::kJsonPadding, '\0');
    return parser.ParseJsonObject(std::string_view(storage.data(), record.size()), arena, event);
}

constexpr std::string_view kExportRecord =
    R"({"time":"2026-10-13T11:20:15.7920000Z",)"
    R"("resourceId":"/SUBSCRIPTIONS/D0177A1F-D5B7-48C6-BF2C-E5A0DE6F4EF7/RESOURCEGROUPS/RG-WEB-DEV/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/STWEBDEVLOGS02",)"
    R"("operationName":"MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE","category":"Administrative",)"
    R"("resultType":"Accept","resultSignature":"Accepted.Accepted","durationMs":1020,)"
    R"("callerIpAddress":"192.0.2.44","correlationId":"0CA2593D-218B-4ABF-826B-B4525D5B263D",)"
    R"("identity":{"authorization":{"scope":"/subscriptions/d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7/resourceGroups/rg-web-dev/providers/Microsoft.Storage/storageAccounts/stwebdevlogs02",)"
    R"("action":"Microsoft.Storage/storageAccounts/write","evidence":{"role":"Contributor",)"
    R"("roleAssignmentScope":"/subscriptions/d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7",)"
    R"("principalId":"66a6464e2a4a4198a7893cc2e1b578b0","principalType":"User"}},)"
    R"("claims":{"appid":"04b07795-8ddb-461a-bbee-02f9e1bf7b46","appidacr":"0","idtyp":"user",)"
    R"("ipaddr":"192.0.2.44","name":"Marco Bianchi",)"
    R"("http://schemas.microsoft.com/identity/claims/objectidentifier":"66A6464E-2A4A-4198-A789-3CC2E1B578B0",)"
    R"("http://schemas.microsoft.com/identity/claims/tenantid":"8e744963-e906-4d46-a7e4-bcf85c07368a",)"
    R"("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"marco@fabrikam.example"}},)"
    R"("level":"Information","location":"global",)"
    R"("properties":{"statusCode":"Accepted","serviceRequestId":null,"eventCategory":"Administrative",)"
    R"("entity":"/subscriptions/d0177a1f/resourceGroups/rg-web-dev","message":"Microsoft.Storage/storageAccounts/write"}})";

} // namespace

TEST_CASE("RecordParser export: normalized fields", "[parsers]") {
    RecordParser parser;
    Arena arena;
    std::string storage;
    Event e;
    ParseOutcome out = Parse(parser, arena, storage, kExportRecord, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityExport);
    CHECK(e.time_us == 1791890415792000); // 2026-10-13T11:20:15.792Z
    CHECK(e.operation == "microsoft.storage/storageaccounts/write");
    CHECK(e.subscription_id == "d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7");
    CHECK(e.resource_group == "rg-web-dev");
    CHECK(e.resource_type == "microsoft.storage/storageaccounts");
    CHECK(e.resource_id_lower ==
          "/subscriptions/d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7/resourcegroups/rg-web-dev/"
          "providers/microsoft.storage/storageaccounts/stwebdevlogs02");
    CHECK(e.status == "Accept");
    CHECK(e.category == "Administrative");
    CHECK(e.caller_ip == "192.0.2.44");
    CHECK(e.correlation_id == "0ca2593d-218b-4abf-826b-b4525d5b263d");
    CHECK(e.caller.upn == "marco@fabrikam.example");
    CHECK(e.caller.object_id == "66a6464e-2a4a-4198-a789-3cc2e1b578b0");
    CHECK(e.caller.app_id == "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    CHECK(e.caller.token_tenant == "8e744963-e906-4d46-a7e4-bcf85c07368a");
    CHECK(e.caller.name == "Marco Bianchi");
    CHECK(e.authorization.action == "Microsoft.Storage/storageAccounts/write");
    CHECK(e.authorization.evidence_role == "Contributor");
    CHECK(e.authorization.principal_type == "User");
}

TEST_CASE("RecordParser export: malformed and missing fields quarantine", "[parsers]") {
    RecordParser parser;
    Arena arena;
    std::string storage;
    Event e;
    ParseOutcome out = Parse(parser, arena, storage, R"({"time":"2026-10-13T11:20:15Z",)", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    out = Parse(parser, arena, storage, R"([1,2])", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kUnrecognizedRecord);

    out = Parse(parser, arena, storage,
                R"({"time":"not a time","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",)"
                R"("resourceId":"/subscriptions/s/resourceGroups/g","category":"Administrative"})",
                e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);

    out = Parse(parser, arena, storage,
                R"({"time":"2026-10-13T11:20:15Z","category":"Administrative"})", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
}

TEST_CASE("RecordParser envelopes: Event Hub records wrapper", "[parsers]") {
    RecordParser parser;
    Arena arena;
    std::string storage;
    Event e;
    std::string wrapped = "{\"records\":[" + std::string(kExportRecord) + "]}";
    ParseOutcome out = Parse(parser, arena, storage, wrapped, e);
    CHECK(out.outcome == RecordOutcome::kWrapper);
}

TEST_CASE("RecordParser Partner Center: audit record fields", "[parsers]") {
    RecordParser parser;
    Arena arena;
    std::string storage;
    Event e;
    ParseOutcome out = Parse(
        parser, arena, storage,
        R"({"id":"c97f49aa_8e744963_createorder_1","partnerId":"C97F49AA-3801-4F57-A9AF-AC93DD4CBE83",)"
        R"("customerId":"8E744963-E906-4D46-A7E4-BCF85C07368A","customerName":"Fabrikam Robotics Ltd",)"
        R"("userPrincipalName":"admin@northwindcsp.onmicrosoft.com","applicationId":"acca84e1-7af0-469b-99b9-897a0f39933d",)"
        R"("resourceType":"order","operationType":"create_order",)"
        R"("operationDate":"2026-10-05T18:21:39.0043218Z","operationStatus":"succeeded",)"
        R"("customizedData":[{"key":"OrderId","value":"ORD-1"},)"
        R"({"key":"SubscriptionId-0","value":"AB8B2C1E-0D3B-4F8A-9C5E-1234567890AB"},)"
        R"({"key":"SubscriptionName-0","value":"Azure plan"}],)"
        R"("attributes":{"objectType":"AuditRecord"}})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kPartnerCenterAudit);
    CHECK(e.time_us == 1791224499004321);
    CHECK(e.tenant_id == "8e744963-e906-4d46-a7e4-bcf85c07368a");
    CHECK(e.partner.partner_id == "c97f49aa-3801-4f57-a9af-ac93dd4cbe83");
    CHECK(e.partner.customer_name == "Fabrikam Robotics Ltd");
    CHECK(e.subscription_id == "ab8b2c1e-0d3b-4f8a-9c5e-1234567890ab");
    CHECK(e.caller.upn == "admin@northwindcsp.onmicrosoft.com");
    CHECK_FALSE(e.partner.customized_data.empty());
}

TEST_CASE("QuarantineReason names", "[parsers]") {
    CHECK(ToString(QuarantineReason::kInvalidJson) == "invalid-json");
    CHECK(ToString(QuarantineReason::kMissingFields) == "missing-fields");
}

} // namespace minetrace
