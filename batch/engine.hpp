// The engine the batch runner drives: ingest byte ranges of input files into a segment, analyze
// a set of segments into an output folder, compact segments. The runner owns the file catalog,
// the state, the alerts and every commit; the engine owns the segment format and the analysis
// (issue 16 §1: `minetrace ingest --segment`, `minetrace analyze SEGMENT...`).
//
// Contract an implementation must keep (the runner's crash safety and alerts rely on it):
//   - Ingest reads only the bytes [begin, end) of each slice. A slice with begin > 0 starts at a
//     record boundary (the end of the last complete record of an earlier night). It returns, per
//     slice and in the order given, the offset just past the last complete record it consumed
//     (begin <= consumed_end <= end): a record cut off at `end` (a blob still being appended to)
//     is left for the next night. A file that cannot be opened or read is that slice's `error`
//     (its consumed_end then says how far it got, often begin); the other slices go on.
//   - Ingest, Compact write the whole segment to `segment_file` (a fresh path in the state
//     directory that does not exist yet) or throw; they need not rename or fsync it (the runner
//     fsyncs and renames it, and removes it when the run does not commit).
//   - Analyze writes into `out_dir` (an empty folder) exactly what `minetrace investigate` writes
//     for the records of `segments` (records in several segments count once), and returns the
//     findings. Same segments in -> byte-identical files and the same findings, in any order.
//   - Any method may throw std::exception on an internal failure; the runner then fails the
//     case (exit 1), commits nothing for it, and goes on with the next case.
// Thread-safety: the runner calls one method at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

// Ordered: a higher value is more severe. Rated resources use low..high; rule hits keep their
// rule's level (informational..critical).
enum class Severity : uint8_t { kInformational = 0, kLow, kMedium, kHigh, kCritical };

std::string_view SeverityName(Severity severity); // "informational" .. "critical"
// The name back (also "info"); false for anything else.
bool ParseSeverity(std::string_view text, Severity& out);

// Bytes [begin, end) of the file at `path`, in the file's stored bytes.
struct SegmentSlice {
    std::string path;
    uint64_t begin = 0;
    uint64_t end = 0;
};

struct SliceResult {
    uint64_t consumed_end = 0; // just past the last complete record read
    uint64_t records = 0;      // records read in the slice (kept or not)
    uint64_t quarantined = 0;  // of those, records that could not be read
    std::string error;         // a file-level failure (unreadable, corrupt); empty when none
};

// What a segment holds. Times are UTC microseconds since the epoch; -1 when it holds no dated
// record. The runner drops a segment from the look-back window by its newest record.
struct SegmentInfo {
    uint64_t records = 0;
    int64_t oldest_us = -1;
    int64_t newest_us = -1;
};

struct IngestResult {
    std::vector<SliceResult> slices; // one per slice, in the order given
    SegmentInfo segment;
};

// One finding of an analysis: a rated resource or a rule hit outside rated compute.
struct Finding {
    std::string resource_id; // as written; alerts compare it lowercased
    std::string kind;        // what was found: a finding class or rule id (stable across runs)
    std::string title;       // one line for people
    Severity severity = Severity::kLow;
    int64_t created_at_us = -1;        // the resource's creation (or the act, or the hit)
    std::string principal;             // who, as the reports name them; may be empty
    std::vector<std::string> evidence; // "file:line@offset sha256" of the records behind it
};

struct AnalyzeResult {
    std::vector<Finding> findings;
    uint64_t records = 0;     // records analyzed (after de-duplication)
    bool inputs_clean = true; // false when the analysis itself met unreadable evidence
};

// What the engine needs from the case's configuration.
struct EngineOptions {
    unsigned threads = 0;                     // 0: all cores
    std::vector<std::string> languages;       // "en", "ja"
    std::vector<std::filesystem::path> rules; // extra rule files and folders
};

class Engine {
  public:
    virtual ~Engine() = default;

    // Every configuration error (rules that do not load, ...) as text; empty when the options
    // can be run. Called before anything of the case is read or written.
    virtual std::vector<std::string> Check(const EngineOptions& options) = 0;

    virtual IngestResult Ingest(const std::vector<SegmentSlice>& slices,
                                const std::filesystem::path& segment_file,
                                const EngineOptions& options) = 0;

    virtual AnalyzeResult Analyze(const std::vector<std::filesystem::path>& segments,
                                  const std::filesystem::path& out_dir,
                                  const EngineOptions& options) = 0;

    // One segment holding the records of all of `segments` (each once).
    virtual SegmentInfo Compact(const std::vector<std::filesystem::path>& segments,
                                const std::filesystem::path& segment_file) = 0;
};

} // namespace minetrace::batch
