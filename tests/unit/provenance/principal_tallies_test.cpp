// PrincipalTallies and PrincipalTable: the tallies are the same whether they stay in memory or
// are spilled and combined, and equal a brute-force model of their contract.
#include "provenance/analysis_limits.hpp"
#include "provenance/principal_tallies.hpp"
#include "support/principal_rows.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace minetrace;

namespace {

struct ShareIn {
    std::string key;
    PrincipalIdentity identity;
    PrincipalTallies::Share share;
    std::vector<std::string> ip_texts; // what share.ips views
    uint64_t duplicate_events = 0;
};

// 400 principals, 6000 shares; each principal draws its addresses from a pool of 150, so the
// cap of kMaxIpsPerPrincipal is passed and which addresses stay matters.
std::vector<ShareIn> RandomShares(uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<ShareIn> shares(6000);
    for (size_t i = 0; i < shares.size(); ++i) {
        ShareIn& s = shares[i];
        s.key = "k" + std::to_string(rng() % 400);
        s.identity.name = "caller-" + s.key + "-seen-at-" + std::to_string(i);
        s.identity.type = "user";
        s.identity.object_id = s.key;
        s.share.events = 1 + rng() % 5;
        s.share.failures = rng() % 2;
        s.duplicate_events = i % 7 == 0 ? 1 : 0;
        int64_t base = static_cast<int64_t>(rng() % 1000000);
        s.share.first_us = base;
        s.share.last_us = base + static_cast<int64_t>(rng() % 5000);
        size_t n = rng() % 6;
        for (size_t k = 0; k < n; ++k)
            s.ip_texts.push_back("10.0." + std::to_string(rng() % 150) + ".1");
    }
    for (ShareIn& s : shares)
        for (size_t k = 0; k < s.ip_texts.size(); ++k)
            s.share.ips.emplace_back(s.ip_texts[k], s.share.first_us + static_cast<int64_t>(k));
    return shares;
}

PrincipalTable Tally(const std::vector<ShareIn>& shares, size_t budget) {
    RetainedStoreOptions spill;
    spill.budget_bytes = budget;
    PrincipalTallies tallies(spill);
    std::map<uint32_t, DuplicateIndex::Counts> duplicates;
    for (const ShareIn& s : shares) {
        // Within one batch a share's addresses are distinct (Prepare folds them).
        PrincipalTallies::Share share = s.share;
        std::vector<std::pair<std::string_view, int64_t>> distinct;
        for (const auto& [ip, at] : share.ips)
            KeepEarliestAddress(distinct, ip, at, analysis::kMaxIpsPerPrincipal);
        share.ips = distinct;
        uint32_t ordinal = tallies.Add(
            s.key, [&] { return s.identity; }, share);
        duplicates[ordinal].events += s.duplicate_events;
    }
    if (budget < 64u << 10) CHECK(tallies.spilled_partials() > 0);
    return tallies.Seal(duplicates);
}

} // namespace

TEST_CASE("Principal tallies: spilled and combined, or held, they equal the contract's model",
          "[provenance][principals]") {
    for (uint32_t seed : {1u, 2u, 3u}) {
        std::vector<ShareIn> shares = RandomShares(seed);
        PrincipalTable held = Tally(shares, 64u << 20);
        PrincipalTable spilled = Tally(shares, 4096);
        CHECK(!held.spilled());
        CHECK(spilled.spilled());

        // The model: sums less duplicates, min and max, the first share's identity, and the
        // kMaxIpsPerPrincipal addresses with the earliest first use (ties by address).
        struct Model {
            PrincipalIdentity identity;
            int64_t first = INT64_MAX, last = INT64_MIN;
            uint64_t events = 0, failures = 0, duplicates = 0;
            std::map<std::string, int64_t> ips;
        };
        std::map<std::string, Model> model;
        for (const ShareIn& s : shares) {
            auto [it, fresh] = model.try_emplace(s.key);
            Model& m = it->second;
            if (fresh) m.identity = s.identity;
            m.first = std::min(m.first, s.share.first_us);
            m.last = std::max(m.last, s.share.last_us);
            m.events += s.share.events;
            m.failures += s.share.failures;
            m.duplicates += s.duplicate_events;
            for (const auto& [ip, at] : s.share.ips) {
                auto [known, added] = m.ips.try_emplace(std::string(ip), at);
                if (!added) known->second = std::min(known->second, at);
            }
        }
        std::vector<PrincipalSummary> rows = test::Rows(spilled);
        REQUIRE(rows.size() == model.size());
        size_t i = 0;
        for (const auto& [key, m] : model) {
            const PrincipalSummary& row = rows[i++];
            REQUIRE(row.key == key);
            CHECK(row.identity.name == m.identity.name);
            CHECK(row.first_seen_us == m.first);
            CHECK(row.last_seen_us == m.last);
            CHECK(row.events == m.events - std::min(m.events, m.duplicates));
            CHECK(row.failures == m.failures);
            std::set<std::pair<int64_t, std::string>> by_time;
            for (const auto& [ip, at] : m.ips) by_time.emplace(at, ip);
            std::set<std::string, std::less<>> earliest;
            for (const auto& [at, ip] : by_time) {
                if (earliest.size() == analysis::kMaxIpsPerPrincipal) break;
                earliest.insert(ip);
            }
            CHECK(row.ips == earliest);
            for (const auto& [ip, at] : m.ips) {
                int64_t want = earliest.count(ip) ? at : -1;
                CHECK(spilled.AddressFirstUsed(key, ip) == want);
                CHECK(held.AddressFirstUsed(key, ip) == want);
            }
        }
        std::vector<PrincipalSummary> held_rows = test::Rows(held);
        REQUIRE(held_rows.size() == rows.size());
        for (size_t r = 0; r < rows.size(); ++r) {
            CHECK(held_rows[r].key == rows[r].key);
            CHECK(held_rows[r].identity.name == rows[r].identity.name);
            CHECK(held_rows[r].events == rows[r].events);
            CHECK(held_rows[r].ips == rows[r].ips);
        }
        CHECK(spilled.AddressFirstUsed("k-none", "10.0.0.1") == -1);
        CHECK(spilled.AddressFirstUsed("", "10.0.0.1") == -1);
        CHECK(spilled.AddressFirstUsed("k1", "192.0.2.1") == -1);
    }
}

TEST_CASE("Principal table: lookups from several threads at once agree; rows go in key order",
          "[provenance][principals]") {
    std::vector<ShareIn> shares = RandomShares(9);
    PrincipalTable table = Tally(shares, 4096);
    std::vector<PrincipalSummary> rows = test::Rows(table);
    auto sweep = [&](std::vector<int64_t>& out) {
        for (const PrincipalSummary& row : rows)
            for (const std::string& ip : row.ips)
                out.push_back(table.AddressFirstUsed(row.key, ip));
    };
    std::vector<int64_t> one, two, serial;
    std::thread a([&] { sweep(one); });
    std::thread b([&] { sweep(two); });
    a.join();
    b.join();
    sweep(serial);
    CHECK(one == serial);
    CHECK(two == serial);
    for (int64_t at : serial) CHECK(at >= 0);

    PrincipalTable::Builder builder;
    PrincipalSummary row;
    row.key = "b";
    builder.Add(row, {});
    row.key = "a";
    CHECK_THROWS_AS(builder.Add(row, {}), std::logic_error);
}
