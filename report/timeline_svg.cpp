// The SVG timeline of report.html. Geometry is computed in integers (microseconds per pixel), so
// the markup is identical on every machine and compiler.
#include "core/arm_id.hpp"
#include "core/escape.hpp"
#include "core/timestamp.hpp"
#include "core/utf8.hpp"
#include "report/report.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace minetrace {

namespace {

constexpr int kWidth = 1160;
constexpr int kLeft = 150; // lane labels
constexpr int kRight = 24;
constexpr int kPlotWidth = kWidth - kLeft - kRight;
constexpr int kTop = 28;
constexpr int kPrepHeight = 34;
constexpr int kRowHeight = 20;
constexpr int kLanePad = 10;
constexpr int kMaxSubRows = 6;
constexpr int kCharWidth = 7; // estimated width of a label character at 11px
constexpr size_t kMaxLabelChars = 26;

// Colour-blind-safe palette (Okabe-Ito plus two), one colour per resource type.
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                "#D55E00", "#F0E442", "#7F3C8D", "#3B6E2B", "#8C564B"};
constexpr const char* kOtherColour = "#888888";

// The chart's lane of role grants: a lane beside the preparation signals, not a rule signal.
constexpr std::string_view kRoleGrantLane = "role-grant";

const std::map<std::string, const char*, std::less<>>& SignalColours() {
    static const std::map<std::string, const char*, std::less<>> kColours = {
        {std::string(signal_kind::kQuotaIncrease), "#D55E00"},
        {std::string(signal_kind::kRpRegistration), "#0072B2"},
        {std::string(signal_kind::kResourceGroupCreate), "#009E73"},
        {std::string(signal_kind::kFailedAttempt), "#CC0000"},
        {std::string(kRoleGrantLane), "#7F3C8D"},
    };
    return kColours;
}

void Esc(std::string& out, std::string_view text) {
    AppendHtmlEscaped(out, text);
}

std::string Num(int64_t value) {
    return std::to_string(value);
}

struct Marker {
    const ResourceCard* card = nullptr;
    size_t index = 0; // card index, for the #rN link
    int64_t at_us = 0;
    int x = 0;
    int end_x = -1; // deletion, clipped; -1 when alive or failed
    bool clipped = false;
    bool label_left = false;
    int sub_row = 0;
    std::string label;
};

struct PrepMark {
    int64_t at_us = 0;
    std::string signal;
    std::string text;
};

std::string TickLabel(int64_t us, bool with_time) {
    std::string iso = FormatRfc3339Micros(us);
    return with_time ? iso.substr(11, 5) : iso.substr(0, 10);
}

} // namespace

