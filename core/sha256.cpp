#include "core/sha256.hpp"

#include <new>
#include <openssl/evp.h>
#include <stdexcept>
#include <utility>

namespace minetrace {
namespace {

// Fetched once: avoids OpenSSL 3's implicit algorithm fetch (a locked lookup) on every init.
// Never freed; it lives as long as the process.
const EVP_MD* Sha256Md() {
    static const EVP_MD* const md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (fetched == nullptr) throw std::runtime_error("OpenSSL: SHA256 unavailable");
        return fetched;
    }();
    return md;
}

EVP_MD_CTX* NewCtx() {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) throw std::bad_alloc();
    return ctx;
}

void Check(int rc, const char* what) {
    if (rc != 1) throw std::runtime_error(what);
}

void InitCtx(EVP_MD_CTX* ctx) {
    Check(EVP_DigestInit_ex(ctx, Sha256Md(), nullptr), "OpenSSL: SHA-256 init failed");
}

Sha256Digest FinalCtx(EVP_MD_CTX* ctx) {
    Sha256Digest digest{};
    unsigned int size = 0;
    Check(EVP_DigestFinal_ex(ctx, digest.data(), &size), "OpenSSL: SHA-256 final failed");
    if (size != digest.size()) throw std::runtime_error("OpenSSL: unexpected SHA-256 size");
    return digest;
}

void AppendHex(std::string& out, const Sha256Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    const size_t base = out.size();
    out.resize(base + digest.size() * 2);
    for (size_t i = 0; i < digest.size(); ++i) {
        out[base + 2 * i] = kHex[digest[i] >> 4];
        out[base + 2 * i + 1] = kHex[digest[i] & 0xF];
    }
}

// One context per thread for AppendSha256Hex, freed when the thread exits.
struct ThreadCtx {
    EVP_MD_CTX* ctx = NewCtx();
    ThreadCtx() = default;
    ThreadCtx(const ThreadCtx&) = delete;
    ThreadCtx& operator=(const ThreadCtx&) = delete;
    ~ThreadCtx() { EVP_MD_CTX_free(ctx); }
};

} // namespace

Sha256::Sha256() : ctx_(NewCtx()) {}

Sha256::~Sha256() {
    EVP_MD_CTX_free(ctx_);
}

Sha256::Sha256(Sha256&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), started_(std::exchange(other.started_, false)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
    if (this != &other) {
        EVP_MD_CTX_free(ctx_);
        ctx_ = std::exchange(other.ctx_, nullptr);
        started_ = std::exchange(other.started_, false);
    }
    return *this;
}

// Initialization is deferred to first use so that a moved-from object (ctx_ == nullptr) works.
void Sha256::EnsureStarted() {
    if (ctx_ == nullptr) ctx_ = NewCtx();
    if (!started_) {
        InitCtx(ctx_);
        started_ = true;
    }
}

void Sha256::Update(const void* data, size_t size) {
    EnsureStarted();
    if (size == 0) return;
    Check(EVP_DigestUpdate(ctx_, data, size), "OpenSSL: SHA-256 update failed");
}

Sha256Digest Sha256::Finish() {
    EnsureStarted();
    started_ = false;
    return FinalCtx(ctx_);
}

std::string ToHex(const Sha256Digest& digest) {
    std::string out;
    AppendHex(out, digest);
    return out;
}

std::string Sha256Hex(std::string_view data) {
    std::string out;
    AppendSha256Hex(out, data);
    return out;
}

void AppendSha256Hex(std::string& out, std::string_view data) {
    thread_local ThreadCtx thread_ctx;
    EVP_MD_CTX* ctx = thread_ctx.ctx;
    InitCtx(ctx);
    if (!data.empty()) {
        Check(EVP_DigestUpdate(ctx, data.data(), data.size()), "OpenSSL: SHA-256 update failed");
    }
    AppendHex(out, FinalCtx(ctx));
}

} // namespace minetrace
