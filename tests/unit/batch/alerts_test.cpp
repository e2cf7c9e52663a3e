// Alerts: stable ids, the states over three simulated nights, what alerts.jsonl and the OCSF
// file hold, and the state's round trip.
#include "batch/alerts.hpp"
#include "core/ascii.hpp"
#include "unit/batch/batch_test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <simdjson.h>
#include <sstream>

using namespace minetrace::batch;
using namespace minetrace::batch::test;

namespace {

const std::string kTenant = "11111111-2222-3333-4444-555555555555";
const std::string kVm = "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/"
                        "virtualMachines/miner01";
const std::string kGrant = "/subscriptions/S1/providers/Microsoft.Authorization/"
                           "roleAssignments/ra1";

Finding MakeFinding(const std::string& resource, const std::string& kind, Severity severity,
                    int64_t created, std::vector<std::string> evidence = {}) {
    Finding f;
    f.resource_id = resource;
    f.kind = kind;
    f.title = kind + " on " + resource;
    f.severity = severity;
    f.created_at_us = created;
    f.principal = "app 0000 (service principal)";
    f.evidence = std::move(evidence);
    return f;
}

AlertContext Context(int night, uint64_t counter) {
    return AlertContext{"contoso", kTenant, Night(night), counter, "0123456789abcdef"};
}

const Alert& ById(const AlertComparison& c, const std::string& id) {
    for (const Alert& a : c.alerts)
        if (a.finding.id == id) return a;
    FAIL("no alert " << id);
    throw std::logic_error("unreachable");
}

std::string Alerts(const AlertComparison& c, const AlertContext& context) {
    std::ostringstream out;
    WriteAlertsJsonl(out, c.alerts, context);
    return out.str();
}

std::string Ocsf(const AlertComparison& c, const AlertContext& context) {
    std::ostringstream out;
    WriteAlertsOcsf(out, c.alerts, context);
    return out.str();
}

} // namespace

TEST_CASE("Alerts: stable ids", "[batch][alerts]") {
    std::string id = StableAlertId(kTenant, kVm, "compute");
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    // ARM ids and tenants are case-insensitive; the kind is not folded.
    CHECK(StableAlertId("11111111-2222-3333-4444-555555555555", kVm, "compute") ==
          StableAlertId("11111111-2222-3333-4444-555555555555", minetrace::AsciiLowerCopy(kVm),
                        "compute"));
    CHECK(StableAlertId(kTenant, kVm, "compute") != StableAlertId(kTenant, kVm, "detection"));
    CHECK(StableAlertId(kTenant, kVm, "compute") !=
          StableAlertId("22222222-2222-3333-4444-555555555555", kVm, "compute"));
    // Fields cannot run into each other.
    CHECK(StableAlertId(kTenant, "ab", "c") != StableAlertId(kTenant, "a", "bc"));
    // A fixed value (python3: sha256("minetrace-alert/1\0" + tenant + "\0" + lower(id) +
    // "\0compute")[:32]): the id is part of the output format and must not drift.
    CHECK(StableAlertId(kTenant, kVm, "compute") == "d46fd6cd97affaad75dbdcfee2c6c136");
}

