#include "batch/file_catalog.hpp"

#include "batch/json_line.hpp"
#include "core/json_writer.hpp"
#include "pipeline/ingest.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace minetrace::batch {

namespace {

constexpr std::array<std::string_view, 6> kChangeNames = {"new",       "grown",    "unchanged",
                                                          "rewritten", "vanished", "unreadable"};

// Feeds bytes [from, to) of `path` to `hash` (and to `also`, when given: the file is read once
// for both). Returns the error, empty on success; a file that ends before `to` is an error too.
std::string HashRange(const std::string& path, uint64_t from, uint64_t to, Sha256& hash,
                      Sha256* also = nullptr) {
    if (from >= to) return {};
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::strerror(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return "not a regular file";
    }
    std::string error;
    std::array<char, 1 << 16> buffer{};
    uint64_t at = from;
    while (at < to) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), to - at));
        ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::strerror(errno);
            break;
        }
        if (n == 0) {
            error = "ends at byte " + std::to_string(at) + ", before byte " + std::to_string(to);
            break;
        }
        hash.Update(buffer.data(), static_cast<size_t>(n));
        if (also != nullptr) also->Update(buffer.data(), static_cast<size_t>(n));
        at += static_cast<uint64_t>(n);
    }
    ::close(fd);
    return error;
}

int64_t MtimeNs(const struct stat& st) {
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

} // namespace

std::string_view FileChangeName(FileChange change) {
    return kChangeNames[static_cast<size_t>(change)];
}

std::vector<SegmentSlice> CatalogScan::Slices() const {
    std::vector<SegmentSlice> slices;
    for (const FileObservation& f : files)
        if ((f.change == FileChange::kNew || f.change == FileChange::kGrown) && f.begin < f.size)
            slices.push_back(SegmentSlice{f.path, f.begin, f.size});
    return slices;
}

size_t CatalogScan::Count(FileChange change, bool reported_only) const {
    size_t n = 0;
    for (const FileObservation& f : files)
        if (f.change == change && (f.reported || !reported_only)) ++n;
    return n;
}

CatalogScan FileCatalog::Scan(const std::vector<std::string>& inputs) const {
    CatalogScan scan;
    ExpandedInputs expanded = ExpandInputs(inputs);
    for (const std::string& missing : expanded.missing)
        scan.input_errors.push_back(missing + ": no such file or directory");
    for (const std::string& error : expanded.errors) scan.input_errors.push_back(error);

    std::set<std::string> seen;
    for (const std::string& path : expanded.files) {
        if (path == "-" || !seen.insert(path).second) continue;
        FileObservation f;
        f.path = path;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            f.change = FileChange::kUnreadable;
            f.detail = std::strerror(errno);
            scan.files.push_back(std::move(f));
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            f.change = FileChange::kUnreadable;
            f.detail = "not a regular file";
            scan.files.push_back(std::move(f));
            continue;
        }
        f.size = static_cast<uint64_t>(st.st_size);
        f.mtime_ns = MtimeNs(st);
        auto it = entries_.find(path);
        if (it == entries_.end()) {
            f.change = FileChange::kNew;
            scan.files.push_back(std::move(f));
            continue;
        }
        const CatalogEntry& e = it->second;
        f.begin = e.consumed;
        if (e.rewritten && f.size == e.rewritten_size && f.mtime_ns == e.rewritten_mtime_ns) {
            f.change = FileChange::kRewritten;
            f.reported = false;
            f.detail = "rewritten (reported before)";
        } else if (!e.rewritten && f.size == e.size && f.mtime_ns == e.mtime_ns) {
            f.change = FileChange::kUnchanged; // trusted: same size and mtime
        } else if (f.size < e.consumed) {
            f.change = FileChange::kRewritten;
            f.detail = "shrank to " + std::to_string(f.size) + " bytes, below the " +
                       std::to_string(e.consumed) + " bytes already read";
        } else {
            // One read feeds the check and the hasher the new bytes will continue.
            Sha256 check;
            auto prefix = std::make_unique<Sha256>();
            std::string error = HashRange(path, 0, e.consumed, check, prefix.get());
            if (!error.empty()) {
                f.change = FileChange::kUnreadable;
                f.detail = error;
            } else if (ToHex(check.Finish()) != e.prefix_sha256) {
                f.change = FileChange::kRewritten;
                f.detail =
                    "the first " + std::to_string(e.consumed) + " bytes, already read, changed";
            } else if (f.size > e.consumed) {
                f.change = FileChange::kGrown;
                f.prefix = std::move(prefix);
            } else {
                f.change = FileChange::kUnchanged; // touched, same bytes
            }
        }
        scan.files.push_back(std::move(f));
    }
    for (const auto& [path, e] : entries_) {
        if (seen.count(path)) continue;
        FileObservation f;
        f.path = path;
        f.change = FileChange::kVanished;
        f.size = e.size;
        f.mtime_ns = e.mtime_ns;
        f.begin = e.consumed;
        f.reported = e.vanished_us < 0;
        scan.files.push_back(std::move(f));
    }
    return scan;
}

