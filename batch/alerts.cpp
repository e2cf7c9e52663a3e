#include "batch/alerts.hpp"

#include "batch/json_line.hpp"
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/json_writer.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <ostream>

namespace minetrace::batch {

namespace {

constexpr std::array<std::string_view, 4> kStateNames = {"new", "escalated", "unchanged", "gone"};

// Severity first (highest), then creation time, then id: the same order whatever the engine's.
bool AlertOrder(const Alert& a, const Alert& b) {
    if (a.finding.severity != b.finding.severity) return a.finding.severity > b.finding.severity;
    if (a.finding.created_at_us != b.finding.created_at_us)
        return a.finding.created_at_us < b.finding.created_at_us;
    return a.finding.id < b.finding.id;
}

bool IsAlert(const Alert& alert) {
    return alert.state == AlertState::kNew || alert.state == AlertState::kEscalated;
}

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
uint64_t OcsfSeverityId(Severity severity) {
    return static_cast<uint64_t>(severity) + 1;
}

std::string_view OcsfSeverityCaption(Severity severity) {
    static constexpr std::array<std::string_view, 5> kCaptions = {"Informational", "Low", "Medium",
                                                                  "High", "Critical"};
    return kCaptions[static_cast<size_t>(severity)];
}

std::string Millis(int64_t us) {
    return std::to_string(us < 0 ? 0 : us / 1000);
}

void AppendContext(JsonObjectWriter& j, const AlertContext& context) {
    j.Str("case", context.case_name).Str("tenant_id", context.tenant_id);
    j.Time("run", context.run_us).Int("run_counter", context.run_counter);
    j.Str("state_epoch", context.state_epoch);
}

void AppendAlertJson(std::string& line, const Alert& a, const AlertContext& context) {
    const FindingRecord& f = a.finding;
    JsonObjectWriter j(line, JsonEmpty::kNull);
    j.Str("id", f.id).Str("state", AlertStateName(a.state));
    j.Str("severity", SeverityName(f.severity));
    if (a.state == AlertState::kEscalated)
        j.Str("previous_severity", SeverityName(a.previous));
    else
        j.Raw("previous_severity", "null");
    j.Str("kind", f.kind).Str("title", f.title).Str("resource_id", f.resource_id);
    j.Str("principal", f.principal).Time("created_at", f.created_at_us);
    j.Time("first_reported", f.first_reported_us);
    AppendContext(j, context);
    j.Key("evidence");
    AppendJsonStringArray(line, a.evidence);
    j.Close();
    line += '\n';
}

} // namespace

std::string_view AlertStateName(AlertState state) {
    return kStateNames[static_cast<size_t>(state)];
}

std::string StableAlertId(std::string_view tenant_id, std::string_view resource_id,
                          std::string_view kind) {
    // NUL-separated: no field can run into the next.
    std::string key = "minetrace-alert/1";
    key += '\0';
    key += AsciiLowerCopy(tenant_id);
    key += '\0';
    key += AsciiLowerCopy(resource_id);
    key += '\0';
    key += kind;
    return Sha256Hex(key).substr(0, 32);
}

AlertComparison CompareFindings(const std::vector<Finding>& current,
                                const std::vector<FindingRecord>& previous,
                                const AlertContext& context, int64_t forget_gone_before_us) {
    // This run's findings, merged by id.
    struct Merged {
        FindingRecord record;
        std::vector<std::string> evidence;
    };
    std::map<std::string, Merged> now;
    for (const Finding& f : current) {
        std::string id = StableAlertId(context.tenant_id, f.resource_id, f.kind);
        auto [it, inserted] = now.try_emplace(id);
        FindingRecord& r = it->second.record;
        bool better = inserted || f.severity > r.severity ||
                      (f.severity == r.severity && f.created_at_us >= 0 &&
                       (r.created_at_us < 0 || f.created_at_us < r.created_at_us));
        if (better) {
            // The most severe (then earliest) finding names it.
            r.id = id;
            r.resource_id = f.resource_id;
            r.kind = f.kind;
            r.title = f.title;
            r.principal = f.principal;
            r.severity = f.severity;
        }
        if (f.created_at_us >= 0 && (r.created_at_us < 0 || f.created_at_us < r.created_at_us))
            r.created_at_us = f.created_at_us;
        it->second.evidence.insert(it->second.evidence.end(), f.evidence.begin(), f.evidence.end());
    }
    std::map<std::string, const FindingRecord*> before;
    for (const FindingRecord& r : previous) before.emplace(r.id, &r);

    AlertComparison result;
    for (auto& [id, merged] : now) {
        Alert alert;
        alert.finding = std::move(merged.record);
        FindingRecord& r = alert.finding;
        std::vector<std::string>& evidence = merged.evidence;
        std::sort(evidence.begin(), evidence.end());
        evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
        if (evidence.size() > kMaxAlertEvidence) evidence.resize(kMaxAlertEvidence);
        alert.evidence = std::move(evidence);
        r.last_seen_us = context.run_us;
        r.gone_us = -1;
        auto old = before.find(id);
        if (old == before.end()) {
            alert.state = AlertState::kNew;
            r.peak = r.severity;
            r.first_reported_us = context.run_us;
        } else {
            const FindingRecord& o = *old->second;
            r.first_reported_us = o.first_reported_us;
            r.peak = std::max(o.peak, r.severity);
            alert.previous = o.peak;
            alert.state = r.severity > o.peak ? AlertState::kEscalated : AlertState::kUnchanged;
        }
        result.next.push_back(r);
        result.alerts.push_back(std::move(alert));
    }
    for (const FindingRecord& o : previous) {
        if (now.count(o.id)) continue;
        FindingRecord r = o;
        if (r.gone_us < 0) {
            r.gone_us = context.run_us;
            Alert alert;
            alert.finding = r;
            alert.state = AlertState::kGone;
            alert.previous = o.peak;
            result.alerts.push_back(std::move(alert));
        }
        if (r.gone_us >= forget_gone_before_us) result.next.push_back(std::move(r));
    }
    std::sort(result.alerts.begin(), result.alerts.end(), AlertOrder);
    std::sort(result.next.begin(), result.next.end(),
              [](const FindingRecord& a, const FindingRecord& b) { return a.id < b.id; });
    return result;
}

void WriteAlertsJsonl(std::ostream& out, const std::vector<Alert>& alerts,
                      const AlertContext& context) {
    std::string line;
    for (const Alert& a : alerts) {
        if (!IsAlert(a)) continue;
        line.clear();
        AppendAlertJson(line, a, context);
        out << line;
    }
}

void WriteFindingsJsonl(std::ostream& out, const std::vector<Alert>& alerts,
                        const AlertContext& context) {
    std::string line;
    for (const Alert& a : alerts) {
        line.clear();
        AppendAlertJson(line, a, context);
        out << line;
    }
}

void WriteAlertsOcsf(std::ostream& out, const std::vector<Alert>& alerts,
                     const AlertContext& context) {
    std::string line;
    for (const Alert& a : alerts) {
        if (!IsAlert(a)) continue;
        const FindingRecord& f = a.finding;
        bool create = a.state == AlertState::kNew;
        uint64_t activity = create ? 1 : 2;
        line.clear();
        JsonObjectWriter j(line, JsonEmpty::kOmit);
        j.Int("activity_id", activity).Str("activity_name", create ? "Create" : "Update");
        j.Int("category_uid", 2).Str("category_name", "Findings");
        j.Int("class_uid", 2004).Str("class_name", "Detection Finding");
        j.Int("type_uid", 2004 * 100 + activity);
        j.Str("type_name", create ? "Detection Finding: Create" : "Detection Finding: Update");
        j.Int("severity_id", OcsfSeverityId(f.severity));
        j.Str("severity", OcsfSeverityCaption(f.severity));
        j.Int("status_id", 1).Str("status", "New");
        j.Raw("time", Millis(context.run_us));
        if (f.created_at_us >= 0) j.Raw("start_time", Millis(f.created_at_us));

        j.Key("finding_info");
        {
            JsonObjectWriter info(line, JsonEmpty::kOmit);
            info.Str("uid", f.id);
            info.Str("title", f.title.empty() ? f.kind + " on " + f.resource_id : f.title);
            info.Raw("created_time", Millis(f.first_reported_us));
            if (f.created_at_us >= 0) info.Raw("first_seen_time", Millis(f.created_at_us));
            info.Raw("modified_time", Millis(context.run_us));
            std::array<std::string_view, 1> types = {f.kind};
            info.StrArray("types", types);
            info.Key("analytic");
            {
                JsonObjectWriter analytic(line, JsonEmpty::kOmit);
                analytic.Str("uid", f.kind).Str("name", f.kind);
                analytic.Int("type_id", 1).Str("type", "Rule");
                analytic.Close();
            }
            info.Close();
        }
        j.Key("metadata");
        {
            JsonObjectWriter meta(line, JsonEmpty::kOmit);
            meta.Key("product");
            {
                JsonObjectWriter product(line, JsonEmpty::kOmit);
                product.Str("name", "minetrace").Str("vendor_name", "minetrace");
                product.Str("version", kVersion);
                product.Close();
            }
            meta.Str("version", "1.1.0");
            meta.Close();
        }
        j.Key("resources");
        line += '[';
        {
            JsonObjectWriter resource(line, JsonEmpty::kOmit);
            resource.Str("uid", f.resource_id).Str("type", ResourceTypeOf(f.resource_id));
            resource.Close();
        }
        line += ']';
        // Who and the evidence references (file:line@offset sha256) have no OCSF attribute of
        // their shape: they go under `unmapped`, as OCSF provides.
        j.Key("unmapped");
        {
            JsonObjectWriter unmapped(line, JsonEmpty::kOmit);
            unmapped.Str("state", AlertStateName(a.state));
            if (a.state == AlertState::kEscalated)
                unmapped.Str("previous_severity", SeverityName(a.previous));
            unmapped.Str("principal", f.principal);
            AppendContext(unmapped, context);
            unmapped.StrArray("evidence", a.evidence);
            unmapped.Close();
        }
        j.Close();
        line += '\n';
        out << line;
    }
}

void AppendFindingRecordJson(std::string& out, const FindingRecord& r) {
    JsonObjectWriter j(out, JsonEmpty::kKeep);
    j.Str("type", "finding").Str("id", r.id).Str("resource_id", r.resource_id);
    j.Str("kind", r.kind).Str("title", r.title).Str("principal", r.principal);
    j.Str("severity", SeverityName(r.severity)).Str("peak", SeverityName(r.peak));
    j.Raw("created_at_us", std::to_string(r.created_at_us));
    j.Raw("first_reported_us", std::to_string(r.first_reported_us));
    j.Raw("last_seen_us", std::to_string(r.last_seen_us));
    j.Raw("gone_us", std::to_string(r.gone_us));
    j.Close();
}

bool ParseFindingRecordJson(std::string_view line, FindingRecord& r, std::string& error) {
    thread_local JsonLineReader reader;
    if (!reader.Parse(line)) {
        error = reader.error();
        return false;
    }
    r = FindingRecord{};
    r.id = reader.Str("id");
    r.resource_id = reader.Str("resource_id");
    r.kind = reader.Str("kind");
    r.title = reader.Str("title");
    r.principal = reader.Str("principal");
    std::string severity = reader.Str("severity");
    std::string peak = reader.Str("peak");
    r.created_at_us = reader.I64("created_at_us");
    r.first_reported_us = reader.I64("first_reported_us");
    r.last_seen_us = reader.I64("last_seen_us");
    r.gone_us = reader.I64("gone_us");
    if (!reader.ok()) {
        error = "finding: " + reader.error();
        return false;
    }
    if (!ParseSeverity(severity, r.severity) || !ParseSeverity(peak, r.peak) || r.id.size() != 32) {
        error = "finding: malformed id or severity";
        return false;
    }
    return true;
}

} // namespace minetrace::batch
