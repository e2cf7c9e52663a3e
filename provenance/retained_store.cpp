#include "provenance/retained_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tbb/task_group.h>
#include <unistd.h>

namespace minetrace {

namespace {

// How a record is laid out in the spill file: this header, the key, the encoded record.
struct SpilledHeader {
    uint64_t sequence;
    uint32_t key_size;
    uint32_t size;
};

// Read buffers of a pass: 256 KiB per run, less when there are many runs, so that all of them
// stay within 8 MiB up to 512 runs (about 16 GiB of kept records); never below 16 KiB.
constexpr size_t kReadBuffer = 256u << 10;
constexpr size_t kReadBuffersTotal = 8u << 20;
constexpr size_t kMinReadBuffer = 16u << 10;
constexpr size_t kWriteBuffer = 1u << 20; // while spilling a run

[[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("investigation spill file: " + what + ": " +
                             std::system_category().message(errno));
}

} // namespace

// Reads one run of the spill file record by record, through a small buffer.
class RetainedStore::RunCursor {
  public:
    RunCursor(int fd, Run run, size_t read_size)
        : fd_(fd), next_(run.begin), end_(run.end), read_size_(read_size) {
        Advance();
    }

    bool done() const { return done_; }
    uint64_t sequence() const { return header_.sequence; }
    std::string_view key() const { return {buffer_.data() + at_, header_.key_size}; }
    std::string_view bytes() const {
        return {buffer_.data() + at_ + header_.key_size, header_.size};
    }

    // Moves to the next record of the run.
    void Advance() {
        at_ += header_.key_size + header_.size;
        header_ = {};
        if (!Ensure(sizeof(SpilledHeader))) {
            done_ = true;
            return;
        }
        std::memcpy(&header_, buffer_.data() + at_, sizeof header_);
        at_ += sizeof header_;
        if (!Ensure(size_t{header_.key_size} + header_.size))
            throw std::runtime_error("investigation spill file: truncated run");
    }

  private:
    // Makes `size` bytes from at_ available in the buffer; false at the end of the run.
    bool Ensure(size_t size) {
        if (length_ - at_ >= size) return true;
        // Keep the unread tail, then fill up from the file.
        buffer_.erase(0, at_);
        length_ -= at_;
        at_ = 0;
        size_t want = std::max(size, read_size_);
        if (buffer_.size() < want) buffer_.resize(want);
        while (length_ < size && next_ < end_) {
            size_t room = std::min<uint64_t>(buffer_.size() - length_, end_ - next_);
            ssize_t got = pread(fd_, buffer_.data() + length_, room, static_cast<off_t>(next_));
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) Fail("read");
            if (got == 0) throw std::runtime_error("investigation spill file: truncated");
            length_ += static_cast<size_t>(got);
            next_ += static_cast<uint64_t>(got);
        }
        if (length_ >= size) return true;
        if (length_ == 0) return false;
        throw std::runtime_error("investigation spill file: truncated record");
    }

    int fd_;
    uint64_t next_; // file offset of the next byte to read
    uint64_t end_;
    size_t read_size_; // bytes read at once (the buffer grows only for a bigger record)
    std::string buffer_;
    size_t length_ = 0; // valid bytes in buffer_
    size_t at_ = 0;     // start of the current record's key (after its header)
    SpilledHeader header_{};
    bool done_ = false;
};

std::string DefaultSpillDir() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

RetainedStore::RetainedStore(RetainedStoreOptions options) : options_(std::move(options)) {}

RetainedStore::~RetainedStore() {
    if (fd_ >= 0) close(fd_);
}

void RetainedStore::Append(std::string_view key, uint64_t sequence, std::string_view encoded) {
    if (sealed_) throw std::logic_error("RetainedStore::Append after a pass");
    if (records_ > 0 && sequence <= last_sequence_)
        throw std::logic_error("RetainedStore::Append: sequences must increase");
    if (key.size() > UINT32_MAX || encoded.size() > UINT32_MAX)
        throw std::length_error("RetainedStore::Append: record too large");
    last_sequence_ = sequence;
    ++records_;
    bytes_ += key.size() + encoded.size();
    // The whole budget at once: growing by doubling would copy up to the budget again. Pages
    // are only touched as records arrive, so a small input costs little.
    if (buffer_.capacity() == 0) buffer_.reserve(std::min<size_t>(options_.budget_bytes, 1u << 30));
    entries_.push_back({sequence, buffer_.size(), static_cast<uint32_t>(key.size()),
                        static_cast<uint32_t>(encoded.size())});
    buffer_.append(key);
    buffer_.append(encoded);
    if (buffer_.size() + entries_.size() * sizeof(Entry) >= options_.budget_bytes) SpillRun();
}

void RetainedStore::SortEntries() {
    // Sequences increase with the offsets, so a stable sort by key keeps input order in a group.
    std::stable_sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
        return std::string_view(buffer_.data() + a.offset, a.key_size) <
               std::string_view(buffer_.data() + b.offset, b.key_size);
    });
}

