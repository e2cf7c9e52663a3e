#include "provenance/detections.hpp"

#include "core/byte_form.hpp"
#include "provenance/model.hpp"

namespace minetrace {

namespace {

// Byte order of keys is (time, file, offset, rule id): the time with its sign bit flipped, file
// and offset big-endian, then the rule id (ids are unique, so the key is too).
std::string SortKey(const Detection& d) {
    std::string key;
    key.reserve(8 + 8 + 8 + d.rule_id.size());
    PutBigEndian(key, static_cast<uint64_t>(d.time_us) ^ (uint64_t{1} << 63));
    PutBigEndian(key, d.file_id);
    PutBigEndian(key, d.offset);
    key += d.rule_id;
    return key;
}

void PutPrincipal(std::string& out, const Principal& p) {
    for (const std::string* field : {&p.name, &p.type, &p.object_id, &p.app_id, &p.tenant_id, &p.ip,
                                     &p.ip_claim, &p.home_tenant, &p.credential})
        PutText(out, *field);
    PutVarint(out, static_cast<uint64_t>(p.mfa));
    PutVarint(out, p.foreign_tenant ? 1 : 0);
}

Principal ReadPrincipal(ByteFormReader& in) {
    Principal p;
    for (std::string* field : {&p.name, &p.type, &p.object_id, &p.app_id, &p.tenant_id, &p.ip,
                               &p.ip_claim, &p.home_tenant, &p.credential})
        *field = in.Text();
    uint64_t mfa = in.Varint();
    if (mfa > static_cast<uint64_t>(Tristate::kYes)) in.Damaged();
    p.mfa = static_cast<Tristate>(mfa);
    p.foreign_tenant = in.Varint() != 0;
    return p;
}

} // namespace

Detections::Detections(RetainedStoreOptions options)
    : store_(std::make_unique<RetainedStore>(std::move(options))) {}

void Detections::Add(const Detection& d) {
    std::string bytes;
    PutVarint(bytes, static_cast<uint64_t>(d.time_us));
    for (const std::string* text :
         {&d.rule_id, &d.rule_title, &d.level, &d.signal, &d.operation, &d.phase, &d.status,
          &d.status_code, &d.resource_id, &d.resource_type, &d.subscription_id, &d.correlation_id,
          &d.caller_ip, &d.file})
        PutText(bytes, *text);
    PutVarint(bytes, d.content_unavailable ? 1 : 0);
    PutVarint(bytes, d.file_id);
    PutVarint(bytes, d.line);
    PutVarint(bytes, d.offset);
    PutVarint(bytes, d.length);
    bytes.append(reinterpret_cast<const char*>(d.sha256.data()), d.sha256.size());
    PutVarint(bytes, d.principal ? 1 : 0);
    if (d.principal) PutPrincipal(bytes, *d.principal);
    PutVarint(bytes, d.copies.size());
    for (const EvidenceCopy& c : d.copies) {
        PutVarint(bytes, c.file_id);
        PutVarint(bytes, c.line);
        PutVarint(bytes, c.offset);
        PutVarint(bytes, c.length);
        bytes.append(reinterpret_cast<const char*>(c.sha256.data()), c.sha256.size());
    }
    store_->Append(SortKey(d), ++added_, bytes);
    ++by_level_[d.level];
}

void Detections::ForEach(const std::function<void(const Detection&)>& visit) const {
    Detection d;
    store_->ForEachChunk(4096, 4u << 20, [&](const StoredChunk& chunk) {
        for (const StoredRecord& record : chunk.records) {
            ByteFormReader in(record.bytes, "damaged entry in the detections' spill file");
            d.time_us = static_cast<int64_t>(in.Varint());
            for (std::string* text :
                 {&d.rule_id, &d.rule_title, &d.level, &d.signal, &d.operation, &d.phase, &d.status,
                  &d.status_code, &d.resource_id, &d.resource_type, &d.subscription_id,
                  &d.correlation_id, &d.caller_ip, &d.file})
                *text = in.Text();
            d.content_unavailable = in.Varint() != 0;
            d.file_id = static_cast<uint32_t>(in.Varint());
            d.line = in.Varint();
            d.offset = in.Varint();
            d.length = in.Varint();
            in.Copy(d.sha256.data(), d.sha256.size());
            d.principal.reset();
            if (in.Varint() != 0)
                d.principal = std::make_shared<const Principal>(ReadPrincipal(in));
            uint64_t copies = in.Varint();
            // Each copy takes at least 36 bytes: a count beyond the entry is damage.
            if (copies > record.bytes.size()) in.Damaged();
            d.copies.resize(copies);
            for (EvidenceCopy& c : d.copies) {
                c.file_id = static_cast<uint32_t>(in.Varint());
                c.line = in.Varint();
                c.offset = in.Varint();
                c.length = in.Varint();
                in.Copy(c.sha256.data(), c.sha256.size());
            }
            if (!in.done()) in.Damaged();
            visit(d);
        }
    });
}

} // namespace minetrace
