#include "report/terminal.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/timestamp.hpp"
#include "provenance/principal_wording.hpp"

namespace minetrace {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[1;31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kDim = "\x1b[2m";

std::string Paint(std::string_view text, const char* sgr, bool color) {
    if (!color) return std::string(text);
    return std::string(sgr) + std::string(text) + kReset;
}

// "2026-10-12T08:40:01Z  HIGH   who ...": time to the second, the severity in a 6-wide column.
std::string RowLine(const SummaryRow& row, bool color) {
    // The same 20 columns either way, so the severities line up.
    std::string line = row.time_us >= 0 ? FormatRfc3339Micros(row.time_us).substr(0, 19) + "Z  "
                                        : "(no time in logs)     ";
    std::string severity(ToString(row.severity));
    for (char& c : severity) c = AsciiUpper(c);
    const char* sgr = row.severity == Severity::kHigh     ? kRed
                      : row.severity == Severity::kMedium ? kYellow
                                                          : nullptr;
    line += sgr ? Paint(severity, sgr, color) : severity;
    line += std::string(severity.size() < 6 ? 6 - severity.size() : 0, ' ') + " ";
    AppendTerminalSafe(line, row.text);
    return line;
}

} // namespace

// "microsoft.compute/virtualmachines/runcommand/action" -> "runcommand", ".../write" -> "write":
// the act in a word.
std::string VerbPhrase(std::string_view operation) {
    if (operation.ends_with("/extensions/write")) return "extension added";
    if (operation.ends_with("/runcommands/write")) return "run command added";
    std::string_view verb = VerbOf(operation);
    if (verb == "action") {
        operation.remove_suffix(verb.size() + 1);
        return std::string(LastSegment(operation));
    }
    return std::string(verb);
}

std::vector<SummaryRow> SummaryRows(const InvestigationResult& result, size_t limit) {
    std::vector<SummaryRow> rows;
    for (const ResourceFinding& f : result.resources) {
        if (rows.size() >= limit) break;
        if (f.severity == Severity::kLow) continue;
        SummaryRow& row = rows.emplace_back();
        row.time_us = f.responsible_at_us();
        row.severity = f.severity;
        std::string& text = row.text;
        const Principal* who = f.responsible();
        if (!f.identity_used_for.empty() && !f.created_by) {
            // The owner of an identity behind findings: the host to isolate.
            const size_t used = f.identity_used_for.size() + f.identity_links_omitted;
            text += ShortResourceType(f.resource_type) + " " + f.name +
                    " holds the managed identity behind " + std::to_string(used) + " finding" +
                    (used == 1 ? "" : "s") + ": isolate it";
            continue;
        }
        if (who) {
            text += DescribePrincipal(*who);
            if (!who->ip.empty()) text += " from " + who->ip;
        } else {
            text += "an unknown caller";
        }
        // Created only where the log shows the creation; otherwise what it does show.
        if (f.created_by)
            text += f.status == "failed" ? " tried to create " : " created ";
        else if (f.pre_existing)
            text += " changed (" + (f.act.empty() ? std::string("no act") : VerbPhrase(f.act)) +
                    ") existing ";
        else
            text += f.status == "failed" ? " tried to create " : " acted on ";
        text += ShortResourceType(f.resource_type) + " " + f.name;
        auto size = f.details.find("vm_size");
        if (size != f.details.end()) text += " (" + size->second + ")";
        auto region = f.details.find("location");
        if (region != f.details.end()) text += " in " + region->second;
        if (f.status == "deleted")
            text += "; deleted " + FormatRfc3339Micros(f.deleted_at_us).substr(0, 19) + "Z";
    }
    return rows;
}

bool UseColor(bool stdout_is_tty, bool no_color_flag, const char* no_color_env) {
    return stdout_is_tty && !no_color_flag && (no_color_env == nullptr || *no_color_env == '\0');
}

void WriteInvestigateSummary(std::ostream& out, const InvestigationResult& result,
                             std::string_view out_dir, const std::vector<std::string>& report_files,
                             bool color, size_t limit) {
    size_t high = 0, medium = 0, low = 0;
    for (const ResourceFinding& f : result.resources) {
        high += f.severity == Severity::kHigh;
        medium += f.severity == Severity::kMedium;
        low += f.severity == Severity::kLow;
    }
    out << "minetrace: " << Paint(std::to_string(result.resources.size()), kBold, color)
        << " suspicious resources ("
        << Paint(std::to_string(high) + " high", high ? kRed : kDim, color) << ", "
        << Paint(std::to_string(medium) + " medium", medium ? kYellow : kDim, color) << ", " << low
        << " low) in " << result.subscriptions.size() << " subscriptions\n";
    for (const SummaryRow& row : SummaryRows(result, limit))
        out << "  " << RowLine(row, color) << "\n";
    // The rule hits outside rated compute, by level (level names are the rules' and may come
    // from a user's rule file: terminal-safe like log text).
    std::string levels;
    for (const auto& [level, count] : result.detections.by_level())
        levels += (levels.empty() ? "" : ", ") + std::to_string(count) + " " + level;
    std::string detections = std::to_string(result.detections.size()) + " other detections" +
                             (levels.empty() ? "" : " (" + levels + ")") + " in detections.jsonl";
    std::string safe_detections;
    AppendTerminalSafe(safe_detections, detections);
    out << "  " << safe_detections << "\n";
    for (const SubscriptionFinding& s : result.subscriptions) {
        if (s.created_by.empty()) continue;
        std::string line = "subscription " + s.subscription_id + " created by " + s.created_by +
                           " on " + FormatRfc3339Micros(s.created_at_us).substr(0, 19) + "Z" +
                           (s.customer_name.empty() ? "" : " for " + s.customer_name);
        std::string safe;
        AppendTerminalSafe(safe, line);
        out << "  " << safe << "\n";
    }
    std::string shown_dir;
    AppendTerminalSafe(shown_dir, out_dir);
    out << "  reports: " << Paint(shown_dir, kBold, color)
        << "/{resources,subscriptions,principals,detections,timeline}.jsonl, timeline.csv, "
           "manifest.json, "
           "quarantine.jsonl";
    for (const std::string& name : report_files) out << ", " << name;
    out << "\n";
}

} // namespace minetrace
