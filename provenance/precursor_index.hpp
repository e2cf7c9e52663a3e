// PrecursorIndex: one principal's operations that may be preparation (PrecursorEntry), and the
// selection AttachPreparation makes of them for one finding, in time proportional to what it
// keeps (plus the finding's own resource's entries), not to the whole window: a principal with
// many failed writes and many creations in a week made the walk quadratic.
//
// The selection (the contract the walk had): of the entries whose request time is in
// [from_us, to_us], on another resource than the finding's, and whose subscription is empty or the
// finding's, walking newest first: the first `max` are kept, then each entry of a signal kind not
// met before; the rest are omitted. Kept entries are returned in operation order.
//
// Not thread-safe while filling; Seal once, then any number of readers.
#pragma once

#include "provenance/model.hpp"
#include "provenance/operation_order.hpp"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace minetrace::analysis {

// A compact entry of the preparation index: an operation that can be preparation
// (PrecursorSignal), by principal, in operation order.
struct PrecursorEntry {
    OperationOrder at;
    std::string_view subscription_id; // like `at`'s texts
    std::string_view signal;          // static text
    Phase final_phase = Phase::kOther;
};

class PrecursorIndex {
  public:
    void Add(const PrecursorEntry& entry) { entries_.push_back(entry); }
    // Sorts the entries in operation order and builds the lookups.
    void Seal();

    struct Selection {
        std::vector<const PrecursorEntry*> kept; // in operation order
        uint64_t omitted = 0;
    };
    Selection Select(int64_t from_us, int64_t to_us, std::string_view resource_id,
                     std::string_view subscription_id, size_t max) const;

    const std::vector<PrecursorEntry>& entries() const { return entries_; }

  private:
    using SignalKey = std::pair<std::string_view, std::string_view>; // subscription, signal
    std::string_view SubscriptionOf(uint32_t p) const { return entries_[p].subscription_id; }
    SignalKey SignalKeyOf(uint32_t p) const {
        return {entries_[p].subscription_id, entries_[p].signal};
    }

    std::vector<PrecursorEntry> entries_; // in operation order once sealed
    // Positions in entries_, sorted by (subscription, position), by (subscription, signal,
    // position) and by (resource, position).
    std::vector<uint32_t> by_subscription_;
    std::vector<uint32_t> by_signal_;
    std::vector<uint32_t> by_resource_;
};

} // namespace minetrace::analysis
