// Input shapes that were once dropped or miscounted (issue 15 §2): CSV with CR-only line ends,
// repeated BOMs, records separated by a bare CR, a JSON Lines line holding an array of records
// or several records, invalid JSON in keys the parser skips, and deep values. Each is read
// correctly or quarantined one by one with the right reason, identically at every batch size.
#include "support/run_ingest.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

std::string Record(int n, const std::string& extra = "") {
    return R"({"time":"2026-10-13T09:15:02Z","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",)"
           R"("category":"Administrative","resultType":"Success","correlationId":"c)" +
           std::to_string(n) +
           R"(","resourceId":"/subscriptions/s1/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm)" +
           std::to_string(n) + "\"" + extra + "}";
}

struct Counts {
    uint64_t events = 0;
    std::map<std::string, uint64_t> quarantined;
    std::string error;
};

// Ingests `bytes` at several batch sizes and thread counts; every run must give the same
// outputs. Returns the counts of the first.
Counts Ingest(const std::string& name, const std::string& bytes) {
    const fs::path dir = fs::temp_directory_path() / "minetrace-input-shapes-test";
    fs::create_directories(dir);
    const fs::path path = dir / name;
    test::WriteFile(path, bytes);
    Counts counts;
    std::string first_events;
    std::string first_quarantine;
    bool first = true;
    for (auto [threads, batch] :
         {std::pair<unsigned, size_t>{1, 4096}, {2, 64 * 1024}, {2, size_t{2} << 20}}) {
        INFO(name << " threads " << threads << " batch " << batch);
        IngestOutput out = RunIngestToStrings({path.string()}, threads, batch);
        REQUIRE(out.accounting->files().size() == 1);
        const FileAccount& f = out.accounting->files()[0];
        CHECK(f.reconciled());
        if (first) {
            first = false;
            first_events = out.events;
            first_quarantine = out.quarantine;
            counts.events = f.events;
            for (const auto& [reason, n] : f.quarantined) counts.quarantined[reason] = n;
            counts.error = f.summary.error;
        } else {
            CHECK(out.events == first_events);
            CHECK(out.quarantine == first_quarantine);
        }
    }
    fs::remove(path);
    return counts;
}

std::string Repeat(const std::string& separator, int from, int count) {
    std::string out;
    for (int i = from; i < from + count; ++i) out += Record(i) + separator;
    return out;
}

const std::string kBom = "\xEF\xBB\xBF";

} // namespace

TEST_CASE("Input shapes: bare CR separators and JSON Lines lines holding several records",
          "[pipeline][shapes]") {
    // Past the 64 KiB detection head too: 400 records of ~250 bytes.
    Counts c = Ingest("bare-cr.jsonl", Repeat("\r", 0, 400));
    CHECK(c.events == 400);
    CHECK(c.quarantined.empty());
    // JSON Lines first, then a line holding five records separated by bare CRs.
    c = Ingest("mixed-cr.jsonl", Repeat("\n", 0, 300) + Repeat("\r", 300, 5) + "\n");
    CHECK(c.events == 305);
    CHECK(c.quarantined.empty());
    // A line holding an array of records; a line holding two objects with nothing between.
    c = Ingest("array-line.jsonl", Repeat("\n", 0, 300) + "[" + Record(300) + "," + Record(301) +
                                       "]\n" + Record(302) + Record(303) + "\n");
    CHECK(c.events == 304);
    CHECK(c.quarantined.empty());
    // A record and then text that is no JSON value on one line: the line is one invalid record.
    c = Ingest("record-garbage.jsonl", Repeat("\n", 0, 300) + Record(300) + " xyz\n");
    CHECK(c.events == 300);
    CHECK(c.quarantined["invalid-json"] == 1);
    // Arrays that hold no records stay one unrecognized record each.
    c = Ingest("scalar-array.jsonl", Repeat("\n", 0, 300) + "[1,2]\n[]\n");
    CHECK(c.events == 300);
    CHECK(c.quarantined["unrecognized-record"] == 2);
}

TEST_CASE("Input shapes: repeated BOMs, at the start and at a line's start", "[pipeline][shapes]") {
    Counts c = Ingest("two-boms.jsonl", kBom + kBom + Repeat("\n", 0, 50));
    CHECK(c.events == 50);
    CHECK(c.quarantined.empty());
    // Two exports concatenated: the second starts with its own BOM.
    c = Ingest("concatenated.jsonl", kBom + Repeat("\n", 0, 50) + kBom + Repeat("\n", 50, 50));
    CHECK(c.events == 100);
    CHECK(c.quarantined.empty());
    c = Ingest("two-boms.json", kBom + kBom + "[" + Record(0) + "," + Record(1) + "]");
    CHECK(c.events == 2);
    CHECK(c.quarantined.empty());
}

TEST_CASE("Input shapes: CSV with CR-only line ends and repeated BOMs", "[pipeline][shapes]") {
    auto csv = [](const std::string& eol, const std::string& bom, int rows) {
        std::string out = bom +
                          "TimeGenerated [UTC],OperationNameValue,CategoryValue,ResourceId,"
                          "ActivityStatusValue" +
                          eol;
        for (int i = 0; i < rows; ++i)
            out += "2026-10-13T09:15:02Z,MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE,Administrative,"
                   "\"/subscriptions/s1/resourceGroups/g/providers/Microsoft.Compute/"
                   "virtualMachines/vm" +
                   std::to_string(i) + "\",Success" + eol;
        return out;
    };
    const Counts lf = Ingest("lf.csv", csv("\n", kBom, 500));
    REQUIRE(lf.events == 500);
    for (const std::string& eol : {std::string("\r"), std::string("\r\n")}) {
        for (const std::string& bom : {std::string(), kBom, kBom + kBom}) {
            INFO("eol " << (eol == "\r" ? "CR" : "CRLF") << " BOMs " << bom.size() / 3);
            const Counts c = Ingest("eol.csv", csv(eol, bom, 500));
            CHECK(c.events == 500);
            CHECK(c.quarantined.empty());
            CHECK(c.error.empty());
        }
    }
}

TEST_CASE("Input shapes: invalid JSON in skipped keys, deep values", "[pipeline][shapes]") {
    const char* invalid[] = {R"(,"x":[1,,2])", R"(,"x":tru)", R"(,"x":0x10)",
                             R"(,"x":'x')",    R"(,"x":01)",  R"(,"properties":{"y":[1 2]})",
                             R"(,"x":"\q")",   R"(,"x":nul)"};
    std::string lines = Repeat("\n", 0, 10);
    for (const char* extra : invalid) lines += Record(100, extra) + "\n";
    Counts c = Ingest("invalid.jsonl", lines);
    CHECK(c.events == 10);
    CHECK(c.quarantined["invalid-json"] == std::size(invalid));
    // Deep but valid, in JSON Lines and in a JSON array (the stream splitter's own limit).
    const std::string deep = std::string(300, '[') + "1" + std::string(300, ']');
    c = Ingest("deep.jsonl", Repeat("\n", 0, 10) + Record(100, ",\"x\":" + deep) + "\n");
    CHECK(c.events == 10);
    CHECK(c.quarantined["too-deep"] == 1);
    c = Ingest("deep.json",
               "[" + Record(0) + "," + Record(1, ",\"x\":" + deep) + "," + Record(2) + "]");
    CHECK(c.quarantined["too-deep"] == 1);
    CHECK(c.quarantined.count("invalid-json") == 0);
}
