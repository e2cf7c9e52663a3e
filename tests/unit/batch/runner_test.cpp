// The nightly runner with the fake engine over several nights: only new bytes are read, a
// rewritten file is reported once and never re-read, alerts appear on the nights findings
// appear or escalate, the look-back window drops and compacts segments, outputs are dated
// folders with a `latest` link, and the exit codes say what happened.
#include "batch/run_output.hpp"
#include "batch/state_dir.hpp"
#include "unit/batch/scenario.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <simdjson.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

const std::string kVm = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
                        "virtualMachines/miner01";

std::string Field(const std::string& summary, const std::string& key) {
    size_t at = summary.find(" " + key + "=");
    if (at == std::string::npos) return "";
    at += key.size() + 2;
    return summary.substr(at, summary.find(' ', at) - at);
}

} // namespace

TEST_CASE("Runner: four nights of a growing export", "[batch][runner]") {
    Scenario s("runner-nights");
    FakeEngine engine;
    fs::path h00 = s.Blob("contoso", 1, 0);
    fs::path h01 = s.Blob("contoso", 1, 1);
    std::string h00_text =
        Rec(Night(0, 22), kVm) + Rec(Night(0, 23), kVm, "compute", "medium", "app1");
    WriteFile(h00, h00_text);
    // h01 is still being appended to: its last record is cut off.
    std::string partial = Rec(Night(1, 1), kVm);
    WriteFile(h01, Rec(Night(1, 0), kVm) + partial.substr(0, 20));

    // Night 1: everything is new; one finding -> exit 4.
    NightResult n1 = s.Run(engine, 1);
    INFO(n1.err);
    CHECK(n1.exit_code == kBatchNewFindings);
    std::string c1 = SummaryOf(n1, "contoso");
    CHECK(Field(c1, "files_new") == "2");
    CHECK(Field(c1, "records") == "3");
    CHECK(Field(c1, "alerts_new") == "1");
    CHECK(Field(c1, "exit") == "4");
    CHECK(Field(c1, "out") == s.RunDir("contoso", 1).string());
    CHECK(Field(SummaryOf(n1, "fabrikam"), "exit") == "0");
    REQUIRE(engine.ingest_calls.size() == 1); // fabrikam had nothing to read
    CHECK(engine.ingest_calls[0].size() == 2);
    CHECK(fs::read_symlink(s.Out("contoso") / "latest") == RunStamp(Night(1)));
    std::vector<std::string> alerts = Lines(s.RunDir("contoso", 1) / "alerts.jsonl");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].find("\"state\": \"new\"") != std::string::npos);
    CHECK(Lines(s.RunDir("contoso", 1) / "alerts.ocsf.jsonl").size() == 1);
    CHECK(fs::exists(s.RunDir("contoso", 1) / "resources.jsonl")); // the engine's outputs
    CHECK(fs::exists(s.RunDir("contoso", 1) / "batch-run.json"));
    CHECK(fs::exists(s.RunDir("fabrikam", 1) / "alerts.jsonl"));

    // Night 2: h01's cut record is completed and a record rated high added: only the bytes past
    // its watermark are read; h00 is not read at all. The finding escalates.
    uint64_t watermark = Rec(Night(1, 0), kVm).size();
    Append(h01, partial.substr(20) + Rec(Night(1, 2), kVm, "compute", "high", "app1"));
    fs::path h02 = s.Blob("contoso", 2, 0);
    WriteFile(h02, Rec(Night(2, 0), kVm));
    NightResult n2 = s.Run(engine, 2);
    INFO(n2.err);
    CHECK(n2.exit_code == kBatchNewFindings);
    std::string c2 = SummaryOf(n2, "contoso");
    CHECK(Field(c2, "files_new") == "1");
    CHECK(Field(c2, "files_grown") == "1");
    CHECK(Field(c2, "alerts_new") == "0");
    CHECK(Field(c2, "alerts_escalated") == "1");
    REQUIRE(engine.ingest_calls.size() == 2);
    const std::vector<SegmentSlice>& slices = engine.ingest_calls[1];
    REQUIRE(slices.size() == 2);
    CHECK(slices[0].path == h01.string());
    CHECK(slices[0].begin == watermark);
    CHECK(slices[0].end == fs::file_size(h01));
    CHECK(slices[1].path == h02.string());
    CHECK(slices[1].begin == 0);
    // Both nights' segments are analyzed.
    CHECK(engine.LastAnalysisOf("contoso") ==
          std::vector<std::string>{RunStamp(Night(1)) + ".seg", RunStamp(Night(2)) + ".seg"});
    alerts = Lines(s.RunDir("contoso", 2) / "alerts.jsonl");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].find("\"state\": \"escalated\"") != std::string::npos);
    CHECK(alerts[0].find("\"previous_severity\": \"medium\"") != std::string::npos);
    CHECK(fs::read_symlink(s.Out("contoso") / "latest") == RunStamp(Night(2)));
    CHECK(fs::exists(s.RunDir("contoso", 1))); // earlier nights stay

    // Night 3: h00 is rewritten under its name: reported (exit 3), not re-read.
    std::string rewritten = h00_text;
    rewritten[rewritten.find("22:00")] = '2';
    rewritten.replace(rewritten.find("T22:00"), 6, "T21:00");
    WriteFile(h00, rewritten);
    NightResult n3 = s.Run(engine, 3);
    CHECK(n3.exit_code == kBatchInputProblems);
    std::string c3 = SummaryOf(n3, "contoso");
    CHECK(Field(c3, "files_rewritten") == "1");
    CHECK(Field(c3, "alerts_new") == "0");
    CHECK(n3.err.find("contoso: rewritten: " + h00.string() + ": the first") != std::string::npos);
    CHECK(engine.ingest_calls.size() == 2); // nothing to read
    CHECK(Lines(s.RunDir("contoso", 3) / "alerts.jsonl").empty());
    simdjson::dom::parser parser;
    simdjson::dom::element run = parser.load((s.RunDir("contoso", 3) / "batch-run.json").string());
    CHECK(int64_t(run["exit_code"]) == 3);
    REQUIRE(simdjson::dom::array(run["input_problems"]).size() == 1);
    CHECK(std::string_view(run["input_problems"].at(0)["problem"]) == "rewritten");
    CHECK(std::string_view(run["input_problems"].at(0)["path"]) == h00.string());
    // Its old segment stays in the analysis.
    CHECK(engine.LastAnalysisOf("contoso").size() == 2);

    // Night 4: nothing changed; the rewrite is known (listed, not reported again): exit 0.
    NightResult n4 = s.Run(engine, 4);
    CHECK(n4.exit_code == kBatchNothingNew);
    CHECK(Field(SummaryOf(n4, "contoso"), "files_rewritten") == "0");
    simdjson::dom::element run4 = parser.load((s.RunDir("contoso", 4) / "batch-run.json").string());
    CHECK(simdjson::dom::array(run4["rewritten_held"]).size() == 1);
    CHECK(simdjson::dom::array(run4["input_problems"]).size() == 0);
    CHECK(uint64_t(run4["findings"]["unchanged"]) == 1);
}

