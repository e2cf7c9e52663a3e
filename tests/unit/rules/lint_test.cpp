// Lint: every problem of every file is reported with file:line and the rule id, in one run,
// and valid rules in the same files still load.
#include "rules/rules_command.hpp"
#include "rules/signal_kind.hpp"
#include "test_util.hpp"

#include <sstream>

using namespace minetrace;
using namespace minetrace::test;

namespace {

const std::string kLintDir = std::string(MINETRACE_FIXTURES_DIR) + "/rules/lint";

bool Has(const std::vector<LintMessage>& errors, const std::string& file_suffix, int line,
         const std::string& rule_id, const std::string& fragment) {
    for (const LintMessage& m : errors) {
        bool file_ok = m.file.size() >= file_suffix.size() &&
                       m.file.compare(m.file.size() - file_suffix.size(), file_suffix.size(),
                                      file_suffix) == 0;
        if (file_ok && m.line == line && m.rule_id == rule_id &&
            m.message.find(fragment) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("Lint: all errors of a directory at once, with file:line and rule id", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load({kLintDir}, errors);
    INFO(Describe(errors));
    CHECK_FALSE(set.ok());
    const std::string rules = "lint/bad_rules.yaml";
    CHECK(Has(errors, rules, 7, "bad-field", "unknown field 'request_body.properties'"));
    CHECK(Has(errors, rules, 16, "bad-regex", "does not compile: missing )"));
    CHECK(Has(errors, rules, 23, "bad-weight", "weight was removed from the rule format"));
    CHECK(Has(errors, rules, 33, "no-negative-example", "at least one match and one no_match"));
    CHECK(Has(errors, rules, 39, "bad-operator", "more than one operator"));
    CHECK(Has(errors, rules, 50, "bad-example-field", "example: unknown field 'vm_size'"));
    CHECK(Has(errors, rules, 57, "bad-transform", "yields a number"));
    CHECK(Has(errors, rules, 64, "bad-key", "unknown rule key 'wieght'"));
    CHECK(Has(errors, rules, 68, "", "id 'Bad Id' is not valid"));
    CHECK(Has(errors, rules, 80, "bad-unavailable", "needs a content_note"));
    CHECK(
        Has(errors, rules, 93, "bad-signal", "unknown signal 'gpu-skus' (known: compute-create,"));
    CHECK(Has(errors, "lint/bad_syntax.yaml", 5, "", "YAML syntax error"));
    CHECK(Has(errors, "lint/bad_sigma.yml", 9, "0b3d1f6e-3f44-4d0b-9e39-000000000001",
              "unsupported Sigma modifier 'windash'"));
    CHECK(Has(errors, "lint/bad_sigma_aggregation.yml", 9, "0b3d1f6e-3f44-4d0b-9e39-000000000002",
              "unsupported Sigma construct: aggregation"));
    CHECK(Has(errors, "lint/bad_sigma_logsource.yml", 4, "0b3d1f6e-3f44-4d0b-9e39-000000000003",
              "unsupported Sigma logsource"));
    CHECK(errors.size() == 15); // one per broken rule, nothing doubled
    // The valid rule of the broken file is still there (for `rules list`).
    REQUIRE(set.size() == 1);
    CHECK(set.rule(0).id == "good-rule");
}

TEST_CASE("Lint: RunRulesLint prints file:line messages and exits 2", "[rules]") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(RunRulesLint({kLintDir}, out, err) == 2);
    CHECK(err.str().find("bad_rules.yaml:16: bad-regex: regex") != std::string::npos);
    CHECK(out.str().find("15 errors") != std::string::npos);

    std::ostringstream ok_out;
    std::ostringstream ok_err;
    CHECK(RunRulesLint({MINETRACE_RULES_DIR}, ok_out, ok_err) == 0);
    CHECK(ok_err.str().empty());
    CHECK(ok_out.str().find(": ok") != std::string::npos);
}

TEST_CASE("Lint: a missing path is an error", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set =
        RuleSet::Load({std::string(MINETRACE_FIXTURES_DIR) + "/rules/no-such-dir"}, errors);
    CHECK_FALSE(set.ok());
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "rules path does not exist");
}

TEST_CASE("Lint: condition and predicate mistakes are named", "[rules]") {
    struct Case {
        const char* condition;
        const char* fragment;
    };
    const Case cases[] = {
        {"{all: []}", "'all' takes a non-empty list"},
        {"{all: [{field: operation, equals: a}], any: []}", "must be the only key"},
        {"{field: operation}", "predicate has no operator"},
        {"{field: operation, equals: a, colour: red}", "unknown predicate key 'colour'"},
        {"{field: operation, gt: many}", "gt needs a number"},
        {"{field: operation, equals: {a: b}}", "equals needs a string or a list of strings"},
        {"{field: operation, equals: ''}", ""},
        {"{field: operation, contains: ''}", "empty value"},
        {"{field: operation, startswith: a, base64offset: true}",
         "base64offset only applies to contains"},
        {"{field: operation, exists: maybe}", "exists must be true or false"},
        {"{field: operation, exists: true, as: vcpus}", "as does not apply to exists"},
        {"{field: request.a.**.b.**.c.**, exists: true}", "at most two '**'"},
        {"{field: request.a*, exists: true}", "'*' must be a whole path segment"},
        {"{field: request..a, exists: true}", "empty path segment"},
        {"{field: request.x, as: colour, equals: a}", "as: expected number, vcpus"},
        {"{sum: [{field: request.a}], gt: 1}", "at least two operands"},
        {"{product: [{field: request.a}, {field: request.b, as: vm_class}], gt: 1}",
         "operands need number"},
        {"{sum: [{field: request.a}, 1], equals: a}", "sum and product only work with"},
        {"{field: request.a, aggregate: most, gt: 1}", "aggregate must be any"},
        {"{field: request.a, match: some, equals: a}", "match must be any or all"},
        {"[a, b]", "a condition must be a map"},
    };
    for (const Case& c : cases) {
        INFO(c.condition);
        std::vector<LintMessage> errors = LintText(RuleText(c.condition));
        INFO(Describe(errors));
        if (std::string(c.fragment).empty()) {
            CHECK(errors.empty());
        } else {
            CHECK(HasError(errors, 6, c.fragment));
        }
    }
}

TEST_CASE("Lint: files that are not rule files", "[rules]") {
    CHECK(HasError(LintText(""), 0, "file holds no rules"));
    CHECK(HasError(LintText("just: a map\n"), 1, "not a rule file"));
    CHECK(HasError(LintText("rules: {a: b}\n"), 1, "rules: must be a list"));
    CHECK(HasError(LintText("rules: []\nextra: 1\n"), 2, "unknown top-level key 'extra'"));
    CHECK(
        HasError(LintText("rules:\n  - just a string\n"), 2, "each entry of rules: must be a map"));
    CHECK(HasError(LintText("rules:\n  - {id: x}\n"), 2, "rule has no title"));
}

TEST_CASE("Lint: a signal must be a kind of rules/signal_kind.hpp; weight was removed", "[rules]") {
    auto with_signal = [](const std::string& signal) {
        return "rules:\n  - id: t\n    title: t\n    description: d\n    signal: " + signal +
               "\n    condition: {field: operation, equals: a}\n"
               "    examples: {match: [{operation: a}], no_match: [{operation: b}]}\n";
    };
    for (std::string_view kind : signal_kind::kNative) {
        INFO(kind);
        CHECK(LintText(with_signal(std::string(kind))).empty());
    }
    CHECK(HasError(LintText(with_signal("gpu-skus")), 5, "unknown signal 'gpu-skus'"));
    CHECK(HasError(LintText(with_signal("GPU-SKU")), 5, "unknown signal 'GPU-SKU'"));
    CHECK(HasError(LintText(with_signal("sigma")), 5, "reserved for Sigma rules"));
    CHECK(HasError(LintText(RuleText("{field: operation, equals: a}", "    weight: 40\n")), 6,
                   "weight was removed from the rule format"));
}

TEST_CASE("Lint: example values are checked when loading", "[rules]") {
    std::string extra;
    std::string text =
        "rules:\n  - id: t\n    title: t\n    description: d\n    signal: execution\n"
        "    condition: {field: operation, equals: a}\n"
        "    examples:\n      match:\n        - {time: yesterday}\n"
        "        - {phase: accepted, kind: syslog}\n"
        "        - {caller.mfa: perhaps}\n"
        "        - {resource_provider: microsoft.compute}\n"
        "        - {operation: [a, b]}\n"
        "        - {_content_unavailable: sometimes}\n"
        "      no_match: [{operation: b}]\n";
    std::vector<LintMessage> errors = LintText(text);
    INFO(Describe(errors));
    CHECK(HasError(errors, 9, "time: cannot parse 'yesterday'"));
    CHECK(HasError(errors, 10, "kind: expected activity-export"));
    CHECK(HasError(errors, 11, "caller.mfa: expected yes, no or unknown"));
    CHECK(HasError(errors, 12, "'resource_provider' is derived"));
    CHECK(HasError(errors, 13, "takes a single value"));
    CHECK(HasError(errors, 14, "_content_unavailable must be true or false"));
}

TEST_CASE("Rules test: failing examples are reported and exit 2", "[rules]") {
    std::ostringstream out;
    std::ostringstream err;
    int code =
        RunRulesTest({std::string(MINETRACE_FIXTURES_DIR) + "/rules/failing_example"}, out, err);
    INFO(out.str() << err.str());
    CHECK(code == 2);
    CHECK(err.str().find("failing.yaml:12: failing-example: match example did not match") !=
          std::string::npos);
    CHECK(err.str().find("failing.yaml:13: failing-example: example expected content available") !=
          std::string::npos);
    CHECK(err.str().find("failing.yaml:16: failing-example: no_match example matched") !=
          std::string::npos);
    CHECK(out.str().find("3 examples, 0 passed, 3 failed") != std::string::npos);

    std::ostringstream lint_out;
    std::ostringstream lint_err;
    CHECK(RunRulesTest({kLintDir}, lint_out, lint_err) == 2);
    CHECK(lint_out.str().find("not run") != std::string::npos);
}

TEST_CASE("Rules list: one line per rule, overrides named", "[rules]") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(
        RunRulesList({MINETRACE_RULES_DIR, std::string(MINETRACE_FIXTURES_DIR) + "/rules/override"},
                     out, err) == 0);
    CHECK(err.str().empty());
    std::string text = out.str();
    CHECK(text.rfind("id\tsignal\tlevel\tsource\ttitle\n", 0) == 0);
    CHECK(text.find("mt-compute-vm-write\tcompute-create\tmedium\t") != std::string::npos);
    CHECK(text.find("Local override of the VM write rule (replaces ") != std::string::npos);
    CHECK(text.find("mt-sku-gpu\tgpu-sku\tmedium\t") != std::string::npos);
}

TEST_CASE("Rules: enabled: false in a later path removes a shipped rule", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet shipped = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    RuleSet set = RuleSet::Load(
        {MINETRACE_RULES_DIR, std::string(MINETRACE_FIXTURES_DIR) + "/rules/disable"}, errors);
    CHECK(errors.empty());
    CHECK(set.ok());
    CHECK(set.size() + 1 == shipped.size());
    CHECK_FALSE(set.Find("mt-compute-vm-start"));
    CHECK(HasError(LintText("rules:\n  - {id: x, enabled: no}\n"), 2,
                   "enabled must be true or false"));
}
