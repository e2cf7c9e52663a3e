// The private byte forms minetrace writes to its own temporary files (kept records, timeline
// entries): LEB128 varints and length-prefixed texts, read back with bounds checks. Never read
// from input logs, and never outlives the process, so native byte order is fine.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace minetrace {

inline void PutVarint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

inline void PutText(std::string& out, std::string_view text) {
    PutVarint(out, text.size());
    out.append(text);
}

// Appends `value` as its 8 native bytes (ByteFormReader::Int64 reads it back).
inline void PutInt64(std::string& out, int64_t value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, sizeof value);
}

// Appends `value` as 8 big-endian bytes, so that byte order is numeric order (sort keys).
inline void PutBigEndian(std::string& out, uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(value >> shift);
}

// Reads what PutVarint/PutText wrote. Every read past the end, or an over-long varint, throws
// std::runtime_error with `what` (a damaged temporary file must not be half-read).
class ByteFormReader {
  public:
    ByteFormReader(std::string_view bytes, const char* what) : bytes_(bytes), what_(what) {}

    void Copy(void* to, size_t size) {
        if (bytes_.size() - at_ < size) Damaged();
        std::memcpy(to, bytes_.data() + at_, size);
        at_ += size;
    }
    uint64_t Varint() {
        uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at_ >= bytes_.size()) Damaged();
            auto byte = static_cast<uint8_t>(bytes_[at_++]);
            value |= static_cast<uint64_t>(byte & 0x7F) << shift;
            if (!(byte & 0x80)) return value;
        }
        Damaged();
    }
    int64_t Int64() {
        int64_t value = 0;
        Copy(&value, sizeof value);
        return value;
    }
    // A view into the bytes read from.
    std::string_view Text() {
        uint64_t size = Varint();
        if (bytes_.size() - at_ < size) Damaged();
        std::string_view text = bytes_.substr(at_, size);
        at_ += size;
        return text;
    }
    bool done() const { return at_ == bytes_.size(); }
    [[noreturn]] void Damaged() const { throw std::runtime_error(what_); }

  private:
    std::string_view bytes_;
    const char* what_;
    size_t at_ = 0;
};

} // namespace minetrace
