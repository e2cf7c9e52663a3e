// Helpers of the batch tests: fresh folders, the fake engine's input records, night times, and
// snapshots of folder trees (to compare a crashed-and-rerun night with an uninterrupted one).
#pragma once

#include "core/json_writer.hpp"
#include "core/timestamp.hpp"
#include "unit/test_util.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

namespace minetrace::batch::test {

namespace fs = std::filesystem;

// An empty folder of its own for one test (removed first if a previous run left it). `memory`:
// on /dev/shm when there is one (tmpfs: fsync costs nothing there). The crash tests use it: a
// process killed with SIGKILL leaves the page cache as it was, so durability across a power
// loss (what fsync is for) is not what they test, and fsync on a disk makes their hundreds of
// runs take minutes.
inline fs::path FreshDir(const std::string& name, bool memory = false) {
    fs::path base =
        memory && fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path dir = base / ("minetrace-batch-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// 02:00 UTC (or `hour`) of day `day` after 2026-01-01.
inline int64_t Night(int day, int hour = 2) {
    return (DaysFromCivil(2026, 1, 1) + day) * int64_t{86400000000} + hour * int64_t{3600000000};
}

inline std::string Rfc3339(int64_t us) {
    return FormatRfc3339Micros(us);
}

// One record of the fake engine's input, with its newline. An empty kind is benign activity.
inline std::string Rec(int64_t time_us, const std::string& resource, const std::string& kind = "",
                       const std::string& severity = "low", const std::string& principal = "") {
    std::string line;
    JsonObjectWriter j(line, JsonEmpty::kOmit);
    j.Str("time", FormatRfc3339Micros(time_us)).Str("resource", resource);
    j.Str("kind", kind).Str("severity", severity).Str("principal", principal);
    j.Close();
    return line + "\n";
}

inline void Append(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

inline void WriteFile(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    minetrace::test::WriteFile(path, text);
}

using minetrace::test::ReadFile;

// Every entry under `root`: relative path -> content ("-> target" for a symlink, "<dir>" for a
// folder). The state directory's lock file (its content is the last holder's pid) is left out.
inline std::map<std::string, std::string> Snapshot(const fs::path& root) {
    std::map<std::string, std::string> tree;
    if (!fs::exists(root)) return tree;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(root)) {
        std::string rel = fs::relative(e.path(), root).string();
        if (e.path().filename() == "lock") continue;
        if (e.is_symlink())
            tree[rel] = "-> " + fs::read_symlink(e.path()).string();
        else if (e.is_directory())
            tree[rel] = "<dir>";
        else
            tree[rel] = ReadFile(e.path());
    }
    return tree;
}

// Lines of a file (without their newlines).
inline std::vector<std::string> Lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

} // namespace minetrace::batch::test
