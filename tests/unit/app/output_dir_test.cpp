// The output directory's promises, end to end through the binary: a complete set has a
// completion marker whose hashes match every file; a used directory is refused without --force
// and never mixed with it; planted symlinks are never followed; an output that is an input is
// refused; files under --out are not read back; a run that did not complete is cleaned up.
#include "core/sha256.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <simdjson.h>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

using minetrace::test::ReadFile;
using minetrace::test::ShellStatus;

const std::string kBinary = MINETRACE_BINARY;
const std::string kInputs =
    std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/export-jsonl";

int Run(const std::string& args) {
    return ShellStatus(kBinary + " " + args + " >/dev/null 2>&1");
}

void Write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Every file of the set against completion.json: present, same size and SHA-256, nothing
// unlisted but the marker itself. Returns the listed names.
std::set<std::string> CheckComplete(const fs::path& dir) {
    REQUIRE(fs::exists(dir / "completion.json"));
    CHECK(!fs::exists(dir / ".minetrace-run"));
    simdjson::dom::parser parser;
    simdjson::dom::element marker = parser.load((dir / "completion.json").string());
    std::set<std::string> listed;
    for (simdjson::dom::element f : simdjson::dom::array(marker["files"])) {
        std::string name{std::string_view(f["name"])};
        INFO(name);
        listed.insert(name);
        std::string bytes = ReadFile(dir / name);
        CHECK(bytes.size() == uint64_t(f["bytes"]));
        CHECK(minetrace::Sha256Hex(bytes) == std::string_view(f["sha256"]));
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        INFO("on disk: " << name);
        CHECK((name == "completion.json" || listed.count(name) == 1));
    }
    return listed;
}

} // namespace

TEST_CASE("Output directory: complete sets, no mixing, no symlinks, no reading back",
          "[app][reliability]") {
    fs::path root = fs::temp_directory_path() / "minetrace-output-dir";
    fs::remove_all(root);
    fs::create_directories(root);
    const fs::path out = root / "out";

    // A complete set: every file listed with its hash.
    REQUIRE(Run("investigate " + kInputs + " --out " + out.string()) == 0);
    std::set<std::string> both = CheckComplete(out);
    CHECK(both.count("containment.ja.sh") == 1);
    CHECK(both.count("manifest.json") == 1);
    CHECK(both.count("quarantine.jsonl") == 1);

    // A used directory is refused without --force and left as it was.
    std::string before = ReadFile(out / "completion.json");
    CHECK(Run("investigate " + kInputs + " --lang en --out " + out.string()) == 2);
    CHECK(ReadFile(out / "completion.json") == before);
    CHECK(fs::exists(out / "containment.ja.sh"));
    // With --force the earlier run's files go: an English-only rerun leaves no Japanese file.
    REQUIRE(Run("investigate " + kInputs + " --lang en --force --out " + out.string()) == 0);
    std::set<std::string> english = CheckComplete(out);
    CHECK(english.count("containment.ja.sh") == 0);
    CHECK(!fs::exists(out / "containment.ja.sh"));

    // Files minetrace did not write: refused; with --force left alone (and not in the set).
    fs::path mixed = root / "mixed";
    fs::create_directories(mixed);
    Write(mixed / "notes.txt", "the responder's own notes\n");
    CHECK(Run("investigate " + kInputs + " --out " + mixed.string()) == 2);
    CHECK(!fs::exists(mixed / "completion.json"));
    REQUIRE(Run("investigate " + kInputs + " --force --out " + mixed.string()) == 0);
    CHECK(ReadFile(mixed / "notes.txt") == "the responder's own notes\n");

    // Planted symlinks: an output name pointing elsewhere is replaced, the target untouched.
    fs::path planted = root / "planted";
    fs::create_directories(planted);
    Write(root / "victim", "keep me\n");
    fs::path tmp_marker = planted / ".minetrace-run";
    for (const char* name : {"report.html", "containment.sh", "manifest.json", "quarantine.jsonl"})
        fs::create_symlink(root / "victim", planted / name);
    // A planted symlink is itself a file minetrace did not write? It has an output's name: it is
    // taken as an earlier (broken) set and needs --force.
    REQUIRE(Run("investigate " + kInputs + " --force --out " + planted.string()) == 0);
    CHECK(ReadFile(root / "victim") == "keep me\n");
    CHECK(!fs::is_symlink(planted / "report.html"));
    CheckComplete(planted);
    CHECK(!fs::exists(tmp_marker));
    // --out that is a symlink is refused.
    fs::create_directory_symlink(out, root / "link");
    CHECK(Run("investigate " + kInputs + " --force --out " + (root / "link").string()) == 2);

    // An output that is an input: refused before anything is written.
    fs::path copy = root / "input.jsonl";
    fs::copy_file(fs::path(kInputs) / "insights-activity-logs/resourceId=/SUBSCRIPTIONS/"
                                      "23796C67-2F4B-4FEB-B0FE-60D76B018983/y=2026/m=09/d=09/h=10/"
                                      "m=00/PT1H.json",
                  copy);
    std::string input_bytes = ReadFile(copy);
    CHECK(Run("events " + copy.string() + " --out " + copy.string()) == 2);
    CHECK(Run("events " + copy.string() + " --quarantine " + copy.string()) == 2);
    CHECK(ReadFile(copy) == input_bytes);
    CHECK(Run("investigate " + out.string() + " --force --out " + out.string()) == 2);
    CHECK(Run("investigate " + (out / "resources.jsonl").string() + " --force --out " +
              out.string()) == 2);
    // events --out writes atomically too, replacing a planted symlink rather than its target.
    fs::create_symlink(root / "victim", root / "events.jsonl");
    REQUIRE(Run("events " + copy.string() + " --out " + (root / "events.jsonl").string()) == 0);
    CHECK(ReadFile(root / "victim") == "keep me\n");
    CHECK(ReadFile(root / "events.jsonl").find("\"operation\"") != std::string::npos);

    // --out inside an input folder: the earlier run's outputs there are not read back.
    fs::path folder = root / "folder";
    fs::create_directories(folder);
    fs::copy_file(copy, folder / "PT1H.json");
    REQUIRE(Run("investigate " + folder.string() + " --out " + (folder / "out").string()) == 0);
    std::string first = ReadFile(folder / "out" / "manifest.json");
    REQUIRE(Run("investigate " + folder.string() + " --force --out " + (folder / "out").string()) ==
            0);
    std::string second = ReadFile(folder / "out" / "manifest.json");
    CHECK(second.find("resources.jsonl") == std::string::npos);
    CHECK(second.find("\"path\"") != std::string::npos);
    auto files_line = [](const std::string& manifest) {
        size_t at = manifest.find("\"files\"");
        return manifest.substr(at, manifest.find(']', at) - at);
    };
    CHECK(files_line(first) == files_line(second));

    // A run that did not complete (killed: in-progress marker, a temporary, no completion
    // marker) is cleaned up by the next run without --force.
    fs::path killed = root / "killed";
    fs::create_directories(killed);
    Write(killed / ".minetrace-run", "999999999 no-such-host\n");
    Write(killed / "resources.jsonl", "{\"half\": true}\n");
    Write(killed / ".timeline.jsonl.tmp-ab12Cd", "partial");
    REQUIRE(Run("investigate " + kInputs + " --out " + killed.string()) == 0);
    CheckComplete(killed);
    CHECK(!fs::exists(killed / ".timeline.jsonl.tmp-ab12Cd"));
    CHECK(ReadFile(killed / "resources.jsonl").find("\"half\"") == std::string::npos);
    fs::remove_all(root);
}
