// The terminal: progress bar (delay, <= 5 Hz throttle, format, erase) and colours in the summary.
#include "pipeline/progress.hpp"
#include "report/terminal.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace minetrace;

namespace {

Batch Data(uint32_t file_id, uint64_t offset, size_t size, uint64_t records) {
    Batch b;
    b.file_id = file_id;
    b.base_offset = offset;
    b.size = size;
    b.records_read = records;
    return b;
}

Batch End(uint32_t file_id, uint64_t stored) {
    Batch b;
    b.file_id = file_id;
    b.file_end = true;
    b.summary.size = stored;
    return b;
}

size_t Count(const std::string& text, std::string_view what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("Progress: silent for short runs, then at most 5 draws per second", "[report]") {
    int64_t now = 0;
    std::ostringstream err;
    {
        ProgressMeter meter(err, {1000, 1000}, 80, [&] { return now; });
        now = 100'000;
        meter.Consume(Data(0, 0, 100, 10));
        CHECK(err.str().empty()); // within the first 500 ms
        // 10 seconds of batches every 10 ms: at most 5 draws a second.
        for (int i = 0; i < 1000; ++i) {
            now += 10'000;
            meter.Consume(Data(0, 100, 400, 1));
        }
        CHECK(meter.draws() >= 45);
        CHECK(meter.draws() <= 51);
        meter.Consume(End(0, 1000));
    }
    // Every draw returns to column 0 and clears the rest; the destructor erased the line.
    CHECK(Count(err.str(), "\r") == Count(err.str(), "\x1b[K"));
    CHECK(err.str().size() >= 6);
    CHECK(err.str().substr(err.str().size() - 4) == "\r\x1b[K");
}

TEST_CASE("Progress: the line shows bytes, rate and ETA, within the width", "[report]") {
    int64_t now = 0;
    std::ostringstream err;
    ProgressMeter meter(err, {3u << 20, 1u << 20}, 80, [&] { return now; });
    meter.Consume(Data(0, 0, 1u << 20, 5000));
    meter.Consume(End(0, 3u << 20)); // the first file done: 3 of 4 MiB
    now = 2'000'000;
    std::string line = meter.Line(now);
    INFO(line);
    CHECK(line.rfind("minetrace [###############-----]  75%  3.0 MiB / 4.0 MiB", 0) == 0);
    CHECK(line.find("2500 rec/s") != std::string::npos);
    CHECK(line.find("ETA 0:00") != std::string::npos); // 1 MiB left at 1.5 MiB/s
    CHECK(line.size() < 80);
    ProgressMeter narrow(err, {100}, 30, [&] { return now; });
    CHECK(narrow.Line(now).size() < 30);
    meter.Finish();
    narrow.Finish();
}

TEST_CASE("Progress: standard input has no total; only bytes and rate", "[report]") {
    int64_t now = 0;
    std::ostringstream err;
    ProgressMeter meter(err, {0}, 80, [&] { return now; });
    meter.Consume(Data(0, 0, 4096, 100));
    now = 1'000'000;
    CHECK(meter.Line(now) == "minetrace 4.0 KiB read  100 rec/s");
}

TEST_CASE("Colour: only on a terminal, never with --no-color or NO_COLOR", "[report]") {
    CHECK(UseColor(true, false, nullptr));
    CHECK(UseColor(true, false, ""));
    CHECK_FALSE(UseColor(false, false, nullptr));
    CHECK_FALSE(UseColor(true, true, nullptr));
    CHECK_FALSE(UseColor(true, false, "1"));
}

TEST_CASE("Colour: the summary is coloured only when asked, and log text stays inert", "[report]") {
    InvestigationResult result;
    ResourceFinding f;
    f.resource_id = "/subscriptions/s/providers/microsoft.compute/virtualmachines/vm";
    f.name = "vm\x1b]0;owned\x07\x1b[2J";
    f.resource_type = "microsoft.compute/virtualmachines";
    f.status = "created";
    f.severity = Severity::kHigh;
    f.created_at_us = 1791792000000000;
    result.resources.push_back(f);
    SubscriptionFinding s;
    s.subscription_id = "s";
    s.created_by = "admin\x1b[31m";
    s.created_at_us = 1791792000000000;
    result.subscriptions.push_back(s);

    std::ostringstream plain, coloured;
    WriteInvestigateSummary(plain, result, "out\x1b", {"report.html"}, false);
    WriteInvestigateSummary(coloured, result, "out\x1b", {"report.html"}, true);
    CHECK(plain.str().find('\x1b') == std::string::npos);
    CHECK(plain.str().find("HIGH") != std::string::npos);
    CHECK(plain.str().find("report.html") != std::string::npos);
    CHECK(coloured.str().find("\x1b[1;31mHIGH\x1b[0m") != std::string::npos);
    // The only escape sequences are SGR colours: every ESC starts "ESC [ digits ; m".
    const std::string& text = coloured.str();
    for (size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at + 1)) {
        size_t end = text.find('m', at);
        REQUIRE(end != std::string::npos);
        std::string sequence = text.substr(at + 1, end - at - 1);
        CHECK(sequence.find_first_not_of("[0123456789;") == std::string::npos);
    }
}

TEST_CASE("Summary rows: findings above low as data, most severe first, bounded", "[report]") {
    InvestigationResult result;
    auto add = [&](Severity severity, std::string name, std::string status) {
        ResourceFinding& f = result.resources.emplace_back();
        f.resource_id = "/subscriptions/s/providers/microsoft.compute/virtualmachines/" + name;
        f.name = std::move(name);
        f.resource_type = "microsoft.compute/virtualmachines";
        f.status = std::move(status);
        f.severity = severity;
        f.created_at_us = 1791792000123456;
        return &f;
    };
    ResourceFinding* high = add(Severity::kHigh, "miner", "created");
    Principal creator;
    creator.name = "app-id-1";
    creator.type = "service_principal";
    creator.ip = "203.0.113.9";
    high->created_by = std::make_shared<const Principal>(creator);
    high->details["vm_size"] = "Standard_NC6";
    high->details["location"] = "eastus";
    add(Severity::kMedium, "tried", "failed");
    add(Severity::kLow, "quiet", "created");

    std::vector<SummaryRow> rows = SummaryRows(result, 20);
    REQUIRE(rows.size() == 2); // the low finding is left out
    CHECK(rows[0].severity == Severity::kHigh);
    CHECK(rows[0].time_us == 1791792000123456);
    CHECK(rows[0].text == "app-id-1 (service principal) from 203.0.113.9 created virtualmachines "
                          "miner (Standard_NC6) in eastus");
    CHECK(rows[1].text == "an unknown caller tried to create virtualmachines tried");
    CHECK(SummaryRows(result, 1).size() == 1);

    std::ostringstream out;
    WriteInvestigateSummary(out, result, "out", {}, false);
    CHECK(out.str().find("  2026-10-12T08:00:00Z  HIGH   app-id-1 (service principal)") !=
          std::string::npos);
    CHECK(out.str().find("  2026-10-12T08:00:00Z  MEDIUM an unknown caller tried") !=
          std::string::npos);
}