TEST_CASE("Runner: a night run twice, out of order, and a failing case", "[batch][runner]") {
    Scenario s("runner-again");
    FakeEngine engine;
    WriteFile(s.Blob("contoso", 1, 0), Rec(Night(1, 0), kVm, "compute", "high"));
    WriteFile(s.root / "in/fabrikam-extra.json", Rec(Night(1, 0), "/subscriptions/s2/x"));
    NightResult first = s.Run(engine, 1);
    CHECK(first.exit_code == kBatchNewFindings);
    size_t analyses = engine.analyze_calls.size();
    std::string before = ReadFile(StateDir(s.config.state_dir).StateFile("contoso"));

    // The same night again: already done, nothing run, the same exit code and summary.
    NightResult again = s.Run(engine, 1);
    CHECK(again.exit_code == kBatchNewFindings);
    CHECK(engine.analyze_calls.size() == analyses);
    CHECK(SummaryOf(again, "contoso") == SummaryOf(first, "contoso") + " already_done=yes");
    CHECK(ReadFile(StateDir(s.config.state_dir).StateFile("contoso")) == before);

    // An earlier night than the state's: a usage error, nothing run.
    NightResult earlier = s.Run(engine, 0);
    CHECK(earlier.exit_code == kBatchUsage);
    CHECK(earlier.err.find("nights run in order") != std::string::npos);
    CHECK(engine.analyze_calls.size() == analyses);

    // An analysis that fails: exit 1, that case's state untouched, no output folder left.
    engine.fail_analyze = true;
    Append(s.Blob("contoso", 2, 0), Rec(Night(2, 0), kVm));
    NightResult failed = s.Run(engine, 2);
    CHECK(failed.exit_code == kBatchInternal);
    CHECK(failed.err.find("case contoso: internal failure: analysis failed (test)") !=
          std::string::npos);
    CHECK(ReadFile(StateDir(s.config.state_dir).StateFile("contoso")) == before);
    CHECK_FALSE(fs::exists(s.RunDir("contoso", 2)));
    CHECK(fs::read_symlink(s.Out("contoso") / "latest") == RunStamp(Night(1)));
    for (const auto& e : fs::directory_iterator(s.Out("contoso")))
        CHECK(e.path().filename().string()[0] != '.'); // no temporary left
    // Only the segment the failed run wrote is gone again.
    CHECK(std::distance(fs::directory_iterator(StateDir(s.config.state_dir).SegmentDir("contoso")),
                        fs::directory_iterator()) == 1);

    // Fixed: the night runs and reads the bytes the failed run had read.
    engine.fail_analyze = false;
    NightResult retried = s.Run(engine, 2);
    CHECK(retried.exit_code == kBatchNothingNew);
    CHECK(Field(SummaryOf(retried, "contoso"), "files_new") == "1");
    CHECK(Field(SummaryOf(retried, "contoso"), "records") == "1");
}

