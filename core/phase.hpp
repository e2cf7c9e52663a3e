// Phase normalization for status / resultType / ActivityStatus(Value) / operationStatus /
// resultSignature values. Pure and thread-safe.
#pragma once

#include "core/event.hpp"

#include <string_view>

namespace minetrace {

// Maps one status spelling to a Phase, ignoring case (ASCII, Latin-1 and basic Cyrillic letters),
// surrounding ASCII whitespace and repeated inner spaces:
//   Start/Started/BeginRequest/progress -> kStarted; Accept/Accepted -> kAccepted;
//   Success/Succeeded/Succeed -> kSucceeded; Failure/Failed/Fail/decline -> kFailed;
//   a resultSignature "<status>.<substatus>" (Succeeded.Created, Started.) uses the part before
//   the first dot; localized legacy portal values (de, fr, es, it, pt, nl, sv, pl, tr, ru, ja,
//   zh-Hans, zh-Hant, ko) map to the same four phases.
// Anything else (Active, Resolved, Updated, In Progress, EndRequest, HTTP codes, empty) -> kOther.
Phase ParsePhase(std::string_view text);

} // namespace minetrace