void RetainedStore::WriteAll(const char* data, size_t size) {
    while (size > 0) {
        ssize_t put = pwrite(fd_, data, size, static_cast<off_t>(file_size_));
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) Fail("write");
        data += put;
        size -= static_cast<size_t>(put);
        file_size_ += static_cast<uint64_t>(put);
    }
}

void RetainedStore::SpillRun() {
    if (entries_.empty()) return;
    if (fd_ < 0) {
        std::string dir = options_.spill_dir.empty() ? DefaultSpillDir() : options_.spill_dir;
        std::string path = dir + "/minetrace-spill-XXXXXX";
        fd_ = mkstemp(path.data());
        if (fd_ < 0) Fail("cannot create in " + dir);
        // Unlinked at once: the file disappears with the process, however it ends.
        unlink(path.c_str());
    }
    SortEntries();
    Run run{file_size_, file_size_};
    std::string out;
    out.reserve(kWriteBuffer);
    for (const Entry& e : entries_) {
        SpilledHeader header{e.sequence, e.key_size, e.size};
        out.append(reinterpret_cast<const char*>(&header), sizeof header);
        out.append(buffer_.data() + e.offset, size_t{e.key_size} + e.size);
        if (out.size() >= kWriteBuffer) {
            WriteAll(out.data(), out.size());
            out.clear();
        }
    }
    WriteAll(out.data(), out.size());
    run.end = file_size_;
    runs_.push_back(run);
    entries_.clear();
    buffer_.clear();
}

void RetainedStore::Seal() {
    if (sealed_) return;
    sealed_ = true;
    if (runs_.empty()) {
        SortEntries();
        return;
    }
    SpillRun();
    // The passes read from the file: give the run buffer back.
    std::string().swap(buffer_);
    std::vector<Entry>().swap(entries_);
}

void RetainedStore::ForEachChunk(size_t max_groups, size_t max_bytes,
                                 const std::function<void(const StoredChunk&)>& visit,
                                 const std::function<bool(std::string_view)>& select) {
    Seal();
    max_groups = std::max<size_t>(max_groups, 1);
    if (runs_.empty())
        PassFromMemory(max_groups, max_bytes, visit, select);
    else
        PassFromFile(max_groups, max_bytes, visit, select);
}

void RetainedStore::PassFromMemory(size_t max_groups, size_t max_bytes,
                                   const std::function<void(const StoredChunk&)>& visit,
                                   const std::function<bool(std::string_view)>& select) {
    StoredChunk chunk;
    size_t chunk_bytes = 0;
    for (size_t i = 0; i < entries_.size();) {
        std::string_view key(buffer_.data() + entries_[i].offset, entries_[i].key_size);
        size_t end = i + 1;
        while (end < entries_.size() && std::string_view(buffer_.data() + entries_[end].offset,
                                                         entries_[end].key_size) == key)
            ++end;
        if (!select || select(key)) {
            if (chunk.groups.size() >= max_groups || chunk_bytes >= max_bytes) {
                visit(chunk);
                chunk.groups.clear();
                chunk.records.clear();
                chunk_bytes = 0;
            }
            chunk.groups.push_back({key, chunk.records.size(), end - i});
            for (size_t r = i; r < end; ++r) {
                const Entry& e = entries_[r];
                chunk.records.push_back(
                    {e.sequence, {buffer_.data() + e.offset + e.key_size, e.size}});
                chunk_bytes += e.size;
            }
        }
        i = end;
    }
    if (!chunk.groups.empty()) visit(chunk);
}

