// RetainedStore: the records an investigation keeps, grouped by a key (the resource id), held
// in memory up to a budget and in a temporary file beyond it, so that memory does not grow with
// the input.
//
// The sink appends encoded records (retained_codec.hpp) with their key and input sequence.
// They are sorted by (key, sequence) in runs of at most `budget_bytes`; a full run is written to
// an unlinked temporary file. After the last Append, each ForEachChunk call is one pass over
// every group in key order, each group's records in input order: from memory when nothing was
// spilled, else by a k-way merge of the runs (one sequential read of the file per pass, with a
// small read buffer per run).
//
// Not thread-safe: Append from one thread (the pipeline's serial sink), then ForEachChunk from
// one thread at a time. The views a visit receives are valid during that visit only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

struct StoredRecord {
    uint64_t sequence = 0;
    std::string_view bytes;
};

// One key's records: chunk.records[first, first + count).
struct StoredGroup {
    std::string_view key;
    size_t first = 0;
    size_t count = 0;
};

struct StoredChunk {
    std::vector<StoredGroup> groups;
    std::vector<StoredRecord> records;
};

struct RetainedStoreOptions {
    // Bytes of records (and their index) held in memory before a run is spilled.
    size_t budget_bytes = 32u << 20;
    // Where the spill file goes; empty: $TMPDIR, else /tmp.
    std::string spill_dir;
};

// The spill directory when none is given: $TMPDIR, else /tmp.
std::string DefaultSpillDir();

class RetainedStore {
  public:
    explicit RetainedStore(RetainedStoreOptions options = {});
    ~RetainedStore();
    RetainedStore(const RetainedStore&) = delete;
    RetainedStore& operator=(const RetainedStore&) = delete;

    // Sequences must increase from one call to the next. Throws std::runtime_error when the
    // spill file cannot be created or written (the investigation cannot be complete without it).
    void Append(std::string_view key, uint64_t sequence, std::string_view encoded);

    // One pass: visits the groups in key order, in chunks of at most `max_groups` groups and
    // about `max_bytes` bytes (a group is never split). Only the groups whose key `select`
    // accepts are read into chunks (all when `select` is empty). No Append after the first pass.
    // When runs were spilled, the next chunk is read while `visit` runs: `select` may then be
    // called on another thread, concurrently with `visit` (one call at a time).
    void ForEachChunk(size_t max_groups, size_t max_bytes,
                      const std::function<void(const StoredChunk&)>& visit,
                      const std::function<bool(std::string_view key)>& select = {});

    uint64_t records() const { return records_; }
    uint64_t bytes() const { return bytes_; } // keys and encoded records, as appended
    size_t spilled_runs() const { return runs_.size(); }
    uint64_t spilled_bytes() const { return file_size_; }

  private:
    struct Entry {
        uint64_t sequence;
        uint64_t offset; // into buffer_: the key, then the encoded record
        uint32_t key_size;
        uint32_t size;
    };
    struct Run {
        uint64_t begin;
        uint64_t end;
    };
    class RunCursor;
    class Merger;

    void SortEntries();
    void SpillRun();
    void Seal();
    void WriteAll(const char* data, size_t size);
    void PassFromMemory(size_t max_groups, size_t max_bytes,
                        const std::function<void(const StoredChunk&)>& visit,
                        const std::function<bool(std::string_view)>& select);
    void PassFromFile(size_t max_groups, size_t max_bytes,
                      const std::function<void(const StoredChunk&)>& visit,
                      const std::function<bool(std::string_view)>& select);

    RetainedStoreOptions options_;
    std::string buffer_;
    std::vector<Entry> entries_;
    bool sealed_ = false;
    uint64_t last_sequence_ = 0;
    uint64_t records_ = 0;
    uint64_t bytes_ = 0;
    int fd_ = -1;
    uint64_t file_size_ = 0;
    std::vector<Run> runs_;
};

} // namespace minetrace
