// The state directory of `minetrace batch`: one lock for the whole directory, and per case a
// committed state file and the segments it lists.
//
//   STATE/lock                          flock(2) target; holds "pid host" of the run holding it
//   STATE/cases/NAME/state.jsonl        the case's committed state (case_state.hpp)
//   STATE/cases/NAME/segments/*.seg     the segments it lists
//
// Crash safety: a run writes everything new under fresh names (segments as `.NAME.tmp-*` renamed
// to NAME, temporaries of the state file as `.state.jsonl.tmp-*`), and commits a case by one
// rename of its state file, after fsync of the file, before fsync of the folder. Until that
// rename the previous state is the state, whatever was killed when; after it the new one is. What
// a killed run leaves (temporaries, segments no committed state lists) is removed by the next run
// (CleanLeftovers), which says what it removed.
//
// Thread-safety: a StateLock is one holder; StateDir's methods are for the lock's holder.
#pragma once

#include "batch/case_state.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace minetrace::batch {

// Another run holds the lock (and kept it for the whole wait).
struct StateLockBusy : std::runtime_error {
    StateLockBusy(const std::string& message, long pid)
        : std::runtime_error(message), holder(pid) {}
    long holder; // its pid, 0 when unknown
};

// The state in a case's file cannot be used (cut short, altered, another schema).
struct StateCorrupt : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class StateLock {
  public:
    // Takes the exclusive lock of `dir` (created with its parents when absent), waiting up to
    // `wait_seconds` for a holder to release it. Throws StateLockBusy when it stays held,
    // std::runtime_error when the directory or lock file cannot be made or opened. The lock is
    // released by the destructor, and by the kernel when the process dies however it dies.
    StateLock(const std::filesystem::path& dir, double wait_seconds);
    ~StateLock();
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;

  private:
    int fd_ = -1;
};

class StateDir {
  public:
    explicit StateDir(std::filesystem::path root) : root_(std::move(root)) {}

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path CaseDir(const std::string& name) const;
    std::filesystem::path SegmentDir(const std::string& name) const;
    std::filesystem::path StateFile(const std::string& name) const;

    // The committed state; nullopt when the case has none yet. Throws StateCorrupt.
    std::optional<CaseState> Load(const std::string& name) const;

    // Creates the case's folders (durably) when absent.
    void Prepare(const std::string& name) const;

    // Commits `state` as the case's state: temp file, fsync, rename, fsync of the folder.
    void Commit(const CaseState& state) const;

    // Removes what a killed run left in the case's folders: temporaries, and segments that
    // `committed` (nullptr: no committed state) does not list. Returns one line per removal.
    std::vector<std::string> CleanLeftovers(const std::string& name,
                                            const CaseState* committed) const;

    // Removes segment files the committed state no longer lists (after a commit that dropped or
    // compacted them). Missing files are fine.
    void RemoveSegments(const std::string& name, const std::vector<std::string>& files) const;

  private:
    std::filesystem::path root_;
};

} // namespace minetrace::batch
