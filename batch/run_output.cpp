#include "batch/run_output.hpp"

#include "core/output_set.hpp"
#include "core/timestamp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace minetrace::batch {

namespace fs = std::filesystem;

namespace {

std::string Errno() {
    return std::strerror(errno);
}

bool IsTemporary(const std::string& name) {
    return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

void FsyncFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw std::runtime_error("cannot open " + path.string() + ": " + Errno());
    int rc = ::fsync(fd);
    std::string error = rc != 0 ? Errno() : "";
    ::close(fd);
    if (rc != 0) throw std::runtime_error("fsync " + path.string() + ": " + error);
}

// Every regular file and folder under `dir`, deepest first, then `dir` itself.
void FsyncTree(const fs::path& dir) {
    std::vector<fs::path> files, dirs;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
        std::error_code ec;
        fs::file_type type = e.symlink_status(ec).type();
        if (type == fs::file_type::regular)
            files.push_back(e.path());
        else if (type == fs::file_type::directory)
            dirs.push_back(e.path());
    }
    for (const fs::path& f : files) FsyncFile(f);
    std::sort(dirs.rbegin(), dirs.rend());
    for (const fs::path& d : dirs) FsyncDir(d);
    FsyncDir(dir);
}

} // namespace

std::string RunStamp(int64_t unix_us) {
    std::string text = FormatRfc3339Micros(unix_us); // YYYY-MM-DDTHH:MM:SS.ffffffZ
    return text.substr(0, 11) + text.substr(11, 2) + text.substr(14, 2) + text.substr(17, 2) + "Z";
}

RunOutput::RunOutput(fs::path out_dir, std::string stamp)
    : out_(std::move(out_dir)), stamp_(std::move(stamp)) {
    struct stat st {};
    if (::lstat(out_.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            throw std::runtime_error("the output folder " + out_.string() +
                                     " is a symlink: give the folder it points to");
        if (!S_ISDIR(st.st_mode))
            throw std::runtime_error("the output path " + out_.string() + " is not a folder");
    } else {
        std::error_code ec;
        fs::create_directories(out_, ec);
        if (ec) throw std::runtime_error("cannot create " + out_.string() + ": " + ec.message());
        FsyncDir(out_.parent_path());
    }
    std::string pattern = (out_ / ("." + stamp_ + ".tmp-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a folder in " + out_.string() + ": " + Errno());
    temp_ = pattern;
}

RunOutput::~RunOutput() {
    if (published_) return;
    std::error_code ec;
    fs::remove_all(temp_, ec);
}

void RunOutput::Write(const std::string& name, const std::function<void(std::ostream&)>& writer) {
    WriteAtomically(temp_, name, writer);
}

void RunOutput::Publish(const std::function<void(std::string_view)>& step) {
    FsyncTree(temp_);
    fs::path final_path = final_dir();
    struct stat st {};
    bool exists = ::lstat(final_path.c_str(), &st) == 0;
    if (exists && !S_ISDIR(st.st_mode))
        throw std::runtime_error(final_path.string() + " exists and is not a folder");
    if (!exists) {
        if (::rename(temp_.c_str(), final_path.c_str()) != 0)
            throw std::runtime_error("cannot rename " + temp_.string() + " to " +
                                     final_path.string() + ": " + Errno());
        published_ = true;
    } else {
        // The same night again: swap the new folder in, then remove the old one (now at temp_).
        if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_path.c_str(), RENAME_EXCHANGE) !=
            0) {
            if (errno != EINVAL && errno != ENOSYS)
                throw std::runtime_error("cannot replace " + final_path.string() + ": " + Errno());
            // No exchange on this file system: move the old one aside, then the new one in.
            fs::path aside = out_ / ("." + stamp_ + ".old.tmp-" + std::to_string(getpid()));
            std::error_code ec;
            fs::remove_all(aside, ec);
            if (::rename(final_path.c_str(), aside.c_str()) != 0 ||
                ::rename(temp_.c_str(), final_path.c_str()) != 0)
                throw std::runtime_error("cannot replace " + final_path.string() + ": " + Errno());
            temp_ = aside;
        }
        FsyncDir(out_);
        std::error_code ec;
        fs::remove_all(temp_, ec); // the old folder
        published_ = true;
    }
    FsyncDir(out_);
    if (step) step("output-renamed");

    fs::path link = out_ / kLatestLink;
    fs::path temp_link = out_ / (".latest.tmp-" + std::to_string(getpid()));
    ::unlink(temp_link.c_str());
    if (::symlink(stamp_.c_str(), temp_link.c_str()) != 0)
        throw std::runtime_error("cannot create " + temp_link.string() + ": " + Errno());
    if (::rename(temp_link.c_str(), link.c_str()) != 0) {
        std::string error = Errno();
        ::unlink(temp_link.c_str());
        throw std::runtime_error("cannot replace " + link.string() + ": " + error);
    }
    FsyncDir(out_);
}

std::vector<std::string> CleanOutputLeftovers(const fs::path& out_dir) {
    std::vector<std::string> removed;
    std::error_code ec;
    std::vector<fs::path> doomed;
    for (const fs::directory_entry& entry : fs::directory_iterator(out_dir, ec))
        if (IsTemporary(entry.path().filename().string())) doomed.push_back(entry.path());
    std::sort(doomed.begin(), doomed.end());
    for (const fs::path& path : doomed) {
        std::error_code remove_ec;
        fs::remove_all(path, remove_ec); // never follows a symlink: removes the link
        if (remove_ec)
            removed.push_back("could not remove " + path.string() + ": " + remove_ec.message());
        else
            removed.push_back("removed " + path.string());
    }
    if (!doomed.empty()) FsyncDir(out_dir);
    return removed;
}

} // namespace minetrace::batch
