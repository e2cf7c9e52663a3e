// RunInvestigation as a library call: what it writes and returns on the intrusion scenario, that
// the CLI's files are the library's files, and that configuration errors stop it before it
// writes anything.
#include "app/investigate_job.hpp"
#include "provenance/rules_glue.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace minetrace;
using minetrace::test::ReadFile;
using minetrace::test::ShellStatus;
using minetrace::test::WriteFile;

namespace {

const std::string kScenario = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";

InvestigateConfig ScenarioConfig(const fs::path& out) {
    InvestigateConfig config;
    config.inputs = ExpandInputs({kScenario + "export-jsonl", kScenario + "partner-center"});
    config.out_dir = out;
    config.rule_sources = {MINETRACE_RULES_DIR};
    config.ingest.threads = 2;
    return config;
}

// The manifest without what differs between two runs by design: the command line (its first
// line holding "command_line") and the run-dependent "run" object (the last key of the file).
// completion.json without the manifest's entry (its hash covers the run-dependent "run").
std::string WithoutManifestEntry(std::string completion) {
    size_t at = completion.find("{\"name\": \"manifest.json\"");
    if (at != std::string::npos) completion.erase(at, completion.find('}', at) + 1 - at);
    return completion;
}

std::string WithoutRun(std::string manifest) {
    size_t at = manifest.find("\"run\":");
    if (at != std::string::npos) manifest.resize(at);
    size_t line = manifest.find("  \"command_line\":");
    if (line != std::string::npos) manifest.erase(line, manifest.find('\n', line) - line);
    return manifest;
}

} // namespace

TEST_CASE("Investigate job: the scenario's outputs and outcome from one call", "[app]") {
    fs::path out = fs::temp_directory_path() / "minetrace-job-scenario";
    fs::remove_all(out);
    InvestigateOutcome outcome = RunInvestigation(ScenarioConfig(out));
    REQUIRE(outcome.ran());
    CHECK(outcome.clean());
    REQUIRE(outcome.result);
    REQUIRE(outcome.accounting);
    CHECK(outcome.accounting->quarantined() == 0);
    CHECK(outcome.accounting->files().size() == outcome.result->files.size());

    // The Spot GPU VMs of the intrusion (three regions) are high, created by service principal P.
    size_t high_gpu_vms_by_p = 0;
    for (const ResourceFinding& f : outcome.result->resources)
        high_gpu_vms_by_p += f.severity == Severity::kHigh && f.created_by &&
                             f.created_by->type == "service_principal" &&
                             f.resource_type == "microsoft.compute/virtualmachines";
    CHECK(high_gpu_vms_by_p >= 3);
    CHECK(outcome.result->subscriptions.size() == 2);

    for (const char* name : {"resources.jsonl", "subscriptions.jsonl", "principals.jsonl",
                             "timeline.jsonl", "timeline.csv", "manifest.json", "quarantine.jsonl"})
        CHECK(fs::is_regular_file(out / name));
    REQUIRE_FALSE(outcome.report_files.empty());
    for (const std::string& name : outcome.report_files) CHECK(fs::is_regular_file(out / name));
    CHECK(std::find(outcome.report_files.begin(), outcome.report_files.end(), "report.html") !=
          outcome.report_files.end());
    fs::remove_all(out);
}

TEST_CASE("Investigate job: the CLI writes what the library writes", "[app]") {
    fs::path root = fs::temp_directory_path() / "minetrace-job-vs-cli";
    fs::remove_all(root);
    REQUIRE(RunInvestigation(ScenarioConfig(root / "library")).ran());
    REQUIRE(ShellStatus(std::string("MINETRACE_RULES_DIR=") + MINETRACE_RULES_DIR + " " +
                        MINETRACE_BINARY + " investigate " + kScenario + "export-jsonl " +
                        kScenario + "partner-center --threads 2 --quiet --out " +
                        (root / "cli").string() + " >/dev/null") == 0);
    size_t compared = 0;
    for (const auto& entry : fs::directory_iterator(root / "library")) {
        std::string name = entry.path().filename().string();
        INFO(name);
        std::string library = ReadFile(entry.path());
        std::string cli = ReadFile(root / "cli" / name);
        if (name == "manifest.json") {
            library = WithoutRun(library);
            cli = WithoutRun(cli);
        }
        if (name == "completion.json") { // the manifest's hash covers its "run" too
            library = WithoutManifestEntry(library);
            cli = WithoutManifestEntry(cli);
        }
        CHECK(library == cli);
        ++compared;
    }
    CHECK(compared >= 10);
    fs::remove_all(root);
}

TEST_CASE("Investigate job: configuration errors stop it before anything is written", "[app]") {
    fs::path root = fs::temp_directory_path() / "minetrace-job-config";
    fs::remove_all(root);
    fs::create_directories(root);

    SECTION("a broken rule is reported as file:line and nothing runs") {
        WriteFile(root / "bad.yaml",
                  "pack: bad\nrules:\n  - id: mt-x\n    title: x\n    description: d\n    signal: "
                  "no-such\n    condition:\n      field: operation\n      equals: x\n");
        InvestigateConfig config = ScenarioConfig(root / "out");
        config.rule_sources.push_back((root / "bad.yaml").string());
        InvestigateOutcome outcome = RunInvestigation(config);
        CHECK_FALSE(outcome.ran());
        CHECK_FALSE(outcome.clean());
        REQUIRE_FALSE(outcome.rule_errors.empty());
        CHECK(outcome.rule_errors[0].file.find("bad.yaml") != std::string::npos);
        CHECK(outcome.rule_errors[0].line > 0);
        CHECK_FALSE(outcome.result);
        CHECK_FALSE(fs::exists(root / "out"));
    }
    SECTION("an unusable spill directory is found before the ingest") {
        InvestigateConfig config = ScenarioConfig(root / "out");
        config.store.spill_dir = (root / "no-such-dir").string();
        InvestigateOutcome outcome = RunInvestigation(config);
        REQUIRE(outcome.config_errors.size() == 1);
        CHECK(outcome.config_errors[0].find("spill directory") != std::string::npos);
        CHECK_FALSE(fs::exists(root / "out"));
    }
    SECTION("no response pack language") {
        InvestigateConfig config = ScenarioConfig(root / "out");
        config.languages.clear();
        CHECK_FALSE(RunInvestigation(config).ran());
    }
    fs::remove_all(root);
}
