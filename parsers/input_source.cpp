#include "parsers/input_source.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <zlib.h>
// For ZSTD_nextSrcSizeToDecompress and ZSTD_frameHeaderSize (exported by libzstd 1.5).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

namespace minetrace {

namespace {

constexpr size_t kMinBlock = 4096;
constexpr size_t kMaxBlock = size_t{1} << 30;
constexpr size_t kMagicBytes = 4; // longest magic number we look at

std::string ErrnoMessage(const char* what, int err) {
    return std::string(what) + ": " + std::generic_category().message(err);
}

bool IsGzipMagic(const unsigned char* p, size_t n) {
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

// Regular frame 0xFD2FB528 or skippable frame 0x184D2A50..5F, both little-endian.
bool IsZstdMagic(const unsigned char* p, size_t n) {
    if (n < 4) return false;
    if (p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) return true;
    return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18;
}

bool IsSymlink(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// Why stat(path) failed, naming the symlink cases (a dangling link reads as ENOENT).
std::string StatError(const std::string& path, int err) {
    if (err == ELOOP) return "symlink loop (too many levels of symbolic links): not read";
    if (err == ENOENT && IsSymlink(path)) return "dangling symlink (its target does not exist)";
    return ErrnoMessage("open", err);
}

std::string NotRegularError(const std::string& path, mode_t mode) {
    if (S_ISDIR(mode))
        return IsSymlink(path) ? "symlink to a directory: not followed (give the directory itself)"
                               : ErrnoMessage("open", EISDIR);
    const char* kind = S_ISFIFO(mode)   ? "a FIFO"
                       : S_ISSOCK(mode) ? "a socket"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                                        : "an unknown kind";
    return std::string("not a regular file (") + kind +
           "): never opened; give its content on standard input (-) instead";
}

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
    uint64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) return std::numeric_limits<uint64_t>::max();
    return out;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
    uint64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) return std::numeric_limits<uint64_t>::max();
    return out;
}

} // namespace

std::string_view ToString(Compression c) {
    switch (c) {
    case Compression::kNone:
        return "none";
    case Compression::kGzip:
        return "gzip";
    case Compression::kZstd:
        return "zstd";
    }
    return "none";
}

InputSource::InputSource(int fd, bool owns_fd, const InputLimits& limits)
    : fd_(fd), owns_fd_(owns_fd), limits_(limits),
      block_(std::clamp(limits.read_block, kMinBlock, kMaxBlock)) {
    buffer_ = std::make_unique_for_overwrite<char[]>(block_);
}

InputSource::~InputSource() {
    if (zstd_ != nullptr) ZSTD_freeDCtx(zstd_);
    if (zlib_initialized_) inflateEnd(zlib_.get());
    if (owns_fd_) ::close(fd_);
}

std::unique_ptr<InputSource> InputSource::Open(const std::string& path, const InputLimits& limits,
                                               std::string* error) {
    std::string scratch;
    if (error == nullptr) error = &scratch;
    int fd = 0;
    bool owns = false;
    if (path != "-") {
        // Classified before opening: a FIFO, socket or device is never opened (an open can
        // block or have side effects; a read can block forever or never end, /dev/zero).
        struct stat target {};
        if (::stat(path.c_str(), &target) != 0) {
            *error = StatError(path, errno);
            return nullptr;
        }
        if (!S_ISREG(target.st_mode)) {
            *error = NotRegularError(path, target.st_mode);
            return nullptr;
        }
        // O_NONBLOCK: should the path have become a FIFO since the stat, the open still
        // returns at once; the fstat below then refuses it.
        do {
            fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            *error = ErrnoMessage("open", errno);
            return nullptr;
        }
        owns = true;
    }
    // Constructed before the checks below so the destructor closes fd on every path.
    std::unique_ptr<InputSource> source(new InputSource(fd, owns, limits));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        *error = ErrnoMessage("open", errno);
        return nullptr;
    }
    if (owns) {
        // What is read is decided on the open file itself, not on the path stat-ed above.
        if (!S_ISREG(st.st_mode)) {
            *error = NotRegularError(path, st.st_mode);
            return nullptr;
        }
        int flags = ::fcntl(fd, F_GETFL);
        if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
            *error = ErrnoMessage("open", errno);
            return nullptr;
        }
    } else if (S_ISDIR(st.st_mode)) {
        *error = ErrnoMessage("open", EISDIR);
        return nullptr;
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        // Standard input from a terminal waits for typing; from /dev/zero or a disk it never
        // ends. A pipe or a redirected file is what `-` is for.
        *error = ::isatty(fd) != 0 ? "standard input is a terminal: pipe or redirect a log into it"
                                   : std::string("standard input is a ") +
                                         (S_ISCHR(st.st_mode) ? "character" : "block") +
                                         " device: pipe or redirect a file into it";
        return nullptr;
    }
    // Advisory only: a failure changes nothing but read-ahead.
    if (S_ISREG(st.st_mode)) static_cast<void>(::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
    if (!source->Detect(error)) return nullptr;
    return source;
}

