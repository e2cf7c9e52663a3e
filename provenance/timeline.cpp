#include "provenance/timeline.hpp"

#include <cstring>
#include <stdexcept>

namespace minetrace {

namespace {

void PutVarint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

void PutText(std::string& out, std::string_view text) {
    PutVarint(out, text.size());
    out.append(text);
}

[[noreturn]] void Damaged() {
    throw std::runtime_error("damaged entry in the timeline's spill file");
}

uint64_t GetVarint(std::string_view bytes, size_t& at) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= bytes.size()) Damaged();
        auto byte = static_cast<uint8_t>(bytes[at++]);
        value |= static_cast<uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return value;
    }
    Damaged();
}

std::string GetText(std::string_view bytes, size_t& at) {
    uint64_t size = GetVarint(bytes, at);
    if (bytes.size() - at < size) Damaged();
    std::string text(bytes.substr(at, size));
    at += size;
    return text;
}

// The sort key: the time as 8 big-endian bytes with the sign bit flipped (so byte order is time
// order, negative times included), then the message.
std::string SortKey(const TimelineEntry& entry) {
    std::string key(8, '\0');
    uint64_t time = static_cast<uint64_t>(entry.time_us) ^ (uint64_t{1} << 63);
    for (int i = 7; i >= 0; --i, time >>= 8) key[static_cast<size_t>(i)] = static_cast<char>(time);
    key += entry.message;
    return key;
}

} // namespace

Timeline::Timeline(RetainedStoreOptions options)
    : store_(std::make_unique<RetainedStore>(std::move(options))) {}

void Timeline::Add(const TimelineEntry& entry) {
    std::string bytes;
    PutVarint(bytes, static_cast<uint64_t>(entry.time_us));
    PutText(bytes, entry.timestamp_desc);
    PutText(bytes, entry.message);
    PutText(bytes, entry.data_type);
    PutVarint(bytes, entry.fields.size());
    for (const auto& [key, value] : entry.fields) {
        PutText(bytes, key);
        PutText(bytes, value);
    }
    // Sequences keep the order of addition among entries of the same time and message.
    store_->Append(SortKey(entry), ++added_, bytes);
}

void Timeline::ForEach(const std::function<void(const TimelineEntry&)>& visit) const {
    TimelineEntry entry;
    store_->ForEachChunk(4096, 4u << 20, [&](const StoredChunk& chunk) {
        for (const StoredRecord& record : chunk.records) {
            size_t at = 0;
            std::string_view bytes = record.bytes;
            entry.time_us = static_cast<int64_t>(GetVarint(bytes, at));
            entry.timestamp_desc = GetText(bytes, at);
            entry.message = GetText(bytes, at);
            entry.data_type = GetText(bytes, at);
            entry.fields.clear();
            uint64_t count = GetVarint(bytes, at);
            if (count > bytes.size()) Damaged();
            for (uint64_t i = 0; i < count; ++i) {
                std::string key = GetText(bytes, at);
                entry.fields.emplace_hint(entry.fields.end(), std::move(key), GetText(bytes, at));
            }
            if (at != bytes.size()) Damaged();
            visit(entry);
        }
    });
}

} // namespace minetrace
