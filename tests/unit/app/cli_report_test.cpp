// `minetrace investigate` writes the reports: file set per --lang, containment scripts never
// executable, and colours only on a terminal (a pseudo-terminal from script(1)).
#include "unit/test_util.hpp"

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

const std::string kBinary = MINETRACE_BINARY;
const std::string kInputs = std::string(MINETRACE_FIXTURES_DIR) +
                            "/scenarios/intrusion/export-jsonl " + MINETRACE_FIXTURES_DIR +
                            "/scenarios/intrusion/partner-center";

} // namespace

TEST_CASE("CLI reports: --lang selects the response pack; scripts are mode 0644", "[report]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-report-cli";
    fs::remove_all(dir);
    REQUIRE(ShellStatus(kBinary + " investigate " + kInputs + " -q --out " +
                        (dir / "both").string() + " > /dev/null") == 0);
    for (const char* name :
         {"report.html", "report.md", "support-request.txt", "containment.sh", "next-steps.md",
          "support-request.ja.txt", "containment.ja.sh", "next-steps.ja.md"}) {
        INFO(name);
        CHECK(fs::exists(dir / "both" / name));
    }
    for (const char* script : {"containment.sh", "containment.ja.sh"}) {
        struct stat st {};
        REQUIRE(stat((dir / "both" / script).c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0644);
    }
    // A pre-existing executable file is replaced by a non-executable one (--force: it has an
    // output's name, so it counts as an earlier run's).
    fs::create_directories(dir / "en");
    std::ofstream(dir / "en" / "containment.sh") << "old";
    fs::permissions(dir / "en" / "containment.sh", fs::perms::all);
    REQUIRE(ShellStatus(kBinary + " investigate " + kInputs + " -q --lang en --force --out " +
                        (dir / "en").string() + " > /dev/null") == 0);
    CHECK(fs::exists(dir / "en" / "support-request.txt"));
    CHECK_FALSE(fs::exists(dir / "en" / "support-request.ja.txt"));
    CHECK((fs::status(dir / "en" / "containment.sh").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
           fs::perms::others_read));
    REQUIRE(ShellStatus(kBinary + " investigate " + kInputs + " -q --lang ja --out " +
                        (dir / "ja").string() + " > /dev/null") == 0);
    CHECK(fs::exists(dir / "ja" / "next-steps.ja.md"));
    CHECK_FALSE(fs::exists(dir / "ja" / "next-steps.md"));
    CHECK(ShellStatus(kBinary + " investigate " + kInputs + " --lang fr --out " +
                      (dir / "fr").string() + " > /dev/null 2>&1") == 2);
    // Two runs into different directories: the reports are byte-identical.
    for (const char* name : {"report.html", "report.md", "containment.sh", "support-request.txt"})
        CHECK(ReadFile(dir / "both" / name) == ReadFile(dir / "en" / name));
    fs::remove_all(dir);
}

TEST_CASE("CLI reports: colours only on a terminal; --no-color and NO_COLOR turn them off",
          "[report]") {
    if (ShellStatus("command -v script > /dev/null 2>&1") != 0) {
        WARN("SKIPPED: script(1) is not installed; no pseudo-terminal to test colours with");
        return;
    }
    fs::path dir = fs::temp_directory_path() / "minetrace-report-tty";
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto on_tty = [&](const std::string& env, const std::string& flags, const char* log) {
        std::string inner = env + " " + kBinary + " investigate " + kInputs +
                            " --no-progress --force " + flags + " --out " + (dir / "out").string();
        // script(1) gives the command a pseudo-terminal for stdout and stderr.
        ShellStatus("script -qec '" + inner + "' " + (dir / log).string() + " > /dev/null 2>&1");
        return ReadFile(dir / log);
    };
    std::string coloured = on_tty("env -u NO_COLOR", "", "a.log");
    REQUIRE(coloured.find("suspicious resources") != std::string::npos);
    CHECK(coloured.find("\x1b[1;31mHIGH\x1b[0m") != std::string::npos);
    CHECK(on_tty("env -u NO_COLOR", "--no-color", "b.log").find("\x1b[") == std::string::npos);
    CHECK(on_tty("env NO_COLOR=1", "", "c.log").find("\x1b[") == std::string::npos);
    // Not a terminal: no colours.
    REQUIRE(ShellStatus("env -u NO_COLOR " + kBinary + " investigate " + kInputs +
                        " --force --out " + (dir / "out").string() + " > " +
                        (dir / "d.log").string() + " 2>&1") == 0);
    CHECK(ReadFile(dir / "d.log").find('\x1b') == std::string::npos);
    fs::remove_all(dir);
}
