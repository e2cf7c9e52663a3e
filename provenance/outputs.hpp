// Writers for the investigation outputs (field by field documented in README.md):
// resources.jsonl, subscriptions.jsonl, principals.jsonl, detections.jsonl,
// timeline.jsonl (Timesketch JSONL),
// timeline.csv (psort "dynamic"-style CSV, formula-injection safe). Every writer escapes for its
// medium; output is deterministic.
#pragma once

#include "provenance/model.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

void WriteResources(std::ostream& out, const InvestigationResult& result);
void WriteSubscriptions(std::ostream& out, const InvestigationResult& result);
void WritePrincipals(std::ostream& out, const InvestigationResult& result);
void WriteDetections(std::ostream& out, const InvestigationResult& result);
void WriteTimelineJsonl(std::ostream& out, const InvestigationResult& result);
void WriteTimelineCsv(std::ostream& out, const InvestigationResult& result);

// The timeline's datetime: RFC 3339 with microseconds and an explicit +00:00 offset.
std::string TimelineDatetime(int64_t unix_us);

} // namespace minetrace
