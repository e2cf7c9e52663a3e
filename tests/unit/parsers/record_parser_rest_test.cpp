// RecordParser on REST API / az CLI EventData (`az monitor activity-log list`): camelCase keys,
// LocalizableString {value, localizedValue} objects, eventTimestamp, top-level claims,
// authorization and httpRequest; and the malformed variants of the shape.
#include "tests/unit/parsers/record_parser_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace minetrace {
namespace {

constexpr std::string_view kRestRecord =
    R"({"authorization":{"action":"Microsoft.Compute/virtualMachines/write",)"
    R"("scope":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/Microsoft.Compute/virtualMachines/vm-ingest-01"},)"
    R"("caller":"alice@contoso.example","channels":"Operation",)"
    R"("claims":{"aud":"https://management.core.windows.net/",)"
    R"("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"alice@contoso.example",)"
    R"("http://schemas.microsoft.com/identity/claims/objectidentifier":"A1B2C3D4-0000-4000-8000-00000000000A",)"
    R"("http://schemas.microsoft.com/identity/claims/tenantid":"CDB03056-AFA7-49B6-87A0-7FCF649326CF",)"
    R"("appid":"04B07795-8DDB-461A-BBEE-02F9E1BF7B46","appidacr":"0","ipaddr":"203.0.113.9",)"
    R"("http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd,mfa",)"
    R"("name":" Alice Example ","uti":"tok-123"},)"
    R"("correlationId":"11DE408C-5425-4132-B800-3D784F9D5AA4","description":"",)"
    R"("eventDataId":"865E29E8-CA2A-4203-8CB0-F27EECBE7A9D",)"
    R"("eventName":{"value":"EndRequest","localizedValue":"End request"},)"
    R"("category":{"value":"Administrative","localizedValue":"Administrative"},)"
    R"("eventTimestamp":"2026-10-13T09:15:02.1234567Z",)"
    R"("httpRequest":{"clientRequestId":"27003b25-91d3-418f-8eb1-29e537dcb249","clientIpAddress":"203.0.113.9","method":"PUT"},)"
    R"("id":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/Microsoft.Compute/virtualMachines/vm-ingest-01/events/865e29e8/ticks/1",)"
    R"("level":"Informational","operationId":"677E47BE-1803-4A41-91D1-25669FD47137",)"
    R"("operationName":{"value":"Microsoft.Compute/virtualMachines/write","localizedValue":"Create or Update Virtual Machine"},)"
    R"("properties":{"statusCode":"Created","serviceRequestId":null,"responseBody":"{\"name\":\"vm-ingest-01\"}"},)"
    R"("resourceGroupName":"RG-Ingest",)"
    R"("resourceProviderName":{"value":"Microsoft.Compute","localizedValue":"Microsoft.Compute"},)"
    R"("resourceId":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/Microsoft.Compute/virtualMachines/vm-ingest-01",)"
    R"("resourceType":{"value":"Microsoft.Compute/virtualMachines","localizedValue":"Microsoft.Compute/virtualMachines"},)"
    R"("status":{"value":"Succeeded","localizedValue":"Succeeded"},)"
    R"x("subStatus":{"value":"Created","localizedValue":"Created (HTTP Status Code: 201)"},)x"
    R"("submissionTimestamp":"2026-10-13T09:15:30.0000000Z",)"
    R"("subscriptionId":"62D8E03C-5BE1-406E-B4FE-8E72816EF7FD",)"
    R"("tenantId":"CDB03056-AFA7-49B6-87A0-7FCF649326CF","relatedEvents":[]})";

} // namespace

