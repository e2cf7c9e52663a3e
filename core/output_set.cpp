#include "core/output_set.hpp"

#include "core/json_writer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>

namespace minetrace {

namespace fs = std::filesystem;

namespace {

std::string Errno() {
    return std::strerror(errno);
}

// A file descriptor's stream that hashes what it writes. Write errors are kept, not thrown, and
// reported by Close (an ostream swallows exceptions from its buffer).
class HashingFileBuf : public std::streambuf {
  public:
    explicit HashingFileBuf(int fd) : fd_(fd) { setp(buffer_.data(), buffer_.data() + kSize); }
    ~HashingFileBuf() override = default;
    HashingFileBuf(const HashingFileBuf&) = delete;
    HashingFileBuf& operator=(const HashingFileBuf&) = delete;

    // Flushes, fsyncs; returns the error text, empty when all went well.
    std::string Finish(WrittenFile& file) {
        Drain();
        if (error_.empty() && fsync(fd_) != 0) error_ = "fsync: " + Errno();
        file.bytes = bytes_;
        file.sha256 = hash_.Finish();
        return error_;
    }

  protected:
    int_type overflow(int_type ch) override {
        if (!Drain()) return traits_type::eof();
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        *pptr() = traits_type::to_char_type(ch);
        pbump(1);
        return ch;
    }
    int sync() override { return Drain() ? 0 : -1; }

  private:
    static constexpr size_t kSize = 1u << 16;

    bool Drain() {
        const char* data = pbase();
        size_t size = static_cast<size_t>(pptr() - pbase());
        setp(buffer_.data(), buffer_.data() + kSize);
        if (!error_.empty()) return false;
        hash_.Update(data, size);
        bytes_ += size;
        while (size > 0) {
            ssize_t n = ::write(fd_, data, size);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                error_ = "write: " + Errno();
                return false;
            }
            data += n;
            size -= static_cast<size_t>(n);
        }
        return true;
    }

    int fd_;
    std::array<char, kSize> buffer_{};
    Sha256 hash_;
    uint64_t bytes_ = 0;
    std::string error_;
};

// The temporaries a run writes: ".NAME.tmp-XXXXXX".
bool IsTemporary(const std::string& name) {
    return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

// The pid and host in an in-progress marker: "pid host\n".
bool StillRunning(const fs::path& marker) {
    std::string text(256, '\0');
    int fd = ::open(marker.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = ::read(fd, text.data(), text.size() - 1);
    ::close(fd);
    if (n <= 0) return false;
    text.resize(static_cast<size_t>(n));
    long pid = std::strtol(text.c_str(), nullptr, 10);
    size_t space = text.find(' ');
    std::string host = space == std::string::npos ? "" : text.substr(space + 1);
    while (!host.empty() && (host.back() == '\n' || host.back() == '\r')) host.pop_back();
    char self[256] = {};
    if (gethostname(self, sizeof self - 1) != 0 || host != self) return false;
    return pid > 0 && pid != getpid() &&
           (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

} // namespace

void FsyncDir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    static_cast<void>(fsync(fd));
    ::close(fd);
}

bool IsInside(const fs::path& path, const fs::path& dir) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    fs::path d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    auto [d_end, p_it] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
    if (d_end == d.end()) return true;
    // A trailing empty element ("dir/") matches too.
    return std::next(d_end) == d.end() && d_end->empty();
}

struct PendingOutput::Impl {
    fs::path dir;
    std::string temp;
    int fd = -1;
    unsigned mode = 0644;
    WrittenFile file;
    std::unique_ptr<HashingFileBuf> buffer;
    std::unique_ptr<std::ostream> stream;
};

PendingOutput::PendingOutput(const fs::path& dir, const std::string& name, unsigned mode)
    : impl_(std::make_unique<Impl>()) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        throw std::runtime_error("writing " + name + " failed: not a plain file name");
    impl_->dir = dir;
    impl_->mode = mode;
    impl_->file.name = name;
    impl_->temp = (dir / ("." + name + ".tmp-XXXXXX")).string();
    // mkostemp opens with O_CREAT | O_EXCL, so it never follows a symlink planted at that name.
    impl_->fd = mkostemp(impl_->temp.data(), O_CLOEXEC);
    if (impl_->fd < 0) throw std::runtime_error("writing " + name + " failed: " + Errno());
    impl_->buffer = std::make_unique<HashingFileBuf>(impl_->fd);
    impl_->stream = std::make_unique<std::ostream>(impl_->buffer.get());
}

PendingOutput::~PendingOutput() {
    if (!impl_ || impl_->fd < 0) return;
    impl_->stream.reset();
    impl_->buffer.reset();
    ::close(impl_->fd);
    ::unlink(impl_->temp.c_str());
}

std::ostream& PendingOutput::stream() {
    return *impl_->stream;
}

WrittenFile PendingOutput::Finish() {
    Impl& i = *impl_;
    if (i.fd < 0) throw std::logic_error("PendingOutput finished twice");
    i.stream->flush();
    std::string error = i.buffer->Finish(i.file);
    if (error.empty() && !*i.stream) error = "the writer's stream failed";
    if (error.empty() && fchmod(i.fd, i.mode) != 0) error = "chmod: " + Errno();
    int fd = i.fd;
    i.fd = -1;
    i.stream.reset();
    i.buffer.reset();
    if (::close(fd) != 0 && error.empty()) error = "close: " + Errno();
    if (error.empty() && ::rename(i.temp.c_str(), (i.dir / i.file.name).c_str()) != 0)
        error = "rename: " + Errno();
    if (!error.empty()) {
        ::unlink(i.temp.c_str());
        throw std::runtime_error("writing " + i.file.name + " failed: " + error);
    }
    return i.file;
}

WrittenFile WriteAtomically(const fs::path& dir, const std::string& name,
                            const std::function<void(std::ostream&)>& writer, unsigned mode) {
    PendingOutput out(dir, name, mode);
    writer(out.stream());
    return out.Finish();
}

OutputSet::OutputSet(const fs::path& dir, const std::set<std::string>& owned, bool force)
    : dir_(dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            throw OutputSetRefused("the output directory " + dir.string() +
                                   " is a symlink: give the directory it points to");
        if (!S_ISDIR(st.st_mode))
            throw OutputSetRefused("the output path " + dir.string() + " is not a directory");
    } else {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw OutputSetRefused("cannot create " + dir.string() + ": " + ec.message());
    }

