// Ingest over every file of ../shared/datasets (real public samples). Skips, saying so, when
// the datasets are absent.
#include "support/run_ingest.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <simdjson.h>

using namespace minetrace;
using namespace minetrace::testing;

namespace {

// Directories holding activity-log or Partner Center files: each of their JSON/CSV/log files
// must be recognized (a known shape, records of known kinds).
const std::set<std::string> kLogDirectories = {"azure-rest-api-specs",
                                               "elastic-beats-azure",
                                               "elastic-integrations-azure",
                                               "otel-collector-contrib-azurelogs",
                                               "panther-analysis",
                                               "partner-center-docs",
                                               "sentinel-training-lab-telemetry",
                                               "sumologic-azure-function",
                                               "wazuh-azure-wodle"};

// Files in those directories that are documentation, not logs: a swagger definition and the
// doc excerpt with an elision ("...") that is not valid JSON by construction.
const std::set<std::string> kNotLogs = {"AuditService.swagger.json",
                                        "auditrecords-2020-09-02.api-throttling-guidance.raw.txt"};

std::string TopDirectory(const std::string& path) {
    std::string root = DatasetsDir();
    std::string rest = path.substr(root.size() + 1);
    return rest.substr(0, rest.find('/'));
}

std::string FileName(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

const FileAccount* Find(const Accounting& accounting, const std::string& suffix) {
    for (const FileAccount& f : accounting.files())
        if (f.summary.path.size() >= suffix.size() &&
            f.summary.path.compare(f.summary.path.size() - suffix.size(), suffix.size(), suffix) ==
                0)
            return &f;
    return nullptr;
}

} // namespace

TEST_CASE("Datasets: every activity-log and Partner Center file is recognized and reconciles",
          "[pipeline][datasets]") {
    if (!RequireDatasets()) return;
    IngestOutput out = RunIngestToStrings({DatasetsDir()});
    const Accounting& accounting = *out.accounting;
    REQUIRE(accounting.files().size() > 40);
    uint64_t read = 0, accounted = 0;
    for (const FileAccount& f : accounting.files()) {
        INFO(f.summary.path);
        CHECK(f.reconciled());
        read += f.records_read;
        accounted += f.events + f.ignored_total() + f.quarantined_total();
        std::string name = FileName(f.summary.path);
        bool is_doc =
            name.find(".md") != std::string::npos || name.find(".yml") != std::string::npos ||
            name.find(".txt") != std::string::npos || name.find(".Zip") != std::string::npos;
        if (!kLogDirectories.count(TopDirectory(f.summary.path)) || kNotLogs.count(name) || is_doc)
            continue;
        CHECK(f.summary.shape != ContentShape::kUnknown);
        CHECK(f.summary.error.empty());
        CHECK(f.quarantined.count("unrecognized-record") == 0);
        // Known kinds only: events, ignored kinds, or activity records that lack a field.
        uint64_t missing =
            f.quarantined.count("missing-fields") ? f.quarantined.at("missing-fields") : 0;
        CHECK(f.events + f.ignored_total() + missing > 0);
    }
    CHECK(read == accounted);
    CHECK(read == accounting.records_read());
}

TEST_CASE("Datasets: record counts per shape", "[pipeline][datasets]") {
    if (!RequireDatasets()) return;
    IngestOutput out = RunIngestToStrings({DatasetsDir()});
    const Accounting& a = *out.accounting;
    struct Expect {
        const char* file;
        uint64_t events;
        uint64_t ignored;
        uint64_t quarantined;
    };
    const Expect expectations[] = {
        // Portal CSV exports (BOM, CRLF, multi-line JSON cells, US-locale times).
        {"sentinel-training-lab-telemetry/azure_activity.csv", 325, 0, 0},
        {"sentinel-training-lab-telemetry/azureActivity_adele.csv", 23, 0, 0},
        {"sentinel-training-lab-telemetry/sign-in_adelete.csv", 0, 56, 0},
        // Log Analytics query API JSON.
        {"wazuh-azure-wodle/log_analytics_events", 2, 0, 0},
        {"wazuh-azure-wodle/storage_events_json", 0, 2, 0},
        {"wazuh-azure-wodle/graph_events", 0, 2, 0},
        // REST example (inside an API example document), Event Hub records, JSON Lines.
        {"azure-rest-api-specs/GetActivityLogsFiltered.json", 1, 0, 0},
        {"elastic-beats-azure/activitylogs/activity_log.json", 2, 0, 0},
        {"elastic-beats-azure/activitylogs/supporttickets_write.log", 1, 0, 0},
        {"elastic-integrations-azure/activitylogs/test-activitylogs-raw.log", 3, 0, 0},
        {"elastic-integrations-azure/activitylogs/"
         "test-azure-activitylogs-duration-as-string-sample.log",
         3, 0, 0},
        {"elastic-integrations-azure/activitylogs/test-activitylogs-mixedcase-resourceid.log", 2, 0,
         0},
        // Activity envelopes with only a time: quarantined as missing the operation.
        {"elastic-integrations-azure/activitylogs/test-time-formats-corner-cases.log", 0, 0, 11},
        {"otel-collector-contrib-azurelogs/administrative_valid_1.json", 1, 0, 0},
        {"sumologic-azure-function/activity_log_fixtures.json", 1, 0, 0},
        // Panther: raw logs, and the same logs inside test-case envelopes ("Log").
        {"panther-analysis/Azure_MonitorActivity.raw.jsonl", 196, 18, 0},
        {"panther-analysis/Azure_MonitorActivity.tests.jsonl", 196, 18, 0},
        // Partner Center audit pages; usage and utilization are counted as ignored.
        {"partner-center-docs/"
         "auditrecords-2017.get-a-record-of-partner-center-activity-by-user.json",
         2, 0, 0},
        {"partner-center-docs/auditrecords-2020-09-02.api-throttling-guidance.cleaned.json", 3, 0,
         0},
        {"partner-center-docs/"
         "utilizations-azure.get-a-customer-s-utilization-record-for-azure.json",
         0, 2, 0},
        // Entra exports mixed into the same pipelines.
        {"datadog-azure-log-forwarding/activedirectory/sign_in_logs.json", 0, 5, 0},
        {"datadog-azure-log-forwarding/activedirectory/audit_logs.json", 0, 22, 0},
    };
    for (const Expect& e : expectations) {
        INFO(e.file);
        const FileAccount* f = Find(a, e.file);
        REQUIRE(f != nullptr);
        CHECK(f->events == e.events);
        CHECK(f->ignored_total() == e.ignored);
        CHECK(f->quarantined_total() == e.quarantined);
    }
    const FileAccount* times = Find(a, "test-time-formats-corner-cases.log");
    REQUIRE(times != nullptr);
    CHECK(times->quarantined.at("missing-fields") == 11);
}

TEST_CASE("Datasets: normalized fields of real records", "[pipeline][datasets]") {
    if (!RequireDatasets()) return;
    IngestOutput out = RunIngestToStrings(
        {Dataset("sentinel-training-lab-telemetry/azureActivity_adele.csv"),
         Dataset("wazuh-azure-wodle/log_analytics_events"),
         Dataset("partner-center-docs/"
                 "auditrecords-2017.get-a-record-of-partner-center-activity-by-user.json"),
         Dataset("azure-rest-api-specs/GetActivityLogsFiltered.json"),
         Dataset("elastic-integrations-azure/activitylogs/test-activitylogs-raw.log")});
    simdjson::dom::parser parser;
    std::map<std::string, int> operations;
    bool saw_vm_delete_start = false, saw_role_request = false, saw_order = false, saw_rest = false,
         saw_body_object = false;
    for (const std::string& line : SplitLines(out.events)) {
        simdjson::dom::element e = parser.parse(line);
        std::string_view op = e["operation"];
        ++operations[std::string(op)];
        std::string_view phase = e["phase"];
        if (op == "microsoft.compute/virtualmachines/delete" && phase == "started") {
            saw_vm_delete_start = true;
            CHECK(std::string_view(e["kind"]) == "activity-log-analytics");
            CHECK(std::string_view(e["subscription_id"]) == "8f153238-e602-427e-a7c0-3043fbe50918");
            CHECK(std::string_view(e["caller"]["upn"]) == "AdeleV@M365x816222.OnMicrosoft.com");
            CHECK(std::string_view(e["caller"]["principal_type"]) == "User");
            CHECK(std::string_view(e["tenant_id"]) == "2ad3fc79-1859-42fa-9011-6f8df2251b22");
            CHECK(std::string_view(e["resource_type"]) == "microsoft.compute/virtualmachines");
            CHECK(std::string_view(e["caller_ip"]).size() > 6);
            // US-locale portal time "4/28/2021, h:mm:ss.fff PM" becomes RFC 3339 UTC.
            CHECK(std::string_view(e["time"]).substr(0, 11) == "2021-04-28T");
        }
        if (op == "microsoft.authorization/roleassignments/write" && phase == "started") {
            // Properties is JSON text whose requestbody is JSON text again (double-escaped).
            std::string_view body = e["request_body"];
            saw_role_request = body.find("RoleDefinitionId") != std::string_view::npos;
        }
        if (op == "create_order") {
            saw_order = true;
            CHECK(std::string_view(e["kind"]) == "partner-center-audit");
            CHECK(std::string_view(e["subscription_id"]) == "488745b5-2086-4912-802c-6abb9f7c3638");
            CHECK(std::string_view(e["partner"]["order_id"]) ==
                  "d51a052e-043c-4a2a-aa37-2bb938cef6c1");
            CHECK(std::string_view(e["partner"]["customer_name"]) == "Relecloud");
            CHECK(std::string_view(e["time"]) == "2017-06-15T22:56:05.058930Z");
        }
        if (std::string_view(e["kind"]) == "activity-rest") {
            saw_rest = true;
            CHECK(std::string_view(e["caller"]["upn"]) == "admin@contoso.com");
            CHECK(std::string_view(e["status_code"]) == "Created");
            CHECK(std::string_view(e["time"]) == "2015-01-21T22:14:26.979277Z");
        }
        std::string_view response;
        if (!e["response_body"].get(response) && response.substr(0, 1) == "{" &&
            std::string_view(e["kind"]) == "activity-export")
            saw_body_object = true;
    }
    CHECK(saw_vm_delete_start);
    CHECK(saw_role_request);
    CHECK(saw_order);
    CHECK(saw_rest);
    CHECK(saw_body_object);
    CHECK(operations["microsoft.compute/virtualmachines/delete"] == 3); // Start, Accept, Success
}
