#include "provenance/retained_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

namespace minetrace {

namespace {

// How a record is laid out in the spill file: this header, the key, the encoded record.
struct SpilledHeader {
    uint64_t sequence;
    uint32_t key_size;
    uint32_t size;
};

constexpr size_t kReadBuffer = 256u << 10; // per run, during a pass
constexpr size_t kWriteBuffer = 1u << 20;  // while spilling a run

[[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("investigation spill file: " + what + ": " +
                             std::system_category().message(errno));
}

} // namespace

// Reads one run of the spill file record by record, through a small buffer.
class RetainedStore::RunCursor {
  public:
    RunCursor(int fd, Run run) : fd_(fd), next_(run.begin), end_(run.end) { Advance(); }

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
        size_t want = std::max(size, kReadBuffer);
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
    std::string buffer_;
    size_t length_ = 0; // valid bytes in buffer_
    size_t at_ = 0;     // start of the current record's key (after its header)
    SpilledHeader header_{};
    bool done_ = false;
};

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
        std::string dir = options_.spill_dir;
        if (dir.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            dir = tmp && *tmp ? tmp : "/tmp";
        }
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

void RetainedStore::PassFromFile(size_t max_groups, size_t max_bytes,
                                 const std::function<void(const StoredChunk&)>& visit,
                                 const std::function<bool(std::string_view)>& select) {
    std::vector<std::unique_ptr<RunCursor>> cursors;
    for (const Run& run : runs_) {
        auto cursor = std::make_unique<RunCursor>(fd_, run);
        if (!cursor->done()) cursors.push_back(std::move(cursor));
    }
    // Min-heap of cursors by (key, sequence).
    auto later = [](const RunCursor* a, const RunCursor* b) {
        int order = a->key().compare(b->key());
        return order != 0 ? order > 0 : a->sequence() > b->sequence();
    };
    std::priority_queue<RunCursor*, std::vector<RunCursor*>, decltype(later)> heap(later);
    for (auto& cursor : cursors) heap.push(cursor.get());

    // The chunk's bytes are copied here; views are made once the chunk is complete, since the
    // string may move while it grows.
    std::string bytes;
    struct Pending {
        size_t key_offset, key_size, first, count;
    };
    std::vector<Pending> groups;
    struct PendingRecord {
        uint64_t sequence;
        size_t offset, size;
    };
    std::vector<PendingRecord> records;
    StoredChunk chunk;
    auto emit = [&] {
        if (groups.empty()) return;
        chunk.groups.clear();
        chunk.records.clear();
        for (const PendingRecord& r : records)
            chunk.records.push_back({r.sequence, {bytes.data() + r.offset, r.size}});
        for (const Pending& g : groups)
            chunk.groups.push_back({{bytes.data() + g.key_offset, g.key_size}, g.first, g.count});
        visit(chunk);
        bytes.clear();
        groups.clear();
        records.clear();
    };
    std::string current_key;
    bool have_key = false, selected = false;
    while (!heap.empty()) {
        RunCursor* top = heap.top();
        heap.pop();
        if (!have_key || top->key() != current_key) {
            current_key.assign(top->key());
            have_key = true;
            selected = !select || select(current_key);
            if (selected) {
                if (groups.size() >= max_groups || bytes.size() >= max_bytes) emit();
                groups.push_back({bytes.size(), current_key.size(), records.size(), 0});
                bytes.append(current_key);
            }
        }
        if (selected) {
            records.push_back({top->sequence(), bytes.size(), top->bytes().size()});
            bytes.append(top->bytes());
            ++groups.back().count;
        }
        top->Advance();
        if (!top->done()) heap.push(top);
    }
    emit();
}

} // namespace minetrace
