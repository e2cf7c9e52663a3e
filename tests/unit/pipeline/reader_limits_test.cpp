// A record longer than --max-record-bytes (an element of a big JSON array, a JSON Lines line, a
// CSV record, at the end of the content or not): it is quarantined as record-too-large with its
// real length, the records before and after it are read, the file is no file error, and the
// outputs are the same at every batch size and thread count (the reader once gave up on the
// rest of the file, and once fed the splitter again after dropping its buffer).
#include "core/sha256.hpp"
#include "support/run_ingest.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

using minetrace::test::WriteFile;

namespace {
struct LongCase {
    std::string name;
    std::string bytes;
    size_t records;     // every record in the file, the long one included
    std::string length; // the long record's real length, as quarantine.jsonl writes it
};
} // namespace

TEST_CASE("Reader: a record past the limit is quarantined with its real length; the rest is read",
          "[pipeline][limits]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-reader-limits-test";
    fs::create_directories(dir);
    const std::string small = R"({"time":"2026-10-13T09:15:02Z","operationName":"x","resourceId":)"
                              R"("/subscriptions/s/resourceGroups/g","category":"Administrative",)"
                              R"("padding":")" +
                              std::string(100, 'a') + "\"}";
    const std::string big = "{\"big\": \"" + std::string(200000, 'b') + "\"}";
    std::vector<LongCase> cases;
    {
        std::string array = "[" + small + ", " + small + ", " + big;
        for (int i = 0; i < 50; ++i) array += ", " + small;
        cases.push_back({"array.json", array + "]", 53, std::to_string(big.size())});
        // Cut off inside the long element: it is the last record.
        cases.push_back({"array-cut.json", "[" + small + ", " + big.substr(0, 150000), 2,
                         std::to_string(150000)});
    }
    {
        std::string lines = small + "\r\n" + small + "\n" + big + "\r\n";
        for (int i = 0; i < 50; ++i) lines += small + "\n";
        cases.push_back({"lines.jsonl", lines, 53, std::to_string(big.size())});
        cases.push_back({"lines-cut.jsonl", small + "\n" + big, 2, std::to_string(big.size())});
    }
    {
        std::string csv = "\xEF\xBB\xBFTimeGenerated [UTC],OperationName,Caller\n"
                          "1/2/2024 3:04:05.000 AM,x,a\n";
        const std::string long_row =
            "1/2/2024 3:04:05.000 AM,\"" + std::string(200000, 'c') + "\",b";
        csv += long_row + "\n";
        for (int i = 0; i < 50; ++i) csv += "1/2/2024 3:04:05.000 AM,y,c\n";
        cases.push_back({"table.csv", csv, 52, std::to_string(long_row.size())});
    }
    for (const LongCase& c : cases) {
        fs::path path = dir / c.name;
        WriteFile(path, c.bytes);
        std::string first_events;
        std::string first_quarantine;
        for (unsigned threads : {1u, 2u}) {
            for (size_t batch_bytes : {size_t{4096}, size_t{64 * 1024}, size_t{2} << 20}) {
                INFO(c.name << " threads " << threads << " batch " << batch_bytes);
                IngestOutput out = RunIngestToStrings({path.string()}, threads, batch_bytes, 8000);
                REQUIRE(out.accounting->files().size() == 1);
                const FileAccount& f = out.accounting->files()[0];
                CHECK(f.reconciled());
                CHECK(f.summary.error.empty());
                CHECK(f.quarantined.count("record-too-large") == 1);
                CHECK(f.records_read == c.records);
                CHECK(out.quarantine.find("\"length\": " + c.length + ",") != std::string::npos);
                CHECK(f.summary.size == c.bytes.size());
                CHECK(f.summary.sha256 == Sha256Hex(c.bytes));
                if (first_events.empty()) {
                    first_events = out.events;
                    first_quarantine = out.quarantine;
                } else {
                    CHECK(out.events == first_events);
                    CHECK(out.quarantine == first_quarantine);
                }
            }
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("Reader: the fuzz regressions of ingest give the same outputs at every batch size",
          "[pipeline][limits]") {
    const fs::path dir = fs::path(MINETRACE_FIXTURES_DIR) / "fuzz-regressions" / "ingest";
    REQUIRE(fs::is_directory(dir));
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        std::string first_events;
        std::string first_quarantine;
        uint64_t first_read = 0;
        bool first = true;
        for (auto [threads, batch_bytes] : {std::pair<unsigned, size_t>{1, 4096},
                                            {2, 8192},
                                            {2, 64 * 1024},
                                            {1, size_t{2} << 20}}) {
            INFO(entry.path().filename().string()
                 << " threads " << threads << " batch " << batch_bytes);
            // 8192: the fuzz target's --max-record-bytes, under which the findings showed.
            IngestOutput out =
                RunIngestToStrings({entry.path().string()}, threads, batch_bytes, 8192);
            REQUIRE(out.accounting->files().size() == 1);
            const FileAccount& f = out.accounting->files()[0];
            CHECK(f.reconciled());
            if (first) {
                first = false;
                first_events = out.events;
                first_quarantine = out.quarantine;
                first_read = f.records_read;
            } else {
                CHECK(out.events == first_events);
                CHECK(out.quarantine == first_quarantine);
                CHECK(f.records_read == first_read);
            }
        }
    }
    CHECK(files >= 3);
}
