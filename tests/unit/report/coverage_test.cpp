// CoverageCollector: per-subscription time ranges and empty hours, Partner Center range and
// subscription names, bounded state.
#include "report/coverage.hpp"

#include <catch2/catch.hpp>

using namespace minetrace;

namespace {

constexpr int64_t kHour = 3600LL * 1000 * 1000;
constexpr int64_t kBase = 1791792000000000; // 2026-10-12T00:00:00Z

// A batch holding activity events at the given times in `subscription`.
Batch Activity(std::string_view subscription, const std::vector<int64_t>& times) {
    Batch batch;
    for (int64_t t : times) {
        Event e;
        e.time_us = t;
        e.kind = SourceKind::kActivityExport;
        e.subscription_id = subscription;
        batch.events.push_back(e);
    }
    return batch;
}

} // namespace

TEST_CASE("Coverage: time range and empty hours per subscription", "[report]") {
    CoverageCollector collector;
    // Hours 0, 1, 5 and 9 have records; 2-4 and 6-8 are empty.
    collector.Consume(Activity("sub-a", {kBase + 5 * kHour + 10, kBase + 30, kBase + kHour}));
    collector.Consume(Activity("sub-a", {kBase + 9 * kHour + 59 * 60 * 1000000LL}));
    collector.Consume(Activity("sub-b", {kBase, kBase + kHour - 1}));
    InputCoverage c = collector.Result();
    REQUIRE(c.activity.size() == 2);
    const SubscriptionCoverage& a = c.activity[0];
    CHECK(a.subscription_id == "sub-a");
    CHECK(a.events == 4);
    CHECK(a.first_us == kBase + 30);
    CHECK(a.last_us == kBase + 9 * kHour + 59 * 60 * 1000000LL);
    CHECK(a.hours_with_records == 4);
    CHECK(a.gap_hours == 6);
    REQUIRE(a.gaps.size() == 2);
    CHECK(a.gaps[0].start_us == kBase + 2 * kHour);
    CHECK(a.gaps[0].end_us == kBase + 5 * kHour);
    CHECK(a.gaps[0].hours() == 3);
    CHECK(a.gaps[1].start_us == kBase + 6 * kHour);
    CHECK(a.gaps[1].end_us == kBase + 9 * kHour);
    const SubscriptionCoverage& b = c.activity[1];
    CHECK(b.gap_hours == 0);
    CHECK(b.gaps.empty());
    CHECK(b.gaps_computed);
}

TEST_CASE("Coverage: times before 1970 and a span beyond the bitmap", "[report]") {
    CoverageCollector collector;
    const int64_t k1969 = -kHour * 5 - 1;
    collector.Consume(Activity("old", {k1969, -1, 0}));
    // 1900 and 9999 in one subscription: the range is kept, the gaps are not computed.
    collector.Consume(Activity("wide", {-2208988800000000LL, 253402300799000000LL, 0}));
    InputCoverage c = collector.Result();
    REQUIRE(c.activity.size() == 2);
    const SubscriptionCoverage& old = c.activity[0];
    CHECK(old.subscription_id == "old");
    CHECK(old.hours_with_records == 3); // hours -6, -1 and 0
    CHECK(old.gap_hours == 4);
    const SubscriptionCoverage& wide = c.activity[1];
    CHECK_FALSE(wide.gaps_computed);
    CHECK(wide.first_us == -2208988800000000LL);
    CHECK(wide.last_us == 253402300799000000LL);
    CHECK(wide.events == 3);
}

TEST_CASE("Coverage: at most kMaxSubscriptions are tracked; the rest are counted", "[report]") {
    CoverageCollector collector;
    std::vector<std::string> ids;
    for (size_t i = 0; i < CoverageCollector::kMaxSubscriptions + 5; ++i)
        ids.push_back("sub-" + std::to_string(i));
    for (const std::string& id : ids) collector.Consume(Activity(id, {kBase}));
    InputCoverage c = collector.Result();
    CHECK(c.activity.size() == CoverageCollector::kMaxSubscriptions);
    CHECK(c.untracked_events == 5);
}

TEST_CASE("Coverage: Partner Center range and subscription names", "[report]") {
    // The names as the parser reads them from the records (record_parser_partner_center_test).
    const std::string_view named = "23796c67-2f4b-4feb-b0fe-60d76b018983";
    Batch batch;
    auto add = [&](int64_t t, std::vector<SubscriptionName> names) {
        Event e;
        e.time_us = t;
        e.kind = SourceKind::kPartnerCenterAudit;
        e.partner.subscription_names = std::move(names);
        batch.events.push_back(e);
    };
    add(kBase, {{"23796C67-2F4B-4FEB-B0FE-60D76B018983", "Fabrikam Production"},
                {"d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7", "Dev <Test>"}});
    add(kBase + 2 * kHour, {{"11111111-2222-3333-4444-555555555555", "From order"}});
    add(kBase + 3 * kHour, {{named, "Renamed later"}});
    add(kBase + kHour, {{named, "Older name"}}); // older than the rename: ignored
    add(kBase + 4 * kHour, {{"not-a-guid", "No id"}, {named, ""}});
    CoverageCollector collector;
    collector.Consume(batch);
    InputCoverage c = collector.Result();
    CHECK(c.activity.empty());
    CHECK(c.partner_center_events == 5);
    CHECK(c.partner_center_first_us == kBase);
    CHECK(c.partner_center_last_us == kBase + 4 * kHour);
    CHECK(c.NameOf("23796c67-2f4b-4feb-b0fe-60d76b018983") == "Renamed later");
    CHECK(c.NameOf("d0177a1f-d5b7-48c6-bf2c-e5a0de6f4ef7") == "Dev <Test>");
    CHECK(c.NameOf("11111111-2222-3333-4444-555555555555") == "From order");
    CHECK(c.subscription_names.size() == 3);
}

TEST_CASE("Coverage: of two names for one id in one record the later wins", "[report]") {
    Batch batch;
    Event e;
    e.kind = SourceKind::kPartnerCenterAudit;
    e.time_us = kBase;
    e.partner.subscription_names = {{"11111111-2222-3333-4444-555555555555", "First"},
                                    {"11111111-2222-3333-4444-555555555555", "Second"}};
    batch.events.push_back(e);
    CoverageCollector collector;
    collector.Consume(batch);
    CHECK(collector.Result().NameOf("11111111-2222-3333-4444-555555555555") == "Second");
}
