// `minetrace batch` through the binary: the subcommand is wired, a broken config is refused with
// every error and its position (exit 2) before anything is created, and --check accepts a valid
// one. The runs themselves are tested against a fake engine in tests/unit/batch/.
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;

using minetrace::test::ReadFile;
using minetrace::test::ShellStatus;
using minetrace::test::WriteFile;

TEST_CASE("CLI: batch checks its config", "[cli][batch]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-cli-batch";
    fs::remove_all(dir);
    fs::create_directories(dir / "in");
    const std::string bin = MINETRACE_BINARY;
    WriteFile(dir / "bad.yaml", "state_dir: state\ncases:\n  - name: a\n    tenant_id: nope\n"
                                "    inputs: [in]\n    out: in/out\n");
    CHECK(ShellStatus(bin + " batch --config " + (dir / "bad.yaml").string() + " >" +
                      (dir / "out.txt").string() + " 2>" + (dir / "err.txt").string()) == 2);
    std::string err = ReadFile(dir / "err.txt");
    CHECK(err.find("bad.yaml:4:16: tenant_id: 'nope' is not a GUID") != std::string::npos);
    CHECK(err.find("bad.yaml:6:10: the out folder of case 'a' lies inside an input of case 'a'") !=
          std::string::npos);
    CHECK(err.find("2 errors in the config; nothing was run") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "state"));

    WriteFile(dir / "good.yaml", "state_dir: state\ncases:\n  - name: a\n"
                                 "    tenant_id: 11111111-2222-3333-4444-555555555555\n"
                                 "    inputs: [in]\n    out: reports/a\n");
    CHECK(ShellStatus(bin + " batch --config " + (dir / "good.yaml").string() +
                      " --check >/dev/null 2>&1") == 0);
    CHECK(ShellStatus(bin + " batch >/dev/null 2>&1") == 2);
    CHECK(ShellStatus(bin + " batch --config " + (dir / "good.yaml").string() +
                      " --now never >/dev/null 2>&1") == 2);
    fs::remove_all(dir);
}
