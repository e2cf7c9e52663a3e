// The analysis's memory-saving paths against hand-built activity logs: ordinary compute is rated
// and dropped one resource at a time, yet comes back when its creator turns out to have created
// high-severity resources; region sweeps are found through the per-principal time index; and
// more resources than one parallel chunk give the same outputs at any thread count and whether
// the kept records stay in memory or are spilled to a file.
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/outputs.hpp"
#include "provenance/rules_glue.hpp"
#include "support/principal_rows.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <simdjson.h>
#include <sstream>

using namespace minetrace;

namespace {

constexpr const char* kSub = "0b5e7f7e-1111-4c1c-9d9d-2a2a2a2a2a2a";
constexpr const char* kTenant = "7c0ffee0-2222-4c1c-9d9d-3b3b3b3b3b3b";

struct TestCaller {
    std::string object_id;
    std::string app_id;
    std::string ip;
};

// One export-shaped record (the storage-account JSON Lines of diagnostic settings).
std::string Record(const std::string& time, const std::string& resource_path,
                   const std::string& operation, const std::string& phase,
                   const std::string& correlation, const TestCaller& who,
                   const std::string& request_body, const std::string& status_code = "") {
    // A path that starts with '/' is a whole id (resource groups, subscriptions).
    std::string id = resource_path.rfind('/', 0) == 0
                         ? resource_path
                         : std::string("/SUBSCRIPTIONS/") + kSub +
                               "/RESOURCEGROUPS/RG-A/PROVIDERS/" + resource_path;
    std::string r =
        "{\"time\":\"" + time + "\",\"resourceId\":\"" + id + "\",\"operationName\":\"" +
        operation + "\",\"category\":\"Administrative\",\"resultType\":\"" + phase +
        "\",\"callerIpAddress\":\"" + who.ip + "\",\"correlationId\":\"" + correlation +
        "\",\"identity\":{\"claims\":{\"appid\":\"" + who.app_id +
        "\",\"appidacr\":\"1\",\"idtyp\":\"app\",\"ipaddr\":\"" + who.ip +
        "\",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"" + who.object_id +
        "\",\"http://schemas.microsoft.com/identity/claims/tenantid\":\"" + kTenant +
        "\"}},\"level\":\"Information\",\"properties\":{";
    if (!request_body.empty()) {
        std::string escaped;
        for (char c : request_body) {
            if (c == '"' || c == '\\') escaped += '\\';
            escaped += c;
        }
        r += "\"requestbody\":\"" + escaped + "\",";
    }
    if (!status_code.empty()) r += "\"statusCode\":\"" + status_code + "\",";
    r += "\"eventCategory\":\"Administrative\"},\"tenantId\":\"" + std::string(kTenant) + "\"}\n";
    return r;
}

// A VM creation: Start with the request body, then Succeeded answered 201 Created.
std::string CreateVm(const std::string& day, int minute, const std::string& name,
                     const std::string& size, const std::string& region, const TestCaller& who) {
    char hhmm[16];
    std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", minute / 60 % 24, minute % 60);
    std::string correlation = "c0000000-0000-4000-8000-" +
                              std::string(12 - std::min<size_t>(12, name.size()), '0') +
                              name.substr(0, 12);
    std::string body = "{\"location\":\"" + region +
                       "\",\"properties\":{\"hardwareProfile\":{\"vmSize\":\"" + size + "\"}}}";
    std::string path = "MICROSOFT.COMPUTE/VIRTUALMACHINES/" + name;
    const std::string op = "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE";
    return Record(day + "T" + hhmm + ":00.0000000Z", path, op, "Start", correlation, who, body) +
           Record(day + "T" + hhmm + ":30.0000000Z", path, op, "Success", correlation, who, "",
                  "Created");
}

struct Result {
    std::string resources, timeline;
};

// `budget`: the bytes of kept records held in memory before they are spilled to a file.
Result Investigate(const std::string& path, unsigned threads,
                   size_t budget = RetainedStoreOptions{}.budget_bytes) {
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    RetainedStoreOptions store;
    store.budget_bytes = budget;
    Investigation investigation({path}, DescribeRules(rules), store);
    IngestOptions options;
    options.threads = threads;
    options.matcher = &matcher;
    options.preparers = {&investigation};
    RunIngest({path}, options, {&investigation});
    InvestigationResult result = investigation.Analyze();
    std::ostringstream r, t;
    WriteResources(r, result);
    WriteTimelineJsonl(t, result);
    return {r.str(), t.str()};
}

// Writes `log` to a temporary file named after `name` and this process; returns its path.
std::string WriteLog(const std::string& name, const std::string& log) {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("minetrace-" + name + "-" + std::to_string(::getpid()) + ".jsonl"))
                           .string();
    minetrace::test::WriteFile(path, log);
    return path;
}

