// The byte form of kept records and the store that holds them in memory or spills them to a file:
// every field survives the round trip, damaged bytes are refused, and a pass gives every record
// once, grouped by key in key order and in input order within a group, whatever the budget.
#include "provenance/retained_codec.hpp"
#include "provenance/retained_store.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace minetrace;

namespace {

// Every text field set to a distinct value, some empty, one with NUL and non-ASCII bytes.
struct FullEvent {
    RetainedIdentity identity;
    RetainedFacts facts;
    RetainedPartner partner;
    RetainedEvent event;
    std::vector<std::string> texts;

    FullEvent() {
        texts.reserve(64);
        auto text = [&](const std::string& value) -> std::string_view {
            texts.push_back(value);
            return texts.back();
        };
        event.time_us = 1791792000123456;
        event.kind = SourceKind::kActivityRest;
        event.phase = Phase::kFailed;
        event.file_id = 7;
        event.line = 123456789012ull;
        event.offset = 987654321098ull;
        event.length = 2817;
        for (size_t i = 0; i < event.sha256.size(); ++i)
            event.sha256[i] = static_cast<uint8_t>(i * 7);
        event.subscription_id = text("sub");
        event.tenant_id = text("tenant");
        event.resource_id = text("/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/RG/PROVIDERS/X/Y/Z");
        event.resource_id_lower = text("/subscriptions/sub/resourcegroups/rg/providers/x/y/z");
        event.resource_type = text("x/y");
        event.resource_group = text("rg");
        event.operation = text("x/y/write");
        event.status = text("Failed");
        event.status_code = text("Conflict");
        event.correlation_id = text("corr");
        event.caller_ip = text("203.0.113.9");
        event.evidence_role = text("Owner");
        event.role_assignment_id = text("ra");
        event.role_definition_id = text("rd");
        event.request_body = text(std::string("{\"a\":\"\0\xff\xe2\x80\xae\"}", 12));
        event.response_body = text(std::string(300, 'r')); // a length of two varint bytes
        identity.caller = text("caller");
        identity.upn = text("upn@example.com");
        identity.object_id = text("oid");
        identity.app_id = text("app");
        identity.appidacr = text("2");
        identity.principal_type = text("ServicePrincipal");
        identity.token_tenant = text("tt");
        identity.idtyp = text("app");
        identity.mfa = Tristate::kYes;
        identity.managed_identity_resource_id = text("mi");
        identity.ip_claim = text("198.51.100.1");
        facts.location = text("eastus");
        facts.vm_size = text("Standard_NC24ads_A100_v4");
        facts.priority = text("Spot");
        facts.max_price = text("-1");
        facts.grant_scope = text("/subscriptions/sub");
        partner.customer_name = text("Contoso");
        partner.order_id = text("order");
        partner.customized_data = text("[]");
        partner.subscription_ids = {text("s1"), text("s2")};
        event.identity = &identity;
        event.facts = &facts;
        event.partner = &partner;
        event.rules = {{0, false}, {200, true}, {70000, false}};
    }
};

} // namespace

