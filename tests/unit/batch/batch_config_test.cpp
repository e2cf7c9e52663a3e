// The batch config: defaults, relative paths, and every error reported at once with its
// file:line:col.
#include "batch/batch_config.hpp"
#include "unit/batch/batch_test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace minetrace::batch;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> Format(const std::vector<ConfigError>& errors) {
    std::vector<std::string> lines;
    for (const ConfigError& e : errors) lines.push_back(FormatConfigError(e));
    return lines;
}

bool Has(const std::vector<std::string>& lines, const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

} // namespace

TEST_CASE("Batch config: a valid config, defaults and relative paths", "[batch][config]") {
    const std::string text = R"(state_dir: state
defaults:
  look_back_days: 30
  languages: [ja]
  rules: [rules/common]
  threads: 2
cases:
  - name: contoso
    tenant_id: 0F6E8A3C-1111-2222-3333-444455556666
    inputs: [exports/contoso, /abs/extra.json]
    out: reports/contoso/
  - name: fabrikam.eu
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: [exports/fabrikam]
    out: reports/fabrikam
    look_back_days: 7
    languages: [en, ja]
    rules: [rules/fabrikam]
)";
    std::vector<ConfigError> errors;
    BatchConfig config = ParseBatchConfig(text, "/etc/minetrace/nightly.yaml", errors);
    for (const std::string& line : Format(errors)) UNSCOPED_INFO(line);
    REQUIRE(errors.empty());
    CHECK(config.state_dir == "/etc/minetrace/state");
    CHECK(config.threads == 2);
    REQUIRE(config.cases.size() == 2);
    const CaseConfig& a = config.cases[0];
    CHECK(a.name == "contoso");
    CHECK(a.tenant_id == "0f6e8a3c-1111-2222-3333-444455556666");
    CHECK(a.inputs == std::vector<fs::path>{"/etc/minetrace/exports/contoso", "/abs/extra.json"});
    CHECK(a.out == "/etc/minetrace/reports/contoso");
    CHECK(a.look_back_days == 30);
    CHECK(a.languages == std::vector<std::string>{"ja"});
    CHECK(a.rules == std::vector<fs::path>{"/etc/minetrace/rules/common"});
    CHECK(a.line == 8);
    const CaseConfig& b = config.cases[1];
    CHECK(b.look_back_days == 7);
    CHECK(b.languages == std::vector<std::string>{"en", "ja"});
    // A case's rules come after the defaults' rules.
    CHECK(b.rules ==
          std::vector<fs::path>{"/etc/minetrace/rules/common", "/etc/minetrace/rules/fabrikam"});

    // Without defaults: 90 days, both languages, no extra rules, all cores.
    errors.clear();
    BatchConfig bare = ParseBatchConfig(R"(state_dir: /s
cases:
  - {name: a, tenant_id: 11111111-2222-3333-4444-555555555555, inputs: [/in], out: /out}
)",
                                        "/etc/c.yaml", errors);
    REQUIRE(errors.empty());
    CHECK(bare.cases[0].look_back_days == 90);
    CHECK(bare.cases[0].languages == std::vector<std::string>{"en", "ja"});
    CHECK(bare.cases[0].rules.empty());
    CHECK(bare.threads == 0);
}

