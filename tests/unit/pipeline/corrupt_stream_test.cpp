// A damaged zstd or gzip stream through the whole pipeline: the records decoded before the
// damage are read and counted, the file is a reported error naming where, and the outcome is
// the same at every batch size and thread count (it was 34 records at one size, 160 at another:
// ZSTD_decompressStream dropped what it had flushed in the call that failed).
#include "support/run_ingest.hpp"
#include "unit/compression_util.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

// One zstd frame with its content checksum, so a flipped byte is always detected; a 128 KiB
// window, so the copies below do not reduce to references to the first (the compressed bytes
// spread over the whole content, as in a real export).
std::string ZstdChecked(std::string_view plain) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    REQUIRE(cctx != nullptr);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 17);
    std::string out(ZSTD_compressBound(plain.size()), '\0');
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), plain.data(), plain.size());
    ZSTD_freeCCtx(cctx);
    REQUIRE_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

// A byte flipped late in the stream: a zstd block is lost whole (up to 128 KiB of content), and
// the first blocks of this content hold most of its compressed bytes.
std::string Flipped(std::string bytes) {
    char& victim = bytes[bytes.size() * 9 / 10];
    victim = static_cast<char>(victim ^ 0x55);
    return bytes;
}

} // namespace

TEST_CASE("Corrupt compressed streams: the same records at every batch size and thread count",
          "[pipeline][compression]") {
    fs::path dir = fs::temp_directory_path() / "minetrace-corrupt-stream-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    // Several hundred export records (JSON Lines), each copy with its own ids so the
    // compressor cannot just repeat the first copy.
    std::string one;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(MINETRACE_FIXTURES_DIR) /
                                                              "scenarios/intrusion/export-jsonl"))
        if (entry.is_regular_file()) one += minetrace::test::ReadFile(entry.path());
    REQUIRE(!one.empty());
    std::string plain;
    for (int copy = 0; copy < 5; ++copy) {
        std::string part = one;
        const std::string from = "\"correlationId\": \"";
        for (size_t at = part.find(from); at != std::string::npos; at = part.find(from, at + 1))
            part.insert(at + from.size(), "c" + std::to_string(copy) + "-");
        plain += part;
    }
    const std::string zst = ZstdChecked(plain);
    const std::string gz = minetrace::test::Gzip(plain);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"flipped.zst", Flipped(zst)},
        {"truncated.zst", zst.substr(0, zst.size() / 2)},
        {"flipped.gz", Flipped(gz)},
        {"truncated.gz", gz.substr(0, gz.size() / 2)},
    };
    for (const auto& [name, bytes] : cases) {
        INFO(name);
        const fs::path path = dir / name;
        minetrace::test::WriteFile(path, bytes);
        IngestOutput first = RunIngestToStrings({path.string()}, 1, 4096);
        const FileAccount& f = first.accounting->files()[0];
        INFO(f.summary.error);
        CHECK_FALSE(f.summary.error.empty());
        CHECK(f.summary.error.find("decompressed bytes)") != std::string::npos);
        CHECK(f.reconciled());
        CHECK(f.events > 100); // the records before the damage count
        for (unsigned threads : {1u, 2u}) {
            for (size_t batch :
                 {size_t{4096}, size_t{64} << 10, size_t{1} << 20, size_t{2} << 20}) {
                INFO("threads " << threads << ", --batch-bytes " << batch);
                IngestOutput run = RunIngestToStrings({path.string()}, threads, batch);
                const FileAccount& g = run.accounting->files()[0];
                CHECK(g.summary.error == f.summary.error);
                CHECK(g.records_read == f.records_read);
                CHECK(g.events == f.events);
                CHECK(g.quarantined == f.quarantined); // by reason
                CHECK(g.summary.content_bytes == f.summary.content_bytes);
                CHECK(run.events == first.events);
                CHECK(run.quarantine == first.quarantine);
            }
        }
    }
    fs::remove_all(dir);
}