// resource name (lowercase last segment) -> the resources.jsonl line
std::map<std::string, std::string> ByName(const std::string& jsonl) {
    std::map<std::string, std::string> out;
    simdjson::dom::parser parser;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);) {
        simdjson::dom::element e = parser.parse(line);
        std::string id{std::string_view(e["resource_id"])};
        out[id.substr(id.rfind('/') + 1)] = line;
    }
    return out;
}

} // namespace

TEST_CASE("Analysis: ordinary compute is dropped unless its creator is implicated",
          "[provenance]") {
    const TestCaller miner{"aaaaaaaa-0000-4000-8000-000000000001",
                           "11111111-0000-4000-8000-000000000001", "203.0.113.7"};
    const TestCaller sweeper{"aaaaaaaa-0000-4000-8000-000000000002",
                             "11111111-0000-4000-8000-000000000002", "203.0.113.8"};
    const TestCaller automation{"aaaaaaaa-0000-4000-8000-000000000003",
                                "11111111-0000-4000-8000-000000000003", "198.51.100.9"};
    const TestCaller two_regions{"aaaaaaaa-0000-4000-8000-000000000004",
                                 "11111111-0000-4000-8000-000000000004", "203.0.113.9"};
    std::string log;
    // More ordinary VMs than one analysis chunk (2048), by an uninvolved automation account.
    for (int i = 0; i < 2300; ++i)
        log += CreateVm("2026-10-01", i, "vm-auto-" + std::to_string(i), "Standard_D2s_v5",
                        "westeurope", automation);
    // The miner's principal: an ordinary VM first, then a miner extension on another VM.
    log += CreateVm("2026-10-02", 60, "vm-plain-miner", "Standard_D2s_v5", "eastus", miner);
    // Two months earlier, outside the incident window: routine work of the same identity.
    log += CreateVm("2026-08-01", 60, "vm-old-work", "Standard_D2s_v5", "eastus", miner);
    log += CreateVm("2026-10-02", 70, "vm-target", "Standard_D4s_v5", "eastus", miner);
    const std::string ext = "MICROSOFT.COMPUTE/VIRTUALMACHINES/VM-TARGET/EXTENSIONS/CUSTOMSCRIPT";
    const std::string ext_op = "MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE";
    const std::string ext_body =
        "{\"properties\":{\"publisher\":\"Microsoft.Azure.Extensions\",\"type\":\"CustomScript\","
        "\"settings\":{\"commandToExecute\":\"./xmrig -o stratum+tcp://pool.example.invalid:3333 "
        "--donate-level 1\"}}}";
    log += Record("2026-10-02T02:00:00.0000000Z", ext, ext_op, "Start",
                  "e0000000-0000-4000-8000-000000000001", miner, ext_body);
    log += Record("2026-10-02T02:00:40.0000000Z", ext, ext_op, "Success",
                  "e0000000-0000-4000-8000-000000000001", miner, "", "Created");
    // A GPU sweep across three regions within a day.
    log += CreateVm("2026-10-03", 60, "gpu-a", "Standard_NC24ads_A100_v4", "eastus", sweeper);
    log += CreateVm("2026-10-03", 120, "gpu-b", "Standard_NC24ads_A100_v4", "westus2", sweeper);
    log += CreateVm("2026-10-03", 180, "gpu-c", "Standard_NC24ads_A100_v4", "northeurope", sweeper);

    // Three GPU VMs in only two regions: no sweep.
    log += CreateVm("2026-10-04", 60, "gpu-x", "Standard_NC24ads_A100_v4", "eastus", two_regions);
    log += CreateVm("2026-10-04", 90, "gpu-y", "Standard_NC24ads_A100_v4", "eastus", two_regions);
    log += CreateVm("2026-10-04", 120, "gpu-z", "Standard_NC24ads_A100_v4", "westus2", two_regions);

    const std::string path = WriteLog("analysis", log);
    Result two = Investigate(path, 2);
    Result one = Investigate(path, 1);
    // Kept records spilled to a file in runs of a few KiB, read back by merging the runs.
    Result spilled = Investigate(path, 2, 4096);
    std::filesystem::remove(path);
    CHECK(two.resources == one.resources);
    CHECK(two.timeline == one.timeline);
    CHECK(spilled.resources == two.resources);
    CHECK(spilled.timeline == two.timeline);

    std::map<std::string, std::string> found = ByName(two.resources);
    // Ordinary CPU compute by an uninvolved caller is not a finding.
    for (const auto& [name, line] : found) CHECK(name.rfind("vm-auto-", 0) != 0);
    // The miner's ordinary VM comes back, medium, because its creator created high findings.
    REQUIRE(found.count("vm-plain-miner"));
    CHECK(found["vm-plain-miner"].find("\"severity\": \"medium\"") != std::string::npos);
    CHECK(found["vm-plain-miner"].find("who is behind high-severity resources") !=
          std::string::npos);
    // Only what the principal did around the incident is drawn in (the window: its first high
    // act minus the preparation window to its last plus a day).
    CHECK(found.count("vm-old-work") == 0);
    // The VM the miner was installed on is high, as is the extension.
    REQUIRE(found.count("vm-target"));
    CHECK(found["vm-target"].find("\"severity\": \"high\"") != std::string::npos);
    REQUIRE(found.count("customscript"));
    CHECK(found["customscript"].find("\"severity\": \"high\"") != std::string::npos);
    // Each GPU VM of the sweep is high, with the sweep as a reason.
    for (const char* gpu : {"gpu-a", "gpu-b", "gpu-c"}) {
        REQUIRE(found.count(gpu));
        CHECK(found[gpu].find("\"severity\": \"high\"") != std::string::npos);
        CHECK(found[gpu].find("regions within a day") != std::string::npos);
    }
    for (const char* gpu : {"gpu-x", "gpu-y", "gpu-z"}) {
        REQUIRE(found.count(gpu));
        CHECK(found[gpu].find("regions within a day") == std::string::npos);
    }
}

