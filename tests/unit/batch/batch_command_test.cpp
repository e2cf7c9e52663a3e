// The `minetrace batch` command line with the fake engine: options, every config error printed
// with its position and exit 2, --now and --wait checked, --check, and a build without an
// engine.
#include "batch/batch_command.hpp"
#include "batch/runner.hpp"
#include "unit/batch/scenario.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

struct Result {
    int code;
    std::string out, err;
};

Result Command(const std::vector<std::string>& args, Engine* engine) {
    std::ostringstream out, err;
    int code = RunBatchCommand(args, engine, out, err);
    return {code, out.str(), err.str()};
}

} // namespace

TEST_CASE("batch command: options and config errors", "[batch][command]") {
    FakeEngine engine;
    Result none = Command({}, &engine);
    CHECK(none.code == kBatchUsage);
    CHECK(none.err == "minetrace batch: --config FILE is required\n");
    CHECK(Command({"--config"}, &engine).code == kBatchUsage);
    CHECK(Command({"--bogus"}, &engine).code == kBatchUsage);
    Result help = Command({"--help"}, &engine);
    CHECK(help.code == 0);
    CHECK(help.out.find("--wait") != std::string::npos);

    fs::path root = FreshDir("command");
    WriteFile(root / "bad.yaml", "state_dir: s\ncases:\n  - name: a\n    tenant_id: x\n"
                                 "    inputs: []\n    out: o\n    colour: red\n");
    Result bad = Command({"--config", (root / "bad.yaml").string()}, &engine);
    CHECK(bad.code == kBatchUsage);
    std::string file = (root / "bad.yaml").string();
    CHECK(bad.err == "minetrace batch: " + file +
                         ":4:16: tenant_id: 'x' is not a GUID (8-4-4-4-12 hexadecimal digits)\n"
                         "minetrace batch: " +
                         file +
                         ":5:13: inputs: must name at least one file or folder\n"
                         "minetrace batch: " +
                         file +
                         ":7:5: case: unknown key 'colour' (expected name, tenant_id, inputs, out, "
                         "look_back_days, languages, rules)\n"
                         "minetrace batch: 3 errors in the config; nothing was run\n");
    CHECK_FALSE(fs::exists(root / "s")); // nothing touched
    Result missing = Command({"--config", (root / "absent.yaml").string()}, &engine);
    CHECK(missing.code == kBatchUsage);
    CHECK(missing.err.find("cannot read the config file") != std::string::npos);
    fs::remove_all(root);
}

TEST_CASE("batch command: --now, --wait, --check and a run", "[batch][command]") {
    Scenario s("command-run");
    FakeEngine engine;
    std::string config = (s.root / "nightly.yaml").string();
    Result bad_now = Command({"--config", config, "--now", "yesterday"}, &engine);
    CHECK(bad_now.code == kBatchUsage);
    CHECK(bad_now.err.find("--now must be a time") != std::string::npos);
    for (const char* wait : {"-1", "1.5", "x", "999999999"})
        CHECK(Command({"--config", config, "--wait", wait}, &engine).code == kBatchUsage);

    Result check = Command({"--config", config, "--check"}, &engine);
    CHECK(check.code == 0);
    CHECK(check.out == "config " + config + ": 2 cases, valid\n");
    CHECK_FALSE(fs::exists(s.root / "state"));

    WriteFile(s.Blob("contoso", 1, 0), Rec(Night(1, 0), "/subscriptions/s/vm", "compute", "high"));
    // A fraction of a second is dropped: the run's folder is named by whole seconds.
    Result run =
        Command({"--config", config, "--now", "2026-01-02T02:00:00.75Z", "--wait", "5"}, &engine);
    CHECK(run.code == kBatchNewFindings);
    CHECK(run.out.find("case=contoso ") == 0);
    CHECK(fs::is_directory(s.RunDir("contoso", 1)));
    Result again = Command({"--config", config, "--now", "2026-01-02T02:00:00Z"}, &engine);
    CHECK(again.code == kBatchNewFindings);
    CHECK(again.out.find("already_done=yes") != std::string::npos);
}

TEST_CASE("batch command: a build without a batch engine", "[batch][command]") {
    Scenario s("command-no-engine");
    std::string config = (s.root / "nightly.yaml").string();
    Result run = Command({"--config", config}, nullptr);
    CHECK(run.code == kBatchInternal);
    CHECK(run.err.find("this build has no batch engine") != std::string::npos);
    CHECK(Command({"--config", config, "--check"}, nullptr).code == 0);
    CHECK_FALSE(fs::exists(s.root / "state"));
}