const unsigned char* InputSource::Data() const {
    return reinterpret_cast<const unsigned char*>(buffer_.get()) + begin_;
}

size_t InputSource::ReadRaw(char* dst, size_t size) {
    size = static_cast<size_t>(std::min<uint64_t>(size, raw_limit_ - raw_size_));
    if (eof_ || read_failed_ || size == 0) return 0;
    for (;;) {
        ssize_t got = ::read(fd_, dst, size);
        if (got > 0) {
            size_t n = static_cast<size_t>(got);
            if (hashing_) sha_.Update(dst, n);
            raw_size_ += n;
            return n;
        }
        if (got == 0) {
            eof_ = true;
            return 0;
        }
        if (errno == EINTR) continue;
        read_failed_ = true;
        Fail(ErrnoMessage("read", errno));
        return 0;
    }
}

bool InputSource::Fill() {
    if (begin_ == end_) {
        begin_ = 0;
        end_ = 0;
    } else if (end_ == block_) {
        if (begin_ == 0) return false; // full of pending bytes; the caller must consume first
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    size_t got = ReadRaw(buffer_.get() + end_, block_ - end_);
    end_ += got;
    return got > 0;
}

bool InputSource::EnsureAvailable(size_t n) {
    while (Available() < n) {
        if (!Fill()) return false;
    }
    return true;
}

void InputSource::Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
}

void InputSource::FailDecode(const std::string& message, size_t produced) {
    Fail(message + " (at compressed byte " + std::to_string(RawConsumed()) + ", after " +
         std::to_string(content_bytes_ + produced) + " decompressed bytes)");
}

bool InputSource::Detect(std::string* error) {
    EnsureAvailable(kMagicBytes);
    if (read_failed_) {
        *error = error_;
        return false;
    }
    const unsigned char* p = Data();
    size_t n = Available();
    if (IsZstdMagic(p, n)) {
        compression_ = Compression::kZstd;
        zstd_ = ZSTD_createDCtx();
        if (zstd_ == nullptr) {
            *error = "zstd: out of memory";
            return false;
        }
        ZSTD_bounds bounds = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
        int window_log = limits_.zstd_window_log_max;
        if (!ZSTD_isError(bounds.error))
            window_log = std::clamp(window_log, bounds.lowerBound, bounds.upperBound);
        size_t rc = ZSTD_DCtx_setParameter(zstd_, ZSTD_d_windowLogMax, window_log);
        if (ZSTD_isError(rc)) {
            *error = std::string("zstd: ") + ZSTD_getErrorName(rc);
            return false;
        }
    } else if (IsGzipMagic(p, n)) {
        compression_ = Compression::kGzip;
        zlib_ = std::make_unique<z_stream>();
        // 15 + 32: maximum window, zlib/gzip header auto-detection (the magic was checked above).
        int rc = inflateInit2(zlib_.get(), 15 + 32);
        if (rc != Z_OK) {
            *error = rc == Z_MEM_ERROR ? "gzip: out of memory" : "gzip: cannot initialize inflate";
            return false;
        }
        zlib_initialized_ = true;
    } else {
        compression_ = Compression::kNone;
    }
    at_boundary_ = true;
    // Nothing is consumed yet: buffer_[0, end_) holds every byte read so far.
    hashing_ = compression_ != Compression::kNone || limits_.hash_plain;
    if (hashing_) sha_.Update(buffer_.get(), end_);
    return true;
}

