// The file SHA-256 in FileSummary is the digest of the file's bytes as stored (what sha256sum
// prints), whatever the shape, the compression, the batch size and the thread count: plain files
// are hashed by the pipeline's digest stage from the bytes of their batches, so every byte must
// reach it exactly once, including bytes nobody parses (a BOM, over-long records, unknown content).
#include "core/sha256.hpp"
#include "support/run_ingest.hpp"
#include "unit/compression_util.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

using minetrace::test::Gzip;
using minetrace::test::ReadFile;
using minetrace::test::WriteFile;
using minetrace::test::Zstd;

// Activity-log export records, one per line, about `bytes` of them.
std::string JsonLines(size_t bytes) {
    std::string lines;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(MINETRACE_FIXTURES_DIR) /
                                                              "scenarios/intrusion/export-jsonl")) {
        if (entry.is_regular_file()) lines += ReadFile(entry.path());
    }
    REQUIRE(!lines.empty());
    std::string out;
    while (out.size() < bytes) out += lines;
    return out;
}

// The same records as one REST-style JSON array.
std::string RestArray(const std::string& json_lines) {
    std::string out = "[\n";
    for (const std::string& line : SplitLines(json_lines)) {
        if (line.empty()) continue;
        if (out.size() > 2) out += ",\n";
        out += line;
    }
    return out + "\n]\n";
}

// The Log Analytics CSV fixture (it starts with a UTF-8 BOM) with its rows repeated.
std::string Csv(size_t bytes) {
    std::string csv = ReadFile(fs::path(MINETRACE_FIXTURES_DIR) / "ingest/la-csv-us-locale.csv");
    size_t header_end = csv.find('\n');
    REQUIRE(header_end != std::string::npos);
    std::string rows = csv.substr(header_end + 1);
    while (csv.size() < bytes) csv += rows;
    return csv;
}

} // namespace

TEST_CASE("File digest: the SHA-256 of the stored bytes for every shape, batch size and thread "
          "count",
          "[pipeline][digest]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-file-digest-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string lines = JsonLines(1u << 20);
    // Longer than the limit plus a batch, so the reader (not only the parser) meets the limit.
    std::string long_line = "{\"big\": \"" + std::string(200000, 'x') + "\"}\n";
    std::string binary(300000, '\0');
    for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>((i * 7919) >> 3);
    const std::map<std::string, std::string> files = {
        {"a.jsonl", lines},
        {"b.json", RestArray(lines)},
        {"c.csv", Csv(1u << 20)},
        {"d.jsonl.zst", Zstd(lines)},
        {"e.jsonl.gz", Gzip(lines)},
        {"f.json.zst", Zstd(RestArray(lines))},
        // A BOM, then JSON Lines.
        {"g.jsonl", "\xEF\xBB\xBF" + lines},
        // Lines past --max-record-bytes (below) are skipped to their end, a batch at a time.
        {"h.jsonl", lines.substr(0, 50000) + long_line + lines.substr(0, 50000) + long_line},
        // A JSON value past the limit: the rest of the file is read only for the digest.
        {"i.json", "[" + long_line + "," + RestArray(lines).substr(1)},
        {"j.bin", binary},
        {"k.empty", ""},
        {"l.blank", std::string(100000, ' ') + "\n\n"},
        {"m.bom", "\xEF\xBB\xBF"},
    };
    for (const auto& [name, bytes] : files) WriteFile(dir / name, bytes);

    for (unsigned threads : {1u, 2u}) {
        for (size_t batch_bytes : {size_t{4096}, size_t{64 * 1024}, size_t{2u << 20}}) {
            DYNAMIC_SECTION("threads " << threads << " batch " << batch_bytes) {
                // All files in one run: the stage's state carries from one file to the next.
                IngestOutput out =
                    RunIngestToStrings({dir.string()}, threads, batch_bytes, 16 * 1024);
                REQUIRE(out.accounting->files().size() == files.size());
                std::map<std::string, const FileAccount*> accounts;
                for (size_t i = 0; i < out.files.size(); ++i) {
                    const FileAccount& account = out.accounting->files()[i];
                    std::string name = fs::path(out.files[i]).filename().string();
                    accounts[name] = &account;
                    const std::string& bytes = files.at(name);
                    INFO(name << ": " << account.summary.error);
                    CHECK(account.summary.size == bytes.size());
                    CHECK(account.summary.sha256 == Sha256Hex(bytes));
                }
                // The files were parsed too, not only hashed.
                CHECK(accounts.at("a.jsonl")->events > 100);
                CHECK(accounts.at("c.csv")->events > 100);
                CHECK(accounts.at("g.jsonl")->events == accounts.at("a.jsonl")->events);
                CHECK(accounts.at("h.jsonl")->quarantined.at("record-too-large") == 2);
                CHECK(accounts.at("i.json")->quarantined.at("record-too-large") == 1);
            }
        }
    }
    fs::remove_all(dir);
}
