#include "provenance/timeline.hpp"

#include "core/byte_form.hpp"

namespace minetrace {

namespace {

// The sort key: the time as 8 big-endian bytes with the sign bit flipped (so byte order is time
// order, negative times included), then the message with its NUL bytes escaped (0x00 -> 0x00 0xFF)
// and ended by 0x00 0x00 (so a message sorts before every longer message it begins), then the
// order, big-endian. Byte order of keys is then (time, message, order).
std::string SortKey(const TimelineEntry& entry, uint64_t order) {
    std::string key;
    key.reserve(8 + entry.message.size() + 2 + 8);
    PutBigEndian(key, static_cast<uint64_t>(entry.time_us) ^ (uint64_t{1} << 63));
    for (char c : entry.message) {
        key += c;
        if (c == '\0') key += '\xff';
    }
    key += '\0';
    key += '\0';
    PutBigEndian(key, order);
    return key;
}

} // namespace

Timeline::Timeline(RetainedStoreOptions options)
    : store_(std::make_unique<RetainedStore>(std::move(options))) {}

void Timeline::Add(const TimelineEntry& entry) {
    Add(entry, added_);
}

void Timeline::Add(const TimelineEntry& entry, uint64_t order) {
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
    store_->Append(SortKey(entry, order), ++added_, bytes);
}

void Timeline::ForEach(const std::function<void(const TimelineEntry&)>& visit) const {
    TimelineEntry entry;
    store_->ForEachChunk(4096, 4u << 20, [&](const StoredChunk& chunk) {
        for (const StoredRecord& record : chunk.records) {
            ByteFormReader in(record.bytes, "damaged entry in the timeline's spill file");
            entry.time_us = static_cast<int64_t>(in.Varint());
            entry.timestamp_desc = in.Text();
            entry.message = in.Text();
            entry.data_type = in.Text();
            entry.fields.clear();
            uint64_t count = in.Varint();
            if (count > record.bytes.size()) in.Damaged();
            for (uint64_t i = 0; i < count; ++i) {
                std::string key(in.Text());
                entry.fields.emplace_hint(entry.fields.end(), std::move(key), in.Text());
            }
            if (!in.done()) in.Damaged();
            visit(entry);
        }
    });
}

} // namespace minetrace
