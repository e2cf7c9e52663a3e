// Reasons for quarantine, stable strings in quarantine.jsonl and the manifest. Separate from
// record_parser.hpp because the pipeline's batches need only the reason.
#pragma once

#include <cstdint>
#include <string_view>

namespace minetrace {

enum class QuarantineReason : uint8_t {
    kInvalidJson,
    kInvalidCsv,
    kBadTimestamp,
    kMissingFields,
    kUnrecognizedRecord,
    kTruncated,
    kRecordTooLarge,
    kTooDeep,
    kAmbiguousKey,
    kLast = kAmbiguousKey, // the largest value (digests check what they read against it)
};
std::string_view ToString(QuarantineReason reason);

} // namespace minetrace
