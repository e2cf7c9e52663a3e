#include "provenance/creation_index.hpp"

#include "core/byte_form.hpp"
#include "provenance/analyzer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace minetrace::analysis {

namespace {

constexpr const char* kDamaged = "minetrace: the creation index's temporary file is damaged";
constexpr size_t kReadBlock = 1u << 20;

// The depth-first key: '/' becomes the smallest byte, so that a container's descendants follow
// it directly ("rg" < "rg/x" < "rg-2", where plain byte order puts "rg-2" between). A resource id
// holding byte 0x01 itself may sort out of place: it then only misses its container's context.
std::string TreeKey(std::string_view id) {
    std::string key(id);
    std::replace(key.begin(), key.end(), '/', '\x01');
    return key;
}

[[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("minetrace: creation index spill file: " + what + ": " +
                             std::strerror(errno));
}

} // namespace

CreationIndex::CreationIndex(RetainedStoreOptions spill)
    : spill_(std::move(spill)), writes_(std::make_unique<RetainedStore>(spill_)),
      contexts_by_id_(std::make_unique<RetainedStore>(spill_)) {}

CreationIndex::~CreationIndex() {
    if (fd_ >= 0) close(fd_);
}

void CreationIndex::Add(std::string_view resource, const Write& write) {
    std::string bytes;
    PutText(bytes, resource);
    PutInt64(bytes, write.first_write_us);
    PutInt64(bytes, write.created_us);
    PutText(bytes, write.correlation_id);
    PutVarint(bytes, static_cast<uint64_t>(write.first_answer));
    writes_->Append(TreeKey(resource), sequence_++, bytes);
    ++resources_;
}

void CreationIndex::AppendContext(std::string_view resource, CreationContext context) {
    std::string bytes;
    bytes += static_cast<char>(context);
    contexts_by_id_->Append(resource, sequence_++, bytes);
    ++proven_;
}

void CreationIndex::Resolve(const DeploymentBefore& deployment_before) {
    // The ancestors of the entry being read that have entries: tree key, id, creation time.
    struct Open {
        std::string tree_key;
        std::string id;
        int64_t created_us;
    };
    std::vector<Open> chain;
    writes_->ForEachChunk(1u << 12, 1u << 20, [&](const StoredChunk& chunk) {
        for (const StoredGroup& group : chunk.groups) {
            // One record per resource; a second would be a second Add of it: the first counts.
            ByteFormReader in(chunk.records[group.first].bytes, kDamaged);
            std::string id(in.Text());
            const int64_t first_write_us = in.Int64();
            int64_t created_us = in.Int64();
            std::string_view correlation_id = in.Text();
            const auto first_answer = static_cast<WriteAnswer>(in.Varint());
            CreationContext context = CreationContext::kNone;
            // A first write inside a deployment in the log, unless answered OK (a redeployment
            // over an existing resource).
            if (created_us < 0 && !correlation_id.empty() && first_answer != WriteAnswer::kOk &&
                deployment_before(correlation_id, id, first_write_us)) {
                created_us = first_write_us;
                context = CreationContext::kDeployment;
            }
            while (!chain.empty() && !(group.key.size() > chain.back().tree_key.size() &&
                                       group.key.compare(0, chain.back().tree_key.size(),
                                                         chain.back().tree_key) == 0 &&
                                       group.key[chain.back().tree_key.size()] == '\x01'))
                chain.pop_back();
            // Else a first write after its container's creation in the log: the parent's, or
            // the resource group's for a top-level resource.
            if (created_us < 0) {
                std::string container = ContainerOf(id);
                for (auto it = chain.rbegin(); !container.empty() && it != chain.rend(); ++it)
                    if (it->id == container) {
                        if (it->created_us >= 0 && it->created_us <= first_write_us) {
                            created_us = first_write_us;
                            context = CreationContext::kParent;
                        }
                        break;
                    }
            }
            if (context != CreationContext::kNone) AppendContext(id, context);
            chain.push_back({std::string(group.key), std::move(id), created_us});
        }
    });
    writes_.reset();
    // In resource id order, for the passes' cursors: in memory up to a quarter of the budget.
    std::string out;
    auto flush = [&] {
        if (fd_ < 0) {
            std::string dir = spill_.spill_dir.empty() ? DefaultSpillDir() : spill_.spill_dir;
            std::string path = dir + "/minetrace-creations-XXXXXX";
            fd_ = mkstemp(path.data());
            if (fd_ < 0) Fail("cannot create in " + dir);
            unlink(path.c_str()); // gone with the process, however it ends
        }
        for (size_t done = 0; done < out.size();) {
            ssize_t put =
                pwrite(fd_, out.data() + done, out.size() - done, static_cast<off_t>(size_ + done));
            if (put < 0 && errno == EINTR) continue;
            if (put <= 0) Fail("write");
            done += static_cast<size_t>(put);
        }
        size_ += out.size();
        out.clear();
    };
    const size_t held = std::max<size_t>(spill_.budget_bytes / 4, 4u << 10);
    contexts_by_id_->ForEachChunk(1u << 12, 1u << 20, [&](const StoredChunk& chunk) {
        for (const StoredGroup& group : chunk.groups) {
            PutText(out, group.key);
            out += chunk.records[group.first].bytes.substr(0, 1);
            if (out.size() >= (fd_ >= 0 ? kReadBlock : held)) flush();
        }
    });
    contexts_by_id_.reset();
    if (fd_ >= 0) {
        flush();
    } else {
        size_ = out.size();
        memory_ = std::move(out);
    }
}

std::string_view CreationIndex::ReadContexts(uint64_t begin, size_t size,
                                             std::string& buffer) const {
    if (fd_ < 0) return std::string_view(memory_).substr(begin, size);
    buffer.resize(size);
    for (size_t done = 0; done < size;) {
        ssize_t got =
            pread(fd_, buffer.data() + done, size - done, static_cast<off_t>(begin + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) Fail("read");
        done += static_cast<size_t>(got);
    }
    return buffer;
}

// Decodes the next entry into key_/context_, reading the next block when the current one ends
// inside an entry (entries are far smaller than a block).
bool CreationIndex::Cursor::Load() {
    while (true) {
        if (!left_.empty()) {
            ByteFormReader in(left_, kDamaged);
            try {
                std::string_view key = in.Text();
                uint8_t context = 0;
                in.Copy(&context, 1);
                key_.assign(key);
                context_ = static_cast<CreationContext>(context);
                left_.remove_prefix(
                    static_cast<size_t>(key.data() + key.size() + 1 - left_.data()));
                return true;
            } catch (const std::runtime_error&) {
                if (at_ >= index_->size_) throw; // the last entry cut short: damaged
            }
        }
        if (at_ >= index_->size_) return false;
        size_t size = static_cast<size_t>(std::min<uint64_t>(kReadBlock, index_->size_ - at_));
        std::string read_buffer;
        std::string_view read = index_->ReadContexts(at_, size, read_buffer);
        at_ += size;
        std::string block(left_); // the undecoded tail first
        block.append(read);
        block_ = std::move(block);
        left_ = block_;
    }
}

CreationContext CreationIndex::Cursor::At(std::string_view resource) {
    while (true) {
        if (!has_) {
            if (!Load()) return CreationContext::kNone;
            has_ = true;
        }
        if (key_ < resource) {
            has_ = false;
            continue;
        }
        return key_ == resource ? context_ : CreationContext::kNone;
    }
}

} // namespace minetrace::analysis
