// The output set: the files one run writes into its output directory, written so that a reader
// can never take a half-finished or mixed set for an answer.
//
// Claim (the constructor), before any input is read:
//   - the directory must not be a symlink; it is created (0755, parents too) when absent;
//   - empty: taken. Holding an earlier run's files (any name in `owned`, a completion marker,
//     a temporary): refused unless `force`, which removes those files (never any other) first.
//     Holding files no run writes: refused unless `force`, and those files are left alone;
//   - a run that did not complete (its in-progress marker left behind, its process gone) is
//     cleaned up without `force` and said in notes(); one still running on this host is refused.
//   Refusals throw OutputSetRefused (a usage error); I/O failures std::runtime_error.
// Write: each file goes to a fresh temporary `.NAME.tmp-XXXXXX` in the directory (O_CREAT |
//   O_EXCL | O_NOFOLLOW: a symlink planted there is never followed), is fsynced and renamed over
//   NAME (rename replaces a planted symlink, never writes through it). Its size and SHA-256 are
//   taken as it is written. A failed write removes its temporary.
// Commit: writes the completion marker (kCompletionFile) last, the same way: the tool version and
//   every file with bytes and SHA-256; fsyncs the directory and removes the in-progress marker.
//   A set is complete iff its completion marker is there and every file matches it.
//
// Thread-safety: Write may be called from several threads at once (distinct names); the
// constructor and Commit from one.
#pragma once

#include "core/sha256.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace minetrace {

inline constexpr const char* kCompletionFile = "completion.json";
inline constexpr const char* kInProgressFile = ".minetrace-run";

struct OutputSetRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct WrittenFile {
    std::string name;
    uint64_t bytes = 0;
    Sha256Digest sha256{};
};

// One file being written atomically: a fresh temporary in `dir` (O_CREAT | O_EXCL), renamed over
// NAME by Finish after fsync; destroyed unfinished, the temporary is removed. Not thread-safe.
class PendingOutput {
  public:
    PendingOutput(const std::filesystem::path& dir, const std::string& name, unsigned mode = 0644);
    ~PendingOutput();
    PendingOutput(const PendingOutput&) = delete;
    PendingOutput& operator=(const PendingOutput&) = delete;

    std::ostream& stream();
    // Throws std::runtime_error("writing NAME failed: ...") when anything failed.
    WrittenFile Finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// PendingOutput in one call.
WrittenFile WriteAtomically(const std::filesystem::path& dir, const std::string& name,
                            const std::function<void(std::ostream&)>& writer, unsigned mode = 0644);

class OutputSet {
  public:
    // `owned`: every file name a run of this kind may write (all languages), so that an earlier
    // run's files are known as such.
    OutputSet(const std::filesystem::path& dir, const std::set<std::string>& owned, bool force);
    ~OutputSet();
    OutputSet(const OutputSet&) = delete;
    OutputSet& operator=(const OutputSet&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // What the claim found and did (an earlier run removed, a half-finished one cleaned up).
    const std::vector<std::string>& notes() const { return notes_; }

    // Writes NAME (a plain file name) atomically through `writer`; `mode` is its permission bits.
    // Throws std::runtime_error("writing NAME failed: ...") when anything fails.
    void Write(const std::string& name, const std::function<void(std::ostream&)>& writer,
               unsigned mode = 0644);
    // A file written through a PendingOutput of dir(): counted in the set.
    void Record(WrittenFile file);
    // The completion marker, last; `tool` names the writer (name and version).
    void Commit(const std::string& tool);

    std::vector<WrittenFile> written() const;

  private:
    std::filesystem::path dir_;
    std::vector<std::string> notes_;
    mutable std::mutex mutex_;
    std::vector<WrittenFile> written_;
    bool committed_ = false;
};

// Makes the renames and unlinks done in `dir` durable (fsync of the directory); best effort: a
// directory that cannot be opened is left alone.
void FsyncDir(const std::filesystem::path& dir);

// True when `path` is `dir` or lies inside it (both resolved: symlinks, `..`).
bool IsInside(const std::filesystem::path& path, const std::filesystem::path& dir);

} // namespace minetrace
