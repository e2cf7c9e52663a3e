// Glue between the rule engine and the pipeline: where the shipped packs are, loading them with
// the user's --rules directories, and the EventMatcher the workers call.
#pragma once

#include "pipeline/rule_matching.hpp"
#include "provenance/model.hpp"
#include "rules/rule_set.hpp"

#include <string>
#include <vector>

namespace minetrace {

// The shipped pack directory: $MINETRACE_RULES_DIR, else <binary>/../share/minetrace/rules when
// installed, else the source tree's rules/packs. Empty when none exists.
std::string DefaultRulesDir();

// The rule locations in load order: the shipped packs (unless disabled), then each --rules dir.
std::vector<std::string> RuleLocations(const std::vector<std::string>& extra, bool use_default);

// Adapts a RuleSet to the pipeline's EventMatcher (hits flagged with
// kRuleHitContentUnavailable). Immutable; thread-safe.
class RuleSetMatcher : public EventMatcher {
  public:
    explicit RuleSetMatcher(const RuleSet& rules) : rules_(rules) {}
    std::unique_ptr<MatcherScratch> NewScratch() const override;
    void Match(const Event& event, MatcherScratch& scratch,
               std::vector<uint32_t>& out) const override;

  private:
    const RuleSet& rules_;
};

std::vector<RuleInfo> DescribeRules(const RuleSet& rules);

} // namespace minetrace
