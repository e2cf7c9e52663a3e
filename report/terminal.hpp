// The responder's terminal: the summary `minetrace investigate` prints on stdout, with colours
// only when they can be shown and are wanted.
//
// Colour decision (UseColor): stdout is a terminal, --no-color was not given, and NO_COLOR is
// unset or empty (https://no-color.org). Text from the logs is always terminal-safe (controls,
// escape sequences and bidi overrides neutralised by AppendTerminalSafe), coloured or not: the
// only escape sequences in the output are the SGR codes written here.
#pragma once

#include "provenance/model.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

bool UseColor(bool stdout_is_tty, bool no_color_flag, const char* no_color_env);

// One finding's line of the summary, as data: the writer lays it out and paints the severity
// without re-reading its own text. `text` is as the logs gave it (not yet terminal-safe).
struct SummaryRow {
    int64_t time_us = -1; // the finding's creation, else its decisive act; -1: none in the logs
    Severity severity = Severity::kLow;
    // "who from ip created type name (size) in region[; deleted T]", or for a resource with no
    // creation in the logs "who from ip changed (act) existing type name ...".
    std::string text;
};

// The rows for the findings above low, most severe first (the result's order), at most `limit`.
std::vector<SummaryRow> SummaryRows(const InvestigationResult& result, size_t limit);

// The investigate summary: counts, the top findings (one line each, at most `limit`), who
// created each subscription, and where the reports are (`report_files` in `out_dir`).
void WriteInvestigateSummary(std::ostream& out, const InvestigationResult& result,
                             std::string_view out_dir, const std::vector<std::string>& report_files,
                             bool color, size_t limit = 20);

} // namespace minetrace
