// Helpers for the rules tests: one-rule sets from a condition, events from field/value pairs.
#pragma once

#include "rules/example_event.hpp"
#include "rules/rule_set.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace minetrace::test {

// A native rule file with one rule "t" whose condition (and optional extra keys, each line
// indented by four spaces) is given in YAML flow or block style indented for `condition:`.
inline std::string RuleText(const std::string& condition, const std::string& extra = "",
                            const std::string& id = "t") {
    return "rules:\n  - id: " + id +
           "\n    title: test rule\n    description: test\n    signal: execution\n" + extra +
           "    condition: " + condition +
           "\n    examples: {match: [{operation: a}], no_match: [{operation: b}]}\n";
}

inline RuleSet LoadOrFail(const std::vector<RuleSource>& sources) {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::LoadSources(sources, errors);
    for (const LintMessage& m : errors) {
        UNSCOPED_INFO(m.file << ":" << m.line << ": " << m.rule_id << ": " << m.message);
    }
    REQUIRE(errors.empty());
    return set;
}

inline RuleSet OneRule(const std::string& condition, const std::string& extra = "") {
    return LoadOrFail({{"test.yaml", RuleText(condition, extra)}});
}

inline std::shared_ptr<ExampleEvent>
Ev(std::initializer_list<std::pair<const char*, std::string>> fields) {
    auto event = std::make_shared<ExampleEvent>();
    for (const auto& [name, value] : fields) {
        std::string error;
        INFO(name);
        REQUIRE(event->Set(name, value, error));
    }
    return event;
}

inline std::vector<RuleHit> Hits(const RuleSet& set, const ExampleEvent& event) {
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<RuleHit> hits;
    set.Match(event.event(), *scratch, hits);
    return hits;
}

inline bool Matches(const RuleSet& set, const ExampleEvent& event) {
    return !Hits(set, event).empty();
}

// Errors of loading `text` as one file.
inline std::vector<LintMessage> LintText(const std::string& text,
                                         const std::string& name = "test.yaml") {
    std::vector<LintMessage> errors;
    RuleSet::LoadSources({{name, text}}, errors);
    return errors;
}

inline bool HasError(const std::vector<LintMessage>& errors, int line,
                     const std::string& fragment) {
    for (const LintMessage& m : errors) {
        if ((line == 0 || m.line == line) && m.message.find(fragment) != std::string::npos) {
            return true;
        }
    }
    return false;
}

inline std::string Describe(const std::vector<LintMessage>& errors) {
    std::string out;
    for (const LintMessage& m : errors) {
        out += m.file + ":" + std::to_string(m.line) + ": " + m.rule_id + ": " + m.message + "\n";
    }
    return out;
}

} // namespace minetrace::test