TEST_CASE("Batch config: every error at once, each with file:line:col", "[batch][config]") {
    const std::string text = R"(state_dir: /srv/state
colour: blue
defaults:
  look_back_days: -3
  languages: [en, fr]
  threads: many
cases:
  - name: contoso
    tenant_id: not-a-guid
    inputs: []
    out: /srv/out/contoso
  - name: Contoso
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: /srv/in/b
    out: /srv/out/contoso
    look_back_days: 4000
    flavour: x
  - name: ../escape
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: [/srv/in/c]
    out: /srv/out/contoso/inner
  - name: missing-bits
    languages: en
  - name: dup-key
    name: dup-key-again
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: [/srv/in/d, /srv/out/e/input]
    out: /srv/out/e
)";
    std::vector<ConfigError> errors;
    ParseBatchConfig(text, "/etc/minetrace/nightly.yaml", errors);
    std::vector<std::string> lines = Format(errors);
    std::string all;
    for (const std::string& l : lines) all += l + "\n";
    INFO(all);
    const std::string f = "/etc/minetrace/nightly.yaml:";
    CHECK(Has(lines, f + "2:1: config: unknown key 'colour'"));
    CHECK(Has(lines, f + "4:19: defaults.look_back_days: must be a whole number from 1 to 3650"));
    CHECK(Has(lines, f + "5:19: languages: each must be en or ja"));
    CHECK(Has(lines, f + "6:12: defaults.threads: must be a whole number from 0 to 1024"));
    CHECK(Has(lines, f + "9:16: tenant_id: 'not-a-guid' is not a GUID"));
    CHECK(Has(lines, f + "10:13: inputs: must name at least one file or folder"));
    CHECK(Has(lines, f + "12:11: name: case 'Contoso' given twice (first on line 8"));
    CHECK(Has(lines, f + "14:13: inputs: must be a list of paths"));
    CHECK(Has(lines, f + "15:10: the out folder of case 'Contoso' is the same folder as the out "
                         "folder of case 'contoso' (line 11)"));
    CHECK(Has(lines, f + "16:21: look_back_days: must be a whole number from 1 to 3650"));
    CHECK(Has(lines, f + "17:5: case: unknown key 'flavour'"));
    CHECK(Has(lines, f + "18:11: name: '../escape' must be 1 to 64 letters"));
    // The out folder inside two others: each pair once, at the later of the two.
    CHECK(Has(lines, f + "21:10: the out folder of case 'on line 18' lies inside the out folder "
                         "of case 'contoso' (line 11)"));
    CHECK(Has(lines, f + "21:10: the out folder of case 'on line 18' lies inside the out folder "
                         "of case 'Contoso' (line 15)"));
    CHECK(Has(lines, f + "22:5: case: 'tenant_id' is required"));
    CHECK(Has(lines, f + "22:5: case: 'inputs' is required"));
    CHECK(Has(lines, f + "22:5: case: 'out' is required"));
    CHECK(Has(lines, f + "23:16: languages: must be a list of en and/or ja"));
    CHECK(Has(lines, f + "25:5: case: key 'name' given twice (first on line 24)"));
    CHECK(Has(lines, f + "28:10: the out folder of case 'dup-key' holds an input of case "
                         "'dup-key' (line 27): a run would read its own outputs or state"));
    CHECK(lines.size() == 20);
    // Sorted by position.
    CHECK(std::is_sorted(errors.begin(), errors.end(),
                         [](const ConfigError& a, const ConfigError& b) {
                             return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                         }));
}

TEST_CASE("Batch config: overlapping folders, the state directory, symlinks", "[batch][config]") {
    fs::path root = test::FreshDir("config-overlap");
    fs::create_directories(root / "real");
    fs::create_symlink(root / "real", root / "alias");
    const std::string text = "state_dir: " + (root / "exports/state").string() + R"(
cases:
  - name: a
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: [exports]
    out: real/a
  - name: b
    tenant_id: 11111111-2222-3333-4444-555555555555
    inputs: [exports/b, exports/b/again]
    out: alias/a
)";
    std::vector<ConfigError> errors;
    ParseBatchConfig(text, root / "c.yaml", errors);
    std::vector<std::string> lines = Format(errors);
    std::string all;
    for (const std::string& l : lines) all += l + "\n";
    INFO(all);
    // The state directory inside an input; a symlinked out folder that is another case's.
    CHECK(Has(lines, ":5:14: an input of case 'a' holds the state_dir (line 1): a run would read "
                     "its own outputs or state"));
    CHECK(Has(lines, ":10:10: the out folder of case 'b' is the same folder as the out folder of "
                     "case 'a' (line 6)"));
    // Nested inputs are fine (a file is read once); so is b's input inside a's input.
    CHECK(lines.size() == 2);
    fs::remove_all(root);
}

TEST_CASE("Batch config: syntax errors, empty and unreadable files", "[batch][config]") {
    std::vector<ConfigError> errors;
    ParseBatchConfig("state_dir: /s\ncases:\n  - name: [unclosed\n", "/c.yaml", errors);
    REQUIRE(errors.size() == 1);
    CHECK(FormatConfigError(errors[0]).starts_with("/c.yaml:4:1: YAML syntax error"));

    errors.clear();
    ParseBatchConfig("# nothing\n", "/c.yaml", errors);
    REQUIRE(errors.size() == 1);
    CHECK(FormatConfigError(errors[0]) == "/c.yaml: the config is empty (it needs state_dir and "
                                          "cases)");

    errors.clear();
    ParseBatchConfig("- a\n- b\n", "/c.yaml", errors);
    REQUIRE(errors.size() == 1);
    CHECK(FormatConfigError(errors[0]) ==
          "/c.yaml:1:1: the config must be a map with state_dir, defaults and cases");

    errors.clear();
    ParseBatchConfig("defaults: {}\n", "/c.yaml", errors);
    CHECK(errors.size() == 2); // state_dir and cases required

    errors.clear();
    LoadBatchConfig("/nonexistent/minetrace-batch.yaml", errors);
    REQUIRE(errors.size() == 1);
    CHECK(FormatConfigError(errors[0]) ==
          "/nonexistent/minetrace-batch.yaml: cannot read the config file");
}
