// SHA-256 through OpenSSL libcrypto (EVP).
//
// Failure meaning: digesting cannot fail on any input; the only failures are OpenSSL allocation
// failures or a broken OpenSSL installation, which throw std::runtime_error (std::bad_alloc for
// allocation) and are process-level faults, not per-record errors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st; // OpenSSL's EVP_MD_CTX, kept out of this header

namespace minetrace {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental hasher. Not thread-safe (one instance per thread); not copyable; movable (a
// moved-from hasher is valid and starts a new, empty message).
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& other) noexcept;
    Sha256& operator=(Sha256&& other) noexcept;

    void Update(const void* data, size_t size);
    void Update(std::string_view data) { Update(data.data(), data.size()); }
    // Returns the digest of everything fed since construction or the last Finish, and resets the
    // hasher for a new message.
    Sha256Digest Finish();

  private:
    void EnsureStarted();

    evp_md_ctx_st* ctx_ = nullptr;
    bool started_ = false;
};

std::string ToHex(const Sha256Digest& digest); // 64 lowercase hex digits
std::string Sha256Hex(std::string_view data);  // one-shot

// One-shot, appends 64 lowercase hex digits. Meant for per-record use: reuses one EVP_MD_CTX per
// thread (thread_local), so there is no heap traffic per call. Thread-safe.
void AppendSha256Hex(std::string& out, std::string_view data);

} // namespace minetrace
