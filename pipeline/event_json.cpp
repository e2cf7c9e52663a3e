#include "pipeline/event_json.hpp"

#include "core/json_writer.hpp"
#include "core/sha256.hpp"
#include "core/timestamp.hpp"

namespace minetrace {

namespace {

bool IsEmpty(const Caller& c) {
    return c.caller.empty() && c.upn.empty() && c.object_id.empty() && c.app_id.empty() &&
           c.principal_type.empty();
}

bool IsEmpty(const Authorization& a) {
    return a.action.empty() && a.scope.empty() && a.role.empty() && a.evidence_role.empty() &&
           a.principal_id.empty();
}

} // namespace

void AppendEventJson(std::string& out, const Event& e, std::string_view file_path,
                     std::string_view record, const std::vector<std::string_view>& rule_ids) {
    JsonObjectWriter w(out, JsonEmpty::kOmit);
    w.Key("time");
    out += '"';
    AppendRfc3339Micros(out, e.time_us);
    out += '"';
    if (e.time_zone_assumed == Tristate::kYes) w.Bool("time_zone_assumed", true);
    w.Str("kind", ToString(e.kind));
    w.Str("phase", ToString(e.phase));
    w.Str("file", file_path);
    w.Int("line", e.line);
    w.Int("offset", e.offset);
    w.Int("length", e.length);
    w.Key("record_sha256");
    out += '"';
    AppendSha256Hex(out, record);
    out += '"';
    w.Str("subscription_id", e.subscription_id);
    w.Str("tenant_id", e.tenant_id);
    w.Str("resource_id", e.resource_id);
    w.Str("resource_id_lower", e.resource_id_lower);
    w.Str("resource_type", e.resource_type);
    w.Str("resource_group", e.resource_group);
    w.Str("operation", e.operation);
    w.Str("operation_display", e.operation_display);
    w.Str("status", e.status);
    w.Str("status_code", e.status_code);
    w.Str("category", e.category);
    w.Str("level", e.level);
    w.Str("correlation_id", e.correlation_id);
    w.Str("operation_id", e.operation_id);
    w.Str("event_data_id", e.event_data_id);
    if (!IsEmpty(e.caller)) {
        const Caller& c = e.caller;
        w.Key("caller");
        JsonObjectWriter cw(out, JsonEmpty::kOmit);
        cw.Str("caller", c.caller);
        cw.Str("upn", c.upn);
        cw.Str("name", c.name);
        cw.Str("object_id", c.object_id);
        cw.Str("app_id", c.app_id);
        cw.Str("appidacr", c.appidacr);
        cw.Str("principal_type", c.principal_type);
        cw.Str("token_tenant", c.token_tenant);
        cw.Str("idtyp", c.idtyp);
        cw.Str("amr", c.amr);
        cw.Str("mfa", ToString(c.mfa));
        cw.Str("managed_identity_resource_id", c.managed_identity_resource_id);
        cw.Str("ip_claim", c.ip_claim);
        cw.Str("token_id", c.token_id);
        cw.Close();
    }
    w.Str("caller_ip", e.caller_ip);
    if (!IsEmpty(e.authorization)) {
        const Authorization& a = e.authorization;
        w.Key("authorization");
        JsonObjectWriter aw(out, JsonEmpty::kOmit);
        aw.Str("action", a.action);
        aw.Str("scope", a.scope);
        aw.Str("role", a.role);
        aw.Str("evidence_role", a.evidence_role);
        aw.Str("role_assignment_id", a.role_assignment_id);
        aw.Str("role_assignment_scope", a.role_assignment_scope);
        aw.Str("role_definition_id", a.role_definition_id);
        aw.Str("principal_id", a.principal_id);
        aw.Str("principal_type", a.principal_type);
        aw.Close();
    }
    w.Str("request_body", e.request_body);
    w.Str("response_body", e.response_body);
    w.Str("status_message", e.status_message);
    if (e.kind == SourceKind::kPartnerCenterAudit) {
        const PartnerCenterFields& p = e.partner;
        w.Key("partner");
        JsonObjectWriter pw(out, JsonEmpty::kOmit);
        pw.Str("customer_name", p.customer_name);
        pw.Str("partner_id", p.partner_id);
        pw.Str("order_id", p.order_id);
        pw.Str("record_id", p.record_id);
        pw.StrArray("subscription_ids", p.subscription_ids);
        pw.Str("resource_new_value", p.resource_new_value);
        pw.Str("resource_old_value", p.resource_old_value);
        pw.Str("customized_data", p.customized_data);
        pw.Close();
    }
    w.StrArray("rules", rule_ids);
    w.Close();
}

EventJsonWriter::EventJsonWriter(std::ostream& out, std::vector<std::string> paths,
                                 std::vector<std::string> rule_ids)
    : out_(out), paths_(std::move(paths)), rule_ids_(std::move(rule_ids)) {}

void EventJsonWriter::Consume(const Batch& batch) {
    buffer_.clear();
    std::string_view path;
    if (batch.file_id < paths_.size()) path = paths_[batch.file_id];
    for (size_t i = 0; i < batch.events.size(); ++i) {
        const Event& event = batch.events[i];
        matched_.clear();
        if (i < batch.rule_ranges.size()) {
            auto [begin, count] = batch.rule_ranges[i];
            for (uint32_t k = 0; k < count; ++k) {
                uint32_t rule = batch.rule_hits[begin + k] & ~kRuleHitContentUnavailable;
                if (rule < rule_ids_.size()) matched_.push_back(rule_ids_[rule]);
            }
        }
        std::string_view record(batch.data.get() + (event.offset - batch.base_offset),
                                static_cast<size_t>(event.length));
        AppendEventJson(buffer_, event, path, record, matched_);
        buffer_ += '\n';
    }
    out_ << buffer_;
}

} // namespace minetrace
