// EventMatcher: what the ingest workers call to attach rule matches to each event. The rule
// engine (rules/) provides the implementation; the pipeline only sees this interface.
//
// Thread-safety: Match is const and called concurrently from every worker, each with its own
// scratch object from NewScratch().
#pragma once

#include "core/event.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace minetrace {

// A match index with this bit set means the rule matched but the content it would inspect is not
// in the log ("content unavailable").
inline constexpr uint32_t kRuleHitContentUnavailable = 1u << 31;

class MatcherScratch {
  public:
    virtual ~MatcherScratch() = default;
};

class EventMatcher {
  public:
    virtual ~EventMatcher() = default;
    virtual std::unique_ptr<MatcherScratch> NewScratch() const = 0;
    // Appends the indexes of matching rules, ascending, each possibly with
    // kRuleHitContentUnavailable set.
    virtual void Match(const Event& event, MatcherScratch& scratch,
                       std::vector<uint32_t>& out) const = 0;
};

} // namespace minetrace
