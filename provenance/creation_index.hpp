// CreationIndex: which resources the log proves were created by their first write through its
// context (a deployment in the log, or the creation of their container in the log), bounded in
// memory whatever the number of resources.
//
// Pass 1 adds every resource with a successful write (Add). Entries go to a RetainedStore (sorted
// runs spilled past its budget) under a key that sorts the resource tree depth first ('/' as the
// smallest byte), so Resolve walks it once with only the chain of ancestors in memory: a
// container always comes before what it contains, and everything between them is inside it.
// The resources with a proven context are kept in resource id order (in memory up to the
// budget, else an unlinked file) and read back pass by pass with a forward Cursor.
//
// Not thread-safe: Add, Resolve and Cursor from one thread (the passes' serial part).
#pragma once

#include "provenance/operation_folding.hpp"
#include "provenance/retained_store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace minetrace::analysis {

class CreationIndex {
  public:
    explicit CreationIndex(RetainedStoreOptions spill = {});
    ~CreationIndex();
    CreationIndex(const CreationIndex&) = delete;
    CreationIndex& operator=(const CreationIndex&) = delete;

    struct Write {
        int64_t first_write_us = 0;
        int64_t created_us = -1;         // -1: the write's own answer proves no creation
        std::string_view correlation_id; // of the first successful write
        WriteAnswer first_answer = WriteAnswer::kUnknown;
    };
    // `resource` lowercased; each resource once.
    void Add(std::string_view resource, const Write& write);

    // Whether a deployment in the log that carries `correlation_id`, other than `resource`
    // itself, was requested at or before `at_us`.
    using DeploymentBefore = std::function<bool(std::string_view correlation_id,
                                                std::string_view resource, int64_t at_us)>;
    // Once, after the last Add.
    void Resolve(const DeploymentBefore& deployment_before);

    // Reads the contexts in increasing resource order: At must be called with non-decreasing
    // resources (a pass's groups); kNone for every resource without a proven context.
    class Cursor {
      public:
        CreationContext At(std::string_view resource);

      private:
        friend class CreationIndex;
        explicit Cursor(const CreationIndex& index) : index_(&index) {}
        bool Load();
        const CreationIndex* index_;
        uint64_t at_ = 0;       // next unread byte of the contexts
        std::string block_;     // read from the file
        std::string_view left_; // undecoded part of the current block
        std::string key_;       // the entry under the cursor (valid when has_)
        CreationContext context_ = CreationContext::kNone;
        bool has_ = false;
    };
    Cursor Read() const { return Cursor(*this); }

    uint64_t resources() const { return resources_; }
    uint64_t proven() const { return proven_; } // by context

  private:
    void AppendContext(std::string_view resource, CreationContext context);
    std::string_view ReadContexts(uint64_t begin, size_t size, std::string& buffer) const;

    RetainedStoreOptions spill_;
    std::unique_ptr<RetainedStore> writes_;
    std::unique_ptr<RetainedStore> contexts_by_id_;
    uint64_t sequence_ = 0;
    uint64_t resources_ = 0;
    uint64_t proven_ = 0;
    // The resolved contexts, in resource id order: in `memory_`, or in file `fd_` past the budget.
    std::string memory_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

} // namespace minetrace::analysis