size_t InputSource::Read(char* out, size_t capacity) {
    if (done_ || capacity == 0) return 0;
    size_t n = 0;
    switch (compression_) {
    case Compression::kNone:
        n = DecodePlain(out, capacity);
        break;
    case Compression::kGzip:
        n = DecodeGzip(out, capacity);
        break;
    case Compression::kZstd:
        n = DecodeZstd(out, capacity);
        break;
    }
    if (compression_ != Compression::kNone && n > 0) {
        // The cap grows with the compressed bytes consumed; bytes up to it are still returned.
        uint64_t consumed = RawConsumed();
        uint64_t cap = SaturatingAdd(limits_.expansion_allowance,
                                     SaturatingMul(limits_.max_expansion_ratio, consumed));
        if (content_bytes_ + n > cap) {
            n = cap > content_bytes_ ? static_cast<size_t>(cap - content_bytes_) : 0;
            Fail("decompressed size exceeds the expansion cap (more than " + std::to_string(cap) +
                 " bytes from " + std::to_string(consumed) + " compressed bytes; ratio " +
                 std::to_string(limits_.max_expansion_ratio) + ", allowance " +
                 std::to_string(limits_.expansion_allowance) + ")");
        }
    }
    content_bytes_ += n;
    if (n == 0 || !error_.empty()) done_ = true;
    return n;
}

size_t InputSource::DecodePlain(char* out, size_t capacity) {
    if (Available() == 0) {
        // Large reads bypass the buffer (ReadRaw hashes in place).
        if (capacity >= block_) return ReadRaw(out, capacity);
        if (!Fill()) return 0;
    }
    size_t n = std::min(capacity, Available());
    std::memcpy(out, Data(), n);
    Consume(n);
    return n;
}

// One zstd "unit" is what the decoder consumes in one step: a frame header, a block header, a
// block body or the checksum. ZSTD_decompressStream leaves output->pos stale when it fails, so
// bytes it flushed earlier in the failing call are lost, and how many depends on the output
// size (the batch size): 34 records instead of 160. So each call either only flushes (no input:
// it cannot fail) or, once nothing is pending, gets exactly one unit (it decodes before it
// flushes). Every byte of the blocks before the damage is then returned, at any capacity.
size_t InputSource::ZstdUnitSize() const {
    if (at_boundary_) {
        const unsigned char* p = Data();
        if ((p[0] & 0xf0) == 0x50) return ZSTD_SKIPPABLEHEADERSIZE;
        size_t n = ZSTD_frameHeaderSize(p, Available());
        // Too few bytes to tell: give what there is (the decoder keeps it and asks for more).
        return ZSTD_isError(n) ? Available() : n;
    }
    // 0 only while the decoder holds back the frame's last byte until it has flushed: give it.
    return std::max<size_t>(ZSTD_nextSrcSizeToDecompress(zstd_), 1);
}

size_t InputSource::DecodeZstd(char* out, size_t capacity) {
    ZSTD_outBuffer output{out, capacity, 0};
    for (;;) {
        ZSTD_inBuffer none{Data(), 0, 0};
        size_t ret = ZSTD_decompressStream(zstd_, &output, &none);
        if (ZSTD_isError(ret)) {
            FailDecode(std::string("zstd: ") + ZSTD_getErrorName(ret), output.pos);
            return output.pos;
        }
        if (ret == 0) at_boundary_ = true;
        // Full: more may be pending. Otherwise the decoder holds nothing more to flush.
        if (output.pos > 0) return output.pos;
        if (zstd_unit_left_ == 0) {
            if (at_boundary_) {
                // Between frames: end cleanly at EOF, otherwise the next bytes must start a frame.
                EnsureAvailable(ZSTD_FRAMEHEADERSIZE_MAX);
                if (read_failed_) return 0;
                if (Available() == 0) return 0;
                if (!IsZstdMagic(Data(), Available())) {
                    FailDecode("zstd: trailing data after the last frame is not a zstd frame", 0);
                    return 0;
                }
            }
            zstd_unit_left_ = ZstdUnitSize();
        }
        EnsureAvailable(std::min(zstd_unit_left_, block_));
        if (read_failed_) return 0;
        if (Available() == 0) {
            FailDecode("zstd: truncated stream (ended inside a frame)", 0);
            return 0;
        }
        ZSTD_inBuffer input{Data(), std::min(Available(), zstd_unit_left_), 0};
        ret = ZSTD_decompressStream(zstd_, &output, &input);
        Consume(input.pos);
        zstd_unit_left_ -= input.pos;
        if (ZSTD_isError(ret)) {
            FailDecode(std::string("zstd: ") + ZSTD_getErrorName(ret), output.pos);
            return output.pos;
        }
        // 0: a frame is complete and fully flushed.
        at_boundary_ = ret == 0;
        if (output.pos > 0) return output.pos;
        if (input.pos == 0 && !at_boundary_) {
            // Every byte of the unit was offered and none taken: never loop on it.
            FailDecode("zstd: decoder made no progress", 0);
            return 0;
        }
    }
}

