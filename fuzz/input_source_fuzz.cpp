// Fuzzes InputSource (compression detection, gzip and zstd decoding, the expansion cap, the raw
// digest) two ways.
// 1. The input is a file as stored, read with reads of sizes drawn from the input:
//    - compression() follows the magic bytes (gzip 1f 8b; zstd 28 b5 2f fd or 5? 2a 4d 18);
//    - an uncompressed file reads back byte for byte, without error;
//    - content_bytes() is what Read returned, never above the expansion cap (allowance + ratio x
//      the file's size); once Read returned 0 it keeps returning 0;
//    - FinishRaw() gives the file's size and SHA-256 whatever the decoding did, twice the same.
// 2. The input is content, compressed here with zlib and zstd (one member/frame, and two):
//    - each reads back exactly, without error, detected as what it is;
//    - cut short, each fails with an error, and what it returned is a prefix of the content.
#include "core/sha256.hpp"
#include "fuzz/fuzz_check.hpp"
#include "parsers/input_source.hpp"

#include <string>
#include <zlib.h>
#include <zstd.h>

namespace {

using namespace minetrace;

constexpr size_t kMaxRoundTrip = 16 << 10; // inputs longer than this skip part 2 (time per run)

struct Result {
    std::string content;
    std::string error;
    Compression compression = Compression::kNone;
    RawFileDigest digest;
};

Result ReadAll(fuzz::MemFile& file, std::string_view stored, const InputLimits& limits,
               fuzz::Rng rng) {
    file.Write(stored);
    std::string error;
    std::unique_ptr<InputSource> source = InputSource::Open(file.path(), limits, &error);
    FUZZ_CHECK(source != nullptr);
    Result r;
    r.compression = source->compression();
    char buffer[8192];
    for (;;) {
        const size_t n = source->Read(buffer, rng.Piece(sizeof buffer));
        FUZZ_CHECK(n <= sizeof buffer);
        if (n == 0) break;
        r.content.append(buffer, n);
    }
    FUZZ_CHECK(source->Read(buffer, sizeof buffer) == 0);
    FUZZ_CHECK(source->content_bytes() == r.content.size());
    r.error = source->error();
    r.digest = source->FinishRaw();
    const RawFileDigest again = source->FinishRaw();
    FUZZ_CHECK(again.size == r.digest.size && again.sha256 == r.digest.sha256);
    FUZZ_CHECK(r.digest.size == stored.size());
    Sha256 sha;
    sha.Update(stored);
    FUZZ_CHECK(r.digest.sha256 == sha.Finish());
    return r;
}

std::string Gzip(std::string_view plain) {
    z_stream zs{};
    FUZZ_CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    FUZZ_CHECK(rc == Z_STREAM_END);
    out.resize(zs.total_out);
    return out;
}

std::string Zstd(std::string_view plain) {
    std::string out(ZSTD_compressBound(plain.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
    FUZZ_CHECK(!ZSTD_isError(n));
    out.resize(n);
    return out;
}

// `boundary`: where the second member/frame starts (a clean place to end), 0 for one.
void RoundTrip(fuzz::MemFile& file, std::string_view content, std::string_view stored,
               size_t boundary, Compression expected, fuzz::Rng& rng) {
    InputLimits limits;
    limits.read_block = 4096;
    const Result whole = ReadAll(file, stored, limits, rng);
    FUZZ_CHECK(whole.compression == expected);
    FUZZ_CHECK(whole.error.empty());
    FUZZ_CHECK(whole.content == content);
    // Cut anywhere after the magic bytes: an error, and only content that was there.
    if (stored.size() <= 4) return;
    const size_t cut = 4 + rng.Next() % (stored.size() - 4);
    if (cut == boundary) return;
    const Result cut_short = ReadAll(file, stored.substr(0, cut), limits, rng);
    FUZZ_CHECK(cut_short.compression == expected);
    FUZZ_CHECK(!cut_short.error.empty());
    FUZZ_CHECK(content.substr(0, cut_short.content.size()) == cut_short.content);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::MemFile* file = new fuzz::MemFile;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    fuzz::Rng rng(fuzz::Hash(bytes));

    // 1. The bytes as a stored file, with a tight cap so that bombs stop early.
    InputLimits limits;
    limits.read_block = 4096;
    limits.expansion_allowance = 64 << 10;
    limits.max_expansion_ratio = 16;
    limits.zstd_window_log_max = 20;
    const Result r = ReadAll(*file, bytes, limits, rng);
    const auto* u = data;
    const bool gzip = size >= 2 && u[0] == 0x1f && u[1] == 0x8b;
    const bool zstd =
        size >= 4 && ((u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd) ||
                      ((u[0] & 0xf0) == 0x50 && u[1] == 0x2a && u[2] == 0x4d && u[3] == 0x18));
    FUZZ_CHECK(r.compression == (gzip   ? Compression::kGzip
                                 : zstd ? Compression::kZstd
                                        : Compression::kNone));
    if (r.compression == Compression::kNone) {
        FUZZ_CHECK(r.error.empty());
        FUZZ_CHECK(r.content == bytes);
    } else {
        FUZZ_CHECK(r.content.size() <=
                   limits.expansion_allowance + limits.max_expansion_ratio * size);
    }

    // 2. The bytes as content, compressed here.
    if (size > kMaxRoundTrip) return 0;
    const size_t half = size == 0 ? 0 : rng.Next() % size;
    const std::string_view a = bytes.substr(0, half);
    const std::string_view b = bytes.substr(half);
    RoundTrip(*file, bytes, Gzip(bytes), 0, Compression::kGzip, rng);
    const std::string gzip_a = Gzip(a);
    RoundTrip(*file, bytes, gzip_a + Gzip(b), gzip_a.size(), Compression::kGzip, rng);
    RoundTrip(*file, bytes, Zstd(bytes), 0, Compression::kZstd, rng);
    const std::string zstd_a = Zstd(a);
    RoundTrip(*file, bytes, zstd_a + Zstd(b), zstd_a.size(), Compression::kZstd, rng);
    return 0;
}
