// RecordParser on records that contain records: wrapper arrays (Event Hub {"records":[...]},
// REST {"value":[...]}, Partner Center {"items":[...]}, Log Analytics {"tables":[...]}), tool
// envelopes ({"Log": {...}}, {"event": {...}}, {"_source": {...}}, {"record": {...}}) and Azure
// REST API example documents ({"responses": {"200": {"body": ...}}}); and malformed variants.
#include "tests/unit/parsers/record_parser_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace minetrace {
namespace {

constexpr std::string_view kInner =
    R"({"time":"2026-10-13T09:15:02.123456Z","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",)"
    R"("category":"Administrative","resultType":"Success","resultSignature":"Succeeded.Created",)"
    R"("callerIpAddress":"192.0.2.44","correlationId":"0CA2593D-218B-4ABF-826B-B4525D5B263D",)"
    R"("resourceId":"/SUBSCRIPTIONS/D0177A1F-D5B7-48C6-BF2C-E5A0DE6F4EF7/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1",)"
    R"("identity":{"claims":{"upn":"marco@fabrikam.example"}}})";

} // namespace

TEST_CASE("RecordParser envelopes: wrapper arrays split into their elements", "[parsers]") {
    test::ParserHarness h;
    Event e;
    for (std::string_view key : {"records", "value", "items", "tables"}) {
        INFO(key);
        std::string wrapped = "{\"" + std::string(key) + "\":[" + std::string(kInner) + "]}";
        CHECK(h.Json(wrapped, e).outcome == RecordOutcome::kWrapper);
    }
    // REST pages carry nextLink, Partner Center pages totalCount and links.
    CHECK(h.Json(R"({"value":[],"nextLink":"https://management.azure.com/...&$skiptoken=x"})", e)
              .outcome == RecordOutcome::kWrapper);
    CHECK(h.Json(R"({"totalCount":0,"items":[],"links":{"self":{"uri":"auditrecords"}},)"
                 R"("attributes":{"objectType":"Collection"}})",
                 e)
              .outcome == RecordOutcome::kWrapper);
}

TEST_CASE("RecordParser envelopes: a record with a `value` key is not a wrapper", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // An array-valued key named like a wrapper does not hide a record that has its own time
    // and operation.
    std::string record(kInner);
    record.insert(record.size() - 1, R"(,"value":[1,2])");
    ParseOutcome out = h.Json(record, e);
    REQUIRE(out.outcome == RecordOutcome::kEvent);
    CHECK(e.operation == "microsoft.compute/virtualmachines/write");
}

TEST_CASE("RecordParser envelopes: tool envelopes give their inner record", "[parsers]") {
    test::ParserHarness h;
    Event e;
    for (std::string_view key : {"Log", "event", "_source", "record"}) {
        INFO(key);
        std::string wrapped = R"({"time":1791882902,"host":"collector-1",")" + std::string(key) +
                              "\":" + std::string(kInner) + "}";
        ParseOutcome out = h.Json(wrapped, e);
        REQUIRE(out.outcome == RecordOutcome::kEnvelope);
        REQUIRE(out.inner.size() == 1);
        CHECK(out.inner[0] == kInner); // a view of the inner object as written

        // The inner record parses as the export record it is.
        Event inner;
        ParseOutcome parsed = h.Json(out.inner[0], inner);
        REQUIRE(parsed.outcome == RecordOutcome::kEvent);
        CHECK(inner.kind == SourceKind::kActivityExport);
        CHECK(inner.time_us == 1791882902123456);
        CHECK(inner.operation == "microsoft.compute/virtualmachines/write");
        CHECK(inner.status == "Success");
        CHECK(inner.status_code == "Created"); // resultSignature after the dot
        CHECK(inner.subscription_id == "d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7");
        CHECK(inner.resource_group == "rg1");
        CHECK(inner.caller_ip == "192.0.2.44");
        CHECK(inner.correlation_id == "0ca2593d-218b-4abf-826b-b4525d5b263d");
        CHECK(inner.caller.upn == "marco@fabrikam.example");
    }
}

TEST_CASE("RecordParser envelopes: REST API example documents give every response body",
          "[parsers]") {
    test::ParserHarness h;
    Event e;
    const std::string body_200 = "{\"value\":[" + std::string(kInner) + "]}";
    const std::string doc = R"({"parameters":{"api-version":"2015-04-01","subscriptionId":"s"},)"
                            R"("responses":{"200":{"headers":{},"body":)" +
                            body_200 + R"(},"202":{"body":)" + std::string(kInner) +
                            R"(},"204":{}}})";
    ParseOutcome out = h.Json(doc, e);
    REQUIRE(out.outcome == RecordOutcome::kEnvelope);
    REQUIRE(out.inner.size() == 2);
    CHECK(out.inner[0] == body_200);
    CHECK(out.inner[1] == kInner);
    Event inner;
    CHECK(h.Json(out.inner[0], inner).outcome == RecordOutcome::kWrapper); // EventDataCollection
    REQUIRE(h.Json(out.inner[1], inner).outcome == RecordOutcome::kEvent);
    CHECK(inner.operation == "microsoft.compute/virtualmachines/write");
}

TEST_CASE("RecordParser envelopes: malformed variants", "[parsers]") {
    test::ParserHarness h;
    Event e;
    // Envelope keys whose values are not objects, and a wrapper key that is not an array, leave
    // a record of no known shape.
    for (std::string_view record :
         {R"({"Log":"time=2026-10-13 op=write"})", R"({"event":42,"host":"h"})",
          R"({"records":"none"})", R"({"responses":{"200":{"body":"text"}}})"}) {
        INFO(record);
        ParseOutcome out = h.Json(record, e);
        CHECK(out.outcome == RecordOutcome::kQuarantined);
        CHECK(out.reason == QuarantineReason::kUnrecognizedRecord);
    }
    // An envelope cut short.
    ParseOutcome out = h.Json(R"({"_source":{"time":"2026-10-13T09:15:02Z")", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);
    out = h.Json(R"({"records":[{"time":"2026-10-13T09:15:02Z"},)", e);
    CHECK(out.outcome == RecordOutcome::kQuarantined);
    CHECK(out.reason == QuarantineReason::kInvalidJson);
}

} // namespace minetrace
