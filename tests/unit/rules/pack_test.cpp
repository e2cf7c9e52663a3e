// The shipped pack: lints clean, every rule has a matching and a non-matching example, and every
// example passes (what `minetrace rules test` runs in CI).
#include "rules/rule_set.hpp"
#include "rules/rules_command.hpp"
#include "rules/signal_kind.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

using namespace minetrace;

namespace {

std::vector<std::string> PackPaths() {
    return {MINETRACE_RULES_DIR};
}

} // namespace

TEST_CASE("Pack: loads without lint errors", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load(PackPaths(), errors);
    for (const LintMessage& m : errors) {
        UNSCOPED_INFO(m.file << ":" << m.line << ": " << m.rule_id << ": " << m.message);
    }
    CHECK(errors.empty());
    CHECK(set.ok());
    CHECK(set.size() >= 50);
    // Every kind the analysis knows is raised by some shipped rule: the list has no dead names.
    std::set<std::string> used;
    for (uint32_t i = 0; i < set.size(); ++i) used.insert(set.rule(i).signal);
    for (std::string_view kind : signal_kind::kNative) {
        INFO(kind);
        CHECK(used.count(std::string(kind)) == 1);
    }
}

TEST_CASE("Pack: every rule has match and no_match examples and metadata", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load(PackPaths(), errors);
    REQUIRE(errors.empty());
    std::set<std::string> ids;
    for (uint32_t i = 0; i < set.size(); ++i) {
        const Rule& rule = set.rule(i);
        INFO(rule.id);
        CHECK_FALSE(rule.is_sigma);
        CHECK(ids.insert(rule.id).second);
        CHECK_FALSE(rule.title.empty());
        CHECK_FALSE(rule.description.empty());
        CHECK_FALSE(rule.signal.empty());
        size_t positive = 0;
        size_t negative = 0;
        for (const RuleExample& e : rule.examples) (e.should_match ? positive : negative)++;
        CHECK(positive >= 1);
        CHECK(negative >= 1);
    }
}

TEST_CASE("Pack: rules test passes for every example", "[rules]") {
    std::ostringstream out;
    std::ostringstream err;
    int code = RunRulesTest(PackPaths(), out, err);
    INFO(out.str());
    INFO(err.str());
    CHECK(code == 0);
    CHECK(err.str().empty());
    CHECK(out.str().find(" 0 failed") != std::string::npos);
}

TEST_CASE("Pack: rules/README.md lists every shipped rule", "[rules]") {
    std::ifstream in(std::string(MINETRACE_RULES_DIR) + "/../README.md");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load(PackPaths(), errors);
    for (uint32_t i = 0; i < set.size(); ++i) {
        INFO(set.rule(i).id);
        CHECK(text.str().find("| `" + set.rule(i).id + "` |") != std::string::npos);
    }
}
