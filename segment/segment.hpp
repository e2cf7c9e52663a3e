// Segments: the unit of work that merges. `minetrace ingest --segment FILE` runs the ingest of
// `investigate` and writes, instead of the outputs, what each of its consumers (accounting,
// coverage, investigation; ReplayableConsumer) took from every batch, file by file, with the
// catalog of the files read. `minetrace analyze SEGMENT...` replays the files of every segment in
// the order one run over all of them would have read them (by path), so that its outputs are
// those of that run, byte for byte (the manifest's `run` aside).
//
// The file: a header (magic, version, byte order, the rules' fingerprint, the inputs that could
// not be listed), the frames (one per batch: its file, then one digest per consumer), the
// catalog (per file: path, size, SHA-256, bytes consumed, where its frames are), a trailer (the
// catalog's offset and the SHA-256 of everything before the trailer). Written atomically
// (temporary, fsync, rename). A segment is verified whole before anything is replayed: a damaged,
// truncated, foreign-version or foreign-byte-order one is refused (SegmentRefused).
//
// Thread-safety: a SegmentRecorder is a consumer (the pipeline's serial sink); a Segment is read
// by one thread at a time.
#pragma once

#include "pipeline/batch.hpp"
#include "pipeline/replayable.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace minetrace {

inline constexpr uint32_t kSegmentVersion = 1;

struct SegmentRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One input file as a segment holds it.
struct SegmentFile {
    std::string path;
    uint64_t size = 0;
    std::string sha256; // of the bytes as stored; empty when unreadable
    uint64_t content_bytes = 0;
    std::string error;
    // The part read (FileSlice): from `begin` to `consumed`, just past its last record; the
    // size and SHA-256 are those of the file's bytes [0, size) read then.
    uint64_t begin = 0;
    uint64_t consumed = 0;
    uint64_t frames_begin = 0; // byte range of its frames in the segment
    uint64_t frames_end = 0;
    uint64_t frames = 0;
};

// The last consumer of a segment ingest: records the digests of `consumers` (which must come
// before it in the consumer list) and writes the segment when finished.
class SegmentRecorder : public BatchConsumer {
  public:
    // `paths`: the ingest's files (file_id indexes them); `rules_fingerprint`: RulesFingerprint;
    // `input_errors`: inputs that could not be listed.
    SegmentRecorder(const std::filesystem::path& file, std::vector<std::string> paths,
                    std::vector<ReplayableConsumer*> consumers,
                    const std::string& rules_fingerprint,
                    const std::vector<std::string>& input_errors);
    ~SegmentRecorder() override;
    SegmentRecorder(const SegmentRecorder&) = delete;
    SegmentRecorder& operator=(const SegmentRecorder&) = delete;

    void Consume(const Batch& batch) override;
    // After the last batch: the catalog and trailer, fsync, rename into place. Throws
    // std::runtime_error when writing failed (nothing is left at `file` then).
    void Finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Segment {
  public:
    // Opens and verifies `file`; throws SegmentRefused naming what is wrong.
    explicit Segment(const std::filesystem::path& file);
    ~Segment();
    Segment(Segment&&) noexcept;
    Segment& operator=(Segment&&) noexcept;

    const std::filesystem::path& file() const;
    const std::string& rules_fingerprint() const;
    const std::vector<std::string>& input_errors() const;
    const std::vector<SegmentFile>& files() const;
    size_t consumers() const; // digests per frame

    // Replays the frames of files()[index] into `consumers` (as many as consumers(); a null one
    // skips its digests), as file `file_id` of the replaying run.
    void Replay(size_t index, uint32_t file_id,
                const std::vector<ReplayableConsumer*>& consumers) const;
    // The frames of files()[index] as stored (CompactSegments copies them).
    std::string FrameBytes(size_t index) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Two segments hold the same path at the same offset: which one a run reads. A slice that read
// nothing (no complete record yet) gives way to one that did; the same slice twice is read
// once (keep the first); anything else is a conflict (the same file with other content).
enum class SliceChoice { kKeepFirst, kTakeSecond, kConflict };
SliceChoice ChooseSlice(const SegmentFile& first, const SegmentFile& second);

// One segment holding the files of all of `inputs` (each verified whole; all of the same rules),
// their frames copied as they are: a file (or slice) held by several is kept once, as analyze
// would read it, so analyzing the result gives what analyzing `inputs` gives. Written atomically.
// Throws SegmentRefused for an unusable input (other rules, the same file with other content).
void CompactSegments(const std::vector<std::filesystem::path>& inputs,
                     const std::filesystem::path& output);

} // namespace minetrace
