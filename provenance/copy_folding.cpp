#include "provenance/copy_folding.hpp"

#include "provenance/event_identity.hpp"

#include <algorithm>
#include <array>

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
    // A rule that matched several copies is one hit: its content is unavailable only when no
    // copy had it.
    for (const RuleRef& hit : c.rules) {
        auto same = std::find_if(e.rules.begin(), e.rules.end(),
                                 [&](const RuleRef& r) { return r.rule == hit.rule; });
        if (same == e.rules.end())
            e.rules.push_back(hit);
        else
            same->content_unavailable = same->content_unavailable && hit.content_unavailable;
    }
    e.copies.push_back({c.file_id, c.line, c.offset, c.length, c.sha256});
}

} // namespace

std::vector<const RetainedEvent*> FoldCopies(DecodedEvent* events, size_t count) {
    std::vector<const RetainedEvent*> out;
    out.reserve(count);
    if (count < 2) {
        for (size_t i = 0; i < count; ++i) out.push_back(&events[i].event);
        return out;
    }
    // (bucket, index) of the records with an identity, sorted: each bucket is then one run in
    // input order, and only records of one run are compared (no allocation per record).
    struct Keyed {
        std::array<uint64_t, 2> bucket;
        size_t index;
        IdentityFields fields; // as read, before any merge
    };
    std::vector<Keyed> keyed;
    keyed.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        IdentityFields fields = IdentityFieldsOf(events[i].event);
        EventIdentity id = EventIdentityOf(fields);
        if (id.valid) keyed.push_back({id.bucket, i, fields});
    }
    std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
        return a.bucket != b.bucket ? a.bucket < b.bucket : a.index < b.index;
    });
    std::vector<bool> folded(count, false);
    std::vector<const Keyed*> firsts; // of the current run
    for (size_t run = 0; run < keyed.size();) {
        size_t end = run + 1;
        while (end < keyed.size() && keyed[end].bucket == keyed[run].bucket) ++end;
        firsts.clear();
        for (size_t k = run; k < end; ++k) {
            const Keyed& record = keyed[k];
            auto first = std::find_if(firsts.begin(), firsts.end(), [&](const Keyed* f) {
                return SameEvent(f->fields, record.fields);
            });
            if (first == firsts.end()) {
                firsts.push_back(&record);
                continue;
            }
            Merge(events[(*first)->index], events[record.index]);
            folded[record.index] = true;
        }
        run = end;
    }
    for (size_t i = 0; i < count; ++i)
        if (!folded[i]) out.push_back(&events[i].event);
    return out;
}

} // namespace minetrace::analysis
