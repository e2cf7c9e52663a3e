// Event identity: when two records are copies of one activity-log event.
//
// Responders hold overlapping exports of one log (storage blobs, `az monitor activity-log list`
// output, the portal CSV, Event Hub dumps). Their shapes do not all carry eventDataId
// (diagnostic-settings records have none) or operationId (storage exports may lack it), and they
// write times at different precisions (7 fraction digits in REST, 3 in some exports, none in
// locale CSV). So identity is a composite key whose time is compared at the coarser precision:
//
//   Two records are copies of one event when their lowercased correlationId, operationName and
//   resourceId and their phase are equal, their times are equal once both are truncated to the
//   fewer fraction digits of the two, and neither operationId nor eventDataId contradicts (both
//   present and different means two events).
//
// A record with none of correlationId, operationId and eventDataId has no identity (nothing
// tells a copy from a repeat) and is never a duplicate; nor are Partner Center records. Of the
// copies of one event the first in input order is the event, the later ones its duplicates.
//
// The rule is applied twice, with the same semantics: over every event's compact identity
// (EventIdentityOf, for counts; see duplicate_index.hpp) and over the full retained records of one
// resource (FoldCopies, for the analysis).
#pragma once

#include "core/event.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace minetrace {

struct RetainedEvent;

// What the rule reads of one record, in 40 bytes. `bucket` digests the equal-fields part and the
// whole second of the time: copies always share it; the rest is compared by SameEvent.
struct EventIdentity {
    std::array<uint64_t, 2> bucket{};
    int64_t time_us = 0;
    uint32_t operation_id = 0;  // hash of the lowercased operationId; 0: absent
    uint32_t event_data_id = 0; // hash of the lowercased eventDataId; 0: absent
    uint8_t time_digits = 0;    // fraction digits of the source time, 0..6
    bool valid = false;         // false: the record has no identity
};

// The fields the rule reads, as views (lowercased where the Event says so).
struct IdentityFields {
    SourceKind kind = SourceKind::kActivityExport;
    Phase phase = Phase::kOther;
    int64_t time_us = 0;
    uint8_t time_digits = 0;
    std::string_view correlation_id;
    std::string_view operation;
    std::string_view resource_id_lower;
    std::string_view operation_id;
    std::string_view event_data_id;
};

IdentityFields IdentityFieldsOf(const Event& e);
IdentityFields IdentityFieldsOf(const RetainedEvent& e);

EventIdentity EventIdentityOf(const IdentityFields& f);

// Whether two times agree at the coarser of their precisions.
bool SameTime(int64_t a_us, uint8_t a_digits, int64_t b_us, uint8_t b_digits);

// The rule on compact identities: equal buckets, agreeing times, no contradicting ids.
bool SameEvent(const EventIdentity& a, const EventIdentity& b);

// The rule on full fields (no digest, so no collision).
bool SameEvent(const IdentityFields& a, const IdentityFields& b);

} // namespace minetrace