TEST_CASE("Runner: a changed tenant, rules that do not load, a corrupt state", "[batch][runner]") {
    Scenario s("runner-refusals");
    FakeEngine engine;
    CHECK(s.Run(engine, 1).exit_code == kBatchNothingNew);

    BatchConfig changed = s.config;
    changed.cases[0].tenant_id = "99999999-2222-3333-4444-555555555555";
    std::ostringstream out, err;
    RunOptions options;
    options.now_us = Night(2);
    CHECK(RunBatch(changed, engine, options, out, err).exit_code == kBatchUsage);
    CHECK(err.str().find("tenant_id changed") != std::string::npos);

    BatchConfig rules = s.config;
    rules.cases[1].rules.push_back(s.root / "no-such-rules");
    std::ostringstream out2, err2;
    CHECK(RunBatch(rules, engine, options, out2, err2).exit_code == kBatchUsage);
    CHECK(err2.str().find("case fabrikam: rules: no such file or folder") != std::string::npos);
    CHECK_FALSE(fs::exists(s.RunDir("contoso", 2))); // nothing ran

    // A corrupt state fails its case only, and says how to start over.
    fs::path state_file = StateDir(s.config.state_dir).StateFile("fabrikam");
    std::string text = ReadFile(state_file);
    WriteFile(state_file, text.substr(0, text.size() - 5));
    NightResult night = s.Run(engine, 2);
    CHECK(night.exit_code == kBatchInternal);
    CHECK(night.err.find("case fabrikam: its state cannot be used") != std::string::npos);
    CHECK(night.err.find("to start the case over, remove") != std::string::npos);
    CHECK(fs::exists(s.RunDir("contoso", 2)));
    // Started over: the case runs as on its first night.
    fs::remove_all(StateDir(s.config.state_dir).CaseDir("fabrikam"));
    NightResult over = s.Run(engine, 3);
    CHECK(over.exit_code == kBatchNothingNew);
}

TEST_CASE("Runner: the look-back window drops old segments and compacts old weeks",
          "[batch][runner]") {
    // 41 nights: on /dev/shm when there is one (FreshDir explains why that loses nothing here).
    Scenario s("runner-window", 14, true);
    FakeEngine engine;
    // One blob a night with one record of its day; night 0's is a finding.
    WriteFile(s.Blob("contoso", 0, 0), Rec(Night(0, 0), kVm, "compute", "high"));
    CHECK(s.Run(engine, 0).exit_code == kBatchNewFindings);
    simdjson::dom::parser parser;
    for (int night = 1; night <= 40; ++night) {
        WriteFile(s.Blob("contoso", night, 0), Rec(Night(night, 0), kVm + std::to_string(night)));
        NightResult r = s.Run(engine, night);
        INFO("night " << night << "\n" << r.err);
        // A finding that ages out is gone, which is not an alert.
        REQUIRE(r.exit_code == kBatchNothingNew);
        std::string findings = ReadFile(s.RunDir("contoso", night) / "findings.jsonl");
        CHECK((findings.find("\"state\": \"gone\"") != std::string::npos) == (night == 14));
        CHECK((findings.find("\"state\": \"unchanged\"") != std::string::npos) == (night < 14));
        simdjson::dom::element run =
            parser.load((s.RunDir("contoso", night) / "batch-run.json").string());
        // Every record inside the window is analyzed; at most a week's more.
        uint64_t analyzed = uint64_t(run["records_analyzed"]);
        uint64_t inside = static_cast<uint64_t>(std::min(night, 13) + 1);
        CHECK(analyzed >= inside);
        CHECK(analyzed <= inside + 7);
        // At most two weeks of nightly segments and one per older week, however many nights.
        CHECK(simdjson::dom::array(run["segments"]).size() <= 2 * kCompactAfterDays + 14 / 7 + 1);
    }
    // Compactions happened, each of one week's segments (days 7k .. 7k+6 since 2026-01-01,
    // which, like the epoch, is a Thursday).
    REQUIRE(!engine.compact_calls.empty());
    for (const std::vector<std::string>& call : engine.compact_calls) {
        CHECK(call.size() >= 2);
        int week = -1;
        for (const std::string& name : call) {
            int day = std::stoi(name.substr(8, 2)) + (name.substr(5, 2) == "02" ? 31 : 0) - 1;
            if (name.find("-w") != std::string::npos) continue; // an earlier compaction of it
            if (week < 0) week = day / 7;
            CHECK(day / 7 == week);
        }
    }
    // Dropped and compacted segment files are removed; only listed ones remain.
    StateDir state(s.config.state_dir);
    std::optional<CaseState> committed = state.Load("contoso");
    REQUIRE(committed);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(state.SegmentDir("contoso"))) {
        ++files;
        bool listed = false;
        for (const SegmentRecord& seg : committed->segments)
            listed = listed || seg.file == e.path().filename().string();
        CHECK(listed);
    }
    CHECK(files == committed->segments.size());
}

