// PrincipalTallies: the ingest's per-principal tallies (events, failures, first and last seen,
// the earliest-used addresses, the identity of the first event), bounded in memory.
//
// Each batch adds its share per principal (Add). Tallies are held in a map up to a budget; past
// it the map is written out as partial tallies into a RetainedStore (sorted runs in a temporary
// file) and emptied, and Seal combines the partials of each key. Combining is exact: sums, min
// and max, the identity of the earliest share (store order is input order), and the addresses
// are the kMaxIpsPerPrincipal with the earliest first use (ties by address), which any
// partition of the input yields alike. So the table depends on the input only, never on the
// budget, batches or threads.
//
// Not thread-safe: Add from the serial sink, then Seal once.
#pragma once

#include "provenance/duplicate_index.hpp"
#include "provenance/principal_table.hpp"
#include "provenance/retained_store.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace minetrace {

// Up to kMaxIpsPerPrincipal addresses with the earliest time each was used: a new address past
// the cap replaces the latest one when it was used earlier (ties: the smaller address stays).
// Linear in the cap per call. `Ips` is a vector of (address, time) pairs.
template <typename Ips, typename Text>
void KeepEarliestAddress(Ips& ips, Text&& ip, int64_t at, size_t cap);

class PrincipalTallies {
  public:
    // `spill`: the in-memory map and the partials' store each take half its budget.
    explicit PrincipalTallies(RetainedStoreOptions spill = {});

    struct Share {
        int64_t first_us = INT64_MAX;
        int64_t last_us = INT64_MIN;
        uint64_t events = 0;
        uint64_t failures = 0;
        std::vector<std::pair<std::string_view, int64_t>> ips;
    };
    // Adds one batch's share of principal `key`; `identity` is asked only when the key is not
    // held in memory. Returns the ordinal the duplicates are counted under (DuplicateIndex).
    uint32_t Add(std::string_view key, const std::function<PrincipalIdentity()>& identity,
                 const Share& share);

    // Once, after the last Add: each principal's duplicates (by ordinal) taken out of its
    // counts, the partials combined, the table built (spilled past the budget as well).
    PrincipalTable Seal(const std::map<uint32_t, DuplicateIndex::Counts>& duplicates);

    size_t spilled_partials() const { return static_cast<size_t>(partials_.records()); }

  private:
    struct Tally {
        PrincipalIdentity identity;
        int64_t first_us = INT64_MAX;
        int64_t last_us = INT64_MIN;
        uint64_t events = 0;
        uint64_t failures = 0;
        std::vector<std::pair<std::string, int64_t>> ips;
        std::vector<uint32_t> ordinals; // of the shares combined into it
    };
    static void Combine(Tally& into, Tally&& from);
    static void Subtract(Tally& t, const std::map<uint32_t, DuplicateIndex::Counts>& duplicates);
    static PrincipalSummary Summary(const std::string& key, const Tally& t);
    void Flush();

    RetainedStoreOptions spill_;
    size_t budget_ = 0;
    size_t held_bytes_ = 0;
    std::map<std::string, Tally, std::less<>> held_;
    RetainedStore partials_;
    uint64_t sequence_ = 0;
    uint32_t next_ordinal_ = 0;
    bool sealed_ = false;
};

template <typename Ips, typename Text>
void KeepEarliestAddress(Ips& ips, Text&& ip, int64_t at, size_t cap) {
    for (auto& seen : ips)
        if (seen.first == ip) {
            seen.second = std::min(seen.second, at);
            return;
        }
    if (ips.size() < cap) {
        ips.emplace_back(std::forward<Text>(ip), at);
        return;
    }
    auto latest = ips.begin();
    for (auto it = ips.begin(); it != ips.end(); ++it)
        if (std::tie(it->second, it->first) > std::tie(latest->second, latest->first)) latest = it;
    if (at < latest->second || (at == latest->second && ip < latest->first)) {
        latest->first = std::forward<Text>(ip);
        latest->second = at;
    }
}

} // namespace minetrace