TEST_CASE("Analysis: an operation is on the timeline once, in the role of its first mention",
          "[provenance]") {
    const TestCaller who{"aaaaaaaa-0000-4000-8000-000000000009",
                         "11111111-0000-4000-8000-000000000009", "203.0.113.50"};
    const std::string op = "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE";
    const std::string gpu_body =
        "{\"location\":\"eastus\",\"properties\":{\"hardwareProfile\":{\"vmSize\":"
        "\"Standard_NC24ads_A100_v4\"}}}";
    const std::string failed_correlation = "f0000000-0000-4000-8000-000000000001";
    // A failed GPU VM creation, then a successful one by the same principal a day later. The
    // failed write is the preparation (a failed attempt) of the second VM, rated high and so
    // first in report order, and the own operation of the first VM, reported at medium: its
    // one timeline entry is the precursor's, without a finding's severity.
    std::string log =
        Record("2026-10-01T10:00:00.0000000Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/VM-FAIL", op,
               "Start", failed_correlation, who, gpu_body) +
        Record("2026-10-01T10:00:30.0000000Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/VM-FAIL", op,
               "Failure", failed_correlation, who, "") +
        CreateVm("2026-10-02", 600, "VM-GPU", "Standard_NC24ads_A100_v4", "eastus", who);
    const std::string path = WriteLog("mention", log);
    Result two = Investigate(path, 2);
    Result spilled = Investigate(path, 1, 1); // every kept record a run of its own
    std::filesystem::remove(path);
    CHECK(spilled.resources == two.resources);
    CHECK(spilled.timeline == two.timeline);

    std::map<std::string, std::string> found = ByName(two.resources);
    REQUIRE(found.count("vm-gpu"));
    REQUIRE(found.count("vm-fail"));
    CHECK(found["vm-gpu"].find("\"severity\": \"high\"") != std::string::npos);
    CHECK(found["vm-fail"].find("\"severity\": \"medium\"") != std::string::npos);

    simdjson::dom::parser parser;
    std::istringstream in(two.timeline);
    size_t failed_entries = 0, created_entries = 0;
    for (std::string line; std::getline(in, line);) {
        simdjson::dom::element e = parser.parse(line);
        std::string_view resource = e["resource_id"];
        std::string_view role = e["role"];
        if (resource.ends_with("/vm-fail")) {
            ++failed_entries;
            CHECK(role == "precursor");
            CHECK(e["correlation_id"].get_string().value() == failed_correlation);
            CHECK(e["severity"].error() == simdjson::NO_SUCH_FIELD);
        } else if (resource.ends_with("/vm-gpu")) {
            ++created_entries;
            CHECK(role == "resource");
            CHECK(std::string_view(e["severity"]) == "high");
        }
    }
    CHECK(failed_entries == 1);
    CHECK(created_entries == 1);
}

