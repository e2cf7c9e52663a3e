// The report limits (report_limits.hpp): past kFullCards findings and kDetectionCards detections
// the reports show counts and table rows instead of cards, and a note past the row caps; the
// "Other detections" section is there and escapes log text for its medium.
#include "report/report_limits.hpp"
#include "report_fixture.hpp"
#include "support/principal_rows.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>

using namespace minetrace;
using namespace minetrace::testing;

namespace {

size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// `high` high and `medium` medium findings, one VM each; `detections` detections of `level`.
std::unique_ptr<ReportInputs> ManyFindings(size_t high, size_t medium, size_t detections,
                                           const std::string& level) {
    auto in = std::make_unique<ReportInputs>();
    int64_t t = 1791792000000000; // 2026-10-12T00:00:00Z
    for (size_t i = 0; i < high + medium; ++i) {
        ResourceFinding f;
        f.name = "vm-" + std::to_string(i);
        f.resource_id = "/subscriptions/s/resourcegroups/rg/providers/"
                        "microsoft.compute/virtualmachines/" +
                        f.name;
        f.resource_type = "microsoft.compute/virtualmachines";
        f.subscription_id = "s";
        f.status = "created";
        f.severity = i < high ? Severity::kHigh : Severity::kMedium;
        f.created_at_us = t + static_cast<int64_t>(i);
        in->result.resources.push_back(std::move(f));
    }
    for (size_t i = 0; i < detections; ++i) {
        Detection d;
        d.time_us = t + static_cast<int64_t>(i);
        d.rule_id = "mt-evasion-alerting-removed";
        d.rule_title = "Alert rule or action group deleted";
        d.level = level;
        d.operation = "microsoft.insights/actiongroups/delete";
        d.phase = "succeeded";
        d.resource_id =
            "/subscriptions/s/providers/microsoft.insights/actiongroups/ag-" + std::to_string(i);
        d.file = "in.jsonl";
        d.offset = i;
        in->result.detections.Add(d);
    }
    return in;
}

} // namespace

TEST_CASE("Report limits: past kFullCards findings get a table row each, high cards first",
          "[report]") {
    const size_t extra = 7;
    auto in = ManyFindings(kFullCards - 3, extra + 3, 0, "high");
    ReportFacts facts = BuildFacts(in->Context());
    REQUIRE(facts.shown.full.size() == kFullCards);
    CHECK(facts.shown.rows.size() == extra);
    CHECK(facts.shown.omitted == 0);
    // Every high finding has its card; the rows are medium ones.
    for (size_t i : facts.shown.rows) CHECK(facts.cards[i].finding->severity == Severity::kMedium);

    std::string html = Render(WriteHtmlReport, in->Context());
    CHECK(Count(html, "<article class=\"card high\"") == kFullCards - 3);
    CHECK(Count(html, "<article class=\"card medium\"") == 3);
    CHECK(html.find("<h3>Other findings</h3>") != std::string::npos);
    CHECK(Count(html, "\"><td><span class=\"badge medium\">") == extra);
    CHECK(html.find("more in resources.jsonl") == std::string::npos);

    std::string md = Render(WriteMarkdownReport, in->Context());
    CHECK(Count(md, "\n### HIGH: ") == kFullCards - 3);
    CHECK(Count(md, "\n### MEDIUM: ") == 3);
    CHECK(md.find("### Other findings") != std::string::npos);
    CHECK(Count(md, "\n| medium | vm-") == extra);
}

