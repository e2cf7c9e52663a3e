// Timeline: the entries of timeline.jsonl and timeline.csv in their order (time, then message,
// then an order the caller gives, by default the order they were added), held in a RetainedStore so
// that a long timeline spills to a temporary file like the kept records instead of growing the
// heap.
//
// Not thread-safe: Add from one thread, then ForEach from one thread at a time. ForEach is const
// for its callers (it does not change the entries) but reads the store in a pass.
#pragma once

#include "provenance/retained_store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace minetrace {

struct TimelineEntry {
    int64_t time_us = 0;
    std::string timestamp_desc;
    std::string message;
    std::string data_type; // azure:arm:operation, azure:partner-center:audit, ...
    std::map<std::string, std::string> fields;

    bool operator==(const TimelineEntry&) const = default;
};

class Timeline {
  public:
    explicit Timeline(RetainedStoreOptions options = {});

    // Entries of the same time and message come in the order added...
    void Add(const TimelineEntry& entry);
    // ... or in `order` (ascending; the same order twice ties by the order added). Do not mix
    // the two forms in one timeline: the default order is the count of entries added before.
    void Add(const TimelineEntry& entry, uint64_t order);
    // Visits the entries in order. Throws what the store throws (a damaged spill file).
    void ForEach(const std::function<void(const TimelineEntry&)>& visit) const;
    uint64_t size() const { return store_->records(); }

  private:
    std::unique_ptr<RetainedStore> store_; // a pointer, so results stay movable
    uint64_t added_ = 0;
};

} // namespace minetrace