TEST_CASE("Analysis: a resource group's deletion deletes what is in it", "[provenance]") {
    const TestCaller attacker{"aaaaaaaa-0000-4000-8000-000000000021",
                              "11111111-0000-4000-8000-000000000021", "203.0.113.61"};
    const TestCaller cleaner{"aaaaaaaa-0000-4000-8000-000000000022",
                             "11111111-0000-4000-8000-000000000022", "198.51.100.62"};
    std::string log;
    log +=
        CreateVm("2026-10-05", 60, "gpu-in-group", "Standard_NC24ads_A100_v4", "eastus", attacker);
    const std::string group = std::string("/SUBSCRIPTIONS/") + kSub + "/RESOURCEGROUPS/RG-A";
    const std::string op = "MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE";
    log += Record("2026-10-06T09:00:00.0000000Z", group, op, "Start",
                  "d0000000-0000-4000-8000-000000000021", cleaner, "");
    log += Record("2026-10-06T09:04:00.0000000Z", group, op, "Success",
                  "d0000000-0000-4000-8000-000000000021", cleaner, "", "OK");
    const std::string path = WriteLog("group-delete", log);
    Result result = Investigate(path, 2);
    std::filesystem::remove(path);
    std::map<std::string, std::string> found = ByName(result.resources);
    REQUIRE(found.count("gpu-in-group"));
    const std::string& vm = found["gpu-in-group"];
    CHECK(vm.find("\"status\": \"deleted\"") != std::string::npos);
    CHECK(vm.find("\"deleted_at\": \"2026-10-06T09:00:00.000000Z\"") != std::string::npos);
    CHECK(vm.find("\"deletion_completed_at\": \"2026-10-06T09:04:00.000000Z\"") !=
          std::string::npos);
    CHECK(vm.find("\"deleted_by_parent\": \"/subscriptions/") != std::string::npos);
    CHECK(vm.find("/resourcegroups/rg-a\"") != std::string::npos);
    // The group's deleter, not the VM's creator, deleted it.
    CHECK(vm.find("\"deleted_by\": {\"name\": \"11111111-0000-4000-8000-000000000022\"") !=
          std::string::npos);
}

