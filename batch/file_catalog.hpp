// The file catalog of one case: for every input file read so far, how much of it was read (the
// watermark, always at a record boundary: the engine says where) and the SHA-256 of that
// prefix, so a nightly run reads only what is new and notices what changed under it.
//
// Each run classifies the files found under the case's inputs against the catalog:
//   new        not in the catalog: read [0, size)
//   grown      its read prefix is intact and there are bytes past it: read [watermark, size)
//   unchanged  nothing to read
//   rewritten  the prefix already read changed, or the file shrank below it: never re-read.
//              It is reported in the run that finds it (and again only if it changes again);
//              its entry keeps the old watermark, and the segments read from its earlier form
//              stay. To read the new content, give it under another name (a new file).
//   vanished   in the catalog, no longer found: reported once; its segments stay; its entry is
//              kept (a folder unmounted for a night is not read again from zero) until it has
//              been gone for the look-back window
//   unreadable cannot be listed, stat'ed or opened (also a FIFO, socket or device): reported
//              each run, nothing recorded, retried the next run
// Cheap by default: a file whose size and mtime (ns) are those recorded is trusted unchanged
// without reading it. A file that grew or was touched has its read prefix re-hashed (reading
// the whole prefix) before anything new is read, so a rewrite that keeps size and mtime is not
// seen (documented in the README).
//
// Thread-safety: none; one run at a time (the state directory's lock).
#pragma once

#include "batch/engine.hpp"
#include "core/sha256.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

enum class FileChange : uint8_t { kNew, kGrown, kUnchanged, kRewritten, kVanished, kUnreadable };
std::string_view FileChangeName(FileChange change); // "new", "grown", ...

struct CatalogEntry {
    std::string path;
    uint64_t size = 0;         // at the last look
    int64_t mtime_ns = 0;      // at the last look
    uint64_t consumed = 0;     // the watermark: bytes [0, consumed) are in segments
    std::string prefix_sha256; // hex SHA-256 of bytes [0, consumed)
    int64_t first_seen_us = -1;
    int64_t vanished_us = -1; // the run that first missed it; -1 while present
    // Found rewritten: the size and mtime it had then, so the same form is reported once.
    bool rewritten = false;
    uint64_t rewritten_size = 0;
    int64_t rewritten_mtime_ns = 0;

    bool operator==(const CatalogEntry&) const = default;
};

struct FileObservation {
    std::string path;
    FileChange change = FileChange::kNew;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t begin = 0;   // new and grown: read from here to `size`
    bool reported = true; // false for what an earlier run reported already (rewritten, vanished)
    std::string detail;   // rewritten, unreadable: why
    // Grown: the hash of the verified prefix [0, begin), continued by Apply.
    std::unique_ptr<Sha256> prefix;
};

struct CatalogScan {
    std::vector<FileObservation> files;    // found files in input order, then vanished ones
    std::vector<std::string> input_errors; // inputs that do not exist, folders not listable

    // What the engine reads: the new and grown files with bytes to read, in input order.
    std::vector<SegmentSlice> Slices() const;
    size_t Count(FileChange change, bool reported_only = true) const;
};

class FileCatalog {
  public:
    // Every file under `inputs` (files and folders, walked as `investigate` walks them: sorted
    // byte-wise, symlinked folders not entered), classified. Reads the prefixes it must verify.
    CatalogScan Scan(const std::vector<std::string>& inputs) const;

    // Records a scan and what the ingest consumed: consumed_end[i] for Slices()[i]. Hashes the
    // newly consumed bytes onto each prefix (reading them once more). Forgets entries that
    // vanished before `forget_vanished_before_us`. Throws std::runtime_error when a consumed
    // range can no longer be read (the file changed during the run: nothing is recorded then,
    // and the next run starts from the previous catalog), std::logic_error when an end lies
    // outside its slice.
    void Apply(CatalogScan& scan, const std::vector<uint64_t>& consumed_end, int64_t now_us,
               int64_t forget_vanished_before_us);

    const std::map<std::string, CatalogEntry>& entries() const { return entries_; }
    void Put(CatalogEntry entry) { entries_[entry.path] = std::move(entry); }

  private:
    std::map<std::string, CatalogEntry> entries_;
};

// One entry as a JSON object (`{"type": "file", ...}`, no newline), and back. Parse returns
// false with `error` set for a line that is not a complete, valid entry.
void AppendCatalogEntryJson(std::string& out, const CatalogEntry& entry);
bool ParseCatalogEntryJson(std::string_view line, CatalogEntry& entry, std::string& error);

} // namespace minetrace::batch
