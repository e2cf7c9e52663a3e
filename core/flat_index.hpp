// FlatIndex: finds the position of a text key in a caller's vector of entries, with an
// open-addressing table (linear probing) that keeps its memory from one use to the next, so a
// per-batch tally that is cleared for every batch does not allocate in steady state (a
// std::unordered_map allocates one node per key, every batch).
//
// The index stores positions only; the keys stay in the caller's entries, read through
// `key_of(position)`. Not thread-safe: one per thread (or per object).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace minetrace {

class FlatIndex {
  public:
    // Forgets every key; keeps the table's memory.
    void Clear() {
        if (size_ == 0) return;
        std::fill(slots_.begin(), slots_.end(), 0);
        size_ = 0;
    }

    // The position of `key`, or `next` (which the caller then appends at) when it is new.
    // `key_of(position)` must return the key of each position inserted so far.
    template <typename KeyOf>
    uint32_t FindOrInsert(std::string_view key, uint32_t next, const KeyOf& key_of) {
        if ((size_ + 1) * 2 > slots_.size()) Grow(key_of);
        size_t mask = slots_.size() - 1;
        for (size_t at = std::hash<std::string_view>{}(key)&mask;; at = (at + 1) & mask) {
            uint32_t slot = slots_[at];
            if (slot == 0) {
                slots_[at] = next + 1;
                ++size_;
                return next;
            }
            if (key_of(slot - 1) == key) return slot - 1;
        }
    }

  private:
    template <typename KeyOf> void Grow(const KeyOf& key_of) {
        std::vector<uint32_t> old(std::max<size_t>(slots_.size() * 2, 64), 0);
        old.swap(slots_);
        size_t mask = slots_.size() - 1;
        for (uint32_t slot : old) {
            if (slot == 0) continue;
            size_t at = std::hash<std::string_view>{}(key_of(slot - 1)) & mask;
            while (slots_[at] != 0) at = (at + 1) & mask;
            slots_[at] = slot;
        }
    }

    std::vector<uint32_t> slots_; // position + 1; 0 is empty. Size: a power of two.
    size_t size_ = 0;
};

} // namespace minetrace