// The k-way merge of the spilled runs, cut into chunks at group boundaries. Each Fill makes the
// next chunk in `out`, whose views point into `out.bytes`.
class RetainedStore::Merger {
  public:
    struct Chunk {
        std::string bytes;
        StoredChunk stored;
    };

    Merger(int fd, const std::vector<Run>& runs, size_t max_groups, size_t max_bytes,
           const std::function<bool(std::string_view)>& select)
        : max_groups_(max_groups), max_bytes_(max_bytes), select_(select) {
        size_t read_size = std::clamp(kReadBuffersTotal / std::max<size_t>(runs.size(), 1),
                                      kMinReadBuffer, kReadBuffer);
        for (const Run& run : runs) {
            auto cursor = std::make_unique<RunCursor>(fd, run, read_size);
            if (!cursor->done()) cursors_.push_back(std::move(cursor));
        }
        for (auto& cursor : cursors_) heap_.push(cursor.get());
    }

    // False when the runs are exhausted (then `out` is empty).
    bool Fill(Chunk& out) {
        out.bytes.clear();
        groups_.clear();
        records_.clear();
        while (!heap_.empty()) {
            RunCursor* top = heap_.top();
            if (!have_key_ || top->key() != current_key_) {
                // A group starts here: it goes to the next chunk if this one is full.
                if (!groups_.empty() &&
                    (groups_.size() >= max_groups_ || out.bytes.size() >= max_bytes_))
                    break;
                current_key_.assign(top->key());
                have_key_ = true;
                selected_ = !select_ || select_(current_key_);
                if (selected_) {
                    groups_.push_back({out.bytes.size(), current_key_.size(), records_.size(), 0});
                    out.bytes.append(current_key_);
                }
            }
            heap_.pop();
            if (selected_) {
                records_.push_back({top->sequence(), out.bytes.size(), top->bytes().size()});
                out.bytes.append(top->bytes());
                ++groups_.back().count;
            }
            top->Advance();
            if (!top->done()) heap_.push(top);
        }
        // Views only now: the bytes may have moved while they grew.
        out.stored.groups.clear();
        out.stored.records.clear();
        for (const PendingRecord& r : records_)
            out.stored.records.push_back({r.sequence, {out.bytes.data() + r.offset, r.size}});
        for (const PendingGroup& g : groups_)
            out.stored.groups.push_back(
                {{out.bytes.data() + g.key_offset, g.key_size}, g.first, g.count});
        return !groups_.empty();
    }

  private:
    struct PendingGroup {
        size_t key_offset, key_size, first, count;
    };
    struct PendingRecord {
        uint64_t sequence;
        size_t offset, size;
    };
    // Min-heap of cursors by (key, sequence).
    struct Later {
        bool operator()(const RunCursor* a, const RunCursor* b) const {
            int order = a->key().compare(b->key());
            return order != 0 ? order > 0 : a->sequence() > b->sequence();
        }
    };

    size_t max_groups_;
    size_t max_bytes_;
    const std::function<bool(std::string_view)>& select_;
    std::vector<std::unique_ptr<RunCursor>> cursors_;
    std::priority_queue<RunCursor*, std::vector<RunCursor*>, Later> heap_;
    std::string current_key_;
    bool have_key_ = false;
    bool selected_ = false;
    std::vector<PendingGroup> groups_;
    std::vector<PendingRecord> records_;
};

void RetainedStore::PassFromFile(size_t max_groups, size_t max_bytes,
                                 const std::function<void(const StoredChunk&)>& visit,
                                 const std::function<bool(std::string_view)>& select) {
    Merger merger(fd_, runs_, max_groups, max_bytes, select);
    // Two chunks: the next one is merged (a oneTBB task, so --threads still bounds the cores)
    // while the caller visits this one. They are never moved, so their views stay valid.
    Merger::Chunk chunks[2];
    size_t at = 0;
    bool have = merger.Fill(chunks[at]);
    while (have) {
        bool have_next = false;
        tbb::task_group reading;
        reading.run([&] { have_next = merger.Fill(chunks[1 - at]); });
        try {
            visit(chunks[at].stored);
        } catch (...) {
            reading.wait(); // the task uses this frame's locals
            throw;
        }
        reading.wait();
        at = 1 - at;
        have = have_next;
    }
}

} // namespace minetrace
