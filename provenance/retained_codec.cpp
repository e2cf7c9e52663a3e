#include "provenance/retained_codec.hpp"

#include "core/byte_form.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace minetrace {

namespace {

// The fixed-size part of a record, copied as is.
struct FixedPart {
    int64_t time_us;
    uint64_t line;
    uint64_t offset;
    uint64_t length;
    uint32_t file_id;
    uint32_t rule_count;
    uint32_t subscription_count; // Partner Center subscription ids
    uint8_t kind;
    uint8_t phase;
    uint8_t mfa;
    uint8_t has_partner;
    uint8_t time_digits;
    std::array<uint8_t, 32> sha256;
};

constexpr size_t kTextCount = 19 + 13 + 15 + 6 + 2;
// Where the caller's object id is among them (see TextFields).
constexpr size_t kObjectIdText = 21;

// Every text field of a record, in the order of the byte form. The same list serves encoding
// (const, from the event and its groups) and decoding (into them).
template <typename Event, typename Identity, typename Facts, typename Partner>
auto TextFields(Event& e, Identity& who, Facts& f, Partner& pc) {
    return std::array<decltype(&e.subscription_id), kTextCount>{&e.subscription_id,
                                                                &e.tenant_id,
                                                                &e.resource_id,
                                                                &e.resource_id_lower,
                                                                &e.resource_type,
                                                                &e.resource_group,
                                                                &e.operation,
                                                                &e.status,
                                                                &e.status_code,
                                                                &e.correlation_id,
                                                                &e.caller_ip,
                                                                &e.evidence_role,
                                                                &e.role_assignment_id,
                                                                &e.role_definition_id,
                                                                &e.role_assignment_scope,
                                                                &e.evidence_principal_id,
                                                                &e.evidence_principal_type,
                                                                &e.request_body,
                                                                &e.response_body,
                                                                &who.caller,
                                                                &who.upn,
                                                                &who.object_id,
                                                                &who.app_id,
                                                                &who.appidacr,
                                                                &who.principal_type,
                                                                &who.token_tenant,
                                                                &who.idtyp,
                                                                &who.managed_identity_resource_id,
                                                                &who.ip_claim,
                                                                &who.unique_name,
                                                                &who.email,
                                                                &who.idp,
                                                                &f.location,
                                                                &f.vm_size,
                                                                &f.priority,
                                                                &f.max_price,
                                                                &f.capacity,
                                                                &f.target_dedicated_nodes,
                                                                &f.target_low_priority_nodes,
                                                                &f.image,
                                                                &f.publisher,
                                                                &f.extension_type,
                                                                &f.grant_principal_id,
                                                                &f.grant_principal_type,
                                                                &f.grant_role_definition_id,
                                                                &f.grant_scope,
                                                                &f.change_ticket,
                                                                &pc.customer_name,
                                                                &pc.partner_id,
                                                                &pc.order_id,
                                                                &pc.record_id,
                                                                &pc.resource_new_value,
                                                                &pc.customized_data,
                                                                &e.operation_id,
                                                                &e.event_data_id};
}

} // namespace

void EncodeRetained(const RetainedEvent& e, std::string& out) {
    const RetainedIdentity& who = e.who();
    const RetainedFacts& facts = e.fact();
    const RetainedPartner& pc = e.pc();
    FixedPart fixed{};
    fixed.time_us = e.time_us;
    fixed.line = e.line;
    fixed.offset = e.offset;
    fixed.length = e.length;
    fixed.file_id = e.file_id;
    fixed.rule_count = static_cast<uint32_t>(e.rules.size());
    fixed.subscription_count = static_cast<uint32_t>(pc.subscription_ids.size());
    fixed.kind = static_cast<uint8_t>(e.kind);
    fixed.phase = static_cast<uint8_t>(e.phase);
    fixed.mfa = static_cast<uint8_t>(who.mfa);
    fixed.has_partner = e.partner != nullptr;
    fixed.time_digits = e.time_digits;
    fixed.sha256 = e.sha256;
    out.append(reinterpret_cast<const char*>(&fixed), sizeof fixed);
    for (const std::string_view* text : TextFields(e, who, facts, pc)) PutText(out, *text);
    for (std::string_view id : pc.subscription_ids) PutText(out, id);
    for (const RuleRef& hit : e.rules)
        PutVarint(out, uint64_t{hit.rule} << 1 | hit.content_unavailable);
}

bool SetRetainedFileId(std::string& bytes, uint32_t file_id) {
    if (bytes.size() < sizeof(FixedPart)) return false;
    std::memcpy(bytes.data() + offsetof(FixedPart, file_id), &file_id, sizeof file_id);
    return true;
}

void DecodeRetained(std::string_view bytes, uint64_t sequence, DecodedEvent& out) {
    ByteFormReader in(bytes, "damaged record in the investigation's spill file");
    FixedPart fixed;
    in.Copy(&fixed, sizeof fixed);
    if (fixed.kind > static_cast<uint8_t>(SourceKind::kPartnerCenterAudit) ||
        fixed.phase > static_cast<uint8_t>(Phase::kOther) ||
        fixed.mfa > static_cast<uint8_t>(Tristate::kYes) || fixed.time_digits > 6 ||
        fixed.rule_count > bytes.size() || fixed.subscription_count > bytes.size())
        in.Damaged();
    RetainedEvent& e = out.event;
    e = RetainedEvent{};
    out.identity = RetainedIdentity{};
    out.facts = RetainedFacts{};
    out.partner = RetainedPartner{};
    e.time_us = fixed.time_us;
    e.kind = static_cast<SourceKind>(fixed.kind);
    e.phase = static_cast<Phase>(fixed.phase);
    e.file_id = fixed.file_id;
    e.line = fixed.line;
    e.offset = fixed.offset;
    e.length = fixed.length;
    e.sha256 = fixed.sha256;
    e.sequence = sequence;
    e.time_digits = fixed.time_digits;
    out.identity.mfa = static_cast<Tristate>(fixed.mfa);
    for (std::string_view* text : TextFields(e, out.identity, out.facts, out.partner))
        *text = in.Text();
    out.partner.subscription_ids.reserve(fixed.subscription_count);
    for (uint32_t i = 0; i < fixed.subscription_count; ++i)
        out.partner.subscription_ids.push_back(in.Text());
    e.rules.reserve(fixed.rule_count);
    for (uint32_t i = 0; i < fixed.rule_count; ++i) {
        uint64_t hit = in.Varint();
        if (hit >> 33) in.Damaged();
        e.rules.push_back({static_cast<uint32_t>(hit >> 1), (hit & 1) != 0});
    }
    if (!in.done()) in.Damaged();
    e.identity = &out.identity;
    e.facts = &out.facts;
    e.partner = fixed.has_partner ? &out.partner : nullptr;
}

void FillEmptyFields(DecodedEvent& into, const DecodedEvent& from) {
    auto to = TextFields(into.event, into.identity, into.facts, into.partner);
    auto source = TextFields(from.event, from.identity, from.facts, from.partner);
    for (size_t i = 0; i < kTextCount; ++i)
        if (to[i]->empty()) *to[i] = *source[i];
    if (into.identity.mfa == Tristate::kUnknown) into.identity.mfa = from.identity.mfa;
}

std::string_view PeekCallerObjectId(std::string_view bytes) {
    ByteFormReader in(bytes, "damaged record in the investigation's spill file");
    FixedPart fixed;
    in.Copy(&fixed, sizeof fixed);
    for (size_t i = 0; i < kObjectIdText; ++i) in.Text();
    return in.Text();
}

} // namespace minetrace
