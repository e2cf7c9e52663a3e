#include "core/sha256.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace minetrace;

namespace {
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// FIPS 180-2 two-block vector.
constexpr const char* kTwoBlockInput = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* kTwoBlock =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
} // namespace

TEST_CASE("Sha256: known vectors", "[core]") {
    CHECK(Sha256Hex("") == kEmpty);
    CHECK(Sha256Hex("abc") == kAbc);
    CHECK(Sha256Hex(kTwoBlockInput) == kTwoBlock);

    std::string out = "sha256:";
    AppendSha256Hex(out, "abc");
    CHECK(out == std::string("sha256:") + kAbc);

    Sha256 hasher;
    CHECK(ToHex(hasher.Finish()) == kEmpty);
}

TEST_CASE("Sha256: incremental equals one-shot, and Finish resets", "[core]") {
    const std::string data(10000, 'q');
    Sha256 hasher;
    for (size_t i = 0; i < data.size(); i += 7) {
        hasher.Update(std::string_view(data).substr(i, 7));
    }
    CHECK(ToHex(hasher.Finish()) == Sha256Hex(data));

    hasher.Update("a");
    hasher.Update(nullptr, 0);
    hasher.Update("bc", 2);
    CHECK(ToHex(hasher.Finish()) == kAbc);
    CHECK(ToHex(hasher.Finish()) == kEmpty);
}

TEST_CASE("Sha256: moves transfer state and leave a usable hasher", "[core]") {
    Sha256 a;
    a.Update("ab");
    Sha256 b(std::move(a));
    b.Update("c");
    CHECK(ToHex(b.Finish()) == kAbc);
    a.Update("abc"); // NOLINT(bugprone-use-after-move): documented as valid
    CHECK(ToHex(a.Finish()) == kAbc);

    Sha256 c;
    c.Update("zzz");
    c = std::move(b);
    c.Update("abc");
    CHECK(ToHex(c.Finish()) == kAbc);
}

TEST_CASE("Sha256: AppendSha256Hex is safe across threads", "[core]") {
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&results, t] {
            for (int i = 0; i < 200; ++i) {
                results[t].clear();
                AppendSha256Hex(results[t], "abc");
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& result : results) CHECK(result == kAbc);
}
