// The timeline store: entries come back by time, then message, then the order given (or the order
// they were added), with every field intact, whether they stayed in memory or were spilled.
#include "provenance/timeline.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <tuple>
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

TEST_CASE("a given order breaks ties of time and message, NUL bytes and prefixes included",
          "[provenance][timeline]") {
    // Messages that are prefixes of each other, or differ only by NUL bytes and bytes above
    // 0x7f: the order of the key must stay the order of the message as text.
    const std::vector<std::string> messages = {
        "",
        "m",
        std::string("m\0", 2),
        std::string("m\0\0", 3),
        std::string("m\0\xff", 3),
        std::string("m\0\x01", 3),
        "m\x01",
        "m\xff",
        "mm",
    };
    std::mt19937 random(7);
    std::vector<std::pair<TimelineEntry, uint64_t>> added;
    for (int i = 0; i < 1500; ++i) {
        TimelineEntry t;
        t.time_us = static_cast<int64_t>(random() % 4) - 2;
        t.message = messages[random() % messages.size()];
        t.fields["n"] = std::to_string(i);
        // Orders unrelated to the order of addition, large ones included.
        uint64_t order = (static_cast<uint64_t>(random() % 5) << 32) | (1500 - i);
        added.emplace_back(t, order);
    }
    auto expected = added;
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.time_us, a.first.message, a.second) <
               std::tie(b.first.time_us, b.first.message, b.second);
    });
    for (size_t budget : {size_t{32} << 20, size_t{1} << 10}) {
        CAPTURE(budget);
        RetainedStoreOptions options;
        options.budget_bytes = budget;
        Timeline timeline(options);
        for (const auto& [t, order] : added) timeline.Add(t, order);
        std::vector<TimelineEntry> read;
        timeline.ForEach([&](const TimelineEntry& t) { read.push_back(t); });
        REQUIRE(read.size() == expected.size());
        for (size_t i = 0; i < read.size(); ++i) {
            CAPTURE(i);
            CHECK(read[i] == expected[i].first);
        }
    }
}