TEST_CASE("RecordParser REST: EventData fields", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(kRestRecord, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityRest);
    CHECK(e.time_us == 1791882902123456); // 2026-10-13T09:15:02.1234567Z, truncated to µs
    CHECK(e.time_zone_assumed == Tristate::kNo);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write");
    CHECK(e.operation_display == "Create or Update Virtual Machine");
    CHECK(e.status == "Succeeded");
    CHECK(e.phase == Phase::kSucceeded);
    CHECK(e.status_code == "Created"); // properties.statusCode
    CHECK(e.category == "Administrative");
    CHECK(e.level == "Informational");
    CHECK(e.resource_id ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/providers/"
          "Microsoft.Compute/virtualMachines/vm-ingest-01");
    CHECK(e.resource_id_lower ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourcegroups/rg-ingest/providers/"
          "microsoft.compute/virtualmachines/vm-ingest-01");
    CHECK(e.resource_type == "microsoft.compute/virtualmachines");
    CHECK(e.resource_group == "rg-ingest");
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    CHECK(e.tenant_id == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.correlation_id == "11de408c-5425-4132-b800-3d784f9d5aa4");
    CHECK(e.operation_id == "677e47be-1803-4a41-91d1-25669fd47137");
    CHECK(e.event_data_id == "865e29e8-ca2a-4203-8cb0-f27eecbe7a9d");
    CHECK(e.caller_ip == "203.0.113.9"); // httpRequest.clientIpAddress
    CHECK(e.response_body == R"({"name":"vm-ingest-01"})");
    CHECK(e.request_body.empty());
}

TEST_CASE("RecordParser REST: claims and authorization", "[parsers]") {
    test::ParserHarness h;
    Event e;
    REQUIRE(h.Json(kRestRecord, e).outcome == RecordOutcome::kEvent);
    CHECK(e.caller.caller == "alice@contoso.example");
    CHECK(e.caller.upn == "alice@contoso.example");
    CHECK(e.caller.name == "Alice Example"); // trimmed
    CHECK(e.caller.object_id == "a1b2c3d4-0000-4000-8000-00000000000a");
    CHECK(e.caller.token_tenant == "cdb03056-afa7-49b6-87a0-7fcf649326cf");
    CHECK(e.caller.app_id == "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    CHECK(e.caller.appidacr == "0");
    CHECK(e.caller.ip_claim == "203.0.113.9");
    CHECK(e.caller.amr == "pwd,mfa");
    CHECK(e.caller.mfa == Tristate::kYes);
    CHECK(e.caller.token_id == "tok-123");
    CHECK(e.caller.principal_type == "User");
    CHECK(e.authorization.action == "Microsoft.Compute/virtualMachines/write");
    CHECK(e.authorization.scope ==
          "/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/RG-Ingest/"
          "providers/Microsoft.Compute/virtualMachines/vm-ingest-01");
    CHECK(e.authorization.role.empty());
    CHECK(e.authorization.evidence_role.empty());
}

TEST_CASE("RecordParser REST: a service principal caller, subStatus as the status code",
          "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"caller":"951abbcf-2826-457f-adc7-c02830d15a94",)"
        R"("claims":{"appid":"951abbcf-2826-457f-adc7-c02830d15a94","appidacr":"2","idtyp":"app",)"
        R"("http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd"},)"
        R"("eventTimestamp":"2026-10-13T09:15:47.5Z",)"
        R"("operationName":{"value":"Microsoft.Compute/virtualMachines/delete","localizedValue":"Delete Virtual Machine"},)"
        R"("status":{"value":"Failed","localizedValue":"Failed"},)"
        R"x("subStatus":{"value":"Conflict","localizedValue":"Conflict (HTTP Status Code: 409)"},)x"
        R"("properties":{"statusMessage":"{\"error\":{\"code\":\"Conflict\"}}"},)"
        R"("resourceId":"/subscriptions/62d8e03c-5be1-406e-b4fe-8e72816ef7fd/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm2",)"
        R"("category":{"value":"Administrative"}})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.kind == SourceKind::kActivityRest);
    CHECK(e.time_us == 1791882947500000);
    CHECK(e.operation == "microsoft.compute/virtualmachines/delete");
    CHECK(e.status == "Failed");
    CHECK(e.phase == Phase::kFailed);
    CHECK(e.status_code == "Conflict"); // subStatus.value, no properties.statusCode
    CHECK(e.status_message == R"({"error":{"code":"Conflict"}})");
    CHECK(e.resource_group == "rg2"); // from the resource id
    CHECK(e.subscription_id == "62d8e03c-5be1-406e-b4fe-8e72816ef7fd");
    CHECK(e.caller.caller == "951abbcf-2826-457f-adc7-c02830d15a94");
    CHECK(e.caller.upn.empty());
    CHECK(e.caller.appidacr == "2");
    CHECK(e.caller.principal_type == "ServicePrincipal"); // idtyp app
    CHECK(e.caller.mfa == Tristate::kNo);
    CHECK(e.caller_ip.empty());
}

