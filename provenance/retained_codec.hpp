// The byte form of a kept record (RetainedEvent with its identity, body facts and Partner Center
// fields), so the investigation can hold kept records in a RetainedStore, spilled to disk past
// a memory budget, instead of as objects on the heap.
//
// The form is private to one run (native byte order, no version): it never outlives the
// process. Lengths are LEB128 varints, so the many empty fields cost one byte each.
#pragma once

#include "provenance/model.hpp"

#include <string>
#include <string_view>

namespace minetrace {

// A decoded record with the groups it points at. Its views point into the bytes it was decoded
// from, which must outlive it. Not copyable or movable: `event` points at the other members.
struct DecodedEvent {
    RetainedEvent event;
    RetainedIdentity identity;
    RetainedFacts facts;
    RetainedPartner partner;

    DecodedEvent() = default;
    DecodedEvent(const DecodedEvent&) = delete;
    DecodedEvent& operator=(const DecodedEvent&) = delete;
};

// Appends the byte form of `event` (everything but `sequence`, which the store keeps) to `out`.
// Bodies and Partner Center payloads are stored as given: the caller truncates them.
void EncodeRetained(const RetainedEvent& event, std::string& out);

// Decodes what EncodeRetained wrote. Throws std::runtime_error when `bytes` is not such a form
// (a damaged spill file): the analysis must not run on a partial record.
void DecodeRetained(std::string_view bytes, uint64_t sequence, DecodedEvent& out);

// Sets the input file a byte form names (a segment's records get the file ids of the run that
// replays them). False when `bytes` is too short to be a byte form.
bool SetRetainedFileId(std::string& bytes, uint32_t file_id);

// Copies into `into` every text field it lacks (empty) that `from` has, and its MFA flag when
// unknown: a copy of one event in another export fills what this one's shape leaves out.
void FillEmptyFields(DecodedEvent& into, const DecodedEvent& from);

// The caller's object id in a byte form, without decoding the rest (a view into `bytes`), so a
// pass can tell which resources a set of principals touched. Throws like DecodeRetained.
std::string_view PeekCallerObjectId(std::string_view bytes);

} // namespace minetrace
