#include "core/flat_index.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using minetrace::FlatIndex;

TEST_CASE("FlatIndex: positions of new and known keys, across growth and clears", "[core]") {
    FlatIndex index;
    std::vector<std::string> keys;
    auto key_of = [&](uint32_t at) { return std::string_view(keys[at]); };
    auto add = [&](const std::string& key) {
        auto next = static_cast<uint32_t>(keys.size());
        uint32_t at = index.FindOrInsert(key, next, key_of);
        if (at == next) keys.push_back(key);
        return at;
    };
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        // 5,000 keys grow the table several times; every key keeps its first position.
        for (int i = 0; i < 5000; ++i) CHECK(add("key-" + std::to_string(i)) == uint32_t(i));
        for (int i = 4999; i >= 0; --i) CHECK(add("key-" + std::to_string(i)) == uint32_t(i));
        CHECK(keys.size() == 5000);
        // Prefixes, the empty key and keys that differ only in case are distinct keys.
        CHECK(add("key-") == 5000);
        CHECK(add("") == 5001);
        CHECK(add("KEY-1") == 5002);
        CHECK(add("key-1") == 1);
        CHECK(add("") == 5001);
        index.Clear();
        keys.clear();
    }
}

TEST_CASE("FlatIndex: keys with colliding hashes are told apart by the caller's keys", "[core]") {
    // A table of 64 slots holds up to 32 keys: every key lands somewhere in a short probe
    // sequence, so many share a start slot.
    FlatIndex index;
    std::vector<std::string> keys;
    auto key_of = [&](uint32_t at) { return std::string_view(keys[at]); };
    for (int i = 0; i < 31; ++i) {
        std::string key(static_cast<size_t>(i), 'x');
        auto next = static_cast<uint32_t>(keys.size());
        REQUIRE(index.FindOrInsert(key, next, key_of) == next);
        keys.push_back(key);
    }
    for (int i = 0; i < 31; ++i)
        CHECK(index.FindOrInsert(std::string(static_cast<size_t>(i), 'x'), 99, key_of) ==
              uint32_t(i));
}