TEST_CASE("Report limits: past kTableRows the rest is counted and left to resources.jsonl",
          "[report]") {
    auto in = ManyFindings(kFullCards + kTableRows + 5, 0, 0, "high");
    ReportFacts facts = BuildFacts(in->Context());
    CHECK(facts.shown.full.size() == kFullCards);
    CHECK(facts.shown.rows.size() == kTableRows);
    CHECK(facts.shown.omitted == 5);
    std::string html = Render(WriteHtmlReport, in->Context());
    CHECK(html.find("5 more in resources.jsonl.") != std::string::npos);
    std::string md = Render(WriteMarkdownReport, in->Context());
    CHECK(md.find("5 more in resources.jsonl.") != std::string::npos);
    // Readable at any scale: a few MB for thousands of findings.
    CHECK(html.size() < (10u << 20));
    // The chart draws what the report lists, and every mark's link has its target.
    size_t marks = 0;
    for (size_t at = html.find("<a href=\"#r"); at != std::string::npos;
         at = html.find("<a href=\"#r", at + 1)) {
        size_t from = at + 11;
        std::string index = html.substr(from, html.find('"', from) - from);
        if (index.find_first_not_of("0123456789") != std::string::npos) continue; // #resources
        ++marks;
        INFO("mark #r" << index);
        CHECK(html.find("id=\"r" + index + "\"") != std::string::npos);
    }
    CHECK(marks > 0);
    CHECK(marks <= kFullCards + kTableRows);
    CHECK(html.find("the other 5 are in resources.jsonl") != std::string::npos);
}

TEST_CASE("Report limits: detections past kDetectionCards are table rows, then counted",
          "[report]") {
    auto in = ManyFindings(0, 0, kDetectionCards + kDetectionRows + 3, "high");
    ReportFacts facts = BuildFacts(in->Context());
    const DetectionDigest& d = facts.detections;
    CHECK(d.total == kDetectionCards + kDetectionRows + 3);
    CHECK(d.by_level.at("high") == d.total);
    REQUIRE(d.cards.size() == kDetectionCards);
    REQUIRE(d.rows.size() == kDetectionRows);
    CHECK(d.omitted == 3);
    // Cards are the earliest, rows follow in time order.
    CHECK(d.cards.front().time_us < d.cards.back().time_us);
    CHECK(d.cards.back().time_us < d.rows.front().time_us);
    CHECK(d.rows.front().time_us < d.rows.back().time_us);
    std::string html = Render(WriteHtmlReport, in->Context());
    CHECK(html.find("<section id=\"detections\"><h2>Other detections</h2>") != std::string::npos);
    CHECK(Count(html, "<article class=\"card high\">") == kDetectionCards);
    CHECK(html.find("3 more in detections.jsonl.") != std::string::npos);
    std::string md = Render(WriteMarkdownReport, in->Context());
    CHECK(md.find("\n## Other detections\n") != std::string::npos);
    CHECK(Count(md, "\n### HIGH: Alert rule or action group deleted") == kDetectionCards);
    CHECK(md.find("3 more in detections.jsonl.") != std::string::npos);
}

TEST_CASE("Report limits: high detections take the cards before medium ones; low are rows",
          "[report]") {
    auto in = ManyFindings(0, 0, 0, "");
    int64_t t = 1791792000000000;
    auto add = [&](const std::string& level, int64_t at) {
        Detection d;
        d.time_us = at;
        d.rule_id = "rule-" + level;
        d.level = level;
        d.offset = static_cast<uint64_t>(at - t);
        in->result.detections.Add(d);
    };
    for (size_t i = 0; i < kDetectionCards; ++i) add("medium", t + static_cast<int64_t>(i));
    add("critical", t + 5000);
    add("low", t + 1);
    ReportFacts facts = BuildFacts(in->Context());
    const DetectionDigest& d = facts.detections;
    REQUIRE(d.cards.size() == kDetectionCards);
    CHECK(d.cards.front().level == "critical");
    REQUIRE(d.rows.size() == 2); // the low one and the last medium one, in time order
    CHECK(d.rows[0].level == "low");
    CHECK(d.rows[1].level == "medium");
    CHECK(d.rows[1].time_us == t + static_cast<int64_t>(kDetectionCards) - 1);
    CHECK(d.omitted == 0);
}

