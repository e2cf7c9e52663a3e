#include "parsers/quarantine_reason.hpp"

namespace minetrace {

std::string_view ToString(QuarantineReason reason) {
    switch (reason) {
    case QuarantineReason::kInvalidJson:
        return "invalid-json";
    case QuarantineReason::kInvalidCsv:
        return "invalid-csv";
    case QuarantineReason::kBadTimestamp:
        return "bad-timestamp";
    case QuarantineReason::kMissingFields:
        return "missing-fields";
    case QuarantineReason::kUnrecognizedRecord:
        return "unrecognized-record";
    case QuarantineReason::kTruncated:
        return "truncated";
    case QuarantineReason::kRecordTooLarge:
        return "record-too-large";
    case QuarantineReason::kTooDeep:
        return "too-deep";
    case QuarantineReason::kAmbiguousKey:
        return "ambiguous-key";
    }
    return "unknown";
}

} // namespace minetrace
