// RecordParser on Log Analytics AzureActivity rows in each of their forms: JSON objects keyed by
// column (TimeGenerated, OperationNameValue, ActivityStatusValue, Properties_d, Claims_d, ...),
// query-API table rows with their `columns`, and portal CSV rows; and malformed variants.
#include "tests/unit/parsers/record_parser_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {
namespace {

constexpr std::string_view kLaObject =
    R"({"TenantId":"9efd7493-5e9e-469b-8e9d-47add40f142b","SourceSystem":"Azure",)"
    R"("CallerIpAddress":"203.0.113.25","CategoryValue":"Administrative",)"
    R"("CorrelationId":"11DE408C-5425-4132-B800-3D784F9D5AA4",)"
    R"("Authorization_d":{"action":"Microsoft.Compute/virtualMachines/write",)"
    R"("scope":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest",)"
    R"("evidence":{"role":"Owner","roleAssignmentId":"7d2b5c3e0f1a","roleAssignmentScope":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd",)"
    R"("roleDefinitionId":"8e3af657a8ff443ca75c2fe8c4bcb635","principalId":"4f839c805e384faab7d3bc616fef3903","principalType":"User"}},)"
    R"("Claims_d":{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"jonas.keller@fabrikam.example",)"
    R"("http://schemas.microsoft.com/identity/claims/objectidentifier":"4F839C80-5E38-4FAA-B7D3-BC616FEF3903",)"
    R"("http://schemas.microsoft.com/identity/claims/tenantid":"cdb03056-afa7-49b6-87a0-7fcf649326cf",)"
    R"("appid":"c44b4083-3bb0-49c1-b47d-974e53cbdf3c","amr":"pwd"},)"
    R"("Level":"Informational","OperationNameValue":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",)"
    R"("Properties_d":{"requestbody":"{\"location\":\"eastus\"}","statusCode":"Created",)"
    R"("entity":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/Microsoft.Compute/virtualMachines/vm-ingest-01",)"
    R"("message":"Microsoft.Compute/virtualMachines/write","eventCategory":"Administrative"},)"
    R"("Caller":"jonas.keller@fabrikam.example","EventDataId":"865E29E8-CA2A-4203-8CB0-F27EECBE7A9D",)"
    R"("HTTPRequest":"{\"clientIpAddress\":\"198.51.100.99\"}",)"
    R"("OperationId":"677E47BE-1803-4A41-91D1-25669FD47137","ResourceGroup":"RG-INGEST",)"
    R"("ResourceProviderValue":"MICROSOFT.COMPUTE","ActivityStatusValue":"Start",)"
    R"("ActivitySubstatusValue":"","Hierarchy":"cdb03056-afa7-49b6-87a0-7fcf649326cf/62d8e03c-5be1-406e-b4fe-8e72816ef7fd",)"
    R"("TimeGenerated":"2026-10-12T08:03:11.123Z","SubscriptionId":"62D8E03C-5BE1-406E-B4FE-8E72816EF7FD",)"
    R"("OperationName":"Create or Update Virtual Machine","ActivityStatus":"Started",)"
    R"("Category":"Administrative","ResourceId":"",)"
    R"("Type":"AzureActivity",)"
    R"("_ResourceId":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/microsoft.compute/virtualmachines/vm-ingest-01"})";

// The query API's columns (a subset of AzureActivity's) and a row; dynamic columns are JSON text.
constexpr std::string_view kColumns =
    R"([{"name":"TenantId","type":"string"},{"name":"CallerIpAddress","type":"string"},)"
    R"({"name":"CategoryValue","type":"string"},{"name":"CorrelationId","type":"string"},)"
    R"({"name":"Authorization_d","type":"dynamic"},{"name":"Claims_d","type":"dynamic"},)"
    R"({"name":"OperationNameValue","type":"string"},{"name":"Properties_d","type":"dynamic"},)"
    R"({"name":"Caller","type":"string"},{"name":"ActivityStatusValue","type":"string"},)"
    R"({"name":"ActivitySubstatusValue","type":"string"},{"name":"TimeGenerated","type":"datetime"},)"
    R"({"name":"SubscriptionId","type":"string"},{"name":"ResourceId","type":"string"},)"
    R"({"name":"Type","type":"string"}])";

constexpr std::string_view kRow =
    R"(["9efd7493-5e9e-469b-8e9d-47add40f142b","203.0.113.26","Administrative",)"
    R"("AAAA0000-BB11-4C22-8D33-EEEEEE444444",)"
    R"("{\"action\":\"Microsoft.Compute/virtualMachines/start/action\",\"scope\":\"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd\"}",)"
    R"("{\"appid\":\"951abbcf-2826-457f-adc7-c02830d15a94\",\"idtyp\":\"app\",\"oid\":\"80E198B4-EA57-418F-AA5A-023890B30624\",\"tid\":\"cdb03056-afa7-49b6-87a0-7fcf649326cf\"}",)"
    R"("Microsoft.Compute/virtualMachines/start/action",)"
    R"("{\"statusCode\":\"OK\"}",)"
    R"x("951abbcf-2826-457f-adc7-c02830d15a94","Success","OK (HTTP Status Code: 200)",)x"
    R"("2026-10-14T22:05:09Z","62d8e03c-5be1-406e-b4fe-8e72816ef7fd",)"
    R"("/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG2/providers/Microsoft.Compute/virtualMachines/vm2",)"
    R"("AzureActivity"])";

} // namespace

