// A JSON value or CSV record longer than --max-record-bytes: it is quarantined, the rest of the
// file is a reported file error, the records before it count, and nothing crashes (the reader
// once fed the splitter again after dropping its buffer).
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

TEST_CASE("Reader: a record past the limit in a JSON array or CSV skips the rest of the file",
          "[pipeline][limits]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-reader-limits-test";
    fs::create_directories(dir);
    std::string small =
        "{\"operationName\": \"x\", \"padding\": \"" + std::string(100, 'a') + "\"}";
    std::string array = "[" + small + ", " + small + ", {\"big\": \"" + std::string(200000, 'b') +
                        "\"}, " + small + "]";
    std::string csv = "\xEF\xBB\xBFTimeGenerated [UTC],OperationName,Caller\n"
                      "1/2/2024 3:04:05.000 AM,x,a\n1/2/2024 3:04:05.000 AM,\"" +
                      std::string(200000, 'c') + "\",b\n1/2/2024 3:04:05.000 AM,y,c\n";
    for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"array.json", array},
                                      std::pair<std::string, std::string>{"table.csv", csv}}) {
        fs::path path = dir / name;
        WriteFile(path, bytes);
        for (unsigned threads : {1u, 2u}) {
            for (size_t batch_bytes : {size_t{4096}, size_t{64 * 1024}}) {
                DYNAMIC_SECTION(name << " threads " << threads << " batch " << batch_bytes) {
                    IngestOutput out =
                        RunIngestToStrings({path.string()}, threads, batch_bytes, 8000);
                    REQUIRE(out.accounting->files().size() == 1);
                    const FileAccount& f = out.accounting->files()[0];
                    CHECK(f.reconciled());
                    CHECK(f.summary.error.find("longer than 8000 bytes") != std::string::npos);
                    CHECK(f.quarantined.count("record-too-large") == 1);
                    CHECK(f.records_read >= 2); // the records before it, and it
                    CHECK(f.summary.size == bytes.size());
                    CHECK(f.summary.sha256 == Sha256Hex(bytes));
                }
            }
        }
    }
    fs::remove_all(dir);
}