std::string TimelineSvg(const ReportFacts& facts) {
    // The resources the report shows (its cards and table rows, report_limits.hpp), so the chart
    // stays bounded at any scale; the others are only in resources.jsonl.
    std::vector<size_t> drawn(facts.shown.full);
    drawn.insert(drawn.end(), facts.shown.rows.begin(), facts.shown.rows.end());
    std::sort(drawn.begin(), drawn.end());
    // The window: creations and precursors of medium/high findings, else of every finding.
    auto window_of = [&](bool serious_only, int64_t& t0, int64_t& t1) {
        t0 = INT64_MAX;
        t1 = INT64_MIN;
        for (size_t i : drawn) {
            const ResourceFinding& f = *facts.cards[i].finding;
            if (serious_only && f.severity == Severity::kLow) continue;
            auto take = [&](int64_t at) {
                if (at < 0) return;
                t0 = std::min(t0, at);
                t1 = std::max(t1, at);
            };
            take(f.created_at_us);
            for (const Precursor& p : f.preparation) take(p.at_us);
            if (f.authorized_by) take(f.authorized_by->at_us);
        }
        return t0 <= t1;
    };
    int64_t t0 = 0, t1 = 0;
    if (!window_of(true, t0, t1) && !window_of(false, t0, t1)) return "";
    const int64_t kMinute = 60LL * 1000 * 1000;
    int64_t pad = std::max<int64_t>((t1 - t0) / 25, kMinute);
    t0 -= pad;
    t1 += pad;
    const int64_t us_per_px = std::max<int64_t>(1, (t1 - t0 + kPlotWidth - 1) / kPlotWidth);
    auto x_of = [&](int64_t at) { return kLeft + static_cast<int>((at - t0) / us_per_px); };
    auto inside = [&](int64_t at) { return at >= t0 && at <= t1; };

    // Types -> colours, by name so the legend is stable.
    std::set<std::string> types;
    for (size_t i : drawn)
        if (inside(facts.cards[i].finding->created_at_us))
            types.insert(facts.cards[i].finding->resource_type);
    std::map<std::string, const char*> colour;
    size_t next = 0;
    for (const std::string& t : types)
        colour[t] = next < std::size(kPalette) ? kPalette[next++] : kOtherColour;

    // Lanes by region; markers placed greedily on sub-rows so labels do not overlap.
    std::map<std::string, std::vector<Marker>> lanes;
    size_t outside = 0;
    for (size_t i : drawn) {
        const ResourceCard& card = facts.cards[i];
        const ResourceFinding& f = *card.finding;
        if (f.created_at_us < 0) continue;
        if (!inside(f.created_at_us)) {
            ++outside;
            continue;
        }
        Marker m;
        m.card = &card;
        m.index = i;
        m.at_us = f.created_at_us;
        m.x = x_of(f.created_at_us);
        if (f.deleted_at_us >= 0) {
            m.clipped = f.deleted_at_us > t1;
            m.end_x = m.clipped ? kLeft + kPlotWidth : x_of(f.deleted_at_us);
        }
        m.label = EllipsizeUtf8(f.name, kMaxLabelChars);
        lanes[card.region.empty() ? "\x7f(no region)" : card.region].push_back(std::move(m));
    }
    std::vector<std::pair<std::string, int>> lane_rows; // region, sub-rows
    for (auto& [region, markers] : lanes) {
        std::stable_sort(markers.begin(), markers.end(),
                         [](const Marker& a, const Marker& b) { return a.at_us < b.at_us; });
        std::vector<int> row_end;
        for (Marker& m : markers) {
            int width = 12 + kCharWidth * static_cast<int>(CodePoints(m.label));
            // Labels that would leave the chart go to the left of their mark.
            m.label_left = m.x + width > kWidth;
            int start = m.label_left ? m.x - width : m.x - 6;
            int end = m.label_left ? m.x + 6 : m.x + width;
            int row = -1;
            for (size_t r = 0; r < row_end.size(); ++r)
                if (row_end[r] < start) {
                    row = static_cast<int>(r);
                    break;
                }
            if (row < 0 && static_cast<int>(row_end.size()) < kMaxSubRows) {
                row = static_cast<int>(row_end.size());
                row_end.push_back(0);
            }
            if (row < 0) {
                // Every sub-row is busy: the mark alone (no label, no lifetime line) on the row
                // that frees first, so text never overlaps; its tooltip still tells everything.
                row = static_cast<int>(std::min_element(row_end.begin(), row_end.end()) -
                                       row_end.begin());
                m.label.clear();
                m.end_x = -1;
                m.sub_row = row;
                continue;
            }
            // A lifetime line keeps its sub-row busy until the deletion, so no label sits on it.
            row_end[static_cast<size_t>(row)] = std::max(end, m.end_x);
            m.sub_row = row;
        }
        lane_rows.emplace_back(region, std::max<int>(1, static_cast<int>(row_end.size())));
    }

    // Precursors, deduplicated (many resources share the same preparation).
    std::map<std::tuple<int64_t, std::string, std::string>, PrepMark> preps;
    for (size_t i : drawn) {
        const ResourceFinding& f = *facts.cards[i].finding;
        for (const Precursor& p : f.preparation) {
            if (!inside(p.at_us)) continue;
            preps[{p.at_us, std::string(p.operation), std::string(p.resource_id)}] = {
                p.at_us, std::string(p.signal),
                SignalLabel(p.signal) + " " + ReportTime(p.at_us) + ": " +
                    std::string(p.operation) + " " + std::string(p.resource_id) + " (" +
                    std::string(p.status) + ")"};
        }
        if (f.authorized_by && inside(f.authorized_by->at_us)) {
            const Grant& g = *f.authorized_by;
            preps[{g.at_us, "grant", g.assignment_id}] = {
                g.at_us, std::string(kRoleGrantLane),
                "role grant " + ReportTime(g.at_us) + ": " + g.role + " to " + g.principal_id +
                    " by " + DescribePrincipal(g.granted_by)};
        }
    }

    int lanes_height = 0;
    for (const auto& [region, rows] : lane_rows) lanes_height += rows * kRowHeight + kLanePad;
    const int axis_y = kTop + kPrepHeight + lanes_height + 6;
    const int legend_y = axis_y + 44;
    const int legend_rows = static_cast<int>((colour.size() + 3) / 4) + 1;
    const int height = legend_y + legend_rows * 18 + 8;

    std::string s;
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 " +
         Num(kWidth) + " " + Num(height) + "\" width=\"" + Num(kWidth) + "\" height=\"" +
         Num(height) + "\" role=\"img\" aria-labelledby=\"timeline-title\">\n";
    s += "<title id=\"timeline-title\">Resources created over time, by region and type, with "
         "precursors</title>\n";
    s += "<style>text{font:11px system-ui,sans-serif;fill:#222}.lane{font-weight:600}"
         ".tick{fill:#555}.grid{stroke:#e3e3e3}.life{stroke-width:3;stroke-opacity:.45}"
         "</style>\n";

    // Grid and axis ticks.
    static const int64_t kSteps[] = {60,         300,         600,         900,        1800,
                                     3600,       7200,        10800,       21600,      43200,
                                     86400,      2 * 86400,   7 * 86400,   14 * 86400, 30 * 86400,
                                     91 * 86400, 365 * 86400, 3650 * 86400};
    int64_t step = kSteps[std::size(kSteps) - 1] * 1000000;
    for (int64_t candidate : kSteps)
        if ((t1 - t0) / (candidate * 1000000) <= 9) {
            step = candidate * 1000000;
            break;
        }
    const bool with_time = step < 86400LL * 1000000;
    int64_t first_tick = t0 - ((t0 % step) + step) % step;
    if (first_tick < t0) first_tick += step;
    std::string last_date;
    for (int64_t tick = first_tick; tick <= t1; tick += step) {
        int x = x_of(tick);
        s += "<line class=\"grid\" x1=\"" + Num(x) + "\" y1=\"" + Num(kTop) + "\" x2=\"" + Num(x) +
             "\" y2=\"" + Num(axis_y) + "\"/>";
        s += "<text class=\"tick\" x=\"" + Num(x) + "\" y=\"" + Num(axis_y + 14) +
             "\" text-anchor=\"middle\">" + TickLabel(tick, with_time) + "</text>";
        std::string date = TickLabel(tick, false);
        if (with_time && date != last_date) {
            s += "<text class=\"tick\" x=\"" + Num(x) + "\" y=\"" + Num(axis_y + 28) +
                 "\" text-anchor=\"middle\">" + date + "</text>";
            last_date = date;
        }
        s += "\n";
    }
    s += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(axis_y) + "\" x2=\"" +
         Num(kLeft + kPlotWidth) + "\" y2=\"" + Num(axis_y) + "\" stroke=\"#444\"/>\n";

    // Precursor lane.
    int prep_y = kTop + kPrepHeight / 2;
    s += "<text class=\"lane\" x=\"8\" y=\"" + Num(prep_y + 4) + "\">preparation</text>\n";
    for (const auto& [key, p] : preps) {
        int x = x_of(p.at_us);
        auto found = SignalColours().find(p.signal);
        const char* fill = found == SignalColours().end() ? kOtherColour : found->second;
        s += "<g><title>";
        Esc(s, p.text);
        s += "</title>";
        if (p.signal == kRoleGrantLane)
            s += "<path d=\"M" + Num(x) + " " + Num(prep_y - 7) + "l7 7-7 7-7-7z\" fill=\"" + fill +
                 "\"/>";
        else
            s += "<path d=\"M" + Num(x) + " " + Num(prep_y - 7) + "l6 12h-12z\" fill=\"" + fill +
                 "\"/>";
        s += "</g>\n";
    }

    // Region lanes.
    int lane_top = kTop + kPrepHeight;
    for (const auto& [region, rows] : lane_rows) {
        int lane_height = rows * kRowHeight + kLanePad;
        s += "<line class=\"grid\" x1=\"0\" y1=\"" + Num(lane_top) + "\" x2=\"" + Num(kWidth) +
             "\" y2=\"" + Num(lane_top) + "\"/>";
        s += "<text class=\"lane\" x=\"8\" y=\"" + Num(lane_top + kLanePad / 2 + 14) + "\">";
        Esc(s, EllipsizeUtf8(region[0] == '\x7f' ? region.substr(1) : region, 18));
        s += "</text>\n";
        for (const Marker& m : lanes[region]) {
            const ResourceFinding& f = *m.card->finding;
            int y = lane_top + kLanePad / 2 + m.sub_row * kRowHeight + 10;
            const char* fill = colour[f.resource_type];
            s += "<a href=\"#r" + Num(static_cast<int64_t>(m.index)) + "\"><g><title>";
            Esc(s, std::string(ToString(f.severity)) + " | " + ShortResourceType(f.resource_type) +
                       " " + DisplayName(f) + " | created " + ReportTime(f.created_at_us) +
                       (f.created_by ? " by " + DescribePrincipal(*f.created_by) : "") +
                       (f.deleted_at_us >= 0 ? " | deleted " + ReportTime(f.deleted_at_us) : "") +
                       (f.status == "failed" ? " | creation failed" : ""));
            s += "</title>";
            // The lifetime line starts after the label, so it never strikes through it.
            int life_x = m.label_left
                             ? m.x + 6
                             : m.x + 12 + kCharWidth * static_cast<int>(CodePoints(m.label));
            if (m.end_x > life_x)
                s += "<line class=\"life\" x1=\"" + Num(life_x) + "\" y1=\"" + Num(y) + "\" x2=\"" +
                     Num(m.end_x) + "\" y2=\"" + Num(y) + "\" stroke=\"" + fill + "\"/>" +
                     (m.clipped ? "<path d=\"M" + Num(m.end_x) + " " + Num(y) +
                                      "l-7-4v8z\" fill=\"" + std::string(fill) + "\"/>"
                                : "");
            if (f.status == "failed")
                s += "<circle cx=\"" + Num(m.x) + "\" cy=\"" + Num(y) +
                     "\" r=\"5\" fill=\"#fff\" stroke=\"" + fill +
                     "\" stroke-width=\"2\" stroke-dasharray=\"2 2\"/>";
            else
                s += "<circle cx=\"" + Num(m.x) + "\" cy=\"" + Num(y) + "\" r=\"5\" fill=\"" +
                     fill + "\"" +
                     (f.severity == Severity::kHigh ? " stroke=\"#B00020\" stroke-width=\"2.5\""
                                                    : "") +
                     "/>";
            if (!m.label.empty()) {
                if (m.label_left)
                    s += "<text x=\"" + Num(m.x - 9) + "\" y=\"" + Num(y + 4) +
                         "\" text-anchor=\"end\">";
                else
                    s += "<text x=\"" + Num(m.x + 9) + "\" y=\"" + Num(y + 4) + "\">";
                Esc(s, m.label);
                s += "</text>";
            }
            s += "</g></a>\n";
        }
        lane_top += lane_height;
    }

    // Legend.
    int lx = 8, ly = legend_y;
    size_t column = 0;
    for (const auto& [type, fill] : colour) {
        s += "<circle cx=\"" + Num(lx + 5) + "\" cy=\"" + Num(ly - 4) + "\" r=\"5\" fill=\"" +
             fill + "\"/><text x=\"" + Num(lx + 14) + "\" y=\"" + Num(ly) + "\">";
        Esc(s, EllipsizeUtf8(ShortResourceType(type), 38));
        s += "</text>";
        if (++column % 4 == 0) {
            lx = 8;
            ly += 18;
        } else {
            lx += 285;
        }
    }
    if (column % 4 != 0) ly += 18;
    s += "\n<circle cx=\"13\" cy=\"" + Num(ly - 4) +
         "\" r=\"5\" fill=\"#ccc\" stroke=\"#B00020\" stroke-width=\"2.5\"/><text x=\"22\" y=\"" +
         Num(ly) + "\">high severity</text>";
    s += "<circle cx=\"133\" cy=\"" + Num(ly - 4) +
         "\" r=\"5\" fill=\"#fff\" stroke=\"#666\" stroke-width=\"2\" "
         "stroke-dasharray=\"2 2\"/><text x=\"142\" y=\"" +
         Num(ly) + "\">creation failed</text>";
    s += "<line class=\"life\" x1=\"258\" y1=\"" + Num(ly - 4) + "\" x2=\"288\" y2=\"" +
         Num(ly - 4) + "\" stroke=\"#666\"/><text x=\"294\" y=\"" + Num(ly) +
         "\">lifetime until deletion</text>";
    s += "<path d=\"M443 " + Num(ly - 11) + "l6 12h-12z\" fill=\"#D55E00\"/><text x=\"454\" y=\"" +
         Num(ly) + "\">precursor (quota, registration, failed attempt)</text>";
    s += "<path d=\"M743 " + Num(ly - 11) +
         "l7 7-7 7-7-7z\" fill=\"#7F3C8D\"/><text x=\"756\" y=\"" + Num(ly) +
         "\">role grant</text>";
    if (outside > 0)
        s += "<text x=\"880\" y=\"" + Num(ly) + "\">" + std::to_string(outside) +
             " resource(s) outside this window</text>";
    s += "\n</svg>\n";
    return s;
}

} // namespace minetrace