TEST_CASE("RecordParser Log Analytics JSON: AzureActivity columns", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(kLaObject, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityLogAnalytics);
    CHECK(e.time_us == 1791792191123000);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write");
    CHECK(e.operation_display.empty()); // OperationNameValue wins; the legacy text is not kept
    CHECK(e.status == "Start");         // ActivityStatusValue before ActivityStatus
    CHECK(e.phase == Phase::kStarted);
    CHECK(e.status_code == "Created"); // Properties_d.statusCode
    CHECK(e.category == "Administrative");
    CHECK(e.level == "Informational");
    // _ResourceId: the empty ResourceId does not hold its place.
    CHECK(e.resource_id ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/"
          "microsoft.compute/virtualmachines/vm-ingest-01");
    CHECK(e.resource_type == "microsoft.compute/virtualmachines");
    CHECK(e.resource_group == "rg-ingest");
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    // TenantId is the workspace: the tenant comes from Hierarchy's root.
    CHECK(e.tenant_id == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.correlation_id == "11de408c-5425-4132-b800-3d784f9d5aa4");
    CHECK(e.operation_id == "677e47be-1803-4a41-91d1-25669fd47137");
    CHECK(e.event_data_id == "865e29e8-ca2a-4203-8cb0-f27eecbe7a9d");
    CHECK(e.caller_ip == "203.0.113.25"); // CallerIpAddress before HTTPRequest
    CHECK(e.request_body == R"({"location":"eastus"})");
    CHECK(e.caller.caller == "jonas.keller@fabrikam.example");
    CHECK(e.caller.upn == "jonas.keller@fabrikam.example");
    CHECK(e.caller.object_id == "4f839c80-5e38-4faa-b7d3-bc616fef3903");
    CHECK(e.caller.token_tenant == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.caller.app_id == "c44b4083-3bb0-49c1-b47d-974e53cbdf3c");
    CHECK(e.caller.mfa == Tristate::kNo);
    CHECK(e.caller.principal_type == "User"); // evidence.principalType
    CHECK(e.authorization.action == "Microsoft.Compute/virtualMachines/write");
    CHECK(e.authorization.scope ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest");
    CHECK(e.authorization.evidence_role == "Owner");
    CHECK(e.authorization.role_assignment_id == "7d2b5c3e0f1a");
    CHECK(e.authorization.role_assignment_scope ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    CHECK(e.authorization.role_definition_id == "8e3af657a8ff443ca75c2fe8c4bcb635");
    CHECK(e.authorization.principal_id == "4f839c805e384faab7d3bc616fef3903");
    CHECK(e.authorization.principal_type == "User");
}

TEST_CASE("RecordParser Log Analytics JSON: legacy rows with only localized text", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"TimeGenerated":"2026-10-12T08:03:11.123Z","OperationName":"Create or Update Virtual Machine",)"
        R"("ActivityStatus":"Succeeded","ActivitySubstatus":"Created","Category":"Administrative",)"
        R"("Properties":"{\"message\":\"Microsoft.Compute/virtualMachines/write\",\"statusCode\":\"Created\"}",)"
        R"("Caller":"ops@fabrikam.example","ResourceId":"/subscriptions/S1/resourceGroups/G1/providers/Microsoft.Compute/virtualMachines/V1"})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityLogAnalytics);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write"); // Properties.message
    CHECK(e.operation_display == "Create or Update Virtual Machine");
    CHECK(e.status == "Succeeded");
    CHECK(e.phase == Phase::kSucceeded);
    CHECK(e.status_code == "Created");
    CHECK(e.subscription_id == "s1");
    CHECK(e.caller.upn == "ops@fabrikam.example"); // a caller with '@' is a user's UPN
}

TEST_CASE("RecordParser Log Analytics JSON: other tables are ignored by kind", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"TimeGenerated":"2026-10-12T08:03:11Z","Type":"SigninLogs","OperationName":"Sign-in activity"})",
        e);
    CHECK(out.outcome == RecordOutcome::kIgnored);
    CHECK(out.ignored_kind == "entra-signin");
}