TEST_CASE("Alerts: three nights of new, escalated, unchanged and gone", "[batch][alerts]") {
    // Night 1: a medium VM and a low role grant.
    AlertContext n1 = Context(1, 1);
    AlertComparison one = CompareFindings(
        {MakeFinding(kVm, "compute", Severity::kMedium, Night(0, 23), {"a.json:3@100 ab"}),
         MakeFinding(kGrant, "role-grant", Severity::kLow, Night(0, 20))},
        {}, n1, Night(-89));
    std::string vm_id = StableAlertId(kTenant, kVm, "compute");
    std::string grant_id = StableAlertId(kTenant, kGrant, "role-grant");
    CHECK(ById(one, vm_id).state == AlertState::kNew);
    CHECK(ById(one, grant_id).state == AlertState::kNew);
    // Severity first, then time.
    REQUIRE(one.alerts.size() == 2);
    CHECK(one.alerts[0].finding.id == vm_id);
    std::vector<std::string> lines;
    {
        std::istringstream in(Alerts(one, n1));
        for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    REQUIRE(lines.size() == 2);
    CHECK(
        lines[0] ==
        "{\"id\": \"" + vm_id +
            "\", \"state\": \"new\", \"severity\": \"medium\", \"previous_severity\": null, "
            "\"kind\": \"compute\", \"title\": \"compute on " +
            kVm + "\", \"resource_id\": \"" + kVm +
            "\", \"principal\": \"app 0000 (service principal)\", \"created_at\": "
            "\"2026-01-01T23:00:00.000000Z\", \"first_reported\": \"2026-01-02T02:00:00.000000Z\", "
            "\"case\": \"contoso\", \"tenant_id\": \"" +
            kTenant +
            "\", \"run\": \"2026-01-02T02:00:00.000000Z\", \"run_counter\": 1, \"state_epoch\": "
            "\"0123456789abcdef\", \"evidence\": [\"a.json:3@100 ab\"]}");

    // Night 2: the VM is rated high (its id is the same, the resource id in other case); the
    // grant is still there; a new detection appears twice (merged into one).
    AlertContext n2 = Context(2, 2);
    std::string upper = kVm;
    for (char& c : upper) c = minetrace::AsciiUpper(c);
    AlertComparison two = CompareFindings(
        {MakeFinding(upper, "compute", Severity::kHigh, Night(0, 23), {"b.json:1@0 cd"}),
         MakeFinding(kGrant, "role-grant", Severity::kLow, Night(0, 20)),
         MakeFinding(kVm, "mt-miner-extension", Severity::kMedium, Night(1, 5), {"x@2"}),
         MakeFinding(kVm, "mt-miner-extension", Severity::kHigh, Night(1, 4), {"x@1"})},
        one.next, n2, Night(-88));
    const Alert& vm = ById(two, vm_id);
    CHECK(vm.state == AlertState::kEscalated);
    CHECK(vm.previous == Severity::kMedium);
    CHECK(vm.finding.first_reported_us == Night(1)); // kept from night 1
    CHECK(ById(two, grant_id).state == AlertState::kUnchanged);
    std::string ext_id = StableAlertId(kTenant, kVm, "mt-miner-extension");
    const Alert& ext = ById(two, ext_id);
    CHECK(ext.state == AlertState::kNew);
    CHECK(ext.finding.severity == Severity::kHigh);
    CHECK(ext.finding.created_at_us == Night(1, 4));
    CHECK(ext.evidence == std::vector<std::string>{"x@1", "x@2"});
    std::string alerts2 = Alerts(two, n2);
    CHECK(alerts2.find(vm_id) != std::string::npos);
    CHECK(alerts2.find(ext_id) != std::string::npos);
    CHECK(alerts2.find(grant_id) == std::string::npos); // unchanged: not an alert
    CHECK(alerts2.find("\"previous_severity\": \"medium\"") != std::string::npos);

    // Night 3: the VM drops back to medium (not news), the grant is gone, the extension stays.
    AlertContext n3 = Context(3, 3);
    AlertComparison three =
        CompareFindings({MakeFinding(kVm, "compute", Severity::kMedium, Night(0, 23)),
                         MakeFinding(kVm, "mt-miner-extension", Severity::kHigh, Night(1, 4))},
                        two.next, n3, Night(-87));
    CHECK(ById(three, vm_id).state == AlertState::kUnchanged);
    CHECK(ById(three, ext_id).state == AlertState::kUnchanged);
    CHECK(ById(three, grant_id).state == AlertState::kGone);
    CHECK(Alerts(three, n3).empty());
    CHECK(Ocsf(three, n3).empty());
    std::ostringstream findings;
    WriteFindingsJsonl(findings, three.alerts, n3);
    CHECK(findings.str().find("\"state\": \"gone\"") != std::string::npos);

    // Night 4: the VM is high again: not above the peak already reported, so unchanged.
    // The grant comes back within the window: remembered, so not new.
    AlertContext n4 = Context(4, 4);
    AlertComparison four =
        CompareFindings({MakeFinding(kVm, "compute", Severity::kHigh, Night(0, 23)),
                         MakeFinding(kGrant, "role-grant", Severity::kLow, Night(0, 20))},
                        three.next, n4, Night(-86));
    CHECK(ById(four, vm_id).state == AlertState::kUnchanged);
    CHECK(ById(four, grant_id).state == AlertState::kUnchanged);
    CHECK(ById(four, ext_id).state == AlertState::kGone);
    // A record gone before the window's start is forgotten.
    AlertComparison five = CompareFindings({}, four.next, Context(200, 5), Night(100));
    for (const FindingRecord& r : five.next) CHECK(r.id != ext_id);
    CHECK(five.next.size() == 2); // the two that went on night 200 itself are kept
}

TEST_CASE("Alerts: OCSF Detection Finding lines", "[batch][alerts]") {
    AlertContext n1 = Context(1, 1);
    AlertComparison one =
        CompareFindings({MakeFinding(kVm, "compute", Severity::kMedium, Night(0, 23), {"e@1"})}, {},
                        n1, Night(-89));
    AlertContext n2 = Context(2, 2);
    AlertComparison two =
        CompareFindings({MakeFinding(kVm, "compute", Severity::kCritical, Night(0, 23), {"e@1"})},
                        one.next, n2, Night(-88));
    simdjson::dom::parser parser;
    for (const auto& [text, activity, severity_id] :
         {std::tuple(Ocsf(one, n1), 1, 3), std::tuple(Ocsf(two, n2), 2, 5)}) {
        INFO(text);
        REQUIRE(!text.empty());
        REQUIRE(text.back() == '\n');
        CHECK(std::count(text.begin(), text.end(), '\n') == 1);
        simdjson::dom::element e = parser.parse(text);
        CHECK(int64_t(e["class_uid"]) == 2004);
        CHECK(int64_t(e["category_uid"]) == 2);
        CHECK(int64_t(e["activity_id"]) == activity);
        CHECK(int64_t(e["type_uid"]) == 2004 * 100 + activity);
        CHECK(int64_t(e["severity_id"]) == severity_id);
        CHECK(std::string_view(e["metadata"]["version"]) == "1.1.0");
        CHECK(std::string_view(e["metadata"]["product"]["name"]) == "minetrace");
        CHECK(std::string_view(e["metadata"]["product"]["vendor_name"]) == "minetrace");
        CHECK(std::string_view(e["finding_info"]["uid"]) == StableAlertId(kTenant, kVm, "compute"));
        CHECK(std::string_view(e["finding_info"]["title"]) == "compute on " + kVm);
        // Times in milliseconds: created when first reported (night 1), first seen at the
        // creation, the event itself at this run.
        CHECK(int64_t(e["finding_info"]["created_time"]) == Night(1) / 1000);
        CHECK(int64_t(e["finding_info"]["first_seen_time"]) == Night(0, 23) / 1000);
        CHECK(int64_t(e["time"]) == (activity == 1 ? Night(1) : Night(2)) / 1000);
        CHECK(std::string_view(e["resources"].at(0)["uid"]) == kVm);
        CHECK(std::string_view(e["resources"].at(0)["type"]) ==
              "microsoft.compute/virtualmachines");
        CHECK(std::string_view(e["unmapped"]["tenant_id"]) == kTenant);
    }
}

TEST_CASE("Alerts: order and bytes do not depend on the engine's order", "[batch][alerts]") {
    std::vector<Finding> findings;
    for (int i = 0; i < 20; ++i)
        findings.push_back(MakeFinding(kVm + std::to_string(i), i % 3 ? "compute" : "rule-x",
                                       static_cast<Severity>(i % 5), Night(0, i % 7)));
    std::vector<Finding> reversed(findings.rbegin(), findings.rend());
    AlertContext n1 = Context(1, 1);
    AlertComparison a = CompareFindings(findings, {}, n1, 0);
    AlertComparison b = CompareFindings(reversed, {}, n1, 0);
    CHECK(Alerts(a, n1) == Alerts(b, n1));
    CHECK(Ocsf(a, n1) == Ocsf(b, n1));
    CHECK(a.next == b.next);
    for (size_t i = 1; i < a.alerts.size(); ++i)
        CHECK(a.alerts[i - 1].finding.severity >= a.alerts[i].finding.severity);
}

TEST_CASE("Alerts: records round-trip through the state's JSON", "[batch][alerts]") {
    FindingRecord r;
    r.id = StableAlertId(kTenant, kVm, "compute");
    r.resource_id = kVm;
    r.kind = "compute";
    r.title = "t \"quoted\"";
    r.principal = "p";
    r.severity = Severity::kMedium;
    r.peak = Severity::kHigh;
    r.created_at_us = Night(0);
    r.first_reported_us = Night(1);
    r.last_seen_us = Night(2);
    r.gone_us = -1;
    std::string line;
    AppendFindingRecordJson(line, r);
    FindingRecord back;
    std::string error;
    REQUIRE(ParseFindingRecordJson(line, back, error));
    CHECK(back == r);
    CHECK_FALSE(ParseFindingRecordJson("{\"type\": \"finding\"}", back, error));
}
