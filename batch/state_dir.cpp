#include "batch/state_dir.hpp"

#include "core/output_set.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace minetrace::batch {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLockFile = "lock";
constexpr const char* kStateFile = "state.jsonl";

std::string Errno() {
    return std::strerror(errno);
}

// Creates `dir` and its parents, fsyncing each parent whose entry was added.
void CreateDurably(const fs::path& dir) {
    if (fs::is_directory(dir)) return;
    if (dir.has_parent_path() && dir.parent_path() != dir) CreateDurably(dir.parent_path());
    std::error_code ec;
    if (!fs::create_directory(dir, ec) && ec)
        throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    FsyncDir(dir.parent_path());
}

// "pid host" as the holder wrote it; "" when unreadable.
std::string ReadHolder(const fs::path& lock) {
    std::ifstream in(lock);
    std::string text;
    std::getline(in, text);
    return text;
}

bool IsTemporary(const std::string& name) {
    return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

} // namespace

StateLock::StateLock(const fs::path& dir, double wait_seconds) {
    CreateDurably(dir);
    fs::path lock = dir / kLockFile;
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + lock.string() + ": " + Errno());
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(wait_seconds < 0 ? 0 : wait_seconds));
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) {
            std::string error = Errno();
            ::close(fd_);
            throw std::runtime_error("cannot lock " + lock.string() + ": " + error);
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            std::string holder = ReadHolder(lock);
            long pid = std::strtol(holder.c_str(), nullptr, 10);
            ::close(fd_);
            fd_ = -1;
            std::ostringstream message;
            message << "another minetrace batch run holds " << lock.string();
            if (pid > 0)
                message << " (pid " << pid
                        << (holder.find(' ') != std::string::npos
                                ? " on " + holder.substr(holder.find(' ') + 1)
                                : std::string())
                        << ")";
            message << (wait_seconds > 0 ? "; gave up waiting" : "")
                    << "; use --wait SECONDS to wait for it";
            throw StateLockBusy(message.str(), pid);
        }
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            deadline - now, std::chrono::milliseconds(50)));
    }
    // Name the holder for whoever waits next. The content is informative only: the lock is the
    // flock, which the kernel drops with the process.
    char host[256] = {};
    static_cast<void>(gethostname(host, sizeof host - 1));
    std::string holder = std::to_string(getpid()) + " " + host + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        ssize_t n = ::pwrite(fd_, holder.data(), holder.size(), 0);
        static_cast<void>(n);
    }
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_); // closing the last descriptor releases the flock
}

fs::path StateDir::CaseDir(const std::string& name) const {
    return root_ / "cases" / name;
}

fs::path StateDir::SegmentDir(const std::string& name) const {
    return CaseDir(name) / "segments";
}

fs::path StateDir::StateFile(const std::string& name) const {
    return CaseDir(name) / kStateFile;
}

std::optional<CaseState> StateDir::Load(const std::string& name) const {
    fs::path file = StateFile(name);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec))) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw StateCorrupt("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    CaseState state;
    std::string error;
    if (!ParseCaseState(text.str(), state, error)) throw StateCorrupt(file.string() + ": " + error);
    if (state.case_name != name)
        throw StateCorrupt(file.string() + ": holds the state of case '" + state.case_name + "'");
    return state;
}

void StateDir::Prepare(const std::string& name) const {
    CreateDurably(SegmentDir(name));
}

void StateDir::Commit(const CaseState& state) const {
    fs::path dir = CaseDir(state.case_name);
    std::string text = SerializeCaseState(state);
    WriteAtomically(dir, kStateFile, [&](std::ostream& out) { out << text; });
    FsyncDir(dir);
}

std::vector<std::string> StateDir::CleanLeftovers(const std::string& name,
                                                  const CaseState* committed) const {
    std::vector<std::string> removed;
    std::set<std::string> listed;
    if (committed != nullptr)
        for (const SegmentRecord& s : committed->segments) listed.insert(s.file);
    auto sweep = [&](const fs::path& dir, bool segments) {
        std::error_code ec;
        std::vector<fs::path> doomed;
        for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
            std::string file = entry.path().filename().string();
            bool leftover = IsTemporary(file) || (segments && !listed.count(file));
            if (segments || IsTemporary(file)) {
                std::error_code type_ec;
                if (entry.symlink_status(type_ec).type() == fs::file_type::directory) continue;
            }
            if (leftover) doomed.push_back(entry.path());
        }
        std::sort(doomed.begin(), doomed.end());
        for (const fs::path& path : doomed) {
            std::error_code remove_ec;
            if (fs::remove(path, remove_ec))
                removed.push_back("removed " + path.string());
            else if (remove_ec)
                removed.push_back("could not remove " + path.string() + ": " + remove_ec.message());
        }
        if (!doomed.empty()) FsyncDir(dir);
    };
    sweep(CaseDir(name), false);
    sweep(SegmentDir(name), true);
    return removed;
}

void StateDir::RemoveSegments(const std::string& name,
                              const std::vector<std::string>& files) const {
    if (files.empty()) return;
    for (const std::string& file : files) ::unlink((SegmentDir(name) / file).c_str());
    FsyncDir(SegmentDir(name));
}

} // namespace minetrace::batch
