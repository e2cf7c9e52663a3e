// Rule metadata as loaded from a rule file (native YAML or Sigma), and the result types of
// matching. Immutable once the RuleSet is built.
#pragma once

#include "rules/example_event.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace minetrace {

// One problem found while loading rules: `file:line: rule_id: message`. line is 1-based, 0 when
// the problem concerns the whole file; rule_id is empty when no rule could be named.
struct LintMessage {
    std::string file;
    int line = 0;
    std::string rule_id;
    std::string message;
};

// One inline example: a partial normalized event that must (or must not) match its rule.
struct RuleExample {
    bool should_match = true;
    int line = 0;
    // When set, the example also asserts whether the match reports "content unavailable".
    std::optional<bool> content_unavailable;
    std::shared_ptr<const ExampleEvent> event;
};

struct Rule {
    std::string id;
    std::string title;
    std::string description;
    std::vector<std::string> references;
    std::vector<std::string> tags;
    // Signal kind: one of rules/signal_kind.hpp (kSigma for Sigma rules).
    std::string signal;
    // Sigma's `level`, or a native rule's (`level:`, else signal_kind::DefaultLevel): one of
    // informational, low, medium, high, critical. Listed by `rules list` and given with every
    // detection; it changes no severity.
    std::string level;
    std::string source_file;
    int source_line = 0;
    bool is_sigma = false;
    // Non-empty when the rule can report that the content it would inspect is not in the log;
    // printed as "content unavailable: <content_note>" for matches flagged so.
    std::string content_note;
    std::vector<RuleExample> examples;
    // "file:line" of the rule with the same id that this one replaced (a later --rules dir);
    // empty when it replaced nothing.
    std::string replaces;
};

// One rule that matched an event.
struct RuleHit {
    uint32_t rule = 0;
    // The rule's content_unavailable condition held: what it would inspect is not in the log.
    bool content_unavailable = false;
};

} // namespace minetrace
