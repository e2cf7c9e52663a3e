// report.html: one self-contained page. Every string from the logs goes through
// AppendHtmlEscaped (text and quoted attribute values alike); markup comes only from the literals
// in this file. A Content-Security-Policy forbids scripts and every remote load, so even a bug in
// escaping could not run code or reach the network.
#include "core/arm_id.hpp"
#include "core/escape.hpp"
#include "core/text_output.hpp"
#include "core/version.hpp"
#include "parsers/format_detect.hpp"
#include "parsers/input_source.hpp"
#include "report/report.hpp"
#include "report/report_limits.hpp"

namespace minetrace {

namespace {

constexpr size_t kGapsShown = 12;

constexpr const char* kStyle = R"(
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#dcdfe3;--bg:#fff;--soft:#f5f6f8;
--high:#b00020;--medium:#b26a00;--low:#4a6b8a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1220px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:20px 0 8px}h4{font-size:13px;margin:0 0 2px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
p.sub{color:var(--muted);margin:0 0 12px}
nav{display:flex;flex-wrap:wrap;gap:6px 16px;margin:8px 0 0;font-size:13px}
a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:10px}
.tile{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.tile .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.tile .v{font-size:20px;font-weight:650}.tile .d{font-size:12px;color:var(--muted);overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 8px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600;overflow-wrap:normal}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
.badge{display:inline-block;white-space:nowrap;border-radius:3px;padding:1px 6px;font-size:11px;font-weight:700;color:#fff;vertical-align:middle}
.badge.high{background:var(--high)}.badge.medium{background:var(--medium)}.badge.low{background:var(--low)}
.card{border:1px solid var(--line);border-left:5px solid var(--low);border-radius:6px;padding:10px 14px;margin:12px 0;break-inside:avoid}
.card.high{border-left-color:var(--high)}.card.medium{border-left-color:var(--medium)}
.card h3{display:inline;margin:0 6px;font-size:16px}
.card .meta{color:var(--muted);font-size:12.5px}
.rid{color:var(--muted);margin:4px 0 8px;overflow-wrap:anywhere}
ul.reasons{margin:4px 0 8px;padding-left:20px}
ol.chain{list-style:none;margin:10px 0 10px 6px;padding:0 0 0 16px;border-left:3px solid var(--line)}
ol.chain>li{position:relative;margin:0 0 6px;padding:5px 10px;background:var(--soft);border:1px solid var(--line);border-radius:5px;overflow-wrap:anywhere}
ol.chain>li::before{content:"";position:absolute;left:-25px;top:8px;width:10px;height:10px;border-radius:50%;background:#6b7280;border:2px solid #fff}
ol.chain>li.absent{background:#fff;color:var(--muted);border-style:dashed;padding:3px 10px}
ol.chain>li.absent::before{background:#cfd3d8}
ol.chain h4{display:inline-block;min-width:112px;margin-right:6px}
.item+.item{margin-top:5px;padding-top:5px;border-top:1px dotted var(--line)}
.item time{font-weight:600;margin-right:8px;white-space:nowrap}
dl.kv{display:flex;flex-wrap:wrap;gap:1px 18px;margin:3px 0;font-size:12.5px}
dl.kv>div{display:flex;gap:5px;min-width:0}
dl.kv dt{color:var(--muted);white-space:nowrap}dl.kv dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#1f2328;color:#f0f3f6;padding:6px 8px;border-radius:4px;margin:4px 0;max-height:240px;overflow:auto}
details>summary{cursor:pointer;font-weight:600;margin:8px 0}
svg.timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
.note{color:var(--muted);font-size:12.5px}
footer{margin-top:36px;color:var(--muted);font-size:12.5px}
@media print{nav{display:none}.card{page-break-inside:avoid}pre{max-height:none}}
)";

class Html {
  public:
    std::string s;
    Html& raw(std::string_view markup) {
        s += markup;
        return *this;
    }
    Html& text(std::string_view value) {
        AppendHtmlEscaped(s, value);
        return *this;
    }
    // <tag class="cls">escaped text</tag>
    Html& el(std::string_view tag, std::string_view value, std::string_view cls = {}) {
        s += '<';
        s += tag;
        if (!cls.empty()) {
            s += " class=\"";
            s += cls;
            s += '"';
        }
        s += '>';
        text(value);
        s += "</";
        s += tag;
        s += '>';
        return *this;
    }
    Html& td(std::string_view value, std::string_view cls = {}) { return el("td", value, cls); }
    Html& num(uint64_t value) { return td(std::to_string(value), "n"); }
    Html& th_row(std::initializer_list<std::string_view> heads) {
        s += "<thead><tr>";
        for (std::string_view h : heads) el("th", h);
        s += "</tr></thead>\n<tbody>\n";
        return *this;
    }
};

std::string Upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

std::string Or(std::string_view value, std::string_view fallback = "-") {
    return std::string(value.empty() ? fallback : value);
}

void Badge(Html& h, Severity severity) {
    h.raw("<span class=\"badge ").raw(ToString(severity)).raw("\">");
    h.text(Upper(ToString(severity))).raw("</span>");
}

void Tile(Html& h, std::string_view key, std::string_view value, std::string_view detail) {
    h.raw("<div class=\"tile\">").el("div", key, "k").el("div", value, "v");
    if (!detail.empty()) h.el("div", detail, "d");
    h.raw("</div>\n");
}

void Summary(Html& h, const ReportContext& context, const ReportFacts& facts) {
    const ReportSummary& s = facts.summary;
    h.raw("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"tiles\">\n");
    Tile(h, "Suspicious resources", std::to_string(s.high + s.medium + s.low),
         std::to_string(s.high) + " high, " + std::to_string(s.medium) + " medium, " +
             std::to_string(s.low) + " low");
    std::string subs;
    for (const AffectedSubscription& a : s.subscriptions) {
        if (a.high + a.medium == 0) continue;
        if (!subs.empty()) subs += ", ";
        subs += a.name.empty() ? a.subscription_id : a.name;
    }
    size_t affected = 0;
    for (const AffectedSubscription& a : s.subscriptions) affected += a.high + a.medium > 0;
    Tile(h, "Affected subscriptions", std::to_string(affected), subs);
    std::string creators;
    for (const Creator& c : s.creators) {
        if (!creators.empty()) creators += ", ";
        creators += DescribePrincipal(c.identity);
    }
    Tile(h, "Creators (medium/high)", std::to_string(s.creators.size()), creators);
    Tile(h, "Time span", s.first_us < 0 ? "-" : ReportTime(s.first_us).substr(0, 10),
         s.first_us < 0 ? "" : ReportTime(s.first_us) + " to " + ReportTime(s.last_us));
    Tile(h, "Input records", std::to_string(s.records_read),
         std::to_string(s.files) + " files, " + std::to_string(s.events) + " events, " +
             std::to_string(s.ignored) + " ignored");
    Tile(h, "Quarantined", std::to_string(s.quarantined),
         std::to_string(s.files_with_errors) + " files with errors");
    h.raw("</div>\n");

    h.raw("<h3>Affected subscriptions</h3>\n<table>");
    h.th_row({"subscription", "name", "customer", "created by (Partner Center)", "created at",
              "order", "high", "medium", "low"});
    for (const AffectedSubscription& a : s.subscriptions) {
        h.raw("<tr>").td(Or(a.subscription_id, "(no subscription id)"), "mono").td(Or(a.name));
        const SubscriptionFinding* f = a.finding;
        h.td(f ? Or(f->customer_name) : "-");
        h.td(f ? Or(f->created_by, "not in the input") : "not in the input");
        h.td(f ? ReportTime(f->created_at_us) : "-").td(f ? Or(f->order_id) : "-", "mono");
        h.num(a.high).num(a.medium).num(a.low).raw("</tr>\n");
    }
    h.raw("</tbody></table>\n");

    h.raw("<h3>Creators</h3>\n<table>");
    h.th_row({"principal", "type", "object id", "app id", "IP", "resources", "worst",
              "first creation", "last creation"});
    for (const Creator& c : s.creators) {
        h.raw("<tr>").td(c.identity.name).td(PrincipalTypeLabel(c.identity.type));
        h.td(Or(c.identity.object_id), "mono").td(Or(c.identity.app_id), "mono");
        h.td(Or(c.identity.ip), "mono").num(c.resources);
        h.raw("<td>");
        Badge(h, c.worst);
        h.raw("</td>").td(ReportTime(c.first_us)).td(ReportTime(c.last_us)).raw("</tr>\n");
    }
    if (s.creators.empty()) h.raw("<tr><td colspan=\"9\">none</td></tr>\n");
    h.raw("</tbody></table>\n");

    const InputCoverage& cov = context.coverage;
    h.raw("<h3>Input coverage</h3>\n<p class=\"note\">Per subscription, the time range of the "
          "activity-log records read and the whole hours inside it with no record at all. An "
          "empty hour is either a quiet hour or a missing export blob: check the export's blob "
          "list for the hours named here.</p>\n<table>");
    h.th_row({"subscription", "name", "first record", "last record", "records",
              "hours with records", "empty hours", "empty ranges"});
    for (const SubscriptionCoverage& c : cov.activity) {
        h.raw("<tr>").td(Or(c.subscription_id, "(no subscription id)"), "mono").td(Or(c.name));
        h.td(ReportTime(c.first_us)).td(ReportTime(c.last_us)).num(c.events);
        if (!c.gaps_computed) {
            h.td("-", "n").td("-", "n").td("not computed: the records span more than 15 years");
        } else {
            h.num(c.hours_with_records).num(c.gap_hours).raw("<td>");
            for (size_t i = 0; i < c.gaps.size() && i < kGapsShown; ++i) {
                if (i) h.raw("<br>");
                h.text(ReportTime(c.gaps[i].start_us) + " to " + ReportTime(c.gaps[i].end_us) +
                       " (" + std::to_string(c.gaps[i].hours()) + " h)");
            }
            if (c.gaps_total > kGapsShown)
                h.raw("<br>").text("and " + std::to_string(c.gaps_total - kGapsShown) +
                                   " more ranges");
            if (c.gaps_total == 0) h.text("none");
            h.raw("</td>");
        }
        h.raw("</tr>\n");
    }
    if (cov.partner_center_events > 0) {
        h.raw("<tr>").td("Partner Center audit records").td("-");
        h.td(ReportTime(cov.partner_center_first_us)).td(ReportTime(cov.partner_center_last_us));
        h.num(cov.partner_center_events).td("-", "n").td("-", "n");
        h.td("not computed (audit records are sparse by nature)").raw("</tr>\n");
    }
    h.raw("</tbody></table>\n");
    if (cov.untracked_events > 0)
        h.el("p",
             std::to_string(cov.untracked_events) +
                 " records of further subscriptions were not "
                 "tracked (more than " +
                 std::to_string(CoverageCollector::kMaxSubscriptions) + " subscriptions).",
             "note");
    h.raw("<p>");
    h.text("Quarantined records: " + std::to_string(s.quarantined));
    if (!s.quarantined_by_reason.empty()) {
        h.text(" (");
        bool first = true;
        for (const auto& [reason, count] : s.quarantined_by_reason) {
            if (!first) h.text(", ");
            first = false;
            h.text(reason + ": " + std::to_string(count));
        }
        h.text(")");
    }
    h.text(". Files with errors: " + std::to_string(s.files_with_errors) +
           ". Each quarantined record is listed in quarantine.jsonl.");
    h.raw("</p>\n</section>\n");
}

void Facts(Html& h, const std::vector<Fact>& facts) {
    if (facts.empty()) return;
    h.raw("<dl class=\"kv\">");
    for (const Fact& f : facts) h.raw("<div>").el("dt", f.label).el("dd", f.value).raw("</div>");
    h.raw("</dl>");
}

void Card(Html& h, const ReportFacts& facts, const ResourceCard& card, size_t index) {
    const ResourceFinding& f = *card.finding;
    h.raw("<article class=\"card ").raw(ToString(f.severity)).raw("\" id=\"r");
    h.raw(std::to_string(index)).raw("\">\n<header>");
    Badge(h, f.severity);
    h.el("h3", DisplayName(f));
    h.el("span",
         ShortResourceType(f.resource_type) + " | " + f.status +
             (card.region.empty() ? "" : " | " + card.region),
         "meta");
    h.raw("</header>\n");
    h.el("div", f.resource_id, "rid mono");
    std::vector<Fact> head = {{"subscription", f.subscription_id}};
    if (!f.resource_group.empty()) head.push_back({"resource group", f.resource_group});
    head.push_back({"created", ReportTime(f.created_at_us)});
    if (f.created_by) head.push_back({"by", DescribePrincipal(*f.created_by)});
    Facts(h, head);
    h.raw("\n");
    if (!f.reasons.empty()) {
        h.raw("<ul class=\"reasons\">");
        for (const std::string& r : f.reasons) h.el("li", r);
        h.raw("</ul>\n");
    }
    h.raw("<ol class=\"chain\">\n");
    for (const ChainStep& step : ChainOf(facts, card)) {
        h.raw(step.items.empty() ? "<li class=\"absent\">" : "<li>");
        h.el("h4", StageName(step.stage));
        if (step.items.empty()) h.el("span", step.absent);
        for (const StepItem& item : step.items) {
            h.raw("<div class=\"item\">");
            if (item.at_us >= 0) h.el("time", ReportTime(item.at_us));
            h.el("span", item.text);
            Facts(h, item.facts);
            for (const std::string& command : item.commands) h.el("pre", command);
            h.raw("</div>");
        }
        h.raw("</li>\n");
    }
    h.raw("</ol>\n");
    h.raw("<table class=\"evidence\">");
    h.th_row({"evidence file", "line", "offset", "length", "record SHA-256"});
    for (const EvidenceRef& e : f.evidence) {
        h.raw("<tr>").td(e.file, "mono").num(e.line).num(e.offset).num(e.length);
        h.td(ToHex(e.sha256), "mono").raw("</tr>\n");
    }
    if (f.evidence.empty()) h.raw("<tr><td colspan=\"5\">none</td></tr>\n");
    h.raw("</tbody></table>\n<p class=\"note\">");
    std::string rules;
    for (const std::string& r : f.rules) rules += (rules.empty() ? "" : ", ") + r;
    std::string signals;
    for (const std::string& r : f.signals) signals += (signals.empty() ? "" : ", ") + r;
    h.text("rules: " + Or(rules, "none") + " | signals: " + Or(signals, "none"));
    if (!f.correlation_id.empty()) h.text(" | correlation id: " + f.correlation_id);
    h.raw("</p>\n</article>\n");
}

// The findings without a full card (report_limits.hpp): one row each, then what was left out.
void OtherFindings(Html& h, std::ostream& out, const ReportFacts& facts) {
    const CardSelection& shown = facts.shown;
    if (shown.rows.empty() && shown.omitted == 0) return;
    h.raw("<h3>Other findings</h3>\n<p class=\"note\">");
    h.text(std::to_string(shown.full.size()) + " findings have a card above (at most " +
           std::to_string(kFullCards) + ", high then medium); the " +
           std::to_string(shown.rows.size() + shown.omitted) +
           " others are listed here, each in full in resources.jsonl.");
    h.raw("</p>\n<table>");
    h.th_row({"severity", "resource", "type", "status", "region", "created", "by", "subscription"});
    for (size_t i : shown.rows) {
        FlushIfLarge(out, h.s);
        const ResourceFinding& f = *facts.cards[i].finding;
        // The chart's marks link here as they link to the cards (#rN).
        h.raw("<tr id=\"r").raw(std::to_string(i)).raw("\"><td>");
        Badge(h, f.severity);
        h.raw("</td>").td(DisplayName(f)).td(ShortResourceType(f.resource_type)).td(f.status);
        h.td(Or(facts.cards[i].region)).td(ReportTime(f.responsible_at_us()));
        h.td(f.responsible() ? DescribePrincipal(*f.responsible()) : "-");
        h.td(f.subscription_id, "mono").raw("</tr>\n");
    }
    h.raw("</tbody></table>\n");
    if (shown.omitted > 0)
        h.el("p", std::to_string(shown.omitted) + " more in resources.jsonl.", "note");
}

// The badge class of a rule level: a fixed word, never the level's own text.
std::string_view LevelClass(std::string_view level) {
    if (level == "high" || level == "critical") return "high";
    if (level == "medium") return "medium";
    return "low";
}

void LevelBadge(Html& h, std::string_view level) {
    h.raw("<span class=\"badge ").raw(LevelClass(level)).raw("\">");
    h.text(Upper(level)).raw("</span>");
}

void DetectionCard(Html& h, const Detection& d) {
    h.raw("<article class=\"card ").raw(LevelClass(d.level)).raw("\">\n<header>");
    LevelBadge(h, d.level);
    h.el("h3", d.rule_title);
    h.el("span", d.rule_id + " | " + d.signal, "meta");
    h.raw("</header>\n");
    h.el("div", Or(d.resource_id, "(no resource)"), "rid mono");
    std::vector<Fact> facts = {{"time", ReportTime(d.time_us)},
                               {"operation", d.operation},
                               {"phase", d.phase + (d.status.empty() ? "" : " (" + d.status + ")")},
                               {"by", d.principal ? DescribePrincipal(*d.principal) : "-"},
                               {"IP", Or(d.caller_ip)},
                               {"subscription", Or(d.subscription_id)}};
    if (!d.correlation_id.empty()) facts.push_back({"correlation id", d.correlation_id});
    if (d.content_unavailable) facts.push_back({"content", "not in the log"});
    Facts(h, facts);
    h.raw("\n<table class=\"evidence\">");
    h.th_row({"evidence file", "line", "offset", "length", "record SHA-256"});
    h.raw("<tr>").td(d.file, "mono").num(d.line).num(d.offset).num(d.length);
    h.td(ToHex(d.sha256), "mono").raw("</tr>\n</tbody></table>\n</article>\n");
}

// Rule hits outside rated compute (detections.jsonl): counts by level, cards, then rows.
void OtherDetections(Html& h, std::ostream& out, const DetectionDigest& digest) {
    h.raw("<section id=\"detections\"><h2>Other detections</h2>\n<p class=\"note\">");
    h.text("Rule hits on resources that are not rated compute (elevated access, diagnostic "
           "settings, alert rules and action groups, Defender plans, role grants, Sigma rules, "
           "...): " +
           std::to_string(digest.total) + " in detections.jsonl");
    std::string levels;
    for (const auto& [level, count] : digest.by_level)
        levels += (levels.empty() ? "" : ", ") + std::to_string(count) + " " + level;
    if (!levels.empty()) h.text(" (" + levels + ")");
    h.text(". Cards for high and critical, then medium ones (at most " +
           std::to_string(kDetectionCards) + "); the others in the table.");
    h.raw("</p>\n");
    for (const Detection& d : digest.cards) {
        FlushIfLarge(out, h.s);
        DetectionCard(h, d);
    }
    if (!digest.rows.empty()) {
        h.raw("<table>");
        h.th_row(
            {"level", "time", "rule", "operation", "phase", "resource", "by", "IP", "evidence"});
        for (const Detection& d : digest.rows) {
            FlushIfLarge(out, h.s);
            h.raw("<tr><td>");
            LevelBadge(h, d.level);
            h.raw("</td>").td(ReportTime(d.time_us)).td(d.rule_id, "mono").td(d.operation);
            h.td(d.phase).td(Or(d.resource_id), "mono");
            h.td(d.principal ? DescribePrincipal(*d.principal) : "-").td(Or(d.caller_ip), "mono");
            h.td(d.file + ":" + std::to_string(d.line), "mono").raw("</tr>\n");
        }
        h.raw("</tbody></table>\n");
    }
    if (digest.omitted > 0)
        h.el("p", std::to_string(digest.omitted) + " more in detections.jsonl.", "note");
    if (digest.total == 0) h.el("p", "No other rule hit.", "note");
    h.raw("</section>\n");
}

void Principals(Html& h, std::ostream& out, const InvestigationResult& result,
                const PrincipalSelection& shown) {
    h.raw("<section id=\"principals\"><h2>Principals</h2>\n<table>");
    h.th_row({"principal", "type", "object id", "app id", "token tenant", "first seen", "last seen",
              "events", "failures", "IPs", "created", "worst"});
    for (const PrincipalSummary& p : shown.rows) {
        FlushIfLarge(out, h.s);
        h.raw("<tr>").td(Or(p.identity.name)).td(PrincipalTypeLabel(p.identity.type));
        h.td(Or(p.identity.object_id), "mono").td(Or(p.identity.app_id), "mono");
        h.td(Or(p.identity.tenant_id) + (p.identity.foreign_tenant ? " (foreign)" : ""), "mono");
        h.td(ReportTime(p.first_seen_us)).td(ReportTime(p.last_seen_us));
        h.num(p.events).num(p.failures);
        std::string ips;
        for (const std::string& ip : p.ips) ips += (ips.empty() ? "" : ", ") + ip;
        h.td(Or(ips), "mono");
        std::string created;
        for (const auto& [type, count] : p.created_by_type)
            created += (created.empty() ? "" : ", ") + std::to_string(count) + " " +
                       ShortResourceType(type);
        h.td(Or(created)).raw("<td>");
        if (p.has_findings)
            Badge(h, p.worst);
        else
            h.text("-");
        h.raw("</td></tr>\n");
    }
    if (result.principals.empty()) h.raw("<tr><td colspan=\"12\">none</td></tr>\n");
    h.raw("</tbody></table>\n");
    if (shown.omitted > 0)
        h.el("p", std::to_string(shown.omitted) + " more in principals.jsonl.", "note");
    h.raw("</section>\n");
}

void Manifest(Html& h, const ReportContext& context) {
    h.raw("<section id=\"manifest\"><h2>Input manifest</h2>\n<p class=\"note\">Every input file "
          "with the SHA-256 of its bytes as stored; manifest.json holds the same and more "
          "(record kinds, ignored kinds, the run).</p>\n<table>");
    h.th_row({"file", "size", "SHA-256", "compression", "format", "records", "events", "ignored",
              "quarantined", "error"});
    for (const FileAccount& f : context.files) {
        h.raw("<tr>").td(f.summary.path, "mono").td(FormatBytes(f.summary.size), "n");
        h.td(f.summary.sha256, "mono").td(ToString(f.summary.compression));
        h.td(std::string(ToString(f.summary.shape)) +
             (f.summary.container.empty() ? "" : " / " + f.summary.container));
        h.num(f.records_read).num(f.events).num(f.ignored_total()).num(f.quarantined_total());
        h.td(Or(f.summary.error)).raw("</tr>\n");
    }
    if (context.files.empty()) h.raw("<tr><td colspan=\"10\">no input files</td></tr>\n");
    h.raw("</tbody></table>\n");
    for (const std::string& e : context.input_errors) h.el("p", "Input error: " + e, "note");
    h.raw("</section>\n");
}

void Rules(Html& h, const ReportContext& context, const ReportFacts& facts) {
    h.raw("<section id=\"rules\"><h2>Rules used</h2>\n<table>");
    h.th_row({"rule", "title", "signal", "resources flagged"});
    for (const RuleInfo& r : context.rules) {
        auto hits = facts.rule_hits.find(r.id);
        h.raw("<tr>").td(r.id, "mono").td(r.title).td(r.signal);
        h.num(hits == facts.rule_hits.end() ? 0 : hits->second).raw("</tr>\n");
    }
    if (context.rules.empty()) h.raw("<tr><td colspan=\"5\">no rules loaded</td></tr>\n");
    h.raw("</tbody></table>\n</section>\n");
}

} // namespace

void WriteHtmlReport(std::ostream& out, const ReportContext& context) {
    const ReportFacts& facts = CachedFacts(context);
    Html h;
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"minetrace ")
        .text(kVersion)
        .raw("\">\n<title>minetrace: crypto-mining provenance report</title>\n<style>")
        .raw(kStyle)
        .raw("</style>\n</head>\n<body>\n<main>\n");
    h.raw("<header><h1>Crypto-mining provenance report</h1>\n<p class=\"sub\">");
    h.text("Who created the suspicious resources, when, from where and with whose rights, from " +
           std::to_string(context.files.size()) +
           " input files. Every fact names its evidence: file, line, byte offset and SHA-256 of "
           "the record. Written by minetrace " +
           std::string(kVersion) + ".");
    h.raw("</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#timeline\">Timeline</a>"
          "<a href=\"#resources\">Resources</a><a href=\"#detections\">Other detections</a>"
          "<a href=\"#principals\">Principals</a>"
          "<a href=\"#manifest\">Input manifest</a><a href=\"#rules\">Rules</a>"
          "<a href=\"#verify\">Verifying</a></nav></header>\n");

    Summary(h, context, facts);

    h.raw("<section id=\"timeline\"><h2>Timeline</h2>\n");
    std::string svg = TimelineSvg(facts);
    if (svg.empty()) {
        h.el("p", "No resource with a creation time.", "note");
    } else {
        h.raw("<p class=\"note\">Resources created over time, one lane per region, one colour "
              "per type; the top lane marks the preparation (quota requests, provider "
              "registrations, failed attempts, role grants). The window covers the medium and "
              "high findings; hover a mark for details, click it to open its card.</p>\n");
        if (facts.shown.omitted > 0)
            h.el("p",
                 "Drawn: the " + std::to_string(facts.shown.full.size() + facts.shown.rows.size()) +
                     " resources this report lists; the other " +
                     std::to_string(facts.shown.omitted) + " are in resources.jsonl.",
                 "note");
        h.raw(svg);
    }
    h.raw("</section>\n");

    h.raw("<section id=\"resources\"><h2>Resources</h2>\n");
    for (size_t i : facts.shown.full) {
        FlushIfLarge(out, h.s);
        Card(h, facts, facts.cards[i], i);
    }
    OtherFindings(h, out, facts);
    if (facts.cards.empty()) h.el("p", "No suspicious resource was found.", "note");
    h.raw("</section>\n");

    OtherDetections(h, out, facts.detections);
    Principals(h, out, context.result, facts.principals);
    Manifest(h, context);
    Rules(h, context, facts);

    h.raw("<footer id=\"verify\"><h2>Verifying a fact</h2>\n<p>");
    h.text("Each evidence row names a record by file, byte offset and length in the file's "
           "(decompressed) content, and the SHA-256 of those bytes. To check one: ");
    h.raw("<code>tail -c +$((OFFSET+1)) FILE | head -c LENGTH | sha256sum</code>");
    h.text(" (for .gz or .zst files, decompress first: zcat FILE | tail -c ...). The machine-"
           "readable outputs next to this page (resources.jsonl, subscriptions.jsonl, "
           "principals.jsonl, detections.jsonl, timeline.jsonl, timeline.csv, manifest.json, "
           "quarantine.jsonl) "
           "hold the same facts.");
    h.raw("</p>\n</footer>\n</main>\n</body>\n</html>\n");
    out << h.s;
}

} // namespace minetrace
