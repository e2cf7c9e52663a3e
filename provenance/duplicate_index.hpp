// DuplicateIndex: the compact identity (event_identity.hpp) of every event of the run, so that
// counts over all events (manifest.json's per-file `duplicates`, each principal's events and
// failures) count each event once, without holding the events themselves.
//
// The sink adds one entry per event that has an identity, in input order. Entries live in a
// RetainedStore keyed by their 128-bit bucket (16 bytes of key, 32 of entry), so memory stays
// within the store's budget (sorted runs are spilled to a temporary file beyond it). Resolve is
// one pass over the buckets, each bucket's entries in input order: an entry that is the same
// event as one of its bucket's earlier first copies is a duplicate. So the result depends only on
// the input order, never on threads, batches or the budget.
//
// Not thread-safe: Add from the serial sink, then Resolve once.
#pragma once

#include "provenance/event_identity.hpp"
#include "provenance/retained_store.hpp"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace minetrace {

class DuplicateIndex {
  public:
    static constexpr uint32_t kNoPrincipal = UINT32_MAX;

    explicit DuplicateIndex(RetainedStoreOptions options = {});

    // `sequence` must increase from call to call; `principal` is the caller's ordinal (or
    // kNoPrincipal); `failed`: the event is a failure (PrincipalAggregate::failures).
    void Add(const EventIdentity& id, uint64_t sequence, uint32_t file_id, uint32_t principal,
             bool failed);

    struct Counts {
        uint64_t events = 0;
        uint64_t failures = 0;
    };
    struct Result {
        uint64_t duplicates = 0;
        std::vector<uint64_t> per_file;           // by file id (sized to the largest seen)
        std::map<uint32_t, Counts> per_principal; // duplicates by principal ordinal
    };
    // One pass over the entries; no Add afterwards.
    Result Resolve();

    uint64_t entries() const { return store_.records(); }

  private:
    RetainedStore store_;
};

} // namespace minetrace
