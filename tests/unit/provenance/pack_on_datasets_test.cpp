// The shipped pack through the real ingest path (record parser -> rules in the workers) over the
// public Panther activity records: run commands, extension writes and VM writes must hit their
// rules, and nothing there may claim miner content or GPU sizes.
#include "pipeline/event_json.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/rules_glue.hpp"
#include "support/datasets.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <simdjson.h>
#include <sstream>

using namespace minetrace;

TEST_CASE("Pack: expected hits on real activity records through the ingest path",
          "[provenance][datasets]") {
    if (!minetrace::testing::RequireDatasets()) return;
    const std::string file =
        minetrace::testing::Dataset("panther-analysis/Azure_MonitorActivity.raw.jsonl");
    REQUIRE(std::filesystem::exists(file));
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    std::vector<std::string> ids;
    for (const RuleInfo& info : DescribeRules(rules)) ids.push_back(info.id);
    std::ostringstream events;
    EventJsonWriter writer(events, {file}, ids);
    IngestOptions options;
    options.matcher = &matcher;
    RunIngest({file}, options, {&writer});

    // operation -> how many events of it hit each rule
    std::map<std::string, std::map<std::string, int>> hits;
    std::map<std::string, int> by_rule;
    simdjson::dom::parser parser;
    std::istringstream lines(events.str());
    for (std::string line; std::getline(lines, line);) {
        simdjson::dom::element e = parser.parse(line);
        std::string operation{std::string_view(e["operation"])};
        simdjson::dom::array matched;
        if (e["rules"].get(matched)) continue;
        for (simdjson::dom::element id : matched) {
            ++hits[operation][std::string(std::string_view(id))];
            ++by_rule[std::string(std::string_view(id))];
        }
    }
    CHECK(hits["microsoft.compute/virtualmachines/runcommand/action"]["mt-exec-run-command"] >= 1);
    CHECK(hits["microsoft.compute/virtualmachines/extensions/write"]["mt-exec-extension"] >= 1);
    CHECK(hits["microsoft.compute/virtualmachines/write"]["mt-compute-vm-write"] >= 1);
    CHECK(hits["microsoft.authorization/roleassignments/write"]["mt-priv-role-assignment"] >= 1);
    // No false miner or GPU claims on these records.
    for (const char* rule :
         {"mt-miner-tool", "mt-miner-stratum", "mt-miner-pool-domain", "mt-miner-wallet",
          "mt-miner-image", "mt-miner-encoded", "mt-sku-gpu"}) {
        INFO(rule);
        CHECK(by_rule[rule] == 0);
    }
}
