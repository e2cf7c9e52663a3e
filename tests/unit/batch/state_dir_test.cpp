// The state directory: the lock (a second holder is refused naming the first, or waits), the
// committed state's round trip and refusal of anything altered, and the leftovers of a killed
// run.
#include "batch/state_dir.hpp"
#include "core/sha256.hpp"
#include "unit/batch/batch_test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

CaseState SampleState() {
    CaseState s;
    s.case_name = "contoso";
    s.tenant_id = "11111111-2222-3333-4444-555555555555";
    s.state_epoch = "0123456789abcdef";
    s.run_counter = 3;
    s.last_run_us = Night(3);
    s.last_output = "2026-01-04T020000Z";
    s.last_exit = 4;
    s.last_summary = "case=contoso exit=4";
    s.segments.push_back({"2026-01-03T020000Z.seg", 10, Night(2, 0), Night(2, 23), Night(3), 1});
    s.segments.push_back({"2026-01-02T020000Z.seg", 5, -1, -1, Night(2), 1});
    CatalogEntry e;
    e.path = "/in/a.json";
    e.size = 10;
    e.consumed = 10;
    e.prefix_sha256 = std::string(64, '0');
    s.catalog.Put(e);
    FindingRecord f;
    f.id = std::string(32, 'f');
    f.resource_id = "/subscriptions/s/x";
    f.kind = "compute";
    s.findings.push_back(f);
    return s;
}

} // namespace

TEST_CASE("State lock: a second holder is refused with the first's pid, or waits",
          "[batch][state]") {
    fs::path dir = FreshDir("lock") / "state"; // created by the lock
    auto first = std::make_unique<StateLock>(dir, 0);
    CHECK(fs::exists(dir / "lock"));
    try {
        StateLock second(dir, 0);
        FAIL("a second lock was granted");
    } catch (const StateLockBusy& busy) {
        CHECK(busy.holder == getpid());
        std::string message = busy.what();
        CHECK(message.find("another minetrace batch run holds " + (dir / "lock").string() +
                           " (pid " + std::to_string(getpid())) != std::string::npos);
        CHECK(message.find("--wait") != std::string::npos);
    }
    // Waiting: granted once the first lets go.
    auto start = std::chrono::steady_clock::now();
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        first.reset();
    });
    StateLock waited(dir, 10);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    release.join();
    CHECK(seconds >= 0.25);
    CHECK(seconds < 5);
    // A wait that runs out is refused too.
    CHECK_THROWS_AS(StateLock(dir, 0.2), StateLockBusy);
    fs::remove_all(dir.parent_path());
}

TEST_CASE("Case state: commit, load, and refusal of altered files", "[batch][state]") {
    fs::path root = FreshDir("state");
    StateDir state(root);
    CHECK_FALSE(state.Load("contoso").has_value());
    state.Prepare("contoso");
    CaseState s = SampleState();
    state.Commit(s);
    std::optional<CaseState> back = state.Load("contoso");
    REQUIRE(back);
    CHECK(back->tenant_id == s.tenant_id);
    CHECK(back->run_counter == 3);
    CHECK(back->last_summary == s.last_summary);
    REQUIRE(back->segments.size() == 2);
    CHECK(back->segments[0].file == "2026-01-02T020000Z.seg"); // sorted
    CHECK(back->catalog.entries() == s.catalog.entries());
    CHECK(back->findings == s.findings);
    // Deterministic bytes.
    CHECK(SerializeCaseState(*back) == SerializeCaseState(s));
    std::string text = ReadFile(state.StateFile("contoso"));
    CHECK(text.starts_with("{\"type\": \"state\", \"schema\": \"minetrace-batch-state/1\""));

    auto refused = [&](const std::string& bytes, const std::string& why) {
        WriteFile(state.StateFile("contoso"), bytes);
        try {
            state.Load("contoso");
            FAIL("loaded an altered state: " << why);
        } catch (const StateCorrupt& e) {
            CHECK(std::string(e.what()).find(why) != std::string::npos);
        }
    };
    std::string flipped = text;
    flipped[flipped.find("contoso") + 1] = 'X';
    refused(flipped, "checksum does not match");
    refused(text.substr(0, text.size() / 2), "cut short");
    refused(text.substr(0, text.rfind("{\"type\": \"end\"")), "cut short");
    refused("", "cut short");
    // A well-formed file of another schema (its checksum made to match) is refused by schema.
    std::string body = text.substr(0, text.rfind("{\"type\": \"end\""));
    std::string foreign = body;
    foreign.replace(foreign.find("minetrace-batch-state/1"), 23, "minetrace-batch-state/9");
    foreign += "{\"type\": \"end\", \"lines\": " +
               std::to_string(std::count(foreign.begin(), foreign.end(), '\n')) +
               ", \"sha256\": \"" + minetrace::Sha256Hex(foreign) + "\"}\n";
    refused(foreign, "schema 'minetrace-batch-state/9'");
    // Another case's state under this name.
    WriteFile(state.StateFile("contoso"), text);
    fs::create_directories(state.CaseDir("other"));
    fs::copy_file(state.StateFile("contoso"), state.StateFile("other"));
    CHECK_THROWS_AS(state.Load("other"), StateCorrupt);
    fs::remove_all(root);
}

TEST_CASE("State directory: leftovers of a killed run are removed and reported", "[batch][state]") {
    fs::path root = FreshDir("leftovers");
    StateDir state(root);
    state.Prepare("contoso");
    CaseState s = SampleState();
    state.Commit(s);
    fs::path segments = state.SegmentDir("contoso");
    for (const SegmentRecord& seg : s.segments) WriteFile(segments / seg.file, "listed");
    WriteFile(segments / "2026-01-05T020000Z.seg", "renamed but never committed");
    WriteFile(segments / ".2026-01-05T020000Z.seg.tmp-123", "half written");
    WriteFile(state.CaseDir("contoso") / ".state.jsonl.tmp-AbC123", "half a state");
    std::vector<std::string> removed = state.CleanLeftovers("contoso", &s);
    CHECK(removed.size() == 3);
    CHECK(fs::exists(segments / s.segments[0].file));
    CHECK(fs::exists(segments / s.segments[1].file));
    CHECK_FALSE(fs::exists(segments / "2026-01-05T020000Z.seg"));
    CHECK(fs::exists(state.StateFile("contoso")));
    CHECK(state.CleanLeftovers("contoso", &s).empty());
    // No committed state: no segment is listed.
    CHECK(state.CleanLeftovers("contoso", nullptr).size() == 2);
    fs::remove_all(root);
}
