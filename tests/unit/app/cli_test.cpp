// The minetrace binary end to end: exit codes, the files investigate writes, and byte-identical
// outputs at --threads 1 and 2 (the manifest's "run" key aside).
#include "unit/test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

using minetrace::test::ReadFile;
using minetrace::test::ShellStatus;

int Run(const std::string& args) {
    return ShellStatus(std::string(MINETRACE_BINARY) + " " + args + " >/dev/null 2>&1");
}

// The manifest without its run-dependent "run" object (the last key of the file).
std::string WithoutRun(const std::string& manifest) {
    size_t at = manifest.find("\"run\":");
    return at == std::string::npos ? manifest : manifest.substr(0, at);
}

const std::string kScenario = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";

} // namespace

TEST_CASE("CLI: exit codes", "[cli]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-cli-exit";
    fs::remove_all(dir);
    CHECK(Run("--version") == 0);
    CHECK(Run("") == 2);
    CHECK(Run("frobnicate") == 2);
    CHECK(Run("events --no-such-option x") == 2);
    CHECK(Run("events /no/such/path") == 2);
    CHECK(Run("investigate " + kScenario + "export-jsonl") == 2); // --out is required
    // Clean input: 0. Input with quarantined records: 3, and the run still completes.
    CHECK(Run("investigate " + kScenario + "export-jsonl --out " + (dir / "clean").string()) == 0);
    CHECK(Run("investigate " + std::string(MINETRACE_FIXTURES_DIR) +
              "/ingest/invalid-json-between.jsonl --out " + (dir / "dirty").string()) == 3);
    CHECK(fs::exists(dir / "dirty" / "manifest.json"));
    CHECK(ReadFile(dir / "dirty" / "quarantine.jsonl").find("invalid-json") != std::string::npos);
    // A spill directory that cannot be written, or a malformed budget, is found before ingest.
    CHECK(Run("investigate " + kScenario + "export-jsonl --out " + (dir / "spill").string() +
              " --spill-dir /nonexistent/minetrace") == 2);
    CHECK(Run("investigate " + kScenario + "export-jsonl --out " + (dir / "spill").string() +
              " --spill-after 12Q") == 2);
    CHECK(Run("investigate " + kScenario + "export-jsonl --out " + (dir / "spill").string() +
              " --spill-after 0") == 2);
    // Broken rules are a configuration error before any input is read.
    CHECK(Run("investigate " + kScenario + "export-jsonl --out " + (dir / "rules").string() +
              " --rules " + std::string(MINETRACE_FIXTURES_DIR) + "/rules/lint") == 2);
    fs::remove_all(dir);
}