size_t InputSource::DecodeGzip(char* out, size_t capacity) {
    z_stream* zs = zlib_.get();
    const uInt out_size = static_cast<uInt>(std::min<size_t>(capacity, UINT_MAX));
    size_t produced = 0;
    while (produced == 0) {
        if (at_boundary_) {
            // After a member: end cleanly at EOF, otherwise another member must follow.
            EnsureAvailable(2);
            if (read_failed_) return 0;
            if (Available() == 0) return 0;
            if (!IsGzipMagic(Data(), Available())) {
                FailDecode("gzip: trailing data after the last member is not a gzip member",
                           produced);
                return 0;
            }
            if (inflateReset(zs) != Z_OK) {
                Fail("gzip: cannot reset inflate");
                return 0;
            }
            at_boundary_ = false;
        }
        if (Available() == 0) {
            Fill();
            if (read_failed_) return 0;
        }
        const uInt in_size = static_cast<uInt>(std::min<size_t>(Available(), UINT_MAX));
        // zlib takes a non-const input pointer but does not write through it.
        zs->next_in = const_cast<Bytef*>(Data());
        zs->avail_in = in_size;
        zs->next_out = reinterpret_cast<Bytef*>(out);
        zs->avail_out = out_size;
        int rc = inflate(zs, Z_NO_FLUSH);
        Consume(in_size - zs->avail_in);
        produced = out_size - zs->avail_out;
        switch (rc) {
        case Z_OK:
            break;
        case Z_STREAM_END:
            at_boundary_ = true;
            break;
        case Z_BUF_ERROR: // no progress possible with the input given
            if (eof_ && Available() == 0) {
                FailDecode("gzip: unexpected end of stream", produced);
                return produced;
            }
            if (Available() > 0) { // input and output space but no progress: never loop on it
                FailDecode("gzip: decoder made no progress", produced);
                return produced;
            }
            break;
        case Z_DATA_ERROR:
            FailDecode(std::string("gzip: data error: ") +
                           (zs->msg != nullptr ? zs->msg : "invalid compressed data"),
                       produced);
            return produced;
        case Z_NEED_DICT:
            FailDecode("gzip: data error: stream requires a preset dictionary", produced);
            return produced;
        case Z_MEM_ERROR:
            Fail("gzip: out of memory");
            return produced;
        default:
            Fail("gzip: inflate failed (code " + std::to_string(rc) + ")");
            return produced;
        }
        if (produced == 0 && rc == Z_OK && eof_ && Available() == 0 && in_size == 0) {
            FailDecode("gzip: unexpected end of stream", produced);
            return 0;
        }
    }
    return produced;
}

RawFileDigest InputSource::FinishRaw() {
    if (raw_finished_) return digest_;
    done_ = true;
    begin_ = 0;
    end_ = 0;
    while (ReadRaw(buffer_.get(), block_) > 0) {
    }
    raw_finished_ = true;
    digest_.size = raw_size_;
    if (hashing_) digest_.sha256 = sha_.Finish();
    return digest_;
}

} // namespace minetrace