TEST_CASE("Report: Other detections escapes hostile operations, resources and bidi controls",
          "[report]") {
    auto in = ManyFindings(0, 0, 0, "");
    Detection d;
    d.time_us = 1791792000000000;
    d.rule_id = "mt-evasion-diagnostic-settings";
    d.rule_title = "Diagnostic setting <b>changed</b>";
    d.level = "high";
    d.operation = "microsoft.insights/<script>alert(1)</script>|delete";
    d.resource_id = "/subscriptions/s/providers/x/a|b\u202egnp.exe";
    d.phase = "succeeded";
    d.caller_ip = "| --- |";
    in->result.detections.Add(d);
    d.level = "low"; // and once as a table row
    d.offset = 1;
    in->result.detections.Add(d);

    std::string html = Render(WriteHtmlReport, in->Context());
    size_t section = html.find("<section id=\"detections\">");
    REQUIRE(section != std::string::npos);
    std::string part = html.substr(section, html.find("</section>", section) - section);
    CHECK(part.find("<script") == std::string::npos);
    CHECK(part.find("<b>") == std::string::npos);
    CHECK(Count(part, "&lt;script&gt;alert(1)&lt;/script&gt;") == 2);
    CHECK(part.find("Diagnostic setting &lt;b&gt;changed&lt;/b&gt;") != std::string::npos);

    std::string md = Render(WriteMarkdownReport, in->Context());
    size_t at = md.find("\n## Other detections\n");
    REQUIRE(at != std::string::npos);
    std::string mpart = md.substr(at, md.find("\n## ", at + 1) - at);
    CHECK(mpart.find('<') == std::string::npos);
    CHECK(mpart.find("\xe2\x80\xae") == std::string::npos); // U+202E shown as \u202e
    CHECK(mpart.find("\\u202e") != std::string::npos);
    CHECK(mpart.find("&lt;script&gt;alert(1)&lt;/script&gt;\\|delete") != std::string::npos);
    CHECK(mpart.find("\\| --- \\|") != std::string::npos);
}

TEST_CASE("Report limits: past kPrincipalRows principals the reports list those behind findings "
          "and the busiest, in key order, and count the rest",
          "[report]") {
    auto in = std::make_unique<ReportInputs>();
    const size_t total = kPrincipalRows + 10;
    std::vector<PrincipalSummary> rows;
    for (size_t i = 0; i < total; ++i) {
        PrincipalSummary p;
        char key[16];
        std::snprintf(key, sizeof key, "p%06zu", i);
        p.key = key;
        p.identity.name = std::string("caller-") + key;
        p.events = 1;
        rows.push_back(std::move(p));
    }
    // The last one is behind a finding and the second-to-last is the busiest: both are listed.
    // The others tie (one event each) and ties go in key order, so the ten left out are the
    // plain ones just before those two.
    rows[total - 1].has_findings = true;
    rows[total - 1].worst = Severity::kHigh;
    rows[total - 2].events = 50;
    in->result.principals = test::TableOf(rows);
    ReportFacts facts = BuildFacts(in->Context());
    REQUIRE(facts.principals.rows.size() == kPrincipalRows);
    CHECK(facts.principals.omitted == 10);
    auto by_key = [](const PrincipalSummary& a, const PrincipalSummary& b) {
        return a.key < b.key;
    };
    CHECK(std::is_sorted(facts.principals.rows.begin(), facts.principals.rows.end(), by_key));
    CHECK(facts.principals.rows.back().key == rows[total - 1].key);
    CHECK(facts.principals.rows.back().has_findings);
    CHECK(facts.principals.rows[kPrincipalRows - 2].key == rows[total - 2].key);
    CHECK(facts.principals.rows[kPrincipalRows - 3].key == rows[kPrincipalRows - 3].key);
    std::string html = Render(WriteHtmlReport, in->Context());
    CHECK(html.find("10 more in principals.jsonl.") != std::string::npos);
    CHECK(html.find("caller-" + rows[total - 1].key) != std::string::npos);
    CHECK(html.find("caller-" + rows[total - 3].key) == std::string::npos);
    std::string md = Render(WriteMarkdownReport, in->Context());
    CHECK(md.find("10 more in principals.jsonl.") != std::string::npos);
    CHECK(Count(md, "caller-p") == kPrincipalRows);

    // At the cap, every one is listed and nothing counted.
    rows.resize(kPrincipalRows);
    in->result.principals = test::TableOf(rows);
    ReportFacts all = BuildFacts(in->Context());
    CHECK(all.principals.rows.size() == kPrincipalRows);
    CHECK(all.principals.omitted == 0);
    CHECK(Render(WriteMarkdownReport, in->Context()).find("more in principals.jsonl") ==
          std::string::npos);
}
