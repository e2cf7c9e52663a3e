// Compressed input through the whole pipeline: same events as the plain file; a truncated
// stream is a reported file error and the records before the damage still count.
#include "support/run_ingest.hpp"
#include "unit/compression_util.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

using minetrace::test::ReadFile;
using minetrace::test::WriteFile;
using minetrace::test::Zstd;

// Events without the per-file fields (path), to compare across files.
std::string WithoutFile(const std::string& events, const std::string& path) {
    std::string out = events;
    std::string needle = "\"file\": \"" + path + "\", ";
    for (size_t at = out.find(needle); at != std::string::npos; at = out.find(needle, at))
        out.erase(at, needle.size());
    return out;
}

} // namespace

TEST_CASE("Compressed input: zstd gives the same events; truncation is a file error",
          "[pipeline][compression]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-compressed-test";
    fs::create_directories(dir);
    // A multi-MB JSON Lines file: the scenario's export blobs, repeated.
    std::string plain;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(MINETRACE_FIXTURES_DIR) /
                                                              "scenarios/intrusion/export-jsonl")) {
        if (entry.is_regular_file()) plain += ReadFile(entry.path());
    }
    REQUIRE(!plain.empty());
    std::string big;
    while (big.size() < (3u << 20)) big += plain;
    fs::path plain_path = dir / "big.jsonl";
    fs::path zstd_path = dir / "big.jsonl.data"; // the name says nothing: content decides
    WriteFile(plain_path, big);
    std::string compressed = Zstd(big);
    WriteFile(zstd_path, compressed);

    IngestOutput a = RunIngestToStrings({plain_path.string()}, 2, 256 * 1024);
    IngestOutput b = RunIngestToStrings({zstd_path.string()}, 2, 256 * 1024);
    REQUIRE(a.accounting->events() > 1000);
    CHECK(b.accounting->files()[0].summary.compression == Compression::kZstd);
    CHECK(b.accounting->files()[0].summary.content_bytes == big.size());
    CHECK(b.accounting->files()[0].summary.size == compressed.size());
    CHECK(WithoutFile(a.events, plain_path.string()) == WithoutFile(b.events, zstd_path.string()));

    fs::path truncated_path = dir / "truncated.zst";
    WriteFile(truncated_path, compressed.substr(0, compressed.size() * 2 / 3));
    IngestOutput c = RunIngestToStrings({truncated_path.string()}, 2, 256 * 1024);
    const FileAccount& f = c.accounting->files()[0];
    CHECK_FALSE(f.summary.error.empty());
    CHECK(f.reconciled());
    CHECK(f.events > 0);                      // records before the damage count
    CHECK(f.events < a.accounting->events()); // and the rest is not invented
    fs::remove_all(dir);
}
