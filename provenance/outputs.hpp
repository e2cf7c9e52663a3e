// Writers for the investigation outputs (field by field documented in README.md):
// resources.jsonl, subscriptions.jsonl, principals.jsonl, timeline.jsonl (Timesketch JSONL),
// timeline.csv (psort "dynamic"-style CSV, formula-injection safe), and the summary lines for
// the terminal. Every writer escapes for its medium; output is deterministic.
#pragma once

#include "provenance/model.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

void WriteResources(std::ostream& out, const InvestigationResult& result);
void WriteSubscriptions(std::ostream& out, const InvestigationResult& result);
void WritePrincipals(std::ostream& out, const InvestigationResult& result);
void WriteTimelineJsonl(std::ostream& out, const InvestigationResult& result);
void WriteTimelineCsv(std::ostream& out, const InvestigationResult& result);

// "2026-10-12T08:40:01Z  HIGH  who (ip) created type name (size) in region" lines, most severe
// first, at most `limit`, terminal-safe (control characters from the logs neutralized).
std::vector<std::string> SummaryLines(const InvestigationResult& result, size_t limit);

// "microsoft.compute/virtualmachines" -> "virtualmachines": a resource type without its
// provider namespace, for one-line messages.
std::string ShortResourceType(std::string_view type);

// Extensions and run commands: child resources through which code runs on their parent.
bool IsExtensionOrRunCommand(std::string_view type);

// The timeline's datetime: RFC 3339 with microseconds and an explicit +00:00 offset.
std::string TimelineDatetime(int64_t unix_us);

} // namespace minetrace
