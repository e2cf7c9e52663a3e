#include "provenance/event_identity.hpp"

#include "provenance/model.hpp"

#include <cstring>

namespace minetrace {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

uint64_t Mix(uint64_t x) {
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

// Two independent 64-bit lanes over length-prefixed texts, eight bytes at a time: fast enough
// for every event, and 128 bits make an accidental bucket collision negligible (they are not a
// defence against crafted input: a collision needs the times to agree too).
class Hasher {
  public:
    void Add(std::string_view text) {
        Word(text.size());
        size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            uint64_t w;
            std::memcpy(&w, text.data() + i, 8);
            Word(w);
        }
        uint64_t tail = 0;
        // An empty view may hold a null pointer: memcpy from it is undefined even for 0 bytes.
        if (i < text.size()) std::memcpy(&tail, text.data() + i, text.size() - i);
        Word(tail);
    }
    void Word(uint64_t w) {
        a_ = Mix(a_ ^ w) + 0x9e3779b97f4a7c15ULL;
        b_ = Mix(b_ + w * 0xc2b2ae3d27d4eb4fULL) ^ 0x165667b19e3779f9ULL;
    }
    std::array<uint64_t, 2> Finish() const { return {Mix(a_), Mix(b_ ^ 0x27d4eb2f165667c5ULL)}; }

  private:
    uint64_t a_ = 0x243f6a8885a308d3ULL;
    uint64_t b_ = 0x13198a2e03707344ULL;
};

// 0 stays "absent": a present id that hashes to 0 becomes 1.
uint32_t IdHash(std::string_view id) {
    if (id.empty()) return 0;
    Hasher h;
    h.Add(id);
    auto v = static_cast<uint32_t>(h.Finish()[0]);
    return v == 0 ? 1 : v;
}

int64_t FloorDiv(int64_t value, int64_t unit) {
    int64_t q = value / unit;
    return (value % unit != 0 && value < 0) ? q - 1 : q;
}

constexpr int64_t kUnitOfDigits[7] = {1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};

bool IdsAgree(std::string_view a, std::string_view b) {
    return a.empty() || b.empty() || a == b;
}

} // namespace

IdentityFields IdentityFieldsOf(const Event& e) {
    return {e.kind,           e.phase,     e.time_us,           e.time_digits,
            e.correlation_id, e.operation, e.resource_id_lower, e.operation_id,
            e.event_data_id};
}

IdentityFields IdentityFieldsOf(const RetainedEvent& e) {
    return {e.kind,           e.phase,     e.time_us,           e.time_digits,
            e.correlation_id, e.operation, e.resource_id_lower, e.operation_id,
            e.event_data_id};
}

EventIdentity EventIdentityOf(const IdentityFields& f) {
    EventIdentity id;
    if (f.kind == SourceKind::kPartnerCenterAudit) return id;
    if (f.correlation_id.empty() && f.operation_id.empty() && f.event_data_id.empty()) return id;
    Hasher h;
    h.Add(f.correlation_id);
    h.Add(f.operation);
    h.Add(f.resource_id_lower);
    h.Word(static_cast<uint64_t>(f.phase));
    h.Word(static_cast<uint64_t>(FloorDiv(f.time_us, kMicrosPerSecond)));
    id.bucket = h.Finish();
    id.time_us = f.time_us;
    id.time_digits = f.time_digits > 6 ? 6 : f.time_digits;
    id.operation_id = IdHash(f.operation_id);
    id.event_data_id = IdHash(f.event_data_id);
    id.valid = true;
    return id;
}

bool SameTime(int64_t a_us, uint8_t a_digits, int64_t b_us, uint8_t b_digits) {
    uint8_t digits = std::min<uint8_t>(std::min(a_digits, b_digits), 6);
    int64_t unit = kUnitOfDigits[digits];
    return FloorDiv(a_us, unit) == FloorDiv(b_us, unit);
}

bool SameEvent(const EventIdentity& a, const EventIdentity& b) {
    if (!a.valid || !b.valid || a.bucket != b.bucket) return false;
    auto agree = [](uint32_t x, uint32_t y) { return x == 0 || y == 0 || x == y; };
    return agree(a.operation_id, b.operation_id) && agree(a.event_data_id, b.event_data_id) &&
           SameTime(a.time_us, a.time_digits, b.time_us, b.time_digits);
}

bool SameEvent(const IdentityFields& a, const IdentityFields& b) {
    if (a.kind == SourceKind::kPartnerCenterAudit || b.kind == SourceKind::kPartnerCenterAudit)
        return false;
    if (a.correlation_id.empty() && a.operation_id.empty() && a.event_data_id.empty()) return false;
    if (b.correlation_id.empty() && b.operation_id.empty() && b.event_data_id.empty()) return false;
    return a.phase == b.phase && a.correlation_id == b.correlation_id &&
           a.operation == b.operation && a.resource_id_lower == b.resource_id_lower &&
           FloorDiv(a.time_us, kMicrosPerSecond) == FloorDiv(b.time_us, kMicrosPerSecond) &&
           IdsAgree(a.operation_id, b.operation_id) && IdsAgree(a.event_data_id, b.event_data_id) &&
           SameTime(a.time_us, a.time_digits, b.time_us, b.time_digits);
}

} // namespace minetrace
