// Crash safety: a night is run in a child process killed with SIGKILL at its K-th step, for every
// K until the night completes; after each kill the committed state of every case is either the
// previous night's or this night's (never anything else), and a rerun of the night leaves the
// state directory and the output folders byte-identical to an uninterrupted run's, with the same
// exit code and summaries. Steps: every runner step (runner.cpp) and half-way through writing
// each segment.
#include "batch/state_dir.hpp"
#include "unit/batch/scenario.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sys/wait.h>
#include <unistd.h>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

const std::string kVm = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
                        "virtualMachines/vm";

// The inputs of night `night`: a new blob per case whose last record is cut off (still being
// written), completed on the next night together with one more record (a grown file); findings
// on nights 2 and 3 (a new one and an escalation); a rewrite on night 3.
void Grow(const Scenario& s, int night) {
    const std::string cut = Rec(Night(night, 0), kVm + "2");
    WriteFile(s.Blob("contoso", night, 0), Rec(Night(night, 0), kVm + "1") + cut.substr(0, 30));
    if (night > 0)
        Append(s.Blob("contoso", night - 1, 0), Rec(Night(night - 1, 0), kVm + "2").substr(30) +
                                                    Rec(Night(night - 1, 1), kVm + "3"));
    WriteFile(s.Blob("fabrikam", night, 0), Rec(Night(night, 0), "/subscriptions/f/x"));
    if (night == 2)
        WriteFile(s.Blob("contoso", night, 1),
                  Rec(Night(night, 1), kVm + "9", "compute", "medium", "app1") +
                      Rec(Night(night, 1), kVm + "8", "mt-rule", "low"));
    if (night == 3) {
        WriteFile(s.Blob("contoso", night, 1), Rec(Night(night, 1), kVm + "9", "compute", "high"));
        fs::path old = s.Blob("fabrikam", 1, 0);
        std::string text = ReadFile(old);
        text[text.find("2026")] = '3';
        WriteFile(old, text);
    }
}

std::map<std::string, std::string> Tree(const Scenario& s) {
    std::map<std::string, std::string> tree;
    for (const auto& [path, content] : Snapshot(s.root / "state")) tree["state/" + path] = content;
    for (const auto& [path, content] : Snapshot(s.root / "out")) tree["out/" + path] = content;
    return tree;
}

