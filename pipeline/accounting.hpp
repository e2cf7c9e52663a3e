// Accounting: the sink that makes sure no record is lost silently. For every input file it
// keeps its identity (path, size, SHA-256, compression, detected shape) and its record counts
// (read = events + ignored + quarantined), writes quarantine.jsonl as records are quarantined
// (at most QuarantineLimits of them; every one is counted either way), and writes manifest.json at
// the end.
//
// Thread-safety: Consume runs on the pipeline's serial sink only.
#pragma once

#include "pipeline/ingest.hpp"
#include "pipeline/replayable.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

struct FileAccount {
    FileSummary summary;
    uint64_t records_read = 0;
    uint64_t events = 0;
    // Of `events`, the later copies of an event an earlier record (of this file or an earlier
    // one) already gave: the same event in overlapping exports. Set after ingest (SetDuplicates).
    uint64_t duplicates = 0;
    std::map<std::string, uint64_t> ignored;     // by kind
    std::map<std::string, uint64_t> quarantined; // by reason
    // Of `quarantined`, those not written to quarantine.jsonl (QuarantineLimits), by reason.
    std::map<std::string, uint64_t> quarantine_unwritten;
    std::array<uint64_t, 5> kind_counts{}; // events by SourceKind (indexed by its value)
    std::map<std::string, uint64_t> record_kinds() const; // events by source kind name
    uint64_t ignored_total() const;
    uint64_t quarantined_total() const;
    uint64_t quarantine_unwritten_total() const;
    bool reconciled() const {
        return records_read == events + ignored_total() + quarantined_total();
    }
};

// Facts about the run. Everything that changes from run to run (times, host, duration, thread
// count) goes under the manifest's "run" key so the rest is reproducible byte for byte.
struct RunInfo {
    std::vector<std::string> command_line;
    std::vector<std::string> input_errors; // directories that could not be listed
    std::vector<std::string> rule_sources;
    std::string started_at;
    std::string finished_at;
    double duration_seconds = 0;
    std::string host;
    unsigned threads = 0;
};

// How many quarantined records quarantine.jsonl holds: the first `per_file` of each file and the
// first `total` of the run, in input order (files in pipeline order, records in file order), so
// the same at any thread count and batch size. A line is at most about 1.3 KB (the excerpt is the
// record's first 160 bytes), so the file stays below `total` x 1.3 KB however large or broken
// the input; the records beyond are counted (FileAccount::quarantine_unwritten), never dropped.
struct QuarantineLimits {
    uint64_t per_file = 10000;
    uint64_t total = 100000;
};

class Accounting : public ReplayableConsumer {
  public:
    // `paths` are the input files in pipeline order (file_id indexes them); `quarantine_out`
    // receives one JSON line per quarantined record (within `limits`) and may be null.
    Accounting(std::vector<std::string> paths, std::ostream* quarantine_out,
               QuarantineLimits limits = {});

    void Consume(const Batch& batch) override;
    // A digest holds at most QuarantineLimits::per_file whole entries per file (no more can be
    // written); the rest only by reason.
    void Replay(std::string_view digest, uint32_t file_id) override;

    const std::vector<FileAccount>& files() const { return files_; }
    uint64_t records_read() const;
    uint64_t events() const;
    uint64_t duplicates() const;
    uint64_t unique_events() const { return events() - duplicates(); }
    // Per-file duplicates by file id (Investigation::duplicates_per_file), after ingest.
    void SetDuplicates(const std::vector<uint64_t>& per_file);
    uint64_t ignored() const;
    uint64_t quarantined() const;
    // Quarantined records beyond QuarantineLimits: counted, not in quarantine.jsonl.
    uint64_t quarantine_unwritten() const;
    const QuarantineLimits& quarantine_limits() const { return limits_; }
    size_t files_with_errors() const;
    // True when every file was read to its end and nothing was quarantined.
    bool clean() const { return files_with_errors() == 0 && quarantined() == 0; }

    void WriteManifest(std::ostream& out, const RunInfo& run) const;
    // One line for stderr: files, records, events, ignored, quarantined, errors.
    std::string Summary() const;

  private:
    FileAccount& Account(uint32_t file_id);
    // What Consume and Replay apply: one batch's counts, quarantined entries (in order) and the
    // counts by reason of those the digest did not keep whole.
    struct Share {
        uint64_t records_read = 0;
        std::array<uint64_t, 5> kinds{};
        std::vector<std::pair<std::string, uint64_t>> ignored;
        std::vector<QuarantineEntry> quarantined;
        std::map<std::string, uint64_t> beyond_per_file;
        const FileSummary* summary = nullptr; // the file's end
    };
    void Apply(uint32_t file_id, const Share& share);

    std::vector<std::string> paths_;
    std::ostream* quarantine_out_;
    QuarantineLimits limits_;
    uint64_t quarantine_written_ = 0;
    std::vector<uint64_t> written_per_file_; // quarantine.jsonl lines by file id
    std::vector<FileAccount> files_;
    std::string line_;
    std::vector<uint64_t> digested_per_file_; // whole entries in digests, by file id
    Share share_;                             // Consume's scratch
};

} // namespace minetrace