    std::vector<std::string> ours, foreign;
    bool complete = false;
    bool unfinished = false;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name == kCompletionFile)
            complete = true;
        else if (name == kInProgressFile)
            unfinished = true;
        if (name == kCompletionFile || name == kInProgressFile || owned.count(name) ||
            IsTemporary(name))
            ours.push_back(name);
        else
            foreign.push_back(name);
    }
    if (ec) throw OutputSetRefused("cannot list " + dir.string() + ": " + ec.message());
    std::sort(ours.begin(), ours.end());
    std::sort(foreign.begin(), foreign.end());

    if (unfinished && StillRunning(dir / kInProgressFile))
        throw OutputSetRefused("another minetrace run is writing into " + dir.string());
    if (!force && !foreign.empty())
        throw OutputSetRefused("the output directory " + dir.string() +
                               " holds files minetrace did not write (" + foreign.front() +
                               (foreign.size() > 1 ? ", ..." : "") +
                               "): give an empty or new directory, or --force to write beside "
                               "them");
    // Owned names without the in-progress marker: an earlier run's set (complete or from a
    // version without markers), or names planted there. Either way not this run's to replace.
    if (!force && !unfinished && !ours.empty())
        throw OutputSetRefused("the output directory " + dir.string() +
                               " holds an earlier run's results: give a new directory, or "
                               "--force to replace them");
    if (!ours.empty()) {
        // The earlier run's completion marker goes first: from then on its set reads as
        // incomplete, whatever happens next.
        ::unlink((dir / kCompletionFile).c_str());
        for (const std::string& name : ours) ::unlink((dir / name).c_str());
        FsyncDir(dir);
        notes_.push_back(std::string(unfinished && !complete
                                         ? "cleaned up a run that did not complete: "
                                         : "removed the earlier run's files: ") +
                         std::to_string(ours.size()) + " in " + dir.string());
    }
    if (!foreign.empty())
        notes_.push_back("left " + std::to_string(foreign.size()) +
                         " files minetrace did not write in " + dir.string());

    // The in-progress marker: a reader (and the next run) sees that this set is not complete.
    char host[256] = {};
    static_cast<void>(gethostname(host, sizeof host - 1));
    std::string marker = std::to_string(getpid()) + " " + host + "\n";
    WriteAtomically(
        dir, kInProgressFile, [&](std::ostream& o) { o << marker; }, 0644);
    FsyncDir(dir);
}

OutputSet::~OutputSet() = default;

void OutputSet::Write(const std::string& name, const std::function<void(std::ostream&)>& writer,
                      unsigned mode) {
    Record(WriteAtomically(dir_, name, writer, mode));
}

void OutputSet::Record(WrittenFile file) {
    std::lock_guard<std::mutex> lock(mutex_);
    written_.push_back(std::move(file));
}

std::vector<WrittenFile> OutputSet::written() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<WrittenFile> files = written_;
    std::sort(files.begin(), files.end(),
              [](const WrittenFile& a, const WrittenFile& b) { return a.name < b.name; });
    return files;
}

void OutputSet::Commit(const std::string& tool) {
    if (committed_) return;
    FsyncDir(dir_); // the renames above are durable before the marker says so
    std::vector<WrittenFile> files = written();
    std::string text;
    JsonObjectWriter j(text, JsonEmpty::kKeep);
    j.Str("schema", "minetrace-completion/1").Str("tool", tool).Key("files");
    text += '[';
    for (size_t i = 0; i < files.size(); ++i) {
        if (i) text += ", ";
        JsonObjectWriter f(text, JsonEmpty::kKeep);
        f.Str("name", files[i].name).Int("bytes", files[i].bytes);
        f.Str("sha256", ToHex(files[i].sha256));
        f.Close();
    }
    text += ']';
    j.Close();
    text += '\n';
    WriteAtomically(
        dir_, kCompletionFile, [&](std::ostream& o) { o << text; }, 0644);
    ::unlink((dir_ / kInProgressFile).c_str());
    FsyncDir(dir_);
    committed_ = true;
}

} // namespace minetrace
