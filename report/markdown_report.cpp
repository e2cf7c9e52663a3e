// report.md: the facts of report.html for auditors' documents. Log text is never emitted as
// Markdown or HTML: AppendMarkdownEscaped turns & < > into entities and backslash-escapes the
// punctuation Markdown (CommonMark + GFM tables) gives meaning to. Log text never starts a line,
// so block syntax (headings, lists, fences) cannot be injected either.
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/text_output.hpp"
#include "core/version.hpp"
#include "parsers/format_detect.hpp"
#include "parsers/input_source.hpp"
#include "report/report.hpp"
#include "report/report_limits.hpp"

#include <map>
#include <set>
#include <tuple>

namespace minetrace {

namespace {

bool IsAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// True when text[0, colon) ends with a scheme GFM links without "//" (mailto, xmpp).
bool EndsWithScheme(std::string_view text, size_t colon) {
    for (std::string_view scheme : {std::string_view("mailto"), std::string_view("xmpp")}) {
        if (colon >= scheme.size() &&
            EqualsIgnoreCase(text.substr(colon - scheme.size(), scheme.size()), scheme))
            return true;
    }
    return false;
}

// What GFM accepts before the @ of an email autolink.
bool IsEmailByte(char c) {
    return IsAlnum(c) || c == '.' || c == '-' || c == '_' || c == '+';
}

class Md {
  public:
    std::string s;
    Md& raw(std::string_view markup) {
        s += markup;
        return *this;
    }
    Md& text(std::string_view value) {
        AppendMarkdownEscaped(s, value);
        return *this;
    }
    Md& row(std::initializer_list<std::string> cells) {
        s += "|";
        for (const std::string& c : cells) {
            s += ' ';
            if (c.empty())
                s += '-';
            else
                AppendMarkdownEscaped(s, c);
            s += " |";
        }
        s += '\n';
        return *this;
    }
    Md& head(std::initializer_list<std::string> cells) {
        row(cells);
        s += "|";
        for (size_t i = 0; i < cells.size(); ++i) s += "---|";
        s += '\n';
        return *this;
    }
    // "- **label:** value"
    Md& item(std::string_view label, std::string_view value) {
        s += "- **";
        s += label;
        s += ":** ";
        text(value.empty() ? "-" : value);
        s += '\n';
        return *this;
    }
};

std::string Upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

std::string N(uint64_t value) {
    return std::to_string(value);
}

std::string Join(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

// The findings without a full card (report_limits.hpp): one row each, then what was left out.
void OtherFindings(Md& m, std::ostream& out, const ReportFacts& facts) {
    const CardSelection& shown = facts.shown;
    if (shown.rows.empty() && shown.omitted == 0) return;
    m.raw("\n### Other findings\n\n");
    m.text(N(shown.full.size()) + " findings have a card above (at most " + N(kFullCards) +
           ", high then medium); the " + N(shown.rows.size() + shown.omitted) +
           " others are listed here, each in full in resources.jsonl.");
    m.raw("\n\n");
    m.head({"severity", "resource", "type", "status", "region", "created", "by", "subscription"});
    for (size_t i : shown.rows) {
        FlushIfLarge(out, m.s);
        const ResourceFinding& f = *facts.cards[i].finding;
        m.row({std::string(ToString(f.severity)), DisplayName(f),
               ShortResourceType(f.resource_type), f.status, facts.cards[i].region,
               ReportTime(f.responsible_at_us()),
               f.responsible() ? DescribePrincipal(*f.responsible()) : "", f.subscription_id});
    }
    if (shown.omitted > 0) m.raw("\n").text(N(shown.omitted) + " more in resources.jsonl.");
    m.raw("\n");
}

// Rule hits outside rated compute (detections.jsonl): counts by level, cards, then rows.
void OtherDetections(Md& m, std::ostream& out, const DetectionDigest& digest) {
    m.raw("\n## Other detections\n\n");
    std::string levels;
    for (const auto& [level, count] : digest.by_level)
        levels += (levels.empty() ? "" : ", ") + N(count) + " " + level;
    m.text("Rule hits on resources that are not rated compute: " + N(digest.total) +
           " in detections.jsonl" + (levels.empty() ? "" : " (" + levels + ")") +
           ". Cards for high and critical, then medium ones (at most " + N(kDetectionCards) +
           "); the others in the table.");
    m.raw("\n");
    for (const Detection& d : digest.cards) {
        FlushIfLarge(out, m.s);
        m.raw("\n### ").text(Upper(d.level) + ": " + d.rule_title).raw("\n\n");
        m.item("Rule", d.rule_id + " (" + d.signal + ")");
        m.item("Time", ReportTime(d.time_us));
        m.item("Operation", d.operation);
        m.item("Phase", d.phase + (d.status.empty() ? "" : " (" + d.status + ")"));
        m.item("Resource", d.resource_id);
        m.item("Subscription", d.subscription_id);
        m.item("By", d.principal ? DescribePrincipal(*d.principal) : "");
        m.item("IP", d.caller_ip);
        if (!d.correlation_id.empty()) m.item("Correlation id", d.correlation_id);
        m.item("Evidence", d.file + " line " + N(d.line) + ", offset " + N(d.offset) + ", length " +
                               N(d.length) + ", SHA-256 " + ToHex(d.sha256));
    }
    if (!digest.rows.empty()) {
        m.raw("\n");
        m.head({"level", "time", "rule", "operation", "phase", "resource", "by", "IP", "evidence"});
        for (const Detection& d : digest.rows) {
            FlushIfLarge(out, m.s);
            m.row({d.level, ReportTime(d.time_us), d.rule_id, d.operation, d.phase, d.resource_id,
                   d.principal ? DescribePrincipal(*d.principal) : "", d.caller_ip,
                   d.file + ":" + N(d.line)});
        }
    }
    if (digest.omitted > 0) m.raw("\n").text(N(digest.omitted) + " more in detections.jsonl.");
    if (digest.total == 0) m.raw("\nNo other rule hit.");
    m.raw("\n");
}

} // namespace

void AppendMarkdownEscaped(std::string& out, std::string_view text) {
    // Controls, bidi overrides and invalid UTF-8 become visible escapes first.
    std::string safe;
    AppendTerminalSafe(safe, text);
    for (size_t i = 0; i < safe.size(); ++i) {
        char c = safe[i];
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '_': {
            // Intraword underscores cannot open emphasis; keep Standard_NC24ads_A100_v4 legible.
            bool inner =
                i > 0 && i + 1 < safe.size() && IsAlnum(safe[i - 1]) && IsAlnum(safe[i + 1]);
            if (!inner) out += '\\';
            out += c;
            break;
        }
        case ':':
            // GFM autolinks start at a scheme's colon (https://, ftp://, mailto:, xmpp:); an
            // escaped colon is the same text but never a link.
            if ((i + 1 < safe.size() && safe[i + 1] == '/') || EndsWithScheme(safe, i)) out += '\\';
            out += c;
            break;
        case '.':
            // `www.` starts a GFM autolink in any case; an escaped dot breaks it.
            if (i >= 3 && AsciiLower(safe[i - 1]) == 'w' && AsciiLower(safe[i - 2]) == 'w' &&
                AsciiLower(safe[i - 3]) == 'w')
                out += '\\';
            out += c;
            break;
        case '@':
            // GFM makes local@domain.tld a mailto link whatever is escaped around it; an @ in a
            // code span keeps the text and breaks the link.
            if (i > 0 && i + 1 < safe.size() && IsEmailByte(safe[i - 1]) && IsAlnum(safe[i + 1]))
                out += "`@`";
            else
                out += c;
            break;
        case '\\':
        case '`':
        case '*':
        case '[':
        case ']':
        case '|':
        case '~':
        case '!':
        case '#':
        case '$':
            out += '\\';
            out += c;
            break;
        default:
            out += c;
        }
    }
}

void WriteMarkdownReport(std::ostream& out, const ReportContext& context) {
    const ReportFacts& facts = CachedFacts(context);
    const ReportSummary& s = facts.summary;
    Md m;
    m.raw("# Crypto-mining provenance report\n\n");
    m.text("Who created the suspicious resources, when, from where and with whose rights, from " +
           N(context.files.size()) +
           " input files. Every fact names its evidence: file, line, byte offset and SHA-256 of "
           "the record. Written by minetrace " +
           std::string(kVersion) + "; report.html holds the same facts with a timeline chart.");
    m.raw("\n\n## Summary\n\n");
    m.item("Suspicious resources", N(s.high + s.medium + s.low) + " (" + N(s.high) + " high, " +
                                       N(s.medium) + " medium, " + N(s.low) + " low)");
    std::vector<std::string> affected;
    for (const AffectedSubscription& a : s.subscriptions)
        if (a.high + a.medium > 0)
            affected.push_back(a.subscription_id + (a.name.empty() ? "" : " (" + a.name + ")"));
    m.item("Affected subscriptions",
           N(affected.size()) + (affected.empty() ? "" : ": ") + Join(affected));
    std::vector<std::string> creators;
    for (const Creator& c : s.creators) creators.push_back(DescribePrincipal(c.identity));
    m.item("Creators of medium/high resources", Join(creators));
    m.item("Time span",
           s.first_us < 0 ? "-" : ReportTime(s.first_us) + " to " + ReportTime(s.last_us));
    m.item("Input", N(s.files) + " files, " + N(s.records_read) + " records read: " + N(s.events) +
                        " events, " + N(s.ignored) + " ignored, " + N(s.quarantined) +
                        " quarantined; " + N(s.files_with_errors) + " files with errors");
    std::vector<std::string> reasons;
    for (const auto& [reason, count] : s.quarantined_by_reason)
        reasons.push_back(reason + ": " + N(count));
    m.item("Quarantined by reason", reasons.empty() ? "none" : Join(reasons));

    m.raw("\n### Affected subscriptions\n\n");
    m.head({"subscription", "name", "customer", "created by (Partner Center)", "created at",
            "order", "high", "medium", "low"});
    for (const AffectedSubscription& a : s.subscriptions) {
        const SubscriptionFinding* f = a.finding;
        m.row({a.subscription_id.empty() ? "(no subscription id)" : a.subscription_id, a.name,
               f ? f->customer_name : "", f ? f->created_by : "not in the input",
               f ? ReportTime(f->created_at_us) : "", f ? f->order_id : "", N(a.high), N(a.medium),
               N(a.low)});
    }

    m.raw("\n### Creators\n\n");
    m.head({"principal", "type", "object id", "app id", "IP", "resources", "worst",
            "first creation", "last creation"});
    for (const Creator& c : s.creators)
        m.row({c.identity.name, PrincipalTypeLabel(c.identity.type), c.identity.object_id,
               c.identity.app_id, c.identity.ip, N(c.resources), std::string(ToString(c.worst)),
               ReportTime(c.first_us), ReportTime(c.last_us)});

    m.raw("\n### Input coverage\n\n");
    m.text("Per subscription, the time range of the activity-log records read and the whole hours "
           "inside it with no record (a quiet hour or a missing export blob).");
    m.raw("\n\n");
    m.head({"subscription", "name", "first record", "last record", "records", "hours with records",
            "empty hours", "empty ranges"});
    for (const SubscriptionCoverage& c : context.coverage.activity) {
        std::string ranges;
        if (!c.gaps_computed) {
            ranges = "not computed (span over 15 years)";
        } else {
            for (size_t i = 0; i < c.gaps.size() && i < 12; ++i)
                ranges += (ranges.empty() ? "" : "; ") + ReportTime(c.gaps[i].start_us) + " to " +
                          ReportTime(c.gaps[i].end_us) + " (" + N(c.gaps[i].hours()) + " h)";
            if (c.gaps_total > 12) ranges += "; and " + N(c.gaps_total - 12) + " more ranges";
            if (c.gaps_total == 0) ranges = "none";
        }
        m.row({c.subscription_id.empty() ? "(no subscription id)" : c.subscription_id, c.name,
               ReportTime(c.first_us), ReportTime(c.last_us), N(c.events),
               c.gaps_computed ? N(c.hours_with_records) : "",
               c.gaps_computed ? N(c.gap_hours) : "", ranges});
    }
    if (context.coverage.partner_center_events > 0)
        m.row({"Partner Center audit records", "",
               ReportTime(context.coverage.partner_center_first_us),
               ReportTime(context.coverage.partner_center_last_us),
               N(context.coverage.partner_center_events), "", "",
               "not computed (audit records are sparse)"});

    // The chart of report.html as a table: creations and precursors in time order, of the
    // findings with a full card (report_limits.hpp); timeline.jsonl holds every one.
    m.raw("\n## Timeline\n\n");
    if (facts.shown.full.size() < facts.cards.size())
        m.text("The findings with a card below; timeline.jsonl holds them all.").raw("\n\n");
    m.head({"time", "event", "severity", "region", "type", "name", "by"});
    std::map<std::tuple<int64_t, int, std::string, std::string>, std::vector<std::string>> rows;
    for (size_t index : facts.shown.full) {
        const ResourceCard& card = facts.cards[index];
        const ResourceFinding& f = *card.finding;
        if (f.created_at_us >= 0)
            rows[{f.created_at_us, 1, f.resource_id, "created"}] = {
                ReportTime(f.created_at_us),
                f.status == "failed" ? "creation failed" : "created",
                std::string(ToString(f.severity)),
                card.region,
                ShortResourceType(f.resource_type),
                f.name,
                f.created_by ? DescribePrincipal(*f.created_by) : ""};
        if (f.deleted_at_us >= 0)
            rows[{f.deleted_at_us, 2, f.resource_id, "deleted"}] = {
                ReportTime(f.deleted_at_us),
                "deleted",
                std::string(ToString(f.severity)),
                card.region,
                ShortResourceType(f.resource_type),
                f.name,
                f.deleted_by ? DescribePrincipal(*f.deleted_by) : ""};
        if (f.severity == Severity::kLow) continue;
        for (const Precursor& p : f.preparation)
            rows[{p.at_us, 0, std::string(p.resource_id), std::string(p.operation)}] = {
                ReportTime(p.at_us),
                "precursor: " + SignalLabel(p.signal) + " (" + std::string(p.status) + ")",
                "",
                "",
                std::string(p.operation),
                std::string(p.resource_id),
                f.created_by ? DescribePrincipal(*f.created_by) : ""};
        if (f.authorized_by)
            rows[{f.authorized_by->at_us, 0, f.authorized_by->assignment_id, "grant"}] = {
                ReportTime(f.authorized_by->at_us),
                "role grant: " + f.authorized_by->role + " to " + f.authorized_by->principal_id,
                "",
                "",
                "roleassignments",
                f.authorized_by->assignment_id,
                DescribePrincipal(f.authorized_by->granted_by)};
    }
    for (const auto& [key, cells] : rows) {
        m.s += "|";
        for (const std::string& c : cells) {
            m.s += ' ';
            if (c.empty())
                m.s += '-';
            else
                AppendMarkdownEscaped(m.s, c);
            m.s += " |";
        }
        m.s += '\n';
    }

    m.raw("\n## Resources\n");
    for (size_t index : facts.shown.full) {
        const ResourceCard& card = facts.cards[index];
        FlushIfLarge(out, m.s);
        const ResourceFinding& f = *card.finding;
        m.raw("\n### ").raw(Upper(ToString(f.severity))).raw(": ");
        m.text(DisplayName(f) + " (" + ShortResourceType(f.resource_type) + ", " + f.status + ")");
        m.raw("\n\n");
        m.item("Resource id", f.resource_id);
        m.item("Subscription", f.subscription_id);
        if (!f.resource_group.empty()) m.item("Resource group", f.resource_group);
        if (!card.region.empty()) m.item("Region", card.region);
        m.item("Created", ReportTime(f.created_at_us) +
                              (f.created_by ? " by " + DescribePrincipal(*f.created_by) : ""));
        m.item("Rules", f.rules.empty() ? "none" : Join(f.rules));
        m.item("Signals", f.signals.empty() ? "none" : Join(f.signals));
        if (!f.reasons.empty()) {
            m.raw("\n**Why:**\n\n");
            for (const std::string& r : f.reasons) m.raw("- ").text(r).raw("\n");
        }
        m.raw("\n**Provenance chain:**\n\n");
        int number = 0;
        for (const ChainStep& step : ChainOf(facts, card)) {
            m.raw(std::to_string(++number)).raw(". **").raw(StageName(step.stage)).raw(":** ");
            if (step.items.empty()) {
                m.text(step.absent).raw("\n");
                continue;
            }
            m.raw("\n");
            for (const StepItem& item : step.items) {
                m.raw("   - ");
                if (item.at_us >= 0) m.text(ReportTime(item.at_us) + ": ");
                m.text(item.text).raw("\n");
                for (const Fact& fact : item.facts)
                    m.raw("     - ").text(fact.label + ": " + fact.value).raw("\n");
                for (const std::string& command : item.commands)
                    m.raw("     - command: ").text(command).raw("\n");
            }
        }
        m.raw("\n**Evidence:**\n\n");
        m.head({"file", "line", "offset", "length", "record SHA-256"});
        for (const EvidenceRef& e : f.evidence)
            m.row({std::string(e.file), N(e.line), N(e.offset), N(e.length), ToHex(e.sha256)});
    }
    OtherFindings(m, out, facts);
    if (facts.cards.empty()) m.raw("\nNo suspicious resource was found.\n");
    OtherDetections(m, out, facts.detections);

    m.raw("\n## Principals\n\n");
    m.head({"principal", "type", "object id", "app id", "token tenant", "first seen", "last seen",
            "events", "failures", "IPs", "worst"});
    for (const PrincipalSummary& p : facts.principals.rows) {
        FlushIfLarge(out, m.s);
        m.row({p.identity.name, PrincipalTypeLabel(p.identity.type), p.identity.object_id,
               p.identity.app_id,
               p.identity.tenant_id + (p.identity.foreign_tenant ? " (foreign)" : ""),
               ReportTime(p.first_seen_us), ReportTime(p.last_seen_us), N(p.events), N(p.failures),
               Join(std::vector<std::string>(p.ips.begin(), p.ips.end())),
               p.has_findings ? std::string(ToString(p.worst)) : ""});
    }
    if (facts.principals.omitted > 0)
        m.raw("\n").text(N(facts.principals.omitted) + " more in principals.jsonl.").raw("\n");

    m.raw("\n## Input manifest\n\n");
    m.head({"file", "size", "SHA-256", "compression", "format", "records", "events", "ignored",
            "quarantined", "error"});
    for (const FileAccount& f : context.files)
        m.row({f.summary.path, N(f.summary.size), f.summary.sha256,
               std::string(ToString(f.summary.compression)), std::string(ToString(f.summary.shape)),
               N(f.records_read), N(f.events), N(f.ignored_total()), N(f.quarantined_total()),
               f.summary.error});
    for (const std::string& e : context.input_errors) m.raw("\n- Input error: ").text(e).raw("\n");

    m.raw("\n## Rules used\n\n");
    m.head({"rule", "title", "signal", "resources flagged"});
    for (const RuleInfo& r : context.rules) {
        auto hits = facts.rule_hits.find(r.id);
        m.row({r.id, r.title, r.signal, N(hits == facts.rule_hits.end() ? 0 : hits->second)});
    }

    m.raw("\n## Verifying a fact\n\n");
    m.text("Each evidence row names a record by file, byte offset and length in the file's "
           "(decompressed) content, and the SHA-256 of those bytes. To check one:");
    m.raw("\n\n    tail -c +$((OFFSET+1)) FILE | head -c LENGTH | sha256sum\n");
    out << m.s;
}

} // namespace minetrace
