// Helpers shared by the libFuzzer targets: an invariant check that aborts (so libFuzzer saves the
// input as a crash), piece sizes derived from the input alone (a crash replays from its file),
// and an in-memory file for the code that opens paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace minetrace::fuzz {

[[noreturn]] inline void Fail(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", what, file, line);
    std::abort();
}

// An invariant of the code under test; failing it is a finding, whatever the input.
#define FUZZ_CHECK(cond)                                                                           \
    ((cond) ? static_cast<void>(0) : ::minetrace::fuzz::Fail(#cond, __FILE__, __LINE__))

// FNV-1a: a seed that depends on every input byte.
inline uint64_t Hash(std::string_view data, uint64_t salt = 0) {
    uint64_t h = 0xcbf29ce484222325ull ^ salt;
    for (char c : data) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h;
}

// splitmix64 stream: deterministic for one input, different for different inputs.
class Rng {
  public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t Next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform-ish in [1, max] (max >= 1).
    size_t Piece(size_t max) { return 1 + static_cast<size_t>(Next() % max); }

  private:
    uint64_t state_;
};

// An anonymous in-memory file (memfd), opened by path through /proc/self/fd: InputSource and the
// ingest read it like any file, and nothing is left on disk when a run crashes.
class MemFile {
  public:
    MemFile() : fd_(::memfd_create("minetrace-fuzz", 0)) {
        if (fd_ < 0) Fail("memfd_create", __FILE__, __LINE__);
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    ~MemFile() { ::close(fd_); }

    // Replaces the file's bytes.
    void Write(std::string_view bytes) {
        if (::ftruncate(fd_, 0) != 0) Fail("ftruncate", __FILE__, __LINE__);
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n =
                ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            if (n <= 0) Fail("pwrite", __FILE__, __LINE__);
            done += static_cast<size_t>(n);
        }
    }
    const std::string& path() const { return path_; }

  private:
    int fd_;
    std::string path_;
};

} // namespace minetrace::fuzz