void FileCatalog::Apply(CatalogScan& scan, const std::vector<uint64_t>& consumed_end,
                        int64_t now_us, int64_t forget_vanished_before_us) {
    std::map<std::string, CatalogEntry> next = entries_;
    size_t slice = 0;
    for (FileObservation& f : scan.files) {
        switch (f.change) {
        case FileChange::kNew:
        case FileChange::kGrown: {
            CatalogEntry& e = next[f.path];
            if (f.change == FileChange::kNew) {
                e = CatalogEntry{};
                e.path = f.path;
                e.first_seen_us = now_us;
            }
            uint64_t end = f.begin;
            if (f.begin < f.size) {
                if (slice >= consumed_end.size())
                    throw std::logic_error("fewer consumed ends than slices");
                end = consumed_end[slice++];
                if (end < f.begin || end > f.size)
                    throw std::logic_error("the engine consumed " + std::to_string(end) + " of " +
                                           f.path + ", outside its slice [" +
                                           std::to_string(f.begin) + ", " + std::to_string(f.size) +
                                           ")");
            }
            if (end > f.begin || f.change == FileChange::kNew) {
                Sha256 fresh;
                Sha256& hash = f.prefix ? *f.prefix : fresh;
                std::string error = HashRange(f.path, f.begin, end, hash);
                if (!error.empty())
                    throw std::runtime_error(f.path + " changed while it was read: " + error);
                e.prefix_sha256 = ToHex(hash.Finish());
                e.consumed = end;
            }
            e.size = f.size;
            e.mtime_ns = f.mtime_ns;
            e.vanished_us = -1;
            e.rewritten = false;
            break;
        }
        case FileChange::kUnchanged: {
            CatalogEntry& e = next[f.path];
            e.size = f.size;
            e.mtime_ns = f.mtime_ns;
            e.vanished_us = -1;
            e.rewritten = false;
            break;
        }
        case FileChange::kRewritten: {
            CatalogEntry& e = next[f.path];
            e.rewritten = true;
            e.rewritten_size = f.size;
            e.rewritten_mtime_ns = f.mtime_ns;
            e.vanished_us = -1;
            break;
        }
        case FileChange::kVanished: {
            CatalogEntry& e = next[f.path];
            if (e.vanished_us < 0) e.vanished_us = now_us;
            if (e.vanished_us < forget_vanished_before_us) next.erase(f.path);
            break;
        }
        case FileChange::kUnreadable:
            break; // retried next run; the entry (if any) stays
        }
    }
    if (slice != consumed_end.size()) throw std::logic_error("more consumed ends than slices");
    entries_ = std::move(next);
}

void AppendCatalogEntryJson(std::string& out, const CatalogEntry& e) {
    JsonObjectWriter j(out, JsonEmpty::kKeep);
    j.Str("type", "file").Str("path", e.path).Int("size", e.size);
    j.Raw("mtime_ns", std::to_string(e.mtime_ns)).Int("consumed", e.consumed);
    j.Str("prefix_sha256", e.prefix_sha256);
    j.Raw("first_seen_us", std::to_string(e.first_seen_us));
    j.Raw("vanished_us", std::to_string(e.vanished_us));
    j.Bool("rewritten", e.rewritten).Int("rewritten_size", e.rewritten_size);
    j.Raw("rewritten_mtime_ns", std::to_string(e.rewritten_mtime_ns));
    j.Close();
}

bool ParseCatalogEntryJson(std::string_view line, CatalogEntry& e, std::string& error) {
    thread_local JsonLineReader r;
    if (!r.Parse(line)) {
        error = r.error();
        return false;
    }
    e = CatalogEntry{};
    e.path = r.Str("path");
    e.size = r.U64("size");
    e.mtime_ns = r.I64("mtime_ns");
    e.consumed = r.U64("consumed");
    e.prefix_sha256 = r.Str("prefix_sha256");
    e.first_seen_us = r.I64("first_seen_us");
    e.vanished_us = r.I64("vanished_us");
    e.rewritten = r.Bool("rewritten");
    e.rewritten_size = r.U64("rewritten_size");
    e.rewritten_mtime_ns = r.I64("rewritten_mtime_ns");
    if (!r.ok()) {
        error = "file entry: " + r.error();
        return false;
    }
    if (e.path.empty() || e.prefix_sha256.size() != 64) {
        error = "file entry: empty path or malformed prefix_sha256";
        return false;
    }
    return true;
}

} // namespace minetrace::batch
