// `minetrace batch` with the product's engine (app/batch_engine.cpp), through the binary, over
// nights of a growing export: a blob appended to between runs (cut inside a line), a file that
// appears later. Each night reads only the new bytes; alerts never repeat a finding; the last
// night's outputs equal one `investigate` over the final inputs.
#include "unit/test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

using minetrace::test::ReadFile;
using minetrace::test::ShellStatus;
using minetrace::test::WriteFile;

namespace {

const std::string kScenario = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

std::string IdOf(const std::string& alert) {
    size_t at = alert.find("\"id\": \"");
    REQUIRE(at != std::string::npos);
    return alert.substr(at + 7, 32);
}

} // namespace

TEST_CASE("Batch with the product's engine: nights over a growing blob equal one investigate",
          "[app][batch]") {
    const fs::path dir = fs::temp_directory_path() / "minetrace-batch-nights";
    fs::remove_all(dir);
    fs::create_directories(dir / "in");
    std::string blob;
    std::vector<std::string> hours;
    for (const auto& e : fs::recursive_directory_iterator(kScenario + "export-jsonl"))
        if (e.is_regular_file()) hours.push_back(e.path().string());
    std::sort(hours.begin(), hours.end());
    for (const std::string& h : hours) blob += ReadFile(h);
    const std::string partner =
        ReadFile(kScenario + "partner-center/auditrecords-2026-10-11_2026-10-15.jsonl");
    WriteFile(dir / "nightly.yaml", "state_dir: state\ncases:\n  - name: contoso\n"
                                    "    tenant_id: 7d1c2e4a-0b6f-4c1e-9a55-3f0c6b2d8e11\n"
                                    "    inputs: [in]\n    out: out\n    look_back_days: 3650\n"
                                    "    languages: [en]\n");
    const std::string bin = MINETRACE_BINARY;
    const std::vector<size_t> cuts = {blob.size() / 3 + 11, blob.size() * 2 / 3 + 5, blob.size(),
                                      blob.size()};
    std::set<std::string> alerted;
    for (size_t night = 0; night < cuts.size(); ++night) {
        CAPTURE(night);
        WriteFile(dir / "in" / "PT1H.json", blob.substr(0, cuts[night]));
        if (night == 2) WriteFile(dir / "in" / "partner-center.json", partner);
        const std::string now = "2026-10-2" + std::to_string(night) + "T02:00:00Z";
        int code = ShellStatus(bin + " batch --config " + (dir / "nightly.yaml").string() +
                               " --now " + now + " >" + (dir / "summary.txt").string() + " 2>" +
                               (dir / "err.txt").string());
        INFO(ReadFile(dir / "err.txt") + ReadFile(dir / "summary.txt"));
        std::vector<std::string> alerts = Lines(ReadFile(dir / "out/latest/alerts.jsonl"));
        CHECK(code == (alerts.empty() ? 0 : 4));
        if (night == 3) CHECK(alerts.empty()); // nothing new on the last night
        if (night == 0) CHECK_FALSE(alerts.empty());
        for (const std::string& a : alerts) {
            // A finding is alerted once (new), or again only when it escalates.
            bool fresh = alerted.insert(IdOf(a)).second;
            CHECK((fresh || a.find("\"state\": \"escalated\"") != std::string::npos));
        }
        CHECK(Lines(ReadFile(dir / "out/latest/alerts.ocsf.jsonl")).size() == alerts.size());
    }
    const std::string summary = ReadFile(dir / "summary.txt");
    CHECK(summary.find("files_new=0") != std::string::npos);
    // One investigate over the final inputs: the same machine-readable outputs.
    REQUIRE(ShellStatus(bin + " investigate " + (dir / "in").string() + " --out " +
                        (dir / "once").string() + " --lang en -q >/dev/null 2>&1") != 2);
    for (const char* name : {"resources.jsonl", "subscriptions.jsonl", "principals.jsonl",
                             "detections.jsonl", "timeline.jsonl", "timeline.csv", "report.md"})
        CHECK(ReadFile(dir / "out/latest" / name) == ReadFile(dir / "once" / name));
    fs::remove_all(dir);
}
