// The per-record path of `investigate`'s ingest (parse, rules, Investigation::Prepare, the sink)
// does not allocate in steady state: heap allocations through operator new, counted while the
// pipeline runs over N and then 5N generated records, grow by well under one per record.
//
// Its own executable: it replaces the global operator new to count calls (counting_new.hpp, as
// the rules' steady-state test does in unit_rules). What goes through malloc directly (OpenSSL's
// per-record digest context) is not counted; docs/performance.md gives the whole-process numbers
// from heaptrack.
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/rules_glue.hpp"
#include "unit/counting_new.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace minetrace;
using minetrace::test::NewCallCounter;

namespace {

constexpr int kPrincipals = 150;
constexpr int kAddresses = 40;

// Record `i` of a varied export-shaped log: per operation a Start and a Succeeded record;
// operations cycle through GPU VM writes with a request body (kept, rated), network interface
// writes (kept by no rule), storage key listings (not kept) and role assignments (kept).
std::string Record(int i) {
    int op = i / 2;
    bool start = i % 2 == 0;
    int who = (op * 7) % kPrincipals;
    char object_id[40], ip[24], time[40], correlation[40];
    std::snprintf(object_id, sizeof object_id, "%08x-0000-4000-8000-%012d", who, who);
    std::snprintf(ip, sizeof ip, "203.0.113.%d", (op * 3) % kAddresses);
    std::snprintf(time, sizeof time, "2026-09-%02dT%02d:%02d:%02d.%06dZ", 1 + op / 86400 % 28,
                  op / 3600 % 24, op / 60 % 60, op % 60, i % 1000000);
    std::snprintf(correlation, sizeof correlation, "c0ffee00-0000-4000-8000-%012d", op);
    std::string sub = "0b5e7f7e-1111-4c1c-9d9d-2a2a2a2a2a2a";
    std::string path, operation, body;
    switch (op % 4) {
    case 0:
        path = "MICROSOFT.COMPUTE/VIRTUALMACHINES/GPU-" + std::to_string(op);
        operation = "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE";
        if (start)
            body = R"({\"location\":\"eastus\",\"properties\":{\"hardwareProfile\":)"
                   R"({\"vmSize\":\"Standard_NC24ads_A100_v4\"},\"priority\":\"Spot\"}})";
        break;
    case 1:
        path = "MICROSOFT.NETWORK/NETWORKINTERFACES/NIC-" + std::to_string(op);
        operation = "MICROSOFT.NETWORK/NETWORKINTERFACES/WRITE";
        break;
    case 2:
        path = "MICROSOFT.STORAGE/STORAGEACCOUNTS/ST" + std::to_string(op % 97);
        operation = "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION";
        break;
    default:
        path = "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/" + std::to_string(op);
        operation = "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE";
        if (start)
            body = R"({\"Properties\":{\"PrincipalId\":\"00000001-0000-4000-8000-000000000001\",)"
                   R"(\"RoleDefinitionId\":\"/providers/Microsoft.Authorization/roleDefinitions/)"
                   R"(b24988ac-6180-42a0-ab88-20f7382dd24c\",\"Scope\":\"/subscriptions/x\"}})";
    }
    std::string r = std::string("{\"time\":\"") + time + "\",\"resourceId\":\"/SUBSCRIPTIONS/" +
                    sub + "/RESOURCEGROUPS/RG-" + std::to_string(op % 13) + "/PROVIDERS/" + path +
                    "\",\"operationName\":\"" + operation +
                    "\",\"category\":\"Administrative\",\"resultType\":\"" +
                    (start ? "Start" : "Success") + "\",\"callerIpAddress\":\"" + ip +
                    "\",\"correlationId\":\"" + correlation +
                    "\",\"identity\":{\"claims\":{\"appid\":\"app-" + std::to_string(who) +
                    "\",\"appidacr\":\"1\",\"idtyp\":\"app\",\"ipaddr\":\"" + ip +
                    "\",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"" +
                    object_id + "\"}},\"level\":\"Information\",\"properties\":{";
    if (!body.empty()) r += "\"requestbody\":\"" + body + "\",";
    r += "\"eventCategory\":\"Administrative\"},\"tenantId\":\"7c0ffee0-2222-4c1c-9d9d-"
         "3b3b3b3b3b3b\"}\n";
    return r;
}

// Allocations counted while the pipeline ingests `records` records (rules and Prepare in the
// parallel stage, the investigation as the sink).
uint64_t AllocationsToIngest(int records, unsigned threads) {
    auto path = std::filesystem::temp_directory_path() /
                ("minetrace-alloc-" + std::to_string(records) + ".jsonl");
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (int i = 0; i < records; ++i) out << Record(i);
    }
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    Investigation investigation({path.string()}, DescribeRules(rules), RetainedStoreOptions{});
    IngestOptions options;
    options.threads = threads;
    options.matcher = &matcher;
    options.preparers = {&investigation};
    NewCallCounter::Start();
    RunIngest({path.string()}, options, {&investigation});
    uint64_t counted = NewCallCounter::Stop();
    CHECK(investigation.retained_count() > static_cast<uint64_t>(records) / 3);
    std::filesystem::remove(path);
    return counted;
}

} // namespace

TEST_CASE("Ingest: no allocation per record in steady state", "[allocations]") {
    for (unsigned threads : {1u, 2u}) {
        constexpr int kSmall = 4000, kLarge = 20000;
        uint64_t small = AllocationsToIngest(kSmall, threads);
        uint64_t large = AllocationsToIngest(kLarge, threads);
        double per_record =
            static_cast<double>(large > small ? large - small : 0) / (kLarge - kSmall);
        INFO("threads " << threads << ": " << small << " allocations for " << kSmall << " records, "
                        << large << " for " << kLarge << ": " << per_record << " per added record");
        // Before the per-record path was made allocation-free (be346a1) this was 6.4.
        CHECK(per_record < 0.25);
        WARN("threads " << threads << ": " << per_record << " allocations per added record");
    }
}