TEST_CASE("Runner: a second run waits for the lock or refuses naming the holder",
          "[batch][runner][concurrency]") {
    Scenario s("runner-concurrent");
    WriteFile(s.Blob("contoso", 1, 0), Rec(Night(1, 0), kVm, "compute", "high"));
    int ready[2], go[2];
    REQUIRE(pipe(ready) == 0);
    REQUIRE(pipe(go) == 0);
    std::cout.flush();
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The first run: holds the lock until told to go on.
        FakeEngine engine;
        RunOptions options;
        options.on_step = [&](std::string_view step) {
            if (step != "locked") return;
            char c = 'r';
            if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1) _exit(9);
        };
        NightResult r = s.Run(engine, 1, &options);
        _exit(r.exit_code);
    }
    char c = 0;
    REQUIRE(read(ready[0], &c, 1) == 1);
    FakeEngine engine;
    NightResult refused = s.Run(engine, 1);
    CHECK(refused.exit_code == kBatchBusy);
    CHECK(refused.err.find("another minetrace batch run holds") != std::string::npos);
    CHECK(refused.err.find("(pid " + std::to_string(child)) != std::string::npos);
    CHECK(engine.analyze_calls.empty());

    // The second run waits; the first finishes; the second finds the night done.
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        char g = 'g';
        CHECK(write(go[1], &g, 1) == 1);
    });
    RunOptions wait;
    wait.wait_seconds = 20;
    NightResult waited = s.Run(engine, 1, &wait);
    release.join();
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == kBatchNewFindings);
    CHECK(waited.exit_code == kBatchNewFindings);
    CHECK(SummaryOf(waited, "contoso").ends_with(" already_done=yes"));
    for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
}

TEST_CASE("Runner: quarantined records, unreadable files and missing inputs are input problems",
          "[batch][runner]") {
    Scenario s("runner-problems");
    FakeEngine engine;
    WriteFile(s.Blob("contoso", 1, 0), "not json at all\n");
    REQUIRE(mkfifo((s.root / "in/fabrikam/pipe").c_str(), 0644) == 0);
    fs::remove(s.root / "in/fabrikam-extra.json");
    NightResult r = s.Run(engine, 1);
    CHECK(r.exit_code == kBatchInputProblems);
    CHECK(Field(SummaryOf(r, "contoso"), "exit") == "3");
    CHECK(Field(SummaryOf(r, "fabrikam"), "files_unreadable") == "1");
    CHECK(r.err.find("contoso: quarantined: " + s.Blob("contoso", 1, 0).string() +
                     ": 1 records quarantined") != std::string::npos);
    CHECK(r.err.find("fabrikam: unreadable: " + (s.root / "in/fabrikam/pipe").string() +
                     ": not a regular file") != std::string::npos);
    CHECK(r.err.find("fabrikam: missing: " + (s.root / "in/fabrikam-extra.json").string() +
                     ": no such file or directory") != std::string::npos);
    // The night that read only a quarantined record keeps its segment (it holds that account).
    std::optional<CaseState> contoso = StateDir(s.config.state_dir).Load("contoso");
    REQUIRE(contoso);
    CHECK(contoso->segments.size() == 1);
    // The quarantined bytes are not read again; the unreadable and missing inputs are retried and
    // reported each night.
    NightResult next = s.Run(engine, 2);
    CHECK(Field(SummaryOf(next, "contoso"), "exit") == "0");
    CHECK(Field(SummaryOf(next, "fabrikam"), "exit") == "3");
}
