// Event identity (event_identity.hpp): when two records are copies of one event; the duplicate
// index over compact identities, spilled or not; folding copies of one event in a group.
#include "provenance/copy_folding.hpp"
#include "provenance/duplicate_index.hpp"
#include "provenance/event_identity.hpp"
#include "provenance/retained_codec.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace minetrace;

namespace {

constexpr int64_t kAt = 1'760'256'191'123'456; // 2026-10-12T08:03:11.123456Z

IdentityFields Fields(int64_t time_us = kAt, uint8_t digits = 6) {
    IdentityFields f;
    f.kind = SourceKind::kActivityRest;
    f.phase = Phase::kSucceeded;
    f.time_us = time_us;
    f.time_digits = digits;
    f.correlation_id = "c0ffee00-0000-4000-8000-000000000001";
    f.operation = "microsoft.compute/virtualmachines/write";
    f.resource_id_lower = "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/"
                          "virtualmachines/vm1";
    f.operation_id = "0p000000-0000-4000-8000-000000000001";
    f.event_data_id = "ed000000-0000-4000-8000-000000000001";
    return f;
}

bool Same(const IdentityFields& a, const IdentityFields& b) {
    bool full = SameEvent(a, b);
    // The compact rule must agree with the full one.
    CHECK(SameEvent(EventIdentityOf(a), EventIdentityOf(b)) == full);
    return full;
}

} // namespace

