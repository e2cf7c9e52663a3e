// Streaming input: a file (or stdin) as decompressed content bytes, with the raw bytes hashed in
// the same pass so provenance can name the exact file as stored (for uncompressed files the
// caller may take the digest over the content instead: InputLimits::hash_plain).
//
// Compression is detected from the first bytes (gzip 1f 8b; zstd 28 b5 2f fd or a skippable frame
// 5? 2a 4d 18), never from the file name. Memory is bounded by InputLimits::read_block plus the
// decoder state (zstd window, at most 2^zstd_window_log_max bytes; zlib ~44 KB).
//
// Thread-safety: an InputSource is not thread-safe; one reader thread owns it.
#pragma once

#include "core/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct ZSTD_DCtx_s;
struct z_stream_s;

namespace minetrace {

enum class Compression : uint8_t { kNone, kGzip, kZstd };
std::string_view ToString(Compression c); // "none" "gzip" "zstd"

struct InputLimits {
    // Decompression-bomb guard: a file fails once decompressed bytes exceed
    // expansion_allowance + max_expansion_ratio * compressed bytes consumed so far.
    uint64_t max_expansion_ratio = 1000;
    uint64_t expansion_allowance = 64ull << 20;
    size_t read_block = 1 << 20; // raw read size (clamped to [4 KiB, 1 GiB])
    // Largest zstd window accepted (log2 bytes); bounds decoder memory against hostile frame
    // headers. 27 (128 MiB) is zstd's own default and covers `zstd --long`.
    int zstd_window_log_max = 27;
    // When false, uncompressed files are not hashed here and their RawFileDigest::sha256 stays
    // zero: their raw bytes are the content Read returns, which the caller hashes itself
    // (BatchReader hands them to the pipeline's digest stage). Compressed files are always hashed.
    bool hash_plain = true;
};

struct RawFileDigest {
    uint64_t size = 0;
    Sha256Digest sha256{};
};

// A file (or stdin) as a stream of decompressed content bytes.
class InputSource {
  public:
    // path "-" means standard input (not closed by the destructor; read whatever it is). Any
    // other path must be a regular file or a symlink to one: a FIFO, socket or device is refused
    // without being opened, and so are dangling symlinks, symlink loops and directories (the
    // open file is fstat-ed again, so a path swapped after the check is refused too). Returns
    // nullptr and sets *error ("open: No such file or directory", "dangling symlink ...",
    // "not a regular file (a FIFO) ...", "read: ...") on failure.
    static std::unique_ptr<InputSource> Open(const std::string& path, const InputLimits& limits,
                                             std::string* error);

    InputSource(const InputSource&) = delete;
    InputSource& operator=(const InputSource&) = delete;
    virtual ~InputSource();

    // Reads up to `capacity` content bytes into `out`. Returns 0 at the end of the content, after a
    // failure, or when capacity is 0. Bytes returned before a failure are valid content (the
    // records before the damage count); error() is set at the latest when Read returns 0.
    size_t Read(char* out, size_t capacity);

    // Non-empty after a file-level failure: read error, corrupt or truncated stream, trailing data
    // after the last gzip member / zstd frame, or the expansion cap.
    const std::string& error() const { return error_; }
    Compression compression() const { return compression_; }
    uint64_t content_bytes() const { return content_bytes_; } // decompressed bytes returned so far

    // Hashes what is left of the raw file (so the digest covers the whole file as stored, even
    // after a decompression failure) and returns its size and SHA-256. Call after Read returned 0;
    // afterwards Read returns 0. Repeated calls return the same digest. If reading the rest fails,
    // error() is set and the digest covers only the bytes that could be read.
    RawFileDigest FinishRaw();
    // Reads no stored byte past `bytes` (a slice of a growing file): the file then ends there,
    // for Read, the digest and its size alike. Call before the first Read.
    void LimitRaw(uint64_t bytes) { raw_limit_ = bytes; }

  private:
    InputSource(int fd, bool owns_fd, const InputLimits& limits);

    // Raw layer: buffer_[begin_, end_) holds bytes read (and hashed) but not yet consumed.
    size_t Available() const { return end_ - begin_; }
    const unsigned char* Data() const;
    void Consume(size_t n) { begin_ += n; }
    size_t ReadRaw(char* dst, size_t size); // hashes what it reads (hashing_); sets eof_ or fails
    bool Fill();                    // reads more after the pending bytes; false at EOF/error
    bool EnsureAvailable(size_t n); // false if fewer than n can be had (EOF or error)
    uint64_t RawConsumed() const { return raw_size_ - Available(); }

    bool Detect(std::string* error);
    void Fail(std::string message);
    // A corrupt or truncated stream: the message names where (compressed bytes consumed, and
    // content bytes returned before it including `produced`, the bytes this call returns).
    void FailDecode(const std::string& message, size_t produced);
    size_t DecodePlain(char* out, size_t capacity);
    size_t DecodeGzip(char* out, size_t capacity);
    size_t DecodeZstd(char* out, size_t capacity);
    size_t ZstdUnitSize() const; // bytes of the next unit the zstd decoder consumes

    int fd_;
    bool owns_fd_;
    InputLimits limits_;
    std::unique_ptr<char[]> buffer_;
    size_t block_;
    size_t begin_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    bool read_failed_ = false;
    bool done_ = false; // Read has returned its final 0 (end, failure or FinishRaw)
    uint64_t raw_size_ = 0;
    uint64_t raw_limit_ = UINT64_MAX;
    Sha256 sha_;
    bool hashing_ = false; // decided by Detect, which hashes the bytes it read before
    bool raw_finished_ = false;
    RawFileDigest digest_;

    Compression compression_ = Compression::kNone;
    std::string error_;
    uint64_t content_bytes_ = 0;

    // Decoder state. at_boundary_: between gzip members / zstd frames (a clean place to end).
    ZSTD_DCtx_s* zstd_ = nullptr;
    std::unique_ptr<z_stream_s> zlib_;
    bool zlib_initialized_ = false;
    bool at_boundary_ = true;
    size_t zstd_unit_left_ = 0; // bytes of the current zstd unit not yet given to the decoder
};

} // namespace minetrace
