// quarantine.jsonl is capped (QuarantineLimits): per file and in all, the first records in input
// order are written and the rest counted by file and reason; the counts are those of an
// uncapped run and still reconcile, at any thread count and batch size.
#include "support/run_ingest.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

// A JSON Lines file: a valid record first (so the file reads as JSON Lines), then `bad` malformed
// lines of two reasons: text that is not JSON, and JSON that is no known record kind.
void WriteMalformed(const fs::path& path, int bad) {
    std::ifstream valid(fs::path(MINETRACE_FIXTURES_DIR) / "ingest" / "export-caller-ip.jsonl");
    std::string first;
    std::getline(valid, first);
    std::ofstream out(path, std::ios::binary);
    out << first << "\n";
    for (int i = 0; i < bad; ++i) {
        if (i % 3 == 0)
            out << "[" << i << "]\n";
        else
            out << "not json " << i << "\n";
    }
}

std::vector<std::string> LinesOfFile(const std::string& quarantine, const std::string& file) {
    std::vector<std::string> out;
    for (const std::string& line : SplitLines(quarantine))
        if (line.find("\"file\": \"" + file + "\"") != std::string::npos) out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("Quarantine cap: capped file, exact counts, deterministic", "[pipeline][quarantine]") {
    fs::path dir = fs::temp_directory_path() / ("minetrace-qcap-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    WriteMalformed(dir / "a.jsonl", 3000);
    WriteMalformed(dir / "b.jsonl", 2000);
    const std::vector<std::string> inputs = {dir.string()};

    IngestOutput full =
        RunIngestToStrings(inputs, 2, 2u << 20, 64u << 20, {UINT64_MAX, UINT64_MAX});
    const QuarantineLimits cap{1000, 1500};
    IngestOutput one = RunIngestToStrings(inputs, 1, 2u << 20, 64u << 20, cap);
    IngestOutput two = RunIngestToStrings(inputs, 2, 4096, 64u << 20, cap);

    REQUIRE(full.accounting->quarantined() == 5000);
    CHECK(full.accounting->quarantine_unwritten() == 0);
    CHECK(SplitLines(full.quarantine).size() == 5000);

    // The same file and counts at 1 and 2 threads and either batch size.
    CHECK(one.quarantine == two.quarantine);
    std::ostringstream m1, m2;
    one.accounting->WriteManifest(m1, {});
    two.accounting->WriteManifest(m2, {});
    CHECK(m1.str() == m2.str());

    // The first 1000 of a, then the first 500 of b (the total cap), as the uncapped run wrote them.
    const std::string a = (dir / "a.jsonl").string(), b = (dir / "b.jsonl").string();
    std::vector<std::string> full_a = LinesOfFile(full.quarantine, a);
    std::vector<std::string> full_b = LinesOfFile(full.quarantine, b);
    std::vector<std::string> capped_a = LinesOfFile(two.quarantine, a);
    std::vector<std::string> capped_b = LinesOfFile(two.quarantine, b);
    REQUIRE(capped_a.size() == 1000);
    REQUIRE(capped_b.size() == 500);
    CHECK(SplitLines(two.quarantine).size() == 1500);
    CHECK(std::equal(capped_a.begin(), capped_a.end(), full_a.begin()));
    CHECK(std::equal(capped_b.begin(), capped_b.end(), full_b.begin()));

    // Every quarantined record counted, by reason, whether written or not.
    CHECK(two.accounting->quarantined() == 5000);
    CHECK(two.accounting->quarantine_unwritten() == 3500);
    for (size_t f = 0; f < two.accounting->files().size(); ++f) {
        const FileAccount& capped = two.accounting->files()[f];
        const FileAccount& uncapped = full.accounting->files()[f];
        CHECK(capped.quarantined == uncapped.quarantined);
        CHECK(capped.reconciled());
        uint64_t written = capped.summary.path == a ? 1000 : 500;
        CHECK(capped.quarantine_unwritten_total() == capped.quarantined_total() - written);
        for (const auto& [reason, count] : capped.quarantine_unwritten)
            CHECK(count <= capped.quarantined.at(reason));
    }
    CHECK(two.accounting->files()[0].quarantine_unwritten.size() == 2); // both reasons
    CHECK(m2.str().find("\"quarantine_unwritten\": 3500") != std::string::npos);
    CHECK(two.accounting->Summary().find("3500 beyond the quarantine.jsonl cap") !=
          std::string::npos);
    fs::remove_all(dir);
}
