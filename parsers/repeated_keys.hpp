// SeenKeys: a key written twice in one JSON object (exactly, or in another ASCII case: `caller`
// and `Caller`) makes a record ambiguous. JSON parsers disagree on which copy counts (first,
// last, or an error), so reading either would let a planted decoy decide the answer; such a
// record is quarantined as `ambiguous-key`. Only keys a table maps are tracked: a repeat of a key
// minetrace does not read cannot change what it reads. Different keys for one field (`time` and
// `eventTimestamp`, `ResourceId` and `_ResourceId`, a claim URI and its short name) are not
// repeats; which one counts is the key table's documented precedence.
//
// Header-only, one per object walk (on the stack); not thread-safe.
#pragma once

#include "core/ascii.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace minetrace::record_parsing {

class SeenKeys {
  public:
    // Notes that `key`, mapped to row `id` of the object's key table (0: not mapped), was
    // written. False when the same key (up to ASCII case) was written before in this object.
    // `key` must stay valid for the walk.
    bool Add(uint8_t id, std::string_view key) {
        if (id == 0) return true;
        uint64_t& word = bits_[id >> 6];
        const uint64_t bit = uint64_t{1} << (id & 63);
        if ((word & bit) != 0) {
            // The row was written before: by this key again, or by another key for the field.
            for (size_t i = 0; i < count_; ++i)
                if (keys_[i].id == id &&
                    EqualsIgnoreCase(std::string_view(keys_[i].data, keys_[i].size), key))
                    return false;
        }
        word |= bit;
        // More mapped keys than any real object has: too many to tell repeats apart, so the
        // object counts as ambiguous rather than letting a repeat past the list go unseen.
        if (count_ == keys_.size()) return false;
        keys_[count_++] = {key.data(), key.size(), id};
        return true;
    }

  private:
    // Trivial, so that keys_ is not cleared for every object: only [0, count_) is read.
    struct Key {
        const char* data;
        size_t size;
        uint8_t id;
    };
    std::array<uint64_t, 4> bits_{};
    size_t count_ = 0;
    std::array<Key, 96> keys_; // NOLINT(cppcoreguidelines-pro-type-member-init): see Key
};

} // namespace minetrace::record_parsing