TEST_CASE("RecordParser Log Analytics query API: a table row with its columns", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Row(kColumns, kRow, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityLogAnalytics);
    CHECK(e.time_us == 1792015509000000); // 2026-10-14T22:05:09Z
    CHECK(e.operation == "microsoft.compute/virtualmachines/start/action");
    CHECK(e.status == "Success");
    CHECK(e.phase == Phase::kSucceeded);
    CHECK(e.status_code == "OK");
    CHECK(e.caller_ip == "203.0.113.26");
    CHECK(e.correlation_id == "aaaa0000-bb11-4c22-8d33-eeeeee444444");
    CHECK(e.resource_group == "rg2");
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    // No Hierarchy, and TenantId is the workspace: the token's tenant.
    CHECK(e.tenant_id == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.caller.caller == "951abbcf-2826-457f-adc7-c02830d15a94");
    CHECK(e.caller.app_id == "951abbcf-2826-457f-adc7-c02830d15a94");
    CHECK(e.caller.object_id == "80e198b4-ea57-418f-aa5a-023890b30624");
    CHECK(e.caller.principal_type == "ServicePrincipal");
    CHECK(e.authorization.action == "Microsoft.Compute/virtualMachines/start/action");
    CHECK(e.authorization.scope == "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
}

TEST_CASE("RecordParser Log Analytics query API: malformed rows quarantine", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Row(kColumns, R"(["only","three","cells"])", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);
    CHECK(out.detail == "row has 3 cells for 15 columns");

    out = h.Row(kColumns, R"(["cut", "short")", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    out = h.Row(kColumns, R"({"not":"an array"})", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    // Every cell present, the time unreadable.
    std::string bad_time(kRow);
    bad_time.replace(bad_time.find("2026-10-14T22:05:09Z"), 20, "14 Oct, late evening");
    out = h.Row(kColumns, bad_time, e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);
}

TEST_CASE("RecordParser Log Analytics CSV: portal export row", "[parsers]") {
    test::ParserHarness h;
    Event e;
    const std::vector<std::string> header = {"\xEF\xBB\xBFTenantId",
                                             "CallerIpAddress",
                                             "CategoryValue",
                                             "CorrelationId",
                                             "Authorization_d",
                                             "Claims_d",
                                             "OperationNameValue",
                                             "Properties_d",
                                             "Caller",
                                             "ActivityStatusValue",
                                             "ActivitySubstatusValue",
                                             "Hierarchy",
                                             "TimeGenerated [UTC]",
                                             "SubscriptionId",
                                             "ResourceId",
                                             "Type",
                                             "_ResourceId"};
    const std::vector<std::string> cells = {
        "9efd7493-5e9e-469b-8e9d-47add40f142b",
        " 203.0.113.25 ",
        "Administrative",
        "11de408c-5425-4132-b800-3d784f9d5aa4",
        R"({"action":"Microsoft.Compute/virtualMachines/write","evidence":{"role":"Contributor"}})",
        R"({"upn":"jonas.keller@fabrikam.example","amr":"pwd,mfa"})",
        "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        R"({"statusCode":"Accepted"})",
        "jonas.keller@fabrikam.example",
        "Accept",
        "",
        "cdb03056-afa7-49b6-87a0-7fcf649326cf/62d8e03c-5be1-406e-b4fe-8e72816ef7fd",
        "10/12/2026, 8:03:11.123 AM",
        "62d8e03c-5be1-406e-b4fe-8e72816ef7fd",
        "",
        "AzureActivity",
        "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/"
        "microsoft.compute/virtualmachines/vm-ingest-01"};
    ParseOutcome out = h.Csv(header, cells, e, /*times_are_utc=*/true);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityLogAnalytics);
    CHECK(e.time_us == 1791792191123000); // US-locale time, UTC per the header
    CHECK(e.time_zone_assumed == Tristate::kNo);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write");
    CHECK(e.status == "Accept");
    CHECK(e.phase == Phase::kAccepted);
    CHECK(e.status_code == "Accepted");
    CHECK(e.caller_ip == "203.0.113.25"); // cells are trimmed
    CHECK(e.resource_group == "rg-ingest");
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    CHECK(e.tenant_id == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.correlation_id == "11de408c-5425-4132-b800-3d784f9d5aa4");
    CHECK(e.caller.upn == "jonas.keller@fabrikam.example");
    CHECK(e.caller.mfa == Tristate::kYes);
    CHECK(e.authorization.action == "Microsoft.Compute/virtualMachines/write");
    CHECK(e.authorization.evidence_role == "Contributor");

    // Without the header's [UTC], a zoneless time is assumed UTC.
    out = h.Csv(header, cells, e, /*times_are_utc=*/false);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.time_zone_assumed == Tristate::kYes);
}

TEST_CASE("RecordParser Log Analytics CSV: malformed rows quarantine", "[parsers]") {
    test::ParserHarness h;
    Event e;
    const std::vector<std::string> header = {"TimeGenerated", "OperationNameValue", "CategoryValue",
                                             "ResourceId"};
    ParseOutcome out = h.Csv(header, {"a", "b", "c", "d", "e"}, e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidCsv);
    CHECK(out.detail == "row has 5 cells for 4 header columns");

    out = h.Csv(header,
                {"13/45/2026, 8:03:11 AM", "Microsoft.Compute/virtualMachines/write",
                 "Administrative", "/subscriptions/s/resourceGroups/g"},
                e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);

    out = h.Csv(header,
                {"", "Microsoft.Compute/virtualMachines/write", "Administrative",
                 "/subscriptions/s/resourceGroups/g"},
                e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
    CHECK(out.detail == "no event time");
}

} // namespace minetrace
