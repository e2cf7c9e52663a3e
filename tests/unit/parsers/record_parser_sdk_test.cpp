// RecordParser on Python SDK EventData (`EventData.as_dict()` dumped with default=str):
// snake_case keys (event_timestamp, operation_name, resource_id, http_request,
// localized_value), times written as `2026-10-12 08:03:11.123000+00:00`; and malformed variants.
#include "tests/unit/parsers/record_parser_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace minetrace {
namespace {

constexpr std::string_view kSdkRecord =
    R"({"authorization":{"action":"Microsoft.Compute/virtualMachines/write",)"
    R"("scope":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest"},)"
    R"("caller":"951abbcf-2826-457f-adc7-c02830d15a94","channels":"Operation",)"
    R"("claims":{"appid":"951ABBCF-2826-457F-ADC7-C02830D15A94","appidacr":"1","idtyp":"app",)"
    R"("ipaddr":"198.51.100.23",)"
    R"("http://schemas.microsoft.com/identity/claims/objectidentifier":"80E198B4-EA57-418F-AA5A-023890B30624",)"
    R"("http://schemas.microsoft.com/identity/claims/tenantid":"cdb03056-afa7-49b6-87a0-7fcf649326cf",)"
    R"("xms_mirid":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1",)"
    R"("uti":"bN7yQ2pLkE6vZt0sW4cAAA"},)"
    R"("correlation_id":"22E2353F-661D-4BD8-9BEB-6A4F1202DBD4","description":"",)"
    R"("event_data_id":"DDA727B7-DA9A-43F6-B284-50BBE4C7B004",)"
    R"("event_name":{"value":"EndRequest","localized_value":"End request"},)"
    R"("category":{"value":"Administrative","localized_value":"Administrative"},)"
    R"("http_request":{"client_request_id":"05ff7c6d","client_ip_address":"198.51.100.23","method":"PUT"},)"
    R"("level":"Informational","resource_group_name":"RG-Ingest",)"
    R"("resource_provider_name":{"value":"Microsoft.Compute","localized_value":"Microsoft.Compute"},)"
    R"("resource_id":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/Microsoft.Compute/virtualMachines/vm-ingest-01",)"
    R"("resource_type":{"value":"Microsoft.Compute/virtualMachines","localized_value":"Microsoft.Compute/virtualMachines"},)"
    R"("operation_id":"0C1D2E3F-0000-4000-8000-000000000001",)"
    R"("operation_name":{"value":"Microsoft.Compute/virtualMachines/write","localized_value":"Create or Update Virtual Machine"},)"
    R"("properties":{"statusCode":"Created","requestbody":"{\"location\":\"eastus\"}"},)"
    R"("status":{"value":"Accepted","localized_value":"Accepted"},)"
    R"x("sub_status":{"value":"Created","localized_value":"Created (HTTP Status Code: 201)"},)x"
    R"("event_timestamp":"2026-10-12 08:03:11.123000+00:00",)"
    R"("submission_timestamp":"2026-10-12 08:05:00+00:00",)"
    R"("subscription_id":"62d8e03c-5be1-406e-b4fe-8e72816ef7fd",)"
    R"("tenant_id":"CDB03056-AFA7-49B6-87A0-7FCF649326CF"})";

} // namespace

TEST_CASE("RecordParser SDK: snake_case EventData fields", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(kSdkRecord, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivitySdk); // event_timestamp's '_'
    CHECK(e.time_us == 1791792191123000);      // 2026-10-12 08:03:11.123+00:00
    CHECK(e.time_zone_assumed == Tristate::kNo);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write");
    CHECK(e.operation_display == "Create or Update Virtual Machine"); // localized_value
    CHECK(e.status == "Accepted");
    CHECK(e.phase == Phase::kAccepted);
    CHECK(e.status_code == "Created");
    CHECK(e.category == "Administrative");
    CHECK(e.resource_id_lower ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/"
          "microsoft.compute/virtualmachines/vm-ingest-01");
    CHECK(e.resource_type == "microsoft.compute/virtualmachines");
    CHECK(e.resource_group == "rg-ingest");
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    CHECK(e.tenant_id == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.correlation_id == "22e2353f-661d-4bd8-9beb-6a4f1202dbd4");
    CHECK(e.operation_id == "0c1d2e3f-0000-4000-8000-000000000001");
    CHECK(e.event_data_id == "dda727b7-da9a-43f6-b284-50bbe4c7b004");
    CHECK(e.caller_ip == "198.51.100.23"); // http_request.client_ip_address
    CHECK(e.request_body == R"({"location":"eastus"})");
}

TEST_CASE("RecordParser SDK: claims of a managed identity", "[parsers]") {
    test::ParserHarness h;
    Event e;
    REQUIRE(h.Json(kSdkRecord, e).outcome == RecordOutcome::kEvent);
    CHECK(e.caller.caller == "951abbcf-2826-457f-adc7-c02830d15a94");
    CHECK(e.caller.upn.empty());
    CHECK(e.caller.app_id == "951abbcf-2826-457f-adc7-c02830d15a94"); // lowercased
    CHECK(e.caller.object_id == "80e198b4-ea57-418f-aa5a-023890b30624");
    CHECK(e.caller.appidacr == "1");
    CHECK(e.caller.idtyp == "app");
    CHECK(e.caller.ip_claim == "198.51.100.23");
    CHECK(e.caller.token_id == "bN7yQ2pLkE6vZt0sW4cAAA");
    CHECK(e.caller.managed_identity_resource_id ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/"
          "Microsoft.ManagedIdentity/userAssignedIdentities/id1");
    CHECK(e.caller.principal_type == "ManagedIdentity"); // xms_mirid outranks idtyp
    CHECK(e.caller.mfa == Tristate::kUnknown);           // no amr claim
    CHECK(e.authorization.action == "Microsoft.Compute/virtualMachines/write");
    CHECK(e.authorization.scope ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest");
}

TEST_CASE("RecordParser SDK: a time without a zone is assumed UTC", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"event_timestamp":"2026-10-12 08:03:11.123000",)"
        R"("operation_name":{"value":"Microsoft.Resources/subscriptions/resourceGroups/write"},)"
        R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"},)"
        R"("resource_id":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/rg-new"})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivitySdk);
    CHECK(e.time_us == 1791792191123000);
    CHECK(e.time_zone_assumed == Tristate::kYes);
    CHECK(e.resource_group == "rg-new");
    CHECK(e.resource_type == "microsoft.resources/resourcegroups");
}

TEST_CASE("RecordParser SDK: malformed variants quarantine with their reason", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // http_request cut short.
    ParseOutcome out = h.Json(R"({"event_timestamp":"2026-10-12 08:03:11+00:00",)"
                              R"("http_request":{"client_ip_address":"198.51.100.23"})",
                              e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    // event_timestamp that is not a time.
    out = h.Json(R"({"event_timestamp":"2026-13-45 99:99:99",)"
                 R"("operation_name":{"value":"Microsoft.Compute/virtualMachines/write"},)"
                 R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"}})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);

    // No operation_name (nor message or authorization.action naming one).
    out = h.Json(R"({"event_timestamp":"2026-10-12 08:03:11+00:00",)"
                 R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"},)"
                 R"("resource_id":"/subscriptions/s/resourceGroups/g"})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
}

} // namespace minetrace
