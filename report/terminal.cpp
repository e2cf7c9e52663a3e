#include "report/terminal.hpp"

#include "core/escape.hpp"
#include "core/timestamp.hpp"
#include "provenance/outputs.hpp"

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

// SummaryLines() puts the severity after the time and two spaces: "...Z  HIGH   who ...".
std::string PaintSeverity(const std::string& line, bool color) {
    if (!color) return line;
    size_t at = line.find("  ");
    if (at == std::string::npos) return line;
    at += 2;
    for (auto [word, sgr] : {std::pair{"HIGH", kRed}, std::pair{"MEDIUM", kYellow}}) {
        std::string_view w(word);
        if (line.compare(at, w.size(), w) == 0)
            return line.substr(0, at) + Paint(w, sgr, true) + line.substr(at + w.size());
    }
    return line;
}

} // namespace

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
    for (const std::string& line : SummaryLines(result, limit))
        out << "  " << PaintSeverity(line, color) << "\n";
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
        << "/{resources,subscriptions,principals,timeline}.jsonl, timeline.csv, manifest.json, "
           "quarantine.jsonl";
    for (const std::string& name : report_files) out << ", " << name;
    out << "\n";
}

} // namespace minetrace
