// Copy folding: the copies of one event among a resource's decoded records (the identity rule of
// event_identity.hpp) merged into its first copy, so that operations, findings, evidence and
// timeline rows count each event once whatever the number of overlapping exports.
//
// The first copy in input order is the event. From each later copy it takes the time when the
// copy's has more fraction digits (µs beats ms beats whole seconds), every field it lacks
// (claims, bodies, IP, authorization evidence, ...; the first copy's value wins where both have
// one), the copy's rule hits (once per rule), and the copy's evidence reference
// (RetainedEvent::copies), so every copy stays verifiable. Copies are compared by the fields the
// first copy had as read, so the result is the same as over compact identities
// (duplicate_index.hpp).
#pragma once

#include "provenance/retained_codec.hpp"

#include <cstddef>
#include <vector>

namespace minetrace::analysis {

// `events[0, count)` in input order. Returns the events that remain (first copies and records
// without identity), in input order; later copies are merged into them and left out. The merged
// records view the bytes of every copy: they live as long as the chunk.
std::vector<const RetainedEvent*> FoldCopies(DecodedEvent* events, size_t count);

} // namespace minetrace::analysis