TEST_CASE("Event identity: copies across shapes and precisions", "[provenance][dedup]") {
    IdentityFields rest = Fields();
    SECTION("a ms copy matches the µs one; a copy a ms off does not") {
        CHECK(Same(rest, Fields(kAt - 456, 3)));
        CHECK_FALSE(Same(rest, Fields(kAt - 456 + 1000, 3)));
    }
    SECTION("a whole-second copy matches anything in its second") {
        CHECK(Same(rest, Fields(kAt - 123'456, 0)));
        CHECK_FALSE(Same(rest, Fields(kAt - 123'456 - 1'000'000, 0)));
    }
    SECTION("two µs copies must agree to the µs") {
        CHECK(Same(rest, Fields(kAt)));
        CHECK_FALSE(Same(rest, Fields(kAt + 1)));
    }
    SECTION("an Event Hub copy without eventDataId or operationId matches") {
        IdentityFields hub = Fields();
        hub.kind = SourceKind::kActivityExport;
        hub.event_data_id = {};
        hub.operation_id = {};
        CHECK(Same(rest, hub));
    }
    SECTION("different eventDataIds or operationIds are two events") {
        IdentityFields other = Fields();
        other.event_data_id = "ed000000-0000-4000-8000-000000000002";
        CHECK_FALSE(Same(rest, other));
        other = Fields();
        other.operation_id = "0p000000-0000-4000-8000-000000000002";
        CHECK_FALSE(Same(rest, other));
    }
    SECTION("another phase, operation, resource or correlation is another event") {
        IdentityFields other = Fields();
        other.phase = Phase::kStarted;
        CHECK_FALSE(Same(rest, other));
        other = Fields();
        other.operation = "microsoft.compute/virtualmachines/delete";
        CHECK_FALSE(Same(rest, other));
        other = Fields();
        other.resource_id_lower = "/subscriptions/s/resourcegroups/rg";
        CHECK_FALSE(Same(rest, other));
        other = Fields();
        other.correlation_id = "c0ffee00-0000-4000-8000-000000000002";
        CHECK_FALSE(Same(rest, other));
    }
    SECTION("records without any id, and Partner Center records, have no identity") {
        IdentityFields bare = Fields();
        bare.correlation_id = bare.operation_id = bare.event_data_id = {};
        CHECK_FALSE(EventIdentityOf(bare).valid);
        CHECK_FALSE(SameEvent(bare, bare));
        IdentityFields partner = Fields();
        partner.kind = SourceKind::kPartnerCenterAudit;
        CHECK_FALSE(EventIdentityOf(partner).valid);
        CHECK_FALSE(SameEvent(partner, partner));
    }
    SECTION("times before 1970 truncate toward the earlier second") {
        CHECK(SameTime(-1, 6, -999'999, 0));
        CHECK_FALSE(SameTime(-1, 0, 0, 0));
    }
}

TEST_CASE("Duplicate index: later copies counted per file and principal, at any budget",
          "[provenance][dedup]") {
    for (size_t budget : {size_t{32} << 20, size_t{64}}) {
        INFO("budget " << budget);
        RetainedStoreOptions options;
        options.budget_bytes = budget;
        DuplicateIndex index(options);
        uint64_t sequence = 0;
        // Event A in files 0 (ms), 1 (µs) and 2 (µs); event B only in file 1; event C, a ms off
        // A, in file 2; a failure of principal 7 in files 0 and 2.
        index.Add(EventIdentityOf(Fields(kAt - 456, 3)), sequence++, 0, 7, false);
        index.Add(EventIdentityOf(Fields(kAt)), sequence++, 1, 7, false);
        IdentityFields b = Fields();
        b.event_data_id = "ed000000-0000-4000-8000-00000000000b";
        index.Add(EventIdentityOf(b), sequence++, 1, 7, false);
        index.Add(EventIdentityOf(Fields(kAt)), sequence++, 2, 7, false);
        index.Add(EventIdentityOf(Fields(kAt + 1000, 6)), sequence++, 2, 7, false);
        IdentityFields failed = Fields();
        failed.phase = Phase::kFailed;
        index.Add(EventIdentityOf(failed), sequence++, 0, 7, true);
        index.Add(EventIdentityOf(failed), sequence++, 2, DuplicateIndex::kNoPrincipal, true);
        index.Add(EventIdentityOf(failed), sequence++, 2, 7, true);
        DuplicateIndex::Result r = index.Resolve();
        CHECK(r.duplicates == 4);
        REQUIRE(r.per_file.size() == 3);
        CHECK(r.per_file[0] == 0);
        CHECK(r.per_file[1] == 1);
        CHECK(r.per_file[2] == 3);
        REQUIRE(r.per_principal.count(7) == 1);
        CHECK(r.per_principal[7].events == 3);
        CHECK(r.per_principal[7].failures == 1);
    }
}

TEST_CASE("Copy folding: one record per event, most precise time, fields filled, every copy's "
          "evidence",
          "[provenance][dedup]") {
    // Three records of one resource: the ms CSV copy first (no IP, no bodies), a 7-digit REST
    // copy (IP, response body), and another event.
    auto encode = [](int64_t time_us, uint8_t digits, uint32_t file_id, std::string_view ip,
                     std::string_view body, std::string_view edid, uint32_t rule) {
        RetainedEvent e;
        e.time_us = time_us;
        e.time_digits = digits;
        e.kind = SourceKind::kActivityRest;
        e.phase = Phase::kSucceeded;
        e.file_id = file_id;
        e.line = 10 + file_id;
        e.offset = 100 * file_id;
        e.length = 50;
        e.sha256[0] = static_cast<uint8_t>(file_id);
        IdentityFields f = Fields();
        e.correlation_id = f.correlation_id;
        e.operation = f.operation;
        e.resource_id_lower = f.resource_id_lower;
        e.operation_id = f.operation_id;
        e.event_data_id = edid;
        e.caller_ip = ip;
        e.response_body = body;
        e.rules = {{rule, false}};
        std::string out;
        EncodeRetained(e, out);
        return out;
    };
    std::vector<std::string> bytes = {
        encode(kAt - 456, 3, 0, "", "", "ed000000-0000-4000-8000-000000000001", 1),
        encode(kAt, 6, 1, "198.51.100.23", "{\"x\":1}", "ed000000-0000-4000-8000-000000000001", 2),
        encode(kAt, 6, 1, "203.0.113.25", "", "ed000000-0000-4000-8000-000000000002", 3)};
    std::vector<DecodedEvent> decoded(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) DecodeRetained(bytes[i], i, decoded[i]);
    std::vector<const RetainedEvent*> events = analysis::FoldCopies(decoded.data(), decoded.size());
    REQUIRE(events.size() == 2);
    const RetainedEvent& first = *events[0];
    CHECK(first.sequence == 0);  // the first copy in input order is the event
    CHECK(first.file_id == 0);   // with its own evidence reference
    CHECK(first.time_us == kAt); // µs beats ms
    CHECK(first.time_digits == 6);
    CHECK(first.caller_ip == "198.51.100.23"); // filled from the other copy
    CHECK(first.response_body == "{\"x\":1}");
    REQUIRE(first.rules.size() == 2);
    CHECK(first.rules[1].rule == 2);
    REQUIRE(first.copies.size() == 1);
    CHECK(first.copies[0].file_id == 1);
    CHECK(first.copies[0].offset == 100);
    CHECK(first.copies[0].line == 11);
    CHECK(first.copies[0].sha256[0] == 1);
    CHECK(events[1]->sequence == 2);
    CHECK(events[1]->caller_ip == "203.0.113.25");
    CHECK(events[1]->copies.empty());
}

TEST_CASE("Event identity: empty fields (views without storage) hash, and alike for alike",
          "[provenance][dedup]") {
    // Default views hold a null pointer: hashing them must copy nothing from it (UBSan in the
    // asan preset; found by fuzz/segment_fuzz.cpp).
    IdentityFields f;
    f.correlation_id = "1c3f7d2e-0000-4000-8000-000000000001";
    f.operation = "microsoft.compute/virtualmachines/write";
    f.time_us = 1760000000000000;
    EventIdentity a = EventIdentityOf(f);
    IdentityFields g = f;
    g.resource_id_lower = std::string_view(); // null data, size 0
    EventIdentity b = EventIdentityOf(g);
    CHECK(a.bucket == b.bucket);
    g.resource_id_lower = "/subscriptions/x";
    CHECK(EventIdentityOf(g).bucket != a.bucket);
}