TEST_CASE("RecordParser REST: claims and httpRequest given as JSON text", "[parsers]") {
    test::ParserHarness h;
    Event e;
    ParseOutcome out = h.Json(
        R"({"eventTimestamp":"2026-10-13T09:15:02Z",)"
        R"("operationName":{"value":"Microsoft.Storage/storageAccounts/write"},)"
        R"("status":{"value":"Started"},"category":{"value":"Administrative"},)"
        R"("resourceId":"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Storage/storageAccounts/st1",)"
        R"("claims":"{\"upn\":\"bob@contoso.example\",\"oid\":\"B0B00000-0000-4000-8000-000000000000\"}",)"
        R"("httpRequest":"{\"clientIpAddress\":\"198.51.100.7\"}"})",
        e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.phase == Phase::kStarted);
    CHECK(e.caller.upn == "bob@contoso.example");
    CHECK(e.caller.object_id == "b0b00000-0000-4000-8000-000000000000");
    CHECK(e.caller_ip == "198.51.100.7");
    CHECK(e.subscription_id == "s1");
    CHECK(e.resource_type == "microsoft.storage/storageaccounts");
}

TEST_CASE("RecordParser: a key written twice in one object is ambiguous, never a chosen decoy",
          "[parsers]") {
    test::ParserHarness h;
    Event e;
    const std::string head =
        R"({"eventTimestamp":"2026-10-13T09:15:02Z",)"
        R"("operationName":{"value":"Microsoft.Network/publicIPAddresses/write"},)"
        R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"},)";
    const std::string tail =
        R"("resourceId":"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/publicIPAddresses/ip1"})";
    // The class: the same key again, exactly or in another case, at the top level or inside
    // any object minetrace reads (claims, authorization, evidence, properties, httpRequest,
    // identity, LocalizableString).
    const char* repeats[] = {
        R"("caller":"victim@contoso.example","caller":"attacker@contoso.example",)",
        R"("caller":"victim@contoso.example","Caller":"attacker@contoso.example",)",
        R"("eventTimestamp":"2020-01-01T00:00:00Z",)",
        R"("EVENTTIMESTAMP":"2020-01-01T00:00:00Z",)",
        R"("claims":{"name":"a","NAME":"b"},)",
        R"("claims":{"http://schemas.microsoft.com/identity/claims/objectidentifier":"1",)"
        R"("http://schemas.microsoft.com/identity/claims/OBJECTIDENTIFIER":"2"},)",
        R"("authorization":{"action":"x/write","Action":"x/delete"},)",
        R"("authorization":{"evidence":{"principalId":"p1","principalid":"p2"}},)",
        R"("properties":{"statusCode":"Created","StatusCode":"OK"},)",
        R"("httpRequest":{"clientIpAddress":"1.1.1.1","clientIPAddress":"2.2.2.2"},)",
        R"("identity":{"claims":{"upn":"a"},"Claims":{"upn":"b"}},)",
        R"("subStatus":{"value":"Created","Value":"OK"},)",
    };
    for (const char* repeat : repeats) {
        INFO(repeat);
        ParseOutcome out = h.Json(head + repeat + tail, e);
        CHECK(out.outcome == RecordOutcome::kQuarantined);
        CHECK(out.reason == QuarantineReason::kAmbiguousKey);
        CHECK(out.detail.find("written twice") != std::string::npos);
    }
    // Not repeats: a repeated key minetrace does not read, and different keys for one field
    // (their precedence is the key table's: the first non-empty one).
    const char* fine[] = {
        R"("x":1,"x":2,"X":3,)",
        R"("time":"2020-01-01T00:00:00Z",)",
        R"("claims":{"name":"Ada Lovelace",)"
        R"("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":"ada@contoso.example"},)",
        R"("resourceUri":"/subscriptions/s1/other",)",
    };
    for (const char* other : fine) {
        INFO(other);
        ParseOutcome out = h.Json(head + other + tail, e);
        CHECK(out.outcome == RecordOutcome::kEvent);
        CHECK(e.time_us == 1791882902000000);
    }
    // Log Analytics rows and CSV headers: a column named twice makes every row ambiguous;
    // `ResourceId` and `_ResourceId` are two columns.
    ParseOutcome out = h.Csv({"TimeGenerated [UTC]", "OperationNameValue", "Caller", "caller",
                              "CategoryValue", "ResourceId"},
                             {"2026-10-13T09:15:02Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
                              "victim@contoso.example", "attacker@contoso.example",
                              "Administrative", "/subscriptions/s1/resourceGroups/g1"},
                             e);
    CHECK(out.reason == QuarantineReason::kAmbiguousKey);
    out = h.Csv({"TimeGenerated [UTC]", "OperationNameValue", "Caller", "CategoryValue",
                 "ResourceId", "_ResourceId"},
                {"2026-10-13T09:15:02Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
                 "victim@contoso.example", "Administrative", "/subscriptions/s1/resourceGroups/g1",
                 "/subscriptions/s1/resourcegroups/g1"},
                e);
    CHECK(out.outcome == RecordOutcome::kEvent);
    out = h.Row(R"([{"name":"TimeGenerated"},{"name":"Caller"},{"name":"CALLER"}])",
                R"(["2026-10-13T09:15:02Z","a","b"])", e);
    CHECK(out.reason == QuarantineReason::kAmbiguousKey);
}

