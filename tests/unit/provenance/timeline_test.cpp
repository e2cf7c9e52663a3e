// The timeline store: entries come back by time, then message, then the order they were added,
// with every field intact, whether they stayed in memory or were spilled to a file.
#include "provenance/timeline.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace minetrace;

TEST_CASE("timeline entries come back in order, whatever the budget", "[provenance][timeline]") {
    std::mt19937 random(3);
    std::vector<TimelineEntry> added;
    for (int i = 0; i < 2000; ++i) {
        TimelineEntry t;
        // Few distinct times and messages, so ties are common; negative times too.
        t.time_us = (static_cast<int64_t>(random() % 50) - 10) * 1000000;
        t.message = "m" + std::to_string(random() % 7);
        t.timestamp_desc = "Request time (resource)";
        t.data_type = "azure:arm:operation";
        t.fields["n"] = std::to_string(i);
        if (i % 3 == 0) t.fields["empty"] = "";
        if (i % 5 == 0) t.fields["long"] = std::string(300, 'x');
        added.push_back(t);
    }
    std::vector<TimelineEntry> expected = added;
    std::stable_sort(expected.begin(), expected.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) {
                         if (a.time_us != b.time_us) return a.time_us < b.time_us;
                         return a.message < b.message;
                     });
    for (size_t budget : {size_t{32} << 20, size_t{2} << 10}) {
        CAPTURE(budget);
        RetainedStoreOptions options;
        options.budget_bytes = budget;
        Timeline timeline(options);
        for (const TimelineEntry& t : added) timeline.Add(t);
        CHECK(timeline.size() == added.size());
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<TimelineEntry> read;
            timeline.ForEach([&](const TimelineEntry& t) { read.push_back(t); });
            CHECK(read == expected);
        }
    }
}
