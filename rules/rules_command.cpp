#include "rules/rules_command.hpp"

#include "core/escape.hpp"
#include "rules/rule_set.hpp"

#include <algorithm>

namespace minetrace {

namespace {

constexpr int kConfigError = 2;

std::string Safe(std::string_view text) {
    std::string out;
    AppendTerminalSafe(out, text);
    return out;
}

void PrintMessage(std::ostream& err, const LintMessage& m) {
    std::string line = Safe(m.file.empty() ? "<rules>" : m.file);
    if (m.line > 0) {
        line += ':';
        line += std::to_string(m.line);
    }
    line += ": ";
    if (!m.rule_id.empty()) line += Safe(m.rule_id) + ": ";
    line += Safe(m.message);
    err << line << '\n';
}

// Loads and prints every error; returns the set (check ok()).
RuleSet LoadReporting(const std::vector<std::string>& paths, std::ostream& err) {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load(paths, errors);
    for (const LintMessage& m : errors) PrintMessage(err, m);
    return set;
}

size_t CountSigma(const RuleSet& set) {
    size_t n = 0;
    for (uint32_t i = 0; i < set.size(); ++i) n += set.rule(i).is_sigma ? 1 : 0;
    return n;
}

} // namespace

int RunRulesLint(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load(paths, errors);
    for (const LintMessage& m : errors) PrintMessage(err, m);
    out << "rules lint: " << set.size() << " rules (" << CountSigma(set) << " Sigma) from "
        << set.file_count() << " files: ";
    if (errors.empty()) {
        out << "ok\n";
        return 0;
    }
    out << errors.size() << (errors.size() == 1 ? " error\n" : " errors\n");
    return kConfigError;
}

int RunRulesTest(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
    RuleSet set = LoadReporting(paths, err);
    if (!set.ok()) {
        out << "rules test: not run, the rules have errors (see rules lint)\n";
        return kConfigError;
    }
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<RuleHit> hits;
    size_t examples = 0;
    size_t failures = 0;
    std::vector<uint32_t> without_examples;
    for (uint32_t index = 0; index < set.size(); ++index) {
        const Rule& rule = set.rule(index);
        if (rule.examples.empty()) {
            without_examples.push_back(index);
            continue;
        }
        for (const RuleExample& example : rule.examples) {
            ++examples;
            hits.clear();
            set.Match(example.event->event(), *scratch, hits);
            auto it = std::find_if(hits.begin(), hits.end(),
                                   [&](const RuleHit& h) { return h.rule == index; });
            bool matched = it != hits.end();
            std::string problem;
            if (matched != example.should_match) {
                problem = example.should_match ? "match example did not match"
                                               : "no_match example matched";
            } else if (matched && example.content_unavailable &&
                       *example.content_unavailable != it->content_unavailable) {
                problem = *example.content_unavailable
                              ? "example expected content unavailable, the rule did not say so"
                              : "example expected content available, the rule said unavailable";
            }
            if (!problem.empty()) {
                ++failures;
                PrintMessage(err, LintMessage{rule.source_file, example.line, rule.id, problem});
            }
        }
    }
    for (uint32_t index : without_examples) {
        const Rule& rule = set.rule(index);
        out << "no examples: " << Safe(rule.id) << " (" << Safe(rule.source_file) << ")\n";
    }
    out << "rules test: " << set.size() << " rules, " << examples << " examples, "
        << (examples - failures) << " passed, " << failures << " failed, "
        << without_examples.size() << " rules without examples\n";
    return failures == 0 ? 0 : kConfigError;
}

int RunRulesList(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
    RuleSet set = LoadReporting(paths, err);
    out << "id\tsignal\tlevel\tsource\ttitle\n";
    for (uint32_t index = 0; index < set.size(); ++index) {
        const Rule& rule = set.rule(index);
        out << Safe(rule.id) << '\t' << Safe(rule.signal) << '\t'
            << (rule.level.empty() ? "-" : Safe(rule.level)) << '\t' << Safe(rule.source_file)
            << ':' << rule.source_line << '\t' << Safe(rule.title);
        if (!rule.replaces.empty()) out << " (replaces " << Safe(rule.replaces) << ")";
        out << '\n';
    }
    out << set.size() << " rules (" << CountSigma(set) << " Sigma) from " << set.file_count()
        << " files\n";
    return set.ok() ? 0 : kConfigError;
}

} // namespace minetrace