TEST_CASE("RecordParser REST: malformed variants quarantine with their reason", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // A LocalizableString cut short.
    ParseOutcome out = h.Json(
        R"({"eventTimestamp":"2026-10-13T09:15:02Z","operationName":{"value":"Microsoft.Compute/virtualMachines/write",})",
        e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    // Two JSON values in one record text (a JSON Lines line with two records): the caller
    // splits it like a container; a first value that is not complete is invalid JSON.
    out = h.Json(R"({"eventTimestamp":"2026-10-13T09:15:02Z"} {"x":1})", e);
    CHECK(out.outcome == RecordOutcome::kWrapper);
    out = h.Json(R"({"eventTimestamp":"2026-10-13T09:15:02Z" {"x":1})", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);

    // No eventTimestamp.
    out = h.Json(R"({"operationName":{"value":"Microsoft.Compute/virtualMachines/write"},)"
                 R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"}})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
    CHECK(out.detail == "no event time");

    // An eventTimestamp that is not a time.
    out = h.Json(R"({"eventTimestamp":"yesterday",)"
                 R"("operationName":{"value":"Microsoft.Compute/virtualMachines/write"},)"
                 R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"}})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kBadTimestamp);

    // An operationName with only its localized text, and nothing else naming the operation.
    out = h.Json(R"({"eventTimestamp":"2026-10-13T09:15:02Z",)"
                 R"("operationName":{"localizedValue":"Create or Update Virtual Machine"},)"
                 R"("status":{"value":"Succeeded"},"category":{"value":"Administrative"}})",
                 e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kMissingFields);
    CHECK(out.detail == "activity record without an operation name");
}

} // namespace minetrace
