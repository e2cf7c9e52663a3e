#include "provenance/precursor_index.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace minetrace::analysis {

namespace {

using Positions = std::vector<uint32_t>;
using Span = std::pair<Positions::const_iterator, Positions::const_iterator>;

// The positions of `perm` (sorted by key(position)) whose key is `value`.
template <typename Key, typename Value>
Span EqualRange(const Positions& perm, const Value& value, Key key) {
    auto first =
        std::partition_point(perm.begin(), perm.end(), [&](uint32_t p) { return key(p) < value; });
    return {first,
            std::partition_point(first, perm.end(), [&](uint32_t p) { return !(value < key(p)); })};
}

// Of `span` (ascending positions), those in [lo, hi).
Span Within(Span span, uint32_t lo, uint32_t hi) {
    auto first = std::lower_bound(span.first, span.second, lo);
    return {first, std::lower_bound(first, span.second, hi)};
}

constexpr uint32_t kNone = UINT32_MAX;

} // namespace

void PrecursorIndex::Seal() {
    std::sort(entries_.begin(), entries_.end(),
              [](const PrecursorEntry& a, const PrecursorEntry& b) { return a.at < b.at; });
    Positions all(entries_.size());
    std::iota(all.begin(), all.end(), uint32_t{0});
    // Stable sorts of ascending positions: within a key, positions stay ascending.
    auto sorted = [&](auto key) {
        Positions perm = all;
        std::stable_sort(perm.begin(), perm.end(),
                         [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
        return perm;
    };
    by_subscription_ = sorted([&](uint32_t p) { return SubscriptionOf(p); });
    by_signal_ = sorted([&](uint32_t p) { return SignalKeyOf(p); });
    by_resource_ = sorted([&](uint32_t p) { return entries_[p].at.resource_id; });
}

PrecursorIndex::Selection PrecursorIndex::Select(int64_t from_us, int64_t to_us,
                                                 std::string_view resource_id,
                                                 std::string_view subscription_id,
                                                 size_t max) const {
    Selection out;
    auto first =
        std::lower_bound(entries_.begin(), entries_.end(), from_us,
                         [](const PrecursorEntry& e, int64_t at) { return e.at.request_us < at; });
    auto last =
        std::upper_bound(first, entries_.end(), to_us,
                         [](int64_t at, const PrecursorEntry& e) { return at < e.at.request_us; });
    const auto lo = static_cast<uint32_t>(first - entries_.begin());
    const auto hi = static_cast<uint32_t>(last - entries_.begin());
    if (lo >= hi) return out;

    // The subscriptions that match: none, and the finding's (the same when it has none).
    std::string_view subscriptions[2] = {std::string_view(), subscription_id};
    const size_t lists = subscription_id.empty() ? 1 : 2;
    auto subscription = [&](std::string_view sub) {
        return Within(
            EqualRange(by_subscription_, sub, [&](uint32_t p) { return SubscriptionOf(p); }), lo,
            hi);
    };
    auto own = [&](uint32_t p) { return entries_[p].at.resource_id == resource_id; };

    // How many match: those of the matching subscriptions less the finding's own resource's.
    Span walk[2] = {subscription(subscriptions[0]), {}};
    if (lists == 2) walk[1] = subscription(subscriptions[1]);
    uint64_t matching = 0;
    for (size_t i = 0; i < lists; ++i)
        matching += static_cast<uint64_t>(walk[i].second - walk[i].first);
    Span mine = Within(EqualRange(by_resource_, resource_id,
                                  [&](uint32_t p) { return entries_[p].at.resource_id; }),
                       lo, hi);
    for (auto p = mine.first; p != mine.second; ++p) {
        std::string_view sub = SubscriptionOf(*p);
        matching -= sub.empty() || sub == subscription_id;
    }

    // The newest position left in `spans` (consumed from their ends), skipping the finding's own
    // resource; kNone when there is none.
    auto newest = [&](Span* spans, size_t count) {
        for (;;) {
            size_t from = count;
            for (size_t i = 0; i < count; ++i)
                if (spans[i].first != spans[i].second &&
                    (from == count || *(spans[i].second - 1) > *(spans[from].second - 1)))
                    from = i;
            if (from == count) return kNone;
            uint32_t p = *--spans[from].second;
            if (!own(p)) return p;
        }
    };

    // Newest first: the latest `max`.
    std::vector<uint32_t> kept;
    std::vector<std::string_view> kinds; // met so far
    auto meet = [&](std::string_view kind) {
        bool fresh = std::find(kinds.begin(), kinds.end(), kind) == kinds.end();
        if (fresh) kinds.push_back(kind);
        return fresh;
    };
    uint32_t boundary = hi; // the oldest kept so far
    while (kept.size() < max) {
        uint32_t p = newest(walk, lists);
        if (p == kNone) break;
        kept.push_back(p);
        meet(entries_[p].signal);
        boundary = p;
    }
    // Then, older than those, the latest of each kind not met yet. The kinds of a subscription
    // are found by jumping from one to the next in by_signal_, not by a walk.
    if (kept.size() == max) {
        std::vector<std::string_view> others;
        for (size_t i = 0; i < lists; ++i) {
            Span block = EqualRange(by_signal_, subscriptions[i],
                                    [&](uint32_t p) { return SubscriptionOf(p); });
            for (auto p = block.first; p != block.second;) {
                std::string_view kind = entries_[*p].signal;
                if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end() &&
                    std::find(others.begin(), others.end(), kind) == others.end())
                    others.push_back(kind);
                const auto key = SignalKey{subscriptions[i], kind};
                p = std::partition_point(p, block.second,
                                         [&](uint32_t q) { return !(key < SignalKeyOf(q)); });
            }
        }
        for (std::string_view kind : others) {
            Span of_kind[2];
            for (size_t i = 0; i < lists; ++i)
                of_kind[i] = Within(EqualRange(by_signal_, SignalKey{subscriptions[i], kind},
                                               [&](uint32_t p) { return SignalKeyOf(p); }),
                                    lo, boundary);
            if (uint32_t p = newest(of_kind, lists); p != kNone) kept.push_back(p);
        }
    }
    out.omitted = matching - kept.size();
    std::sort(kept.begin(), kept.end());
    out.kept.reserve(kept.size());
    for (uint32_t p : kept) out.kept.push_back(&entries_[p]);
    return out;
}

} // namespace minetrace::analysis
