// PrecursorIndex (provenance/precursor_index.hpp) against the walk it replaced: on randomized
// entries and findings, the same preparation is kept, in the same order, and the same count is
// omitted.
#include "provenance/precursor_index.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

using minetrace::Phase;
using minetrace::analysis::PrecursorEntry;
using minetrace::analysis::PrecursorIndex;

namespace {

// The walk AttachPreparation did before the index: newest first, the first `max` kept, then only
// a signal kind not met yet; returns the kept sequences in operation order and the omitted count.
std::pair<std::vector<uint64_t>, uint64_t> Walk(std::vector<PrecursorEntry> ops, int64_t from,
                                                int64_t to, std::string_view resource,
                                                std::string_view subscription, size_t max) {
    std::sort(ops.begin(), ops.end(),
              [](const PrecursorEntry& a, const PrecursorEntry& b) { return a.at < b.at; });
    std::vector<uint64_t> kept;
    uint64_t omitted = 0;
    std::vector<std::string_view> kinds;
    for (auto op = ops.rbegin(); op != ops.rend(); ++op) {
        if (op->at.request_us < from || op->at.request_us > to) continue;
        if (op->at.resource_id == resource) continue;
        if (!op->subscription_id.empty() && op->subscription_id != subscription) continue;
        bool new_kind = std::find(kinds.begin(), kinds.end(), op->signal) == kinds.end();
        if (new_kind) kinds.push_back(op->signal);
        if (kept.size() >= max && !new_kind) {
            ++omitted;
            continue;
        }
        kept.push_back(op->at.sequence);
    }
    std::reverse(kept.begin(), kept.end());
    return {kept, omitted};
}

} // namespace

TEST_CASE("PrecursorIndex selects as the walk did on random entries", "[precursor_index]") {
    static const std::string kResources[] = {"/r/a", "/r/b", "/r/c", "/r/d", "/r/e", "/r/f"};
    static const std::string kSubscriptions[] = {"", "s1", "s2", "s3"};
    static const std::string kSignals[] = {"quota-increase", "rp-registration",
                                           "resource-group-create", "failed-attempt"};
    static const std::string kOperations[] = {"op/a", "op/b"};
    std::mt19937_64 rng(15);
    size_t omitted_some = 0;
    size_t kinds_after_max = 0;
    for (int round = 0; round < 300; ++round) {
        const size_t n = rng() % 120;
        const int64_t span = 1 + static_cast<int64_t>(rng() % 100);
        const size_t resources = 1 + rng() % 6;
        const size_t subscriptions = 1 + rng() % 4;
        const size_t signals = 1 + rng() % 4;
        std::vector<PrecursorEntry> entries;
        PrecursorIndex index;
        for (size_t i = 0; i < n; ++i) {
            PrecursorEntry e;
            e.at.request_us = static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
            e.at.operation = kOperations[rng() % 2];
            e.at.resource_id = kResources[rng() % resources];
            e.at.sequence = 1000 + i;
            e.subscription_id = kSubscriptions[rng() % subscriptions];
            // Mostly one kind, so that the other kinds come after the first `max`.
            e.signal = kSignals[rng() % 6 == 0 ? rng() % signals : 0];
            e.final_phase = Phase::kSucceeded;
            entries.push_back(e);
            index.Add(e);
        }
        index.Seal();
        for (int q = 0; q < 40; ++q) {
            const int64_t to = static_cast<int64_t>(rng() % static_cast<uint64_t>(span + 10)) - 5;
            const int64_t from = to - static_cast<int64_t>(rng() % static_cast<uint64_t>(span + 1));
            const std::string& resource = kResources[rng() % 6];
            const std::string& subscription = kSubscriptions[rng() % 4];
            const size_t max = rng() % 12;
            auto [want, want_omitted] = Walk(entries, from, to, resource, subscription, max);
            PrecursorIndex::Selection got = index.Select(from, to, resource, subscription, max);
            std::vector<uint64_t> got_sequences;
            for (const PrecursorEntry* e : got.kept) got_sequences.push_back(e->at.sequence);
            INFO("round " << round << " query " << q << ": [" << from << ", " << to << "] "
                          << resource << " '" << subscription << "' max " << max);
            REQUIRE(got_sequences == want);
            REQUIRE(got.omitted == want_omitted);
            omitted_some += want_omitted > 0;
            kinds_after_max += want.size() > max;
        }
    }
    // The cases that matter occurred: omissions, and kinds kept beyond the first `max`.
    CHECK(omitted_some > 100);
    CHECK(kinds_after_max > 100);
}