TEST_CASE("CLI: investigate writes every report, identical at any thread count", "[cli]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-cli-threads";
    fs::remove_all(dir);
    std::string inputs = kScenario + "la-csv " + kScenario + "partner-center";
    REQUIRE(Run("investigate " + inputs + " --threads 1 --out " + (dir / "t1").string()) == 0);
    REQUIRE(Run("investigate " + inputs + " --threads 2 --batch-bytes 4096 --out " +
                (dir / "t2").string()) == 0);
    // Kept records spilled to a file in runs of 2 KiB: the same outputs.
    REQUIRE(Run("investigate " + inputs + " --threads 2 --spill-after 2K --spill-dir " +
                fs::temp_directory_path().string() + " --out " + (dir / "spilled").string()) == 0);
    for (const char* name : {"resources.jsonl", "subscriptions.jsonl", "principals.jsonl",
                             "timeline.jsonl", "timeline.csv", "quarantine.jsonl", "report.md"}) {
        INFO(name);
        REQUIRE(fs::exists(dir / "t1" / name));
        CHECK(ReadFile(dir / "t1" / name) == ReadFile(dir / "t2" / name));
        CHECK(ReadFile(dir / "t1" / name) == ReadFile(dir / "spilled" / name));
    }
    std::string m1 = ReadFile(dir / "t1" / "manifest.json");
    std::string m2 = ReadFile(dir / "t2" / "manifest.json");
    CHECK(m1.find("\"run\":") != std::string::npos);
    // The command lines differ (that is the point), so compare from the files on.
    CHECK(WithoutRun(m1).substr(m1.find("\"files\"")) ==
          WithoutRun(m2).substr(m2.find("\"files\"")));
    CHECK(ReadFile(dir / "t1" / "resources.jsonl").find("\"severity\": \"high\"") !=
          std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("CLI: bad numbers and a run without rules are usage errors, before any output", "[cli]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-cli-usage";
    fs::remove_all(dir);
    fs::create_directories(dir / "empty-rules");
    const std::string investigate = "investigate " + kScenario + "export-jsonl --out ";
    // Every number option: negative (boost would wrap it round), non-digits, overflow, out of
    // its range. None may start the run.
    for (const char* option :
         {"--threads", "-j", "--batch-bytes", "--max-record-bytes", "--max-expansion-ratio"})
        for (const char* value : {"-1", "-5", "x", "1.5", "", "99999999999999999999", "1T"}) {
            INFO(option << " '" << value << "'");
            fs::path out = dir / "numbers";
            CHECK(Run(investigate + out.string() + " " + option + " '" + value + "'") == 2);
            CHECK(!fs::exists(out));
            CHECK(Run("events " + kScenario + "export-jsonl " + option + " '" + value + "'") == 2);
        }
    for (const char* args :
         {"--threads 1025", "--batch-bytes 4095", "--batch-bytes 2G", "--max-record-bytes 1023",
          "--max-record-bytes 5G", "--max-expansion-ratio 1", "--threads 1K"}) {
        INFO(args);
        CHECK(Run(investigate + (dir / "numbers").string() + " " + args) == 2);
        CHECK(!fs::exists(dir / "numbers"));
    }
    // In range, suffixes included, the run goes ahead.
    CHECK(Run(investigate + (dir / "ok").string() +
              " --threads 1 --batch-bytes 4K --max-record-bytes 1M --max-expansion-ratio 2") == 0);

    // No rules loaded: the shipped packs dropped and none given, or a packs folder that is empty
    // (a binary copied without its packs); for investigate and events alike.
    CHECK(Run(investigate + (dir / "norules").string() + " --no-default-rules") == 2);
    CHECK(Run(investigate + (dir / "norules").string() + " --no-default-rules --rules " +
              (dir / "empty-rules").string()) == 2);
    CHECK(Run("events " + kScenario + "export-jsonl --no-default-rules") == 2);
    CHECK(ShellStatus("MINETRACE_RULES_DIR=" + (dir / "empty-rules").string() + " " +
                      std::string(MINETRACE_BINARY) + " " + investigate +
                      (dir / "norules").string() + " >/dev/null 2>&1") == 2);
    CHECK(!fs::exists(dir / "norules"));
    fs::remove_all(dir);
}

TEST_CASE("CLI: --max-quarantine caps the quarantine file, the manifest counts the rest",
          "[cli][quarantine]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-cli-qcap";
    fs::remove_all(dir);
    const std::string input =
        std::string(MINETRACE_FIXTURES_DIR) + "/ingest/unrecognized-and-missing.jsonl";
    CHECK(Run("events " + input + " --max-quarantine -1") == 2);
    CHECK(Run("events " + input + " --max-quarantine-per-file x") == 2);
    // The fixture has 5 quarantined records: 2 written, 3 counted only.
    REQUIRE(Run("investigate " + input + " --max-quarantine-per-file 2 --out " +
                (dir / "inv").string()) == 3);
    const std::string quarantine = ReadFile(dir / "inv" / "quarantine.jsonl");
    CHECK(std::count(quarantine.begin(), quarantine.end(), '\n') == 2);
    const std::string manifest = ReadFile(dir / "inv" / "manifest.json");
    CHECK(manifest.find("\"quarantined\": 5") != std::string::npos);
    CHECK(manifest.find("\"quarantine_unwritten\": 3") != std::string::npos);
    CHECK(manifest.find("\"quarantine_cap\": {\"per_file\": 2, \"total\": 100000}") !=
          std::string::npos);
    REQUIRE(Run("events " + input + " --out " + (dir / "e.jsonl").string() + " --quarantine " +
                (dir / "q.jsonl").string() + " --max-quarantine 1") == 3);
    const std::string events_quarantine = ReadFile(dir / "q.jsonl");
    CHECK(std::count(events_quarantine.begin(), events_quarantine.end(), '\n') == 1);
    fs::remove_all(dir);
}

TEST_CASE("CLI: standard input from a device is refused at once, a pipe is read", "[cli][inputs]") {
    struct stat st {};
    if (::stat("/dev/zero", &st) != 0 || !S_ISCHR(st.st_mode)) {
        WARN("/dev/zero is not a character device here: that case is not checked");
    } else {
        // `timeout` turns a hang into exit 124; the refusal is a file error, exit 3.
        CHECK(ShellStatus("timeout 20 " + std::string(MINETRACE_BINARY) +
                          " events - --out /dev/null </dev/zero >/dev/null 2>&1") == 3);
    }
    const std::string fixture =
        std::string(MINETRACE_FIXTURES_DIR) + "/ingest/export-caller-ip.jsonl";
    CHECK(ShellStatus("cat '" + fixture + "' | timeout 20 " + std::string(MINETRACE_BINARY) +
                      " events - --out /dev/null >/dev/null 2>&1") == 0);
}
