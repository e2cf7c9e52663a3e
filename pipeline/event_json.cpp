#include "pipeline/event_json.hpp"

#include "core/escape.hpp"
#include "core/sha256.hpp"
#include "core/timestamp.hpp"

namespace minetrace {

namespace {

// Writes `"key": "value"` when value is non-empty; tracks the separator.
class ObjectWriter {
  public:
    explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
    void Field(std::string_view key, std::string_view value) {
        if (value.empty()) return;
        Key(key);
        AppendJsonString(out_, value);
    }
    void Number(std::string_view key, uint64_t value) {
        Key(key);
        out_ += std::to_string(value);
    }
    void Raw(std::string_view key, std::string_view json) {
        Key(key);
        out_ += json;
    }
    void Key(std::string_view key) {
        if (!first_) out_ += ", ";
        first_ = false;
        AppendJsonString(out_, key);
        out_ += ": ";
    }
    void Close() { out_ += '}'; }

  private:
    std::string& out_;
    bool first_ = true;
};

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
    ObjectWriter w(out);
    w.Key("time");
    out += '"';
    AppendRfc3339Micros(out, e.time_us);
    out += '"';
    if (e.time_zone_assumed == Tristate::kYes) w.Raw("time_zone_assumed", "true");
    w.Field("kind", ToString(e.kind));
    w.Field("phase", ToString(e.phase));
    w.Field("file", file_path);
    w.Number("line", e.line);
    w.Number("offset", e.offset);
    w.Number("length", e.length);
    w.Key("record_sha256");
    out += '"';
    AppendSha256Hex(out, record);
    out += '"';
    w.Field("subscription_id", e.subscription_id);
    w.Field("tenant_id", e.tenant_id);
    w.Field("resource_id", e.resource_id);
    w.Field("resource_id_lower", e.resource_id_lower);
    w.Field("resource_type", e.resource_type);
    w.Field("resource_group", e.resource_group);
    w.Field("operation", e.operation);
    w.Field("operation_display", e.operation_display);
    w.Field("status", e.status);
    w.Field("status_code", e.status_code);
    w.Field("category", e.category);
    w.Field("level", e.level);
    w.Field("correlation_id", e.correlation_id);
    w.Field("operation_id", e.operation_id);
    w.Field("event_data_id", e.event_data_id);
    if (!IsEmpty(e.caller)) {
        const Caller& c = e.caller;
        w.Key("caller");
        ObjectWriter cw(out);
        cw.Field("caller", c.caller);
        cw.Field("upn", c.upn);
        cw.Field("name", c.name);
        cw.Field("object_id", c.object_id);
        cw.Field("app_id", c.app_id);
        cw.Field("appidacr", c.appidacr);
        cw.Field("principal_type", c.principal_type);
        cw.Field("token_tenant", c.token_tenant);
        cw.Field("idtyp", c.idtyp);
        cw.Field("amr", c.amr);
        cw.Field("mfa", ToString(c.mfa));
        cw.Field("managed_identity_resource_id", c.managed_identity_resource_id);
        cw.Field("ip_claim", c.ip_claim);
        cw.Field("token_id", c.token_id);
        cw.Close();
    }
    w.Field("caller_ip", e.caller_ip);
    if (!IsEmpty(e.authorization)) {
        const Authorization& a = e.authorization;
        w.Key("authorization");
        ObjectWriter aw(out);
        aw.Field("action", a.action);
        aw.Field("scope", a.scope);
        aw.Field("role", a.role);
        aw.Field("evidence_role", a.evidence_role);
        aw.Field("role_assignment_id", a.role_assignment_id);
        aw.Field("role_assignment_scope", a.role_assignment_scope);
        aw.Field("role_definition_id", a.role_definition_id);
        aw.Field("principal_id", a.principal_id);
        aw.Field("principal_type", a.principal_type);
        aw.Close();
    }
    w.Field("request_body", e.request_body);
    w.Field("response_body", e.response_body);
    w.Field("status_message", e.status_message);
    if (e.kind == SourceKind::kPartnerCenterAudit) {
        const PartnerCenterFields& p = e.partner;
        w.Key("partner");
        ObjectWriter pw(out);
        pw.Field("customer_name", p.customer_name);
        pw.Field("partner_id", p.partner_id);
        pw.Field("order_id", p.order_id);
        pw.Field("record_id", p.record_id);
        if (!p.subscription_ids.empty()) {
            pw.Key("subscription_ids");
            out += '[';
            for (size_t i = 0; i < p.subscription_ids.size(); ++i) {
                if (i > 0) out += ", ";
                AppendJsonString(out, p.subscription_ids[i]);
            }
            out += ']';
        }
        pw.Field("resource_new_value", p.resource_new_value);
        pw.Field("resource_old_value", p.resource_old_value);
        pw.Field("customized_data", p.customized_data);
        pw.Close();
    }
    if (!rule_ids.empty()) {
        w.Key("rules");
        out += '[';
        for (size_t i = 0; i < rule_ids.size(); ++i) {
            if (i > 0) out += ", ";
            AppendJsonString(out, rule_ids[i]);
        }
        out += ']';
    }
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
