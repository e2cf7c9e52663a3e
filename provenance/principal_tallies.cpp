#include "provenance/principal_tallies.hpp"

#include "core/byte_form.hpp"
#include "provenance/analysis_limits.hpp"

#include <cstring>
#include <stdexcept>

namespace minetrace {

namespace {

constexpr const char* kDamaged = "minetrace: a spilled principal tally is damaged";

// What a held tally costs, roughly: the node, the strings, the addresses.
size_t Cost(std::string_view key, const PrincipalIdentity& who) {
    return 192 + key.size() + who.name.size() + who.type.size() + who.object_id.size() +
           who.app_id.size() + who.tenant_id.size();
}

} // namespace

PrincipalTallies::PrincipalTallies(RetainedStoreOptions spill)
    : spill_(spill), budget_(std::max<size_t>(spill.budget_bytes / 2, size_t{4} << 10)),
      partials_([&] {
          RetainedStoreOptions half = spill;
          half.budget_bytes = std::max<size_t>(spill.budget_bytes / 2, size_t{4} << 10);
          return half;
      }()) {}

uint32_t PrincipalTallies::Add(std::string_view key,
                               const std::function<PrincipalIdentity()>& identity,
                               const Share& share) {
    if (sealed_) throw std::logic_error("PrincipalTallies::Add after Seal");
    auto found = held_.find(key);
    if (found == held_.end()) {
        if (held_bytes_ >= budget_) Flush();
        found = held_.emplace(std::string(key), Tally{}).first;
        found->second.identity = identity();
        found->second.ordinals.push_back(next_ordinal_++);
        held_bytes_ += Cost(key, found->second.identity);
    }
    Tally& t = found->second;
    t.events += share.events;
    t.failures += share.failures;
    t.first_us = std::min(t.first_us, share.first_us);
    t.last_us = std::max(t.last_us, share.last_us);
    for (const auto& [ip, at] : share.ips) {
        size_t before = t.ips.size();
        KeepEarliestAddress(t.ips, std::string(ip), at, analysis::kMaxIpsPerPrincipal);
        if (t.ips.size() > before) held_bytes_ += 40 + ip.size();
    }
    return t.ordinals.front();
}

// Each partial: ordinal, identity texts, foreign flag, times, counts, addresses.
void PrincipalTallies::Flush() {
    std::string bytes;
    for (const auto& [key, t] : held_) {
        bytes.clear();
        PutVarint(bytes, t.ordinals.front());
        PutText(bytes, t.identity.name);
        PutText(bytes, t.identity.type);
        PutText(bytes, t.identity.object_id);
        PutText(bytes, t.identity.app_id);
        PutText(bytes, t.identity.tenant_id);
        PutVarint(bytes, t.identity.foreign_tenant ? 1 : 0);
        PutInt64(bytes, t.first_us);
        PutInt64(bytes, t.last_us);
        PutVarint(bytes, t.events);
        PutVarint(bytes, t.failures);
        PutVarint(bytes, t.ips.size());
        for (const auto& [ip, at] : t.ips) {
            PutText(bytes, ip);
            PutInt64(bytes, at);
        }
        partials_.Append(key, sequence_++, bytes);
    }
    held_.clear();
    held_bytes_ = 0;
}

void PrincipalTallies::Combine(Tally& into, Tally&& from) {
    into.events += from.events;
    into.failures += from.failures;
    into.first_us = std::min(into.first_us, from.first_us);
    into.last_us = std::max(into.last_us, from.last_us);
    for (auto& [ip, at] : from.ips)
        KeepEarliestAddress(into.ips, std::move(ip), at, analysis::kMaxIpsPerPrincipal);
    into.ordinals.insert(into.ordinals.end(), from.ordinals.begin(), from.ordinals.end());
}

void PrincipalTallies::Subtract(Tally& t,
                                const std::map<uint32_t, DuplicateIndex::Counts>& duplicates) {
    DuplicateIndex::Counts sum;
    for (uint32_t ordinal : t.ordinals)
        if (auto d = duplicates.find(ordinal); d != duplicates.end()) {
            sum.events += d->second.events;
            sum.failures += d->second.failures;
        }
    t.events -= std::min(t.events, sum.events);
    t.failures -= std::min(t.failures, sum.failures);
}

PrincipalSummary PrincipalTallies::Summary(const std::string& key, const Tally& t) {
    PrincipalSummary s;
    s.key = key;
    s.identity = t.identity;
    s.first_seen_us = t.first_us;
    s.last_seen_us = t.last_us;
    s.events = t.events;
    s.failures = t.failures;
    return s;
}

PrincipalTable
PrincipalTallies::Seal(const std::map<uint32_t, DuplicateIndex::Counts>& duplicates) {
    if (sealed_) throw std::logic_error("PrincipalTallies::Seal called twice");
    sealed_ = true;
    PrincipalTable::Builder table(spill_);
    auto add = [&](const std::string& key, Tally& t) {
        Subtract(t, duplicates);
        std::sort(t.ips.begin(), t.ips.end());
        table.Add(Summary(key, t), t.ips);
    };
    if (partials_.records() == 0) {
        // Nothing written out: the map is the whole table. Freed node by node as it goes.
        while (!held_.empty()) {
            auto node = held_.extract(held_.begin());
            add(node.key(), node.mapped());
        }
        return table.Finish();
    }
    Flush();
    std::string key;
    partials_.ForEachChunk(1u << 12, 1u << 20, [&](const StoredChunk& chunk) {
        for (const StoredGroup& group : chunk.groups) {
            Tally t;
            for (size_t r = group.first; r < group.first + group.count; ++r) {
                ByteFormReader in(chunk.records[r].bytes, kDamaged);
                Tally part;
                part.ordinals.push_back(static_cast<uint32_t>(in.Varint()));
                part.identity.name.assign(in.Text());
                part.identity.type.assign(in.Text());
                part.identity.object_id.assign(in.Text());
                part.identity.app_id.assign(in.Text());
                part.identity.tenant_id.assign(in.Text());
                part.identity.foreign_tenant = in.Varint() != 0;
                part.first_us = in.Int64();
                part.last_us = in.Int64();
                part.events = in.Varint();
                part.failures = in.Varint();
                uint64_t count = in.Varint();
                for (uint64_t i = 0; i < count; ++i) {
                    std::string ip(in.Text());
                    part.ips.emplace_back(std::move(ip), in.Int64());
                }
                if (!in.done()) in.Damaged();
                if (r == group.first)
                    t = std::move(part); // the earliest share: its identity stands
                else
                    Combine(t, std::move(part));
            }
            key.assign(group.key);
            add(key, t);
        }
    });
    return table.Finish();
}

} // namespace minetrace
