#include "provenance/duplicate_index.hpp"

#include <cstring>
#include <stdexcept>

namespace minetrace {

namespace {

// An entry's fixed bytes (native order: the store never outlives the process).
struct Entry {
    int64_t time_us;
    uint32_t operation_id;
    uint32_t event_data_id;
    uint32_t file_id;
    uint32_t principal;
    uint8_t time_digits;
    uint8_t failed;
    uint8_t pad[6];
};
static_assert(sizeof(Entry) == 32);

} // namespace

DuplicateIndex::DuplicateIndex(RetainedStoreOptions options) : store_(std::move(options)) {}

void DuplicateIndex::Add(const EventIdentity& id, uint64_t sequence, uint32_t file_id,
                         uint32_t principal, bool failed) {
    if (!id.valid) return;
    char key[16];
    std::memcpy(key, id.bucket.data(), sizeof key);
    Entry e{};
    e.time_us = id.time_us;
    e.operation_id = id.operation_id;
    e.event_data_id = id.event_data_id;
    e.file_id = file_id;
    e.principal = principal;
    e.time_digits = id.time_digits;
    e.failed = failed ? 1 : 0;
    store_.Append(std::string_view(key, sizeof key), sequence,
                  std::string_view(reinterpret_cast<const char*>(&e), sizeof e));
}

DuplicateIndex::Result DuplicateIndex::Resolve() {
    Result result;
    std::vector<EventIdentity> firsts; // of the current bucket
    store_.ForEachChunk(1u << 14, 1u << 20, [&](const StoredChunk& chunk) {
        for (const StoredGroup& group : chunk.groups) {
            firsts.clear();
            for (size_t r = group.first; r < group.first + group.count; ++r) {
                std::string_view bytes = chunk.records[r].bytes;
                if (bytes.size() != sizeof(Entry) || group.key.size() != 16)
                    throw std::runtime_error("damaged entry in the duplicate index's spill file");
                Entry e;
                std::memcpy(&e, bytes.data(), sizeof e);
                EventIdentity id;
                std::memcpy(id.bucket.data(), group.key.data(), 16);
                id.time_us = e.time_us;
                id.operation_id = e.operation_id;
                id.event_data_id = e.event_data_id;
                id.time_digits = e.time_digits;
                id.valid = true;
                bool duplicate = false;
                for (const EventIdentity& first : firsts)
                    if (SameEvent(first, id)) {
                        duplicate = true;
                        break;
                    }
                if (!duplicate) {
                    firsts.push_back(id);
                    continue;
                }
                ++result.duplicates;
                if (e.file_id >= result.per_file.size()) result.per_file.resize(e.file_id + 1);
                ++result.per_file[e.file_id];
                if (e.principal != kNoPrincipal) {
                    Counts& c = result.per_principal[e.principal];
                    ++c.events;
                    c.failures += e.failed;
                }
            }
        }
    });
    return result;
}

} // namespace minetrace
