// Issue 16 §3 with the fake engine: thirty nights over a blob tree that grows hour by hour (one
// hour file is still being written at each run and grows by the next), an intrusion that starts
// on night 12 and escalates on night 15, a blob rewritten before night 20. Alerts appear exactly
// on nights 12 and 15, the rewrite is reported exactly on night 20, and the night-30 analysis
// equals one analysis over every file read at once (what `investigate` over everything would be
// with the real engine).
#include "unit/batch/scenario.hpp"

#include <catch2/catch.hpp>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

const std::string kSub = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/";

// The blobs written by the night `night` run (02:00 of day `night`): the rest of day night-1
// (hours 06, 12, 18), its hour 00 completed, and day `night`'s hour 00 begun, its second record
// cut off.
void Export(const Scenario& s, int night) {
    int day = night - 1;
    if (day >= 0) {
        // Complete yesterday's hour 00 and add to it.
        fs::path h00 = s.Blob("contoso", day, 0);
        std::string cut = Rec(Night(day, 0) + 60000000, kSub + "virtualMachines/web1");
        Append(h00, cut.substr(25) + Rec(Night(day, 0) + 120000000, kSub + "disks/d1"));
        for (int hour : {6, 12, 18}) {
            std::string text = Rec(Night(day, hour), kSub + "virtualMachines/web1") +
                               Rec(Night(day, hour) + 1000000, kSub + "disks/d1");
            if (day == 11 && hour == 12) // the intrusion
                text += Rec(Night(day, hour) + 2000000, kSub + "virtualMachines/miner", "compute",
                            "medium", "intruder-app");
            if (day == 14 && hour == 6) // it escalates: a miner extension shows up
                text += Rec(Night(day, hour) + 3000000, kSub + "virtualMachines/miner", "compute",
                            "high", "intruder-app");
            WriteFile(s.Blob("contoso", day, hour), text);
        }
    }
    std::string cut = Rec(Night(night, 0) + 60000000, kSub + "virtualMachines/web1");
    WriteFile(s.Blob("contoso", night, 0),
              Rec(Night(night, 0), kSub + "virtualMachines/web1") + cut.substr(0, 25));
    WriteFile(s.Blob("fabrikam", night, 0), Rec(Night(night, 0), "/subscriptions/f/x"));
    if (night == 20) {
        // A blob of day 5 is rewritten under its name (same size, other bytes).
        fs::path old = s.Blob("contoso", 5, 6);
        std::string text = ReadFile(old);
        text.replace(text.find("web1"), 4, "web2");
        WriteFile(old, text);
    }
}

} // namespace

TEST_CASE("Thirty nights: alerts on the nights of the intrusion and its escalation only",
          "[batch][nights]") {
    Scenario s("thirty", 90, true); // on /dev/shm when there is one: see FreshDir
    FakeEngine engine;
    for (int night = 0; night <= 30; ++night) {
        Export(s, night);
        NightResult r = s.Run(engine, night);
        INFO("night " << night << "\n" << r.out << r.err);
        std::vector<std::string> alerts = Lines(s.RunDir("contoso", night) / "alerts.jsonl");
        std::vector<std::string> ocsf = Lines(s.RunDir("contoso", night) / "alerts.ocsf.jsonl");
        if (night == 12) {
            REQUIRE(alerts.size() == 1);
            CHECK(alerts[0].find("\"state\": \"new\"") != std::string::npos);
            CHECK(alerts[0].find("virtualMachines/miner") != std::string::npos);
            CHECK(ocsf.size() == 1);
            CHECK(ocsf[0].find("\"activity_id\": 1") != std::string::npos);
            CHECK(r.exit_code == kBatchNewFindings);
        } else if (night == 15) {
            REQUIRE(alerts.size() == 1);
            CHECK(alerts[0].find("\"state\": \"escalated\"") != std::string::npos);
            CHECK(ocsf.size() == 1);
            CHECK(ocsf[0].find("\"activity_id\": 2") != std::string::npos);
            CHECK(r.exit_code == kBatchNewFindings);
        } else if (night == 20) {
            CHECK(alerts.empty());
            CHECK(r.exit_code == kBatchInputProblems);
            CHECK(r.err.find("rewritten: " + s.Blob("contoso", 5, 6).string()) !=
                  std::string::npos);
        } else {
            CHECK(alerts.empty());
            CHECK(ocsf.empty());
            CHECK(r.exit_code == kBatchNothingNew);
        }
        // The hour file being written was read up to its last complete record, never past it.
        if (night > 0) {
            bool sliced = false;
            for (const SegmentSlice& slice : engine.LastIngestOf("contoso"))
                if (slice.path == s.Blob("contoso", night - 1, 0).string()) {
                    sliced = true;
                    CHECK(slice.begin ==
                          Rec(Night(night - 1, 0), kSub + "virtualMachines/web1").size());
                }
            CHECK(sliced);
        }
    }
    // Night 30 against one analysis of every file read whole, as it is now. The rewritten blob
    // differs only in benign records, which no finding cites.
    fs::path one = FreshDir("thirty-one-shot");
    std::vector<SegmentSlice> all;
    for (const auto& e : fs::recursive_directory_iterator(s.root / "in/contoso"))
        if (e.is_regular_file()) all.push_back({e.path().string(), 0, fs::file_size(e.path())});
    std::sort(all.begin(), all.end(),
              [](const SegmentSlice& a, const SegmentSlice& b) { return a.path < b.path; });
    FakeEngine once;
    once.Ingest(all, one / "all.seg", {});
    fs::create_directories(one / "out");
    AnalyzeResult whole = once.Analyze({one / "all.seg"}, one / "out", {});
    CHECK(ReadFile(one / "out/resources.jsonl") ==
          ReadFile(s.RunDir("contoso", 30) / "resources.jsonl"));
    REQUIRE(whole.findings.size() == 1);
    // Every night's segments together hold every complete record exactly once.
    std::string run = ReadFile(s.RunDir("contoso", 30) / "batch-run.json");
    CHECK(run.find("\"records_analyzed\": " + std::to_string(whole.records)) != std::string::npos);
    fs::remove_all(one);
}