TEST_CASE("a kept record survives its byte form", "[provenance][store]") {
    FullEvent full;
    std::string bytes;
    EncodeRetained(full.event, bytes);
    DecodedEvent decoded;
    DecodeRetained(bytes, 42, decoded);
    const RetainedEvent& a = full.event;
    const RetainedEvent& b = decoded.event;
    CHECK(b.sequence == 42);
    CHECK(b.time_us == a.time_us);
    CHECK(b.kind == a.kind);
    CHECK(b.phase == a.phase);
    CHECK(b.file_id == a.file_id);
    CHECK(b.line == a.line);
    CHECK(b.offset == a.offset);
    CHECK(b.length == a.length);
    CHECK(b.sha256 == a.sha256);
    CHECK(b.resource_id == a.resource_id);
    CHECK(b.resource_id_lower == a.resource_id_lower);
    CHECK(b.status_code == a.status_code);
    CHECK(b.role_definition_id == a.role_definition_id);
    CHECK(b.request_body == a.request_body);
    CHECK(b.response_body == a.response_body);
    CHECK(b.who().upn == "upn@example.com");
    CHECK(b.who().ip_claim == "198.51.100.1");
    CHECK(b.who().mfa == Tristate::kYes);
    CHECK(b.fact().vm_size == "Standard_NC24ads_A100_v4");
    CHECK(b.fact().grant_scope == "/subscriptions/sub");
    CHECK(b.fact().image.empty());
    REQUIRE(b.partner != nullptr);
    CHECK(b.pc().customer_name == "Contoso");
    CHECK(b.pc().subscription_ids == std::vector<std::string_view>{"s1", "s2"});
    REQUIRE(b.rules.size() == 3);
    CHECK(b.rules[1].rule == 200);
    CHECK(b.rules[1].content_unavailable);
    CHECK(b.rules[2].rule == 70000);
    CHECK_FALSE(b.rules[2].content_unavailable);
    // The caller's object id is readable without decoding the rest.
    CHECK(PeekCallerObjectId(bytes) == "oid");
    // Views point into the bytes decoded from, not into the original.
    CHECK(b.resource_id.data() >= bytes.data());
    CHECK(b.resource_id.data() < bytes.data() + bytes.size());
}

TEST_CASE("a record without groups decodes to empty groups", "[provenance][store]") {
    RetainedEvent bare;
    bare.operation = "x/write";
    std::string bytes;
    EncodeRetained(bare, bytes);
    DecodedEvent decoded;
    DecodeRetained(bytes, 1, decoded);
    CHECK(decoded.event.operation == "x/write");
    CHECK(decoded.event.who().caller.empty());
    CHECK(decoded.event.fact().location.empty());
    CHECK(decoded.event.partner == nullptr);
}

TEST_CASE("damaged byte forms are refused, never half-read", "[provenance][store]") {
    FullEvent full;
    std::string bytes;
    EncodeRetained(full.event, bytes);
    DecodedEvent decoded;
    // Every truncation, and trailing garbage.
    for (size_t cut = 0; cut < bytes.size(); cut += 13)
        CHECK_THROWS_AS(DecodeRetained(std::string_view(bytes).substr(0, cut), 1, decoded),
                        std::runtime_error);
    CHECK_THROWS_AS(DecodeRetained(bytes + "x", 1, decoded), std::runtime_error);
    CHECK_THROWS_AS(PeekCallerObjectId(std::string_view(bytes).substr(0, 60)), std::runtime_error);
    // An enum out of range (the kind is the first byte after the fixed integers).
    std::string bad_kind = bytes;
    bad_kind[8 * 4 + 4 * 3] = 99;
    CHECK_THROWS_AS(DecodeRetained(bad_kind, 1, decoded), std::runtime_error);
}

namespace {

// Appends `count` records with keys drawn from `keys` distinct values and returns what a pass
// must give back: key -> the (sequence, bytes) of its records in input order.
std::map<std::string, std::vector<std::pair<uint64_t, std::string>>>
Fill(RetainedStore& store, size_t count, size_t keys, uint32_t seed) {
    std::mt19937 random(seed);
    std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> expected;
    uint64_t sequence = 0;
    for (size_t i = 0; i < count; ++i) {
        std::string key = i % 97 == 0 ? "" : "/subscriptions/s/k" + std::to_string(random() % keys);
        sequence += 1 + random() % 3;
        std::string bytes(random() % 600, static_cast<char>('a' + i % 26));
        if (i % 50 == 0) bytes.assign(300u << 10, 'B'); // larger than a read buffer
        store.Append(key, sequence, bytes);
        expected[key].emplace_back(sequence, bytes);
    }
    return expected;
}

// One pass, checked against `expected`; returns the number of chunks.
size_t
CheckPass(RetainedStore& store,
          const std::map<std::string, std::vector<std::pair<uint64_t, std::string>>>& expected,
          size_t max_groups, size_t max_bytes) {
    auto want = expected.begin();
    size_t chunks = 0;
    store.ForEachChunk(max_groups, max_bytes, [&](const StoredChunk& chunk) {
        ++chunks;
        CHECK(chunk.groups.size() <= max_groups);
        for (const StoredGroup& group : chunk.groups) {
            REQUIRE(want != expected.end());
            CHECK(group.key == want->first);
            REQUIRE(group.count == want->second.size());
            for (size_t r = 0; r < group.count; ++r) {
                const StoredRecord& record = chunk.records[group.first + r];
                CHECK(record.sequence == want->second[r].first);
                CHECK(record.bytes == want->second[r].second);
            }
            ++want;
        }
    });
    CHECK(want == expected.end());
    return chunks;
}

} // namespace

