#include "provenance/copy_folding.hpp"

#include "provenance/event_identity.hpp"

#include <unordered_map>
#include <utility>

namespace minetrace::analysis {

namespace {

void Merge(DecodedEvent& first, const DecodedEvent& copy) {
    RetainedEvent& e = first.event;
    const RetainedEvent& c = copy.event;
    if (c.time_digits > e.time_digits) {
        e.time_us = c.time_us;
        e.time_digits = c.time_digits;
    }
    FillEmptyFields(first, copy);
    e.rules.insert(e.rules.end(), c.rules.begin(), c.rules.end());
    e.copies.push_back({c.file_id, c.line, c.offset, c.length, c.sha256});
}

} // namespace

std::vector<const RetainedEvent*> FoldCopies(DecodedEvent* events, size_t count) {
    std::vector<const RetainedEvent*> out;
    out.reserve(count);
    // Bucket -> the first copies in it, with the fields they had before any merge.
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, IdentityFields>>> firsts;
    for (size_t i = 0; i < count; ++i) {
        const IdentityFields fields = IdentityFieldsOf(events[i].event);
        const EventIdentity id = EventIdentityOf(fields);
        if (!id.valid) {
            out.push_back(&events[i].event);
            continue;
        }
        auto& bucket = firsts[id.bucket[0]];
        bool folded = false;
        for (const auto& [first, original] : bucket)
            if (SameEvent(original, fields)) {
                Merge(events[first], events[i]);
                folded = true;
                break;
            }
        if (folded) continue;
        bucket.emplace_back(i, fields);
        out.push_back(&events[i].event);
    }
    return out;
}

} // namespace minetrace::analysis
