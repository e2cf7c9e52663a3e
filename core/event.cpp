#include "core/event.hpp"

namespace minetrace {

std::string_view ToString(SourceKind kind) {
    switch (kind) {
    case SourceKind::kActivityExport:
        return "activity-export";
    case SourceKind::kActivityRest:
        return "activity-rest";
    case SourceKind::kActivitySdk:
        return "activity-sdk";
    case SourceKind::kActivityLogAnalytics:
        return "activity-log-analytics";
    case SourceKind::kPartnerCenterAudit:
        return "partner-center-audit";
    }
    return "unknown";
}

std::string_view ToString(Phase phase) {
    switch (phase) {
    case Phase::kStarted:
        return "started";
    case Phase::kAccepted:
        return "accepted";
    case Phase::kSucceeded:
        return "succeeded";
    case Phase::kFailed:
        return "failed";
    case Phase::kOther:
        return "other";
    }
    return "other";
}

std::string_view ToString(Tristate value) {
    switch (value) {
    case Tristate::kUnknown:
        return "unknown";
    case Tristate::kNo:
        return "no";
    case Tristate::kYes:
        return "yes";
    }
    return "unknown";
}

} // namespace minetrace
