// Arena: bump storage for strings that must outlive the simdjson parser buffer (unescaped
// strings, lowercased ids) for the lifetime of one Batch.
//
// Not thread-safe: one Batch, and so its Arena, is worked on by one thread at a time.
// Not copyable (views into it would dangle). Movable: chunk addresses are stable across moves.
#pragma once

#include "core/ascii.hpp"

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace minetrace {

class Arena {
  public:
    Arena() = default;
    // `chunk_size`: the size of each new chunk (small for many small arenas).
    explicit Arena(size_t chunk_size) : chunk_size_(chunk_size) {}
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;
    Arena(Arena&&) noexcept = default;
    Arena& operator=(Arena&&) noexcept = default;

    // Returns a writable region of `size` bytes that lives as long as the Arena.
    char* Allocate(size_t size) {
        if (size > remaining_) Grow(size);
        char* out = cursor_;
        cursor_ += size;
        remaining_ -= size;
        return out;
    }

    std::string_view Store(std::string_view text) {
        if (text.empty()) return {};
        char* out = Allocate(text.size());
        std::memcpy(out, text.data(), text.size());
        return {out, text.size()};
    }

    // Stores an ASCII-lowercased copy (ARM ids, operation names and GUIDs are case-insensitive).
    std::string_view StoreLower(std::string_view text) {
        if (text.empty()) return {};
        char* out = Allocate(text.size());
        AsciiLowerInto(out, text);
        return {out, text.size()};
    }

    // Drops every allocation but keeps the first chunk for reuse.
    void Reset() {
        if (chunks_.empty()) return;
        chunks_.resize(1);
        cursor_ = chunks_[0].get();
        remaining_ = first_chunk_size_;
    }

    size_t bytes_reserved() const { return reserved_; }

  private:
    static constexpr size_t kChunkSize = 64 * 1024;
    size_t chunk_size_ = kChunkSize;
    size_t first_chunk_size_ = 0;

    void Grow(size_t need) {
        size_t size = need > chunk_size_ ? need : chunk_size_;
        chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
        if (chunks_.size() == 1) first_chunk_size_ = size;
        reserved_ += size;
        cursor_ = chunks_.back().get();
        remaining_ = size;
    }

    std::vector<std::unique_ptr<char[]>> chunks_;
    char* cursor_ = nullptr;
    size_t remaining_ = 0;
    size_t reserved_ = 0;
};

} // namespace minetrace
