// One run's output folder for a case, published whole or not at all:
//
//   OUT/YYYY-MM-DDTHHMMSSZ/    the run's files (the investigate outputs, alerts, batch-run.json)
//   OUT/latest -> YYYY-MM-DDTHHMMSSZ
//
// The files are written into a fresh temporary folder OUT/.STAMP.tmp-XXXXXX (mkdtemp), which
// Publish fsyncs (every file and folder in it), renames to OUT/STAMP and fsyncs OUT; `latest` is
// replaced by a new symlink made under a temporary name and renamed over it. A reader of OUT
// never sees a half-written run folder under a dated name, nor a `latest` that points nowhere
// it did not finish. A folder of the same STAMP (the same night run again after a crash) is
// swapped out atomically (renameat2 RENAME_EXCHANGE where the file system has it) and removed.
// Temporaries a killed run leaves are removed by CleanOutputLeftovers at the next run.
//
// Thread-safety: one RunOutput per case and run; not shared.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

inline constexpr const char* kLatestLink = "latest";

// "YYYY-MM-DDTHHMMSSZ" of a UTC time (seconds; the fraction is dropped).
std::string RunStamp(int64_t unix_us);

class RunOutput {
  public:
    // Creates `out_dir` (and parents) when absent and a fresh temporary folder in it. Throws
    // std::runtime_error when either cannot be made, or when `out_dir` is a symlink or a file.
    RunOutput(std::filesystem::path out_dir, std::string stamp);
    // Unpublished: the temporary folder is removed.
    ~RunOutput();
    RunOutput(const RunOutput&) = delete;
    RunOutput& operator=(const RunOutput&) = delete;

    const std::filesystem::path& temp_dir() const { return temp_; }
    std::filesystem::path final_dir() const { return out_ / stamp_; }

    // Writes NAME in the temporary folder atomically (core/output_set.hpp's WriteAtomically).
    void Write(const std::string& name, const std::function<void(std::ostream&)>& writer);

    // Publishes the folder and points `latest` at it. `step` (may be empty) is called between
    // the two renames, for the crash tests. Throws std::runtime_error on an I/O failure.
    void Publish(const std::function<void(std::string_view)>& step);

  private:
    std::filesystem::path out_;
    std::string stamp_;
    std::filesystem::path temp_;
    bool published_ = false;
};

// Removes the temporaries of killed runs from `out_dir` (`.*.tmp-*` folders and links); returns
// one line per removal. A missing `out_dir` is fine.
std::vector<std::string> CleanOutputLeftovers(const std::filesystem::path& out_dir);

} // namespace minetrace::batch
