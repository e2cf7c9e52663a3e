// Compressed inputs are produced at test time with the zstd/zlib APIs (no binaries in the repo).
// Expected digests come from the core one-shot Sha256Hex over the whole file's bytes.
#include "core/sha256.hpp"
#include "parsers/input_source.hpp"
#include "unit/compression_util.hpp"

#include <catch2/catch.hpp>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace minetrace {
namespace {

namespace fs = std::filesystem;

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "minetrace-input-XXXXXX").string();
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        REQUIRE(::mkdtemp(buf.data()) != nullptr);
        path_ = buf.data();
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    std::string Write(const std::string& name, const std::string& bytes) const {
        std::string p = (path_ / name).string();
        std::ofstream out(p, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        REQUIRE(out.good());
        return p;
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// Log-like lines: compressible, but not trivially (a counter and an LCG vary each line).
std::string MakeContent(size_t size) {
    std::string out;
    out.reserve(size + 256);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (uint64_t i = 0; out.size() < size; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        out += "{\"time\":\"2024-01-01T00:00:" + std::to_string(i % 60) +
               "Z\",\"operationName\":\"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE\",\"caller\":\"u" +
               std::to_string(state >> 40) + "@example.com\",\"seq\":" + std::to_string(i) + "}\n";
    }
    out.resize(size);
    return out;
}

std::string ZstdFrame(std::string_view data, int level = 3, bool checksum = false,
                      int window_log = 0) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    REQUIRE(cctx != nullptr);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
    if (window_log != 0) ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
    std::string out(ZSTD_compressBound(data.size()), '\0');
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
    ZSTD_freeCCtx(cctx);
    REQUIRE_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

// A zstd skippable frame (magic 0x184D2A5x, little-endian size, payload).
std::string SkippableFrame(std::string_view payload) {
    std::string out = {'\x53', '\x2a', '\x4d', '\x18'};
    uint32_t size = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
    out += payload;
    return out;
}

using minetrace::test::Gzip;

std::string ReadAll(InputSource& source, size_t chunk) {
    std::string out;
    std::vector<char> buf(chunk);
    for (;;) {
        size_t n = source.Read(buf.data(), buf.size());
        if (n == 0) break;
        out.append(buf.data(), n);
    }
    return out;
}

std::unique_ptr<InputSource> MustOpen(const std::string& path,
                                      const InputLimits& limits = InputLimits{}) {
    std::string error;
    auto source = InputSource::Open(path, limits, &error);
    INFO(error);
    REQUIRE(source != nullptr);
    REQUIRE(error.empty());
    return source;
}

bool StartsWith(const std::string& text, std::string_view prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST_CASE("InputSource: compression names", "[parsers]") {
    CHECK(ToString(Compression::kNone) == "none");
    CHECK(ToString(Compression::kGzip) == "gzip");
    CHECK(ToString(Compression::kZstd) == "zstd");
}

TEST_CASE("InputSource: round trips of multi-megabyte content", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(6u << 20);
    struct Case {
        const char* name;
        std::string bytes;
        Compression expected;
    };
    std::vector<Case> cases;
    cases.push_back({"plain.log", content, Compression::kNone});
    cases.push_back({"data.gz", Gzip(content), Compression::kGzip});
    cases.push_back({"data.zst", ZstdFrame(content, 3, true), Compression::kZstd});
    for (const auto& c : cases) {
        std::string path = dir.Write(c.name, c.bytes);
        for (size_t chunk : {size_t{4093}, size_t{3} << 20}) {
            INFO(c.name << " chunk " << chunk);
            auto source = MustOpen(path);
            CHECK(source->compression() == c.expected);
            std::string got = ReadAll(*source, chunk);
            CHECK(source->error().empty());
            CHECK(got.size() == content.size());
            CHECK(got == content);
            CHECK(source->content_bytes() == content.size());
            RawFileDigest digest = source->FinishRaw();
            CHECK(digest.size == c.bytes.size());
            CHECK(ToHex(digest.sha256) == Sha256Hex(c.bytes));
        }
    }
}

TEST_CASE("InputSource: byte-at-a-time reads with a small raw block", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(50000);
    InputLimits limits;
    limits.read_block = 1; // clamped up to the minimum block
    for (const std::string& bytes : {content, Gzip(content), ZstdFrame(content)}) {
        auto source = MustOpen(dir.Write("f", bytes), limits);
        CHECK(ReadAll(*source, 1) == content);
        CHECK(source->error().empty());
    }
}

TEST_CASE("InputSource: concatenated zstd frames decode fully", "[parsers]") {
    TempDir dir;
    const std::string a = MakeContent(3u << 20);
    const std::string b = "second frame\n";
    const std::string c = MakeContent(100000);
    // A skippable frame and an empty frame in between are part of a valid stream.
    std::string bytes = SkippableFrame("meta") + ZstdFrame(a) + ZstdFrame("") + SkippableFrame("") +
                        ZstdFrame(b, 19) + ZstdFrame(c, 1, true);
    auto source = MustOpen(dir.Write("multi.zst", bytes));
    CHECK(source->compression() == Compression::kZstd);
    CHECK(ReadAll(*source, 65536) == a + b + c);
    CHECK(source->error().empty());
}

TEST_CASE("InputSource: concatenated gzip members decode fully", "[parsers]") {
    TempDir dir;
    const std::string a = MakeContent(2u << 20);
    const std::string b = "second member\n";
    std::string bytes = Gzip(a) + Gzip("") + Gzip(b) + Gzip(a);
    auto source = MustOpen(dir.Write("multi.gz", bytes));
    CHECK(source->compression() == Compression::kGzip);
    CHECK(ReadAll(*source, 100000) == a + b + a);
    CHECK(source->error().empty());
}

TEST_CASE("InputSource: truncated zstd reports an error and returns the prefix", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(4u << 20);
    const std::string full = ZstdFrame(content);
    for (size_t keep : {full.size() - 5, full.size() / 2}) {
        INFO("keep " << keep);
        auto source = MustOpen(dir.Write("cut.zst", full.substr(0, keep)));
        std::string got = ReadAll(*source, 65536);
        CHECK(StartsWith(source->error(), "zstd: truncated stream (ended inside a frame)"));
        CHECK(got.size() > 0);
        CHECK(got.size() < content.size());
        CHECK(content.compare(0, got.size(), got) == 0);
        CHECK(source->content_bytes() == got.size());
    }
}

TEST_CASE("InputSource: truncated gzip reports an error and returns the prefix", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(4u << 20);
    const std::string full = Gzip(content);
    for (size_t keep : {full.size() - 3, full.size() / 2, size_t{5}}) {
        INFO("keep " << keep);
        auto source = MustOpen(dir.Write("cut.gz", full.substr(0, keep)));
        CHECK(source->compression() == Compression::kGzip);
        std::string got = ReadAll(*source, 65536);
        CHECK(StartsWith(source->error(), "gzip: unexpected end of stream"));
        CHECK(got.size() <= content.size());
        CHECK(content.compare(0, got.size(), got) == 0);
        if (keep == full.size() / 2) CHECK(got.size() > 0);
    }
}

TEST_CASE("InputSource: corrupt bytes in the middle are an error", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(2u << 20);
    SECTION("zstd") {
        std::string bytes = ZstdFrame(content, 3, true);
        for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= '\x5a';
        auto source = MustOpen(dir.Write("bad.zst", bytes));
        std::string got = ReadAll(*source, 65536);
        INFO(source->error());
        CHECK(StartsWith(source->error(), "zstd: "));
        CHECK(source->content_bytes() == got.size());
    }
    SECTION("gzip") {
        std::string bytes = Gzip(content);
        for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= '\x5a';
        auto source = MustOpen(dir.Write("bad.gz", bytes));
        std::string got = ReadAll(*source, 65536);
        INFO(source->error());
        CHECK(StartsWith(source->error(), "gzip: data error: "));
        CHECK(got.size() < content.size());
    }
}

// ZSTD_decompressStream drops the output it flushed in a failing call: what a damaged stream
// yields must not depend on how much the caller asks for at a time (the batch size).
TEST_CASE("InputSource: a damaged stream yields the same prefix at any read size", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(3u << 20);
    std::vector<std::pair<std::string, std::string>> cases;
    std::string zst = ZstdFrame(content, 3, true);
    std::string gz = Gzip(content);
    std::string flipped_zst = zst;
    flipped_zst[zst.size() / 2] = static_cast<char>(flipped_zst[zst.size() / 2] ^ 0x55);
    std::string flipped_gz = gz;
    flipped_gz[gz.size() / 2] = static_cast<char>(flipped_gz[gz.size() / 2] ^ 0x55);
    cases.emplace_back("flip.zst", flipped_zst);
    cases.emplace_back("cut.zst", zst.substr(0, zst.size() / 2));
    cases.emplace_back("flip.gz", flipped_gz);
    cases.emplace_back("cut.gz", gz.substr(0, gz.size() / 2));
    for (const auto& [name, bytes] : cases) {
        INFO(name);
        std::string path = dir.Write(name, bytes);
        auto first = MustOpen(path);
        const std::string expected = ReadAll(*first, 4096);
        const std::string error = first->error();
        INFO(error);
        CHECK_FALSE(error.empty());
        CHECK(error.find("after " + std::to_string(expected.size()) + " decompressed bytes") !=
              std::string::npos);
        CHECK(expected.size() > content.size() / 8); // the blocks before the damage count
        for (size_t block : {size_t{1} << 16, size_t{1} << 20, size_t{64} << 20}) {
            INFO("read size " << block);
            auto source = MustOpen(path);
            CHECK(ReadAll(*source, block) == expected);
            CHECK(source->error() == error);
        }
    }
}

TEST_CASE("InputSource: trailing garbage after the last frame or member is an error", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(300000);
    for (const std::string& tail : {std::string("garbage!"), std::string(1, '\0')}) {
        auto zst = MustOpen(dir.Write("t.zst", ZstdFrame(content) + tail));
        CHECK(ReadAll(*zst, 8192) == content);
        CHECK(StartsWith(zst->error(),
                         "zstd: trailing data after the last frame is not a zstd frame"));
        auto gz = MustOpen(dir.Write("t.gz", Gzip(content) + tail));
        CHECK(ReadAll(*gz, 8192) == content);
        CHECK(StartsWith(gz->error(),
                         "gzip: trailing data after the last member is not a gzip member"));
    }
}

TEST_CASE("InputSource: expansion cap stops decompression bombs", "[parsers]") {
    TempDir dir;
    const std::string zeros(20u << 20, '\0');
    InputLimits limits;
    limits.max_expansion_ratio = 10;
    limits.expansion_allowance = 1u << 20;
    for (const std::string& bytes : {ZstdFrame(zeros, 19), Gzip(zeros)}) {
        std::string path = dir.Write("bomb.json", bytes);
        auto source = MustOpen(path, limits);
        std::string got = ReadAll(*source, 65536);
        INFO(source->error());
        CHECK(StartsWith(source->error(), "decompressed size exceeds the expansion cap ("));
        CHECK(got.size() >= limits.expansion_allowance);
        CHECK(got.size() <= limits.expansion_allowance + 10 * bytes.size());
        CHECK(got.find_first_not_of('\0') == std::string::npos);
        CHECK(source->content_bytes() == got.size());
        // The digest still covers the whole file as stored.
        RawFileDigest digest = source->FinishRaw();
        CHECK(digest.size == bytes.size());
        CHECK(ToHex(digest.sha256) == Sha256Hex(bytes));

        // The default limits accept the same file.
        auto relaxed = MustOpen(path);
        CHECK(ReadAll(*relaxed, 1u << 20).size() == zeros.size());
        CHECK(relaxed->error().empty());
    }
}

TEST_CASE("InputSource: zstd frames needing a larger window than allowed fail", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(3u << 20);
    InputLimits limits;
    limits.zstd_window_log_max = 17;
    auto source = MustOpen(dir.Write("big-window.zst", ZstdFrame(content, 3, false, 22)), limits);
    std::string got = ReadAll(*source, 65536);
    CHECK(StartsWith(source->error(), "zstd: "));
    CHECK(got.empty());
}

TEST_CASE("InputSource: an empty file is valid empty content", "[parsers]") {
    TempDir dir;
    auto source = MustOpen(dir.Write("empty.zst", ""));
    CHECK(source->compression() == Compression::kNone);
    char buf[16];
    CHECK(source->Read(buf, sizeof buf) == 0);
    CHECK(source->error().empty());
    CHECK(source->content_bytes() == 0);
    RawFileDigest digest = source->FinishRaw();
    CHECK(digest.size == 0);
    CHECK(ToHex(digest.sha256) == Sha256Hex(""));
}

TEST_CASE("InputSource: short plain files shorter than a magic number", "[parsers]") {
    TempDir dir;
    for (const std::string& bytes :
         {std::string("a"), std::string("\x1f"), std::string("\x28\xb5")}) {
        auto source = MustOpen(dir.Write("short", bytes));
        CHECK(source->compression() == Compression::kNone);
        CHECK(ReadAll(*source, 4) == bytes);
        CHECK(source->error().empty());
    }
}

TEST_CASE("InputSource: unopenable paths give an Open error", "[parsers]") {
    TempDir dir;
    std::string error;
    CHECK(InputSource::Open((dir.path() / "missing.json").string(), InputLimits{}, &error) ==
          nullptr);
    CHECK(error == "open: No such file or directory");

    error.clear();
    CHECK(InputSource::Open(dir.path().string(), InputLimits{}, &error) == nullptr);
    CHECK(error == "open: Is a directory");

    if (::geteuid() != 0) { // root ignores permission bits
        std::string path = dir.Write("secret.json", "{}");
        REQUIRE(::chmod(path.c_str(), 0) == 0);
        error.clear();
        CHECK(InputSource::Open(path, InputLimits{}, &error) == nullptr);
        CHECK(error == "open: Permission denied");
    }
}

TEST_CASE("InputSource: FinishRaw digests the whole stored file", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(200000);
    const std::string zst = ZstdFrame(content);
    const std::string path = dir.Write("f.zst", zst);
    SECTION("after reading everything") {
        auto source = MustOpen(path);
        CHECK(ReadAll(*source, 1000) == content);
        RawFileDigest digest = source->FinishRaw();
        CHECK(digest.size == zst.size());
        CHECK(ToHex(digest.sha256) == Sha256Hex(zst));
        // Repeated calls return the same digest; reads are over.
        CHECK(source->FinishRaw().sha256 == digest.sha256);
        char buf[8];
        CHECK(source->Read(buf, sizeof buf) == 0);
    }
    SECTION("after reading only a little") {
        auto source = MustOpen(path);
        char buf[100];
        CHECK(source->Read(buf, sizeof buf) > 0);
        RawFileDigest digest = source->FinishRaw();
        CHECK(digest.size == zst.size());
        CHECK(ToHex(digest.sha256) == Sha256Hex(zst));
        CHECK(source->Read(buf, sizeof buf) == 0);
    }
    SECTION("after a decompression failure") {
        std::string bad = zst + "trailing garbage after the frame";
        auto source = MustOpen(dir.Write("bad.zst", bad));
        ReadAll(*source, 1000);
        CHECK_FALSE(source->error().empty());
        RawFileDigest digest = source->FinishRaw();
        CHECK(digest.size == bad.size());
        CHECK(ToHex(digest.sha256) == Sha256Hex(bad));
    }
}

TEST_CASE("InputSource: hash_plain false leaves plain files to the caller", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(300000);
    InputLimits limits;
    limits.hash_plain = false;
    limits.read_block = 4096; // detection reads a block before it knows the compression
    SECTION("a plain file is not hashed") {
        auto source = MustOpen(dir.Write("plain.json", content), limits);
        CHECK(ReadAll(*source, 1000) == content);
        RawFileDigest digest = source->FinishRaw();
        CHECK(digest.size == content.size());
        CHECK(digest.sha256 == Sha256Digest{});
    }
    for (const auto& [name, bytes] :
         {std::pair<std::string, std::string>{"f.zst", ZstdFrame(content)},
          std::pair<std::string, std::string>{"f.gz", Gzip(content)}}) {
        DYNAMIC_SECTION("a compressed file is: " << name) {
            auto source = MustOpen(dir.Write(name, bytes), limits);
            CHECK(ReadAll(*source, 1000) == content);
            RawFileDigest digest = source->FinishRaw();
            CHECK(digest.size == bytes.size());
            CHECK(ToHex(digest.sha256) == Sha256Hex(bytes));
        }
    }
}

TEST_CASE("InputSource: detection ignores the file name", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(10000);
    auto zst = MustOpen(dir.Write("x.json", ZstdFrame(content)));
    CHECK(zst->compression() == Compression::kZstd);
    CHECK(ReadAll(*zst, 4096) == content);
    auto gz = MustOpen(dir.Write("y.zst", Gzip(content)));
    CHECK(gz->compression() == Compression::kGzip);
    CHECK(ReadAll(*gz, 4096) == content);
    auto plain = MustOpen(dir.Write("z.gz", content));
    CHECK(plain->compression() == Compression::kNone);
    CHECK(ReadAll(*plain, 4096) == content);
    auto skippable = MustOpen(dir.Write("w.log", SkippableFrame("x") + ZstdFrame(content)));
    CHECK(skippable->compression() == Compression::kZstd);
    CHECK(ReadAll(*skippable, 4096) == content);
}

TEST_CASE("InputSource: \"-\" reads standard input", "[parsers]") {
    TempDir dir;
    const std::string content = MakeContent(100000);
    const std::string gz = Gzip(content);
    std::string path = dir.Write("stdin.gz", gz);
    int saved = ::dup(0);
    REQUIRE(saved >= 0);
    int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::dup2(fd, 0) == 0);
    ::close(fd);
    std::string got;
    RawFileDigest digest;
    std::string error;
    {
        auto source = InputSource::Open("-", InputLimits{}, &error);
        if (source != nullptr) {
            got = ReadAll(*source, 4096);
            error = source->error();
            digest = source->FinishRaw();
        }
    }
    // The source must not close fd 0: it still refers to the file.
    bool stdin_open = ::fcntl(0, F_GETFD) != -1;
    ::dup2(saved, 0);
    ::close(saved);
    CHECK(error.empty());
    CHECK(got == content);
    CHECK(digest.size == gz.size());
    CHECK(ToHex(digest.sha256) == Sha256Hex(gz));
    CHECK(stdin_open);
}

} // namespace minetrace