void Restore(const Scenario& s, const fs::path& backup) {
    for (const char* dir : {"state", "out"}) {
        fs::remove_all(s.root / dir);
        if (fs::exists(backup / dir))
            fs::copy(backup / dir, s.root / dir,
                     fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }
}

void Backup(const Scenario& s, const fs::path& backup) {
    fs::remove_all(backup);
    fs::create_directories(backup);
    for (const char* dir : {"state", "out"})
        if (fs::exists(s.root / dir))
            fs::copy(s.root / dir, backup / dir,
                     fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

// Runs the night in a child killed at its k-th step; false when it finished before step k.
bool RunKilledAt(const Scenario& s, int night, int k) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int steps = 0;
        auto step = [&] {
            if (++steps == k) ::raise(SIGKILL);
        };
        FakeEngine engine;
        engine.mid_segment_write = step;
        RunOptions options;
        options.on_step = [&](std::string_view) { step(); };
        s.Run(engine, night, &options);
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    if (WIFSIGNALED(status)) {
        REQUIRE(WTERMSIG(status) == SIGKILL);
        return true;
    }
    REQUIRE(WIFEXITED(status));
    return false;
}

std::string Normalized(const std::string& out) {
    std::string text = out;
    for (size_t at; (at = text.find(" already_done=yes")) != std::string::npos;) text.erase(at, 17);
    return text;
}

// Kills night `night` at every step in turn; after each, checks the committed states and that
// the rerun matches the uninterrupted run. Returns the number of steps of the night.
int KillLoop(const Scenario& s, int night, const fs::path& backup) {
    Backup(s, backup);
    StateDir state(s.config.state_dir);
    auto committed = [&](const std::string& name) {
        fs::path file = state.StateFile(name);
        return fs::exists(file) ? ReadFile(file) : std::string("<none>");
    };
    std::map<std::string, std::string> before_state = {{"contoso", committed("contoso")},
                                                       {"fabrikam", committed("fabrikam")}};
    FakeEngine reference_engine;
    NightResult reference = s.Run(reference_engine, night);
    std::map<std::string, std::string> expected = Tree(s);
    std::map<std::string, std::string> after_state = {{"contoso", committed("contoso")},
                                                      {"fabrikam", committed("fabrikam")}};
    for (int k = 1;; ++k) {
        Restore(s, backup);
        bool killed = RunKilledAt(s, night, k);
        INFO("night " << night << ", killed at step " << k);
        for (const char* name : {"contoso", "fabrikam"}) {
            std::string now = committed(name);
            CHECK((now == before_state[name] || now == after_state[name]));
        }
        bool leftovers = false;
        for (const auto& [path, content] : Tree(s))
            leftovers = leftovers || path.find(".tmp-") != std::string::npos;
        FakeEngine engine;
        NightResult rerun = s.Run(engine, night);
        INFO(rerun.err);
        CHECK(rerun.exit_code == reference.exit_code);
        CHECK(Normalized(rerun.out) == Normalized(reference.out));
        if (leftovers)
            CHECK(rerun.err.find("cleaned up after an interrupted run") != std::string::npos);
        std::map<std::string, std::string> got = Tree(s);
        if (got != expected) {
            for (const auto& [path, content] : expected)
                if (!got.count(path) || got[path] != content) UNSCOPED_INFO("differs: " << path);
            for (const auto& [path, content] : got)
                if (!expected.count(path)) UNSCOPED_INFO("extra: " << path);
        }
        REQUIRE(got == expected);
        if (!killed) return k - 1;
    }
}

} // namespace

TEST_CASE("Crash safety: kill -9 at every step of three nights, then run again", "[batch][crash]") {
    Scenario s("crash", 90, true);
    fs::path backup = FreshDir("crash-backup", true);
    int total = 0;
    for (int night = 1; night <= 3; ++night) {
        Grow(s, night);
        int steps = KillLoop(s, night, backup);
        CHECK(steps >= 25); // every step of both cases was a kill point
        total += steps;
    }
    CHECK(total >= 75);
    // The nights' results themselves: a new finding on night 2, an escalation and a rewrite on
    // night 3.
    CHECK(Lines(s.RunDir("contoso", 2) / "alerts.jsonl").size() == 2);
    std::vector<std::string> three = Lines(s.RunDir("contoso", 3) / "alerts.jsonl");
    REQUIRE(three.size() == 1);
    CHECK(three[0].find("\"state\": \"escalated\"") != std::string::npos);
    CHECK(ReadFile(s.RunDir("fabrikam", 3) / "batch-run.json").find("\"problem\": \"rewritten\"") !=
          std::string::npos);
    fs::remove_all(backup);
}

TEST_CASE("Crash safety: kill -9 at every step of a night that drops and compacts segments",
          "[batch][crash]") {
    Scenario s("crash-compact", 14, true);
    fs::path backup = FreshDir("crash-compact-backup", true);
    for (int night = 0; night < 21; ++night) {
        Grow(s, night);
        FakeEngine engine;
        REQUIRE(s.Run(engine, night).exit_code != kBatchInternal);
    }
    Grow(s, 21);
    {
        // This night drops night 7's segment (its newest record left the 14 days) and compacts
        // the rest of that week (nights 8 to 13, days 7 to 13 of 2026 being week 2923 since the
        // epoch).
        Backup(s, backup);
        FakeEngine engine;
        s.Run(engine, 21);
        CHECK(engine.compact_calls.size() == 2); // one week per case
        std::string run = ReadFile(s.RunDir("contoso", 21) / "batch-run.json");
        INFO(run);
        CHECK(run.find("\"segments_dropped\": [\"2026-01-08T020000Z.seg\"]") != std::string::npos);
        CHECK(run.find("\"into\": \"2026-01-22T020000Z-w2923.seg\", \"from\": "
                       "[\"2026-01-09T020000Z.seg\"") != std::string::npos);
        Restore(s, backup);
    }
    int steps = KillLoop(s, 21, backup);
    CHECK(steps >= 29);
    fs::remove_all(backup);
}