TEST_CASE("Analysis: a busy principal's preparation is bounded per finding, every kind kept",
          "[provenance]") {
    const TestCaller who{"aaaaaaaa-0000-4000-8000-00000000000b",
                         "11111111-0000-4000-8000-00000000000b", "203.0.113.61"};
    const std::string op = "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE";
    const std::string gpu_body =
        "{\"location\":\"eastus\",\"properties\":{\"hardwareProfile\":{\"vmSize\":"
        "\"Standard_NC24ads_A100_v4\"}}}";
    // A quota request first (the oldest precursor), then 3 * kMaxPreparation failed GPU
    // attempts, then the GPU VM: the finding keeps the latest attempts and the quota request.
    std::string log =
        Record("2026-10-01T00:00:00.0000000Z",
               "/SUBSCRIPTIONS/" + std::string(kSub) +
                   "/PROVIDERS/MICROSOFT.CAPACITY/RESOURCEPROVIDERS/MICROSOFT.COMPUTE/LOCATIONS/"
                   "EASTUS/SERVICELIMITS/STANDARDNCADSA100V4FAMILY",
               "MICROSOFT.CAPACITY/RESOURCEPROVIDERS/LOCATIONS/SERVICELIMITS/WRITE", "Success",
               "q0000000-0000-4000-8000-000000000001", who, "{\"limit\":96}");
    const size_t attempts = 3 * kMaxPreparation;
    for (size_t i = 0; i < attempts; ++i) {
        char time[40], correlation[40], name[16];
        std::snprintf(time, sizeof time, "2026-10-01T%02zu:%02zu:00.0000000Z", 1 + i / 60, i % 60);
        std::snprintf(correlation, sizeof correlation, "f0000000-0000-4000-8000-%012zu", i);
        std::snprintf(name, sizeof name, "VM-TRY-%03zu", i);
        log += Record(time, std::string("MICROSOFT.COMPUTE/VIRTUALMACHINES/") + name, op, "Start",
                      correlation, who, gpu_body) +
               Record(time, std::string("MICROSOFT.COMPUTE/VIRTUALMACHINES/") + name, op, "Failure",
                      correlation, who, "");
    }
    log += CreateVm("2026-10-02", 600, "VM-GPU-BUSY", "Standard_NC24ads_A100_v4", "eastus", who);
    const std::string path = WriteLog("busy-preparation", log);
    Result two = Investigate(path, 2);
    Result one = Investigate(path, 1, 1);
    std::filesystem::remove(path);
    CHECK(one.resources == two.resources);

    std::map<std::string, std::string> found = ByName(two.resources);
    REQUIRE(found.count("vm-gpu-busy"));
    simdjson::dom::parser parser;
    simdjson::dom::element f = parser.parse(found["vm-gpu-busy"]);
    simdjson::dom::array prep = f["preparation"];
    CHECK(prep.size() <= kMaxPreparation + 1); // + one per older signal kind
    CHECK(uint64_t(f["preparation_omitted"]) + prep.size() == attempts + 1);
    size_t quota = 0, failed = 0;
    std::string previous;
    for (simdjson::dom::element p : prep) {
        std::string at{std::string_view(p["at"])};
        CHECK(at >= previous); // in operation order
        previous = at;
        std::string_view signal = p["signal"];
        if (signal == "quota-increase") ++quota;
        if (signal == "failed-attempt") ++failed;
    }
    CHECK(quota == 1);
    CHECK(failed == kMaxPreparation);
    // The kept attempts are the latest ones, nearest the creation.
    char latest[16];
    std::snprintf(latest, sizeof latest, "vm-try-%03zu\"", attempts - 1);
    CHECK(found["vm-gpu-busy"].find(latest) != std::string::npos);
    CHECK(found["vm-gpu-busy"].find("/vm-try-000\"") == std::string::npos);
    CHECK(std::string_view(f["severity"]) == "high");
}

TEST_CASE(
    "Analysis: the principals' tallies are sealed into the result, in key order; Analyze runs once",
    "[provenance]") {
    const TestCaller b{"bbbbbbbb-0000-4000-8000-000000000002",
                       "11111111-0000-4000-8000-00000000000b", "203.0.113.2"};
    const TestCaller a{"aaaaaaaa-0000-4000-8000-000000000001",
                       "11111111-0000-4000-8000-00000000000a", "203.0.113.1"};
    std::string log = CreateVm("2026-10-01", 60, "vm-b", "Standard_D2s_v5", "eastus", b) +
                      CreateVm("2026-10-01", 90, "vm-a", "Standard_D2s_v5", "eastus", a);
    const std::string path = WriteLog("analysis-once", log);
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    Investigation investigation({path}, DescribeRules(rules));
    IngestOptions options;
    options.matcher = &matcher;
    options.preparers = {&investigation};
    RunIngest({path}, options, {&investigation});
    InvestigationResult result = investigation.Analyze();
    REQUIRE(result.principals.size() == 2);
    const std::vector<PrincipalSummary> rows = test::Rows(result.principals);
    CHECK(rows[0].key == a.object_id);
    CHECK(rows[0].identity.object_id == a.object_id);
    CHECK(rows[0].events == 2);
    CHECK(rows[0].ips == std::set<std::string, std::less<>>{a.ip});
    CHECK(rows[1].key == b.object_id);
    // The tallies are in the first result: a second would have no principals, so it is refused.
    CHECK_THROWS_AS(investigation.Analyze(), std::logic_error);
}