TEST_CASE("a pass gives every record once, by key then input order", "[provenance][store]") {
    for (size_t budget : {size_t{32} << 20, size_t{64} << 10, size_t{1}}) {
        CAPTURE(budget);
        RetainedStoreOptions options;
        options.budget_bytes = budget;
        RetainedStore store(options);
        auto expected = Fill(store, 3000, 400, 7);
        CHECK(store.records() == 3000);
        CheckPass(store, expected, 2048, 8u << 20);
        // Passes repeat, and chunks respect their limits without splitting a group.
        CHECK(CheckPass(store, expected, 16, 8u << 20) >= 400 / 16);
        CheckPass(store, expected, 1, 1);
        if (budget < (1u << 20)) {
            CHECK(store.spilled_runs() > 1);
        } else {
            CHECK(store.spilled_runs() == 0);
        }
        CHECK_THROWS_AS(store.Append("late", 1u << 30, "x"), std::logic_error);
    }
}

TEST_CASE("a pass can read only the groups asked for", "[provenance][store]") {
    for (size_t budget : {size_t{32} << 20, size_t{4} << 10}) {
        RetainedStoreOptions options;
        options.budget_bytes = budget;
        RetainedStore store(options);
        auto all = Fill(store, 500, 40, 11);
        std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> some;
        for (const auto& [key, records] : all)
            if (key.ends_with('3')) some.emplace(key, records);
        REQUIRE(!some.empty());
        auto want = some.begin();
        store.ForEachChunk(
            8, 1u << 20,
            [&](const StoredChunk& chunk) {
                for (const StoredGroup& group : chunk.groups) {
                    REQUIRE(want != some.end());
                    CHECK(group.key == want->first);
                    CHECK(group.count == want->second.size());
                    ++want;
                }
            },
            [](std::string_view key) { return key.ends_with('3'); });
        CHECK(want == some.end());
    }
}

TEST_CASE("a spill directory that cannot be written stops the run", "[provenance][store]") {
    RetainedStoreOptions options;
    options.budget_bytes = 1;
    options.spill_dir = "/nonexistent/minetrace-spill";
    RetainedStore store(options);
    CHECK_THROWS_AS(store.Append("k", 1, "record"), std::runtime_error);
}

TEST_CASE("sequences must increase", "[provenance][store]") {
    RetainedStore store;
    store.Append("a", 5, "x");
    CHECK_THROWS_AS(store.Append("b", 5, "y"), std::logic_error);
}

TEST_CASE("a visit that throws ends the pass cleanly, and the next pass is whole",
          "[provenance][store]") {
    RetainedStoreOptions options;
    options.budget_bytes = 4u << 10; // spilled: the next chunk is read while one is visited
    RetainedStore store(options);
    auto expected = Fill(store, 800, 100, 5);
    REQUIRE(store.spilled_runs() > 1);
    size_t visits = 0;
    CHECK_THROWS_AS(store.ForEachChunk(4, 1u << 20,
                                       [&](const StoredChunk&) {
                                           if (++visits == 3) throw std::runtime_error("stop");
                                       }),
                    std::runtime_error);
    CHECK(visits == 3);
    CheckPass(store, expected, 4, 1u << 20);
}
