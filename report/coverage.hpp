// Input coverage for the reports: which time range the activity logs cover per subscription, the
// hours inside that range with no record at all (a quiet hour or a missing export blob), the
// Partner Center records' range, and the subscription names Partner Center records give.
//
// CoverageCollector is a BatchConsumer: Consume runs on the pipeline's serial sink only (not
// thread-safe otherwise). Memory is bounded whatever the input: at most kMaxSubscriptions
// subscriptions are tracked (events of the others are only counted), each with an hour bitmap
// spanning at most kMaxSpanHours (an event outside that span still extends the time range but
// marks the gaps as not computed), and at most kMaxNames subscription names.
#pragma once

#include "pipeline/ingest.hpp"
#include "pipeline/replayable.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace minetrace {

// A run of whole hours [start_us, end_us) in which no record of the subscription was read.
struct HourGap {
    int64_t start_us = 0;
    int64_t end_us = 0;
    int64_t hours() const { return (end_us - start_us) / (3600LL * 1000 * 1000); }
};

struct SubscriptionCoverage {
    std::string subscription_id; // lowercased; empty for events that name no subscription
    std::string name;            // friendly name from Partner Center records; empty if unknown
    uint64_t events = 0;
    int64_t first_us = 0; // earliest and latest event time
    int64_t last_us = 0;
    uint64_t hours_with_records = 0;
    uint64_t gap_hours = 0;
    std::vector<HourGap> gaps; // chronological, at most kMaxGapsListed
    uint64_t gaps_total = 0;   // number of gap runs, listed or not
    bool gaps_computed = true; // false when the span exceeded the bitmap (see above)
};

struct InputCoverage {
    std::vector<SubscriptionCoverage> activity; // activity-log events, by subscription id
    uint64_t partner_center_events = 0;
    int64_t partner_center_first_us = 0;
    int64_t partner_center_last_us = 0;
    uint64_t untracked_events = 0; // events of subscriptions beyond kMaxSubscriptions
    std::map<std::string, std::string> subscription_names; // lowercased id -> name

    // The subscription's friendly name, or empty.
    std::string NameOf(const std::string& subscription_id) const;
};

class CoverageCollector : public ReplayableConsumer {
  public:
    static constexpr size_t kMaxSubscriptions = 2048;
    static constexpr int64_t kMaxSpanHours = 1 << 17; // about 15 years
    static constexpr size_t kMaxNames = 100000;
    static constexpr size_t kMaxNameBytes = 256;
    static constexpr size_t kMaxGapsListed = 200;

    CoverageCollector();
    ~CoverageCollector() override;

    void Consume(const Batch& batch) override;
    void Replay(std::string_view digest, uint32_t file_id) override;

    // The coverage seen so far (normally called once, after RunIngest).
    InputCoverage Result() const;

  private:
    struct Track;
    struct NameSeen {
        int64_t at_us = 0;
        std::string name;
    };

    void AddActivity(std::string_view subscription_id, int64_t at_us);
    void AddPartner(int64_t at_us);
    void SetName(std::string_view subscription_id, std::string_view name, int64_t at_us);

    std::map<std::string, std::unique_ptr<Track>, std::less<>> tracks_;
    std::map<std::string, NameSeen, std::less<>> names_;
    uint64_t pc_events_ = 0;
    int64_t pc_first_us_ = 0;
    int64_t pc_last_us_ = 0;
    uint64_t untracked_ = 0;
};

} // namespace minetrace
