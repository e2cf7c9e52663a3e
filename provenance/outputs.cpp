#include "provenance/outputs.hpp"

#include "core/json_writer.hpp"
#include "core/text_output.hpp"
#include "core/timestamp.hpp"

namespace minetrace {

namespace {

// The investigation outputs write absent values as null ("absent" is explicit in them).
class Json : public JsonObjectWriter {
  public:
    explicit Json(std::string& out) : JsonObjectWriter(out, JsonEmpty::kNull) {}
};

std::string MfaJson(Tristate mfa) {
    return mfa == Tristate::kYes ? "true" : mfa == Tristate::kNo ? "false" : "null";
}

void AppendPrincipal(std::string& out, const Principal& p) {
    Json j(out);
    j.Str("name", p.name).Str("type", p.type).Str("object_id", p.object_id).Str("app_id", p.app_id);
    j.Str("tenant_id", p.tenant_id).Str("ip", p.ip);
    if (!p.ip_claim.empty()) j.Str("ip_claim", p.ip_claim);
    j.Raw("mfa", MfaJson(p.mfa));
    j.Raw("foreign_tenant", p.foreign_tenant ? "true" : "false");
    if (!p.home_tenant.empty()) j.Str("home_tenant", p.home_tenant);
    if (!p.credential.empty()) j.Str("credential", p.credential);
    if (!p.identity_resource.empty()) j.Str("identity_resource", p.identity_resource);
    j.Close();
}

// A principal, or null where there is none.
void AppendPrincipalOrNull(std::string& out, const Principal* p) {
    if (p)
        AppendPrincipal(out, *p);
    else
        out += "null";
}

void AppendEvidence(std::string& out, const EvidenceRef& e) {
    Json j(out);
    j.Str("file", e.file).Int("line", e.line).Int("offset", e.offset).Int("length", e.length);
    j.Str("sha256", ToHex(e.sha256));
    j.Close();
}

} // namespace

std::string TimelineDatetime(int64_t unix_us) {
    std::string out = FormatRfc3339Micros(unix_us);
    if (!out.empty() && out.back() == 'Z') {
        out.pop_back();
        out += "+00:00";
    }
    return out;
}

void WriteResources(std::ostream& stream, const InvestigationResult& result) {
    std::string out;
    for (const ResourceFinding& f : result.resources) {
        Json j(out);
        j.Str("resource_id", f.resource_id)
            .Str("name", f.name)
            .Str("resource_type", f.resource_type);
        j.Str("subscription_id", f.subscription_id).Str("resource_group", f.resource_group);
        j.Str("status", f.status).Str("severity", ToString(f.severity));
        j.StrArray("rules", f.rules).StrArray("signals", f.signals).StrArray("reasons", f.reasons);
        j.StrArray("content_unavailable", f.content_unavailable);
        j.Time("created_at", f.created_at_us).Time("completed_at", f.completed_at_us);
        j.Key("created_by");
        AppendPrincipalOrNull(out, f.created_by.get());
        j.Str("creation_evidence", f.creation_evidence);
        j.Raw("pre_existing", f.pre_existing ? "true" : "false");
        j.Time("first_seen", f.first_seen_us);
        j.Key("actor");
        AppendPrincipalOrNull(out, f.actor.get());
        j.Time("acted_at", f.acted_at_us).Str("act", f.act);
        j.Str("correlation_id", f.correlation_id).Str("deployment", f.deployment);
        j.Key("authorized_by");
        if (f.authorized_by) {
            const Grant& g = *f.authorized_by;
            Json a(out);
            a.Str("name", g.granted_by.name).Str("type", g.granted_by.type);
            a.Str("object_id", g.granted_by.object_id)
                .Time("at", g.at_us)
                .Str("ip", g.granted_by.ip);
            a.Raw("mfa", MfaJson(g.granted_by.mfa));
            a.Str("role", g.role).Str("role_definition_id", g.role_definition_id);
            a.Str("role_assignment_id", g.assignment_id).Str("scope", g.scope);
            a.Str("principal_id", g.principal_id).Str("principal_type", g.principal_type);
            a.Str("source", g.source);
            a.Str("completion", g.completion_unknown ? "unknown" : "");
            a.Close();
        } else {
            out += "null";
        }
        j.Time("deleted_at", f.deleted_at_us)
            .Time("deletion_completed_at", f.deletion_completed_at_us);
        j.Key("deleted_by");
        AppendPrincipalOrNull(out, f.deleted_by.get());
        j.Str("deleted_by_parent", f.deleted_by_parent);
        j.Str("parent", f.parent);
        j.Str("identity_host", f.identity_host);
        j.StrArray("identity_used_for", f.identity_used_for);
        j.Int("identity_links_omitted", f.identity_links_omitted);
        j.Key("details");
        {
            Json d(out);
            for (const auto& [k, v] : f.details) d.Str(k, v);
            d.Close();
        }
        j.Key("size_changes");
        {
            Json sc(out);
            for (const auto& [field, change] : f.size_changes) {
                sc.Key(field);
                Json c(out);
                c.Str("before", change.values.before).Str("after", change.values.after);
                c.Str("by", change.by ? change.by->name : "").Time("at", change.at_us);
                c.Close();
            }
            sc.Close();
        }
        j.Key("changes");
        out += '[';
        for (size_t i = 0; i < f.changes.size(); ++i) {
            const ResourceChange& c = f.changes[i];
            if (i) out += ", ";
            Json cj(out);
            cj.Str("kind", c.kind).Str("operation", c.operation).Time("at", c.at_us);
            cj.Key("by");
            AppendPrincipalOrNull(out, c.by.get());
            cj.Str("status_code", c.status_code);
            cj.Key("fields");
            {
                Json fj(out);
                for (const auto& [field, values] : c.fields) {
                    fj.Key(field);
                    Json v(out);
                    v.Str("before", values.before).Str("after", values.after);
                    v.Close();
                }
                fj.Close();
            }
            cj.Raw("routine", c.routine ? "true" : "false");
            cj.Close();
        }
        out += ']';
        j.Int("changes_omitted", f.changes_omitted);
        j.Key("preparation");
        out += '[';
        for (size_t i = 0; i < f.preparation.size(); ++i) {
            const Precursor& p = f.preparation[i];
            if (i) out += ", ";
            Json pj(out);
            pj.Time("at", p.at_us).Str("operation", p.operation).Str("resource_id", p.resource_id);
            pj.Str("signal", p.signal).Str("status", p.status);
            pj.Close();
        }
        out += ']';
        j.Int("preparation_omitted", f.preparation_omitted);
        j.Key("evidence");
        out += '[';
        for (size_t i = 0; i < f.evidence.size(); ++i) {
            if (i) out += ", ";
            AppendEvidence(out, f.evidence[i]);
        }
        out += ']';
        j.Close();
        out += '\n';
        FlushIfLarge(stream, out);
    }
    stream << out;
}

void WriteSubscriptions(std::ostream& stream, const InvestigationResult& result) {
    std::string out;
    for (const SubscriptionFinding& s : result.subscriptions) {
        Json j(out);
        j.Str("subscription_id", s.subscription_id).Str("customer_id", s.customer_id);
        j.Str("customer_name", s.customer_name).Str("created_by", s.created_by);
        j.Time("created_at", s.created_at_us)
            .Str("order_id", s.order_id)
            .Str("partner_id", s.partner_id);
        j.Key("evidence");
        if (s.evidence)
            AppendEvidence(out, *s.evidence);
        else
            out += "null";
        j.Close();
        out += '\n';
        FlushIfLarge(stream, out);
    }
    stream << out;
}

void WritePrincipals(std::ostream& stream, const InvestigationResult& result) {
    std::string out;
    result.principals.ForEach([&](const PrincipalSummary& p) {
        Json j(out);
        j.Str("key", p.key).Str("name", p.identity.name).Str("type", p.identity.type);
        j.Str("object_id", p.identity.object_id).Str("app_id", p.identity.app_id);
        j.Str("tenant_id", p.identity.tenant_id);
        j.Raw("foreign_tenant", p.identity.foreign_tenant ? "true" : "false");
        j.Time("first_seen", p.first_seen_us).Time("last_seen", p.last_seen_us);
        j.Int("events", p.events).Int("failures", p.failures);
        j.StrArray("ips", p.ips);
        j.Counts("created_by_type", p.created_by_type);
        j.Counts("created_by_size", p.created_by_size);
        j.Counts("created_by_region", p.created_by_region);
        j.Str("worst_severity", p.has_findings ? ToString(p.worst) : "");
        j.Close();
        out += '\n';
        FlushIfLarge(stream, out);
    });
    stream << out;
}

void WriteTimelineJsonl(std::ostream& stream, const InvestigationResult& result) {
    std::string out;
    result.timeline.ForEach([&](const TimelineEntry& t) {
        Json j(out);
        j.Str("message", t.message).Str("datetime", TimelineDatetime(t.time_us));
        j.Key("timestamp");
        out += std::to_string(t.time_us);
        j.Str("timestamp_desc", t.timestamp_desc).Str("data_type", t.data_type);
        for (const auto& [k, v] : t.fields) j.Str(k, v);
        j.Close();
        out += '\n';
        FlushIfLarge(stream, out);
    });
    stream << out;
}

void WriteTimelineCsv(std::ostream& stream, const InvestigationResult& result) {
    // psort "dynamic" columns first, then the fields every entry may carry.
    static const std::vector<std::string> kExtra = {
        "operation", "resource_id", "resource_type", "subscription_id", "correlation_id",
        "status",    "status_code", "caller",        "caller_type",     "caller_object_id",
        "caller_ip", "severity",    "rules",         "customer_id",     "customer_name",
        "order_id",  "source_file", "record_line",   "record_offset",   "record_sha256",
        "level"};
    std::string out =
        "datetime,timestamp,timestamp_desc,source,source_long,message,parser,display_name,tag";
    for (const std::string& k : kExtra) out += "," + k;
    out += ",record_copies\r\n"; // the same event's records in other exports, when any
    result.timeline.ForEach([&](const TimelineEntry& t) {
        AppendCsvField(out, TimelineDatetime(t.time_us));
        out += ',';
        out += std::to_string(t.time_us);
        out += ',';
        AppendCsvField(out, t.timestamp_desc);
        out += ',';
        AppendCsvField(out, t.data_type == "azure:partner-center:audit" ? "PARTNER" : "ARM");
        out += ',';
        AppendCsvField(out, t.data_type == "azure:partner-center:audit"
                                ? "Partner Center audit record"
                                : "Azure Activity Log");
        out += ',';
        AppendCsvField(out, t.message);
        out += ",minetrace,";
        auto file = t.fields.find("source_file");
        AppendCsvField(out, file == t.fields.end() ? "" : file->second);
        out += ',';
        auto severity = t.fields.find("severity");
        AppendCsvField(out, severity == t.fields.end() ? "" : severity->second);
        for (const std::string& k : kExtra) {
            out += ',';
            auto it = t.fields.find(k);
            if (it != t.fields.end()) AppendCsvField(out, it->second);
        }
        out += ',';
        if (auto copies = t.fields.find("record_copies"); copies != t.fields.end())
            AppendCsvField(out, copies->second);
        out += "\r\n";
        FlushIfLarge(stream, out);
    });
    stream << out;
}

void WriteDetections(std::ostream& stream, const InvestigationResult& result) {
    std::string out;
    result.detections.ForEach([&](const Detection& d) {
        Json j(out);
        j.Time("time", d.time_us).Str("rule", d.rule_id).Str("rule_title", d.rule_title);
        j.Str("level", d.level).Str("signal", d.signal);
        j.Raw("content_unavailable", d.content_unavailable ? "true" : "false");
        j.Str("operation", d.operation).Str("phase", d.phase).Str("status", d.status);
        j.Str("status_code", d.status_code).Str("resource_id", d.resource_id);
        j.Str("resource_type", d.resource_type).Str("subscription_id", d.subscription_id);
        j.Str("correlation_id", d.correlation_id);
        j.Key("principal");
        AppendPrincipalOrNull(out, d.principal.get());
        j.Str("caller_ip", d.caller_ip);
        j.Key("evidence");
        AppendEvidence(out, EvidenceRef{d.file, d.line, d.offset, d.length, d.sha256});
        j.Key("copies");
        out += '[';
        for (size_t i = 0; i < d.copies.size(); ++i) {
            const EvidenceCopy& c = d.copies[i];
            std::string_view file =
                c.file_id < result.files.size() ? result.files[c.file_id] : std::string_view();
            if (i) out += ", ";
            AppendEvidence(out, EvidenceRef{file, c.line, c.offset, c.length, c.sha256});
        }
        out += ']';
        j.Close();
        out += '\n';
        FlushIfLarge(stream, out);
    });
    stream << out;
}

} // namespace minetrace
