// The committed state of one case between runs, and its one file (`state.jsonl`).
//
// The file is JSON Lines: a header (`"type": "state"`, schema minetrace-batch-state/1), then one
// line per segment, per input file (file_catalog.hpp) and per remembered finding (alerts.hpp),
// each sorted by its key, then a trailer (`"type": "end"`) holding the number of lines before it
// and the SHA-256 of every byte before it. A file that does not end in a matching trailer, or
// holds another schema, or any line that does not parse, is refused whole: never half-read.
// The same state always serializes to the same bytes.
//
// Pure functions; thread-safe.
#pragma once

#include "batch/alerts.hpp"
#include "batch/file_catalog.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

inline constexpr const char* kCaseStateSchema = "minetrace-batch-state/1";

// A segment the case's analysis reads (a file in the case's segments/ folder).
struct SegmentRecord {
    std::string file; // its name in segments/
    uint64_t records = 0;
    int64_t oldest_us = -1;       // oldest record; -1 when none is dated
    int64_t newest_us = -1;       // newest record; -1 when none is dated
    int64_t created_us = -1;      // the run that wrote it
    uint64_t source_segments = 1; // how many ingest segments it holds (compaction adds them up)

    // The time the look-back window judges it by: its newest record, else when it was written.
    int64_t age_key_us() const { return newest_us >= 0 ? newest_us : created_us; }
    bool operator==(const SegmentRecord&) const = default;
};

struct CaseState {
    std::string case_name;
    std::string tenant_id;
    std::string state_epoch;  // derived from the case and its first run; new when started over
    uint64_t run_counter = 0; // runs committed
    int64_t last_run_us = -1; // --now of the last committed run
    std::string last_output;  // the dated folder it wrote (a name in the case's out folder)
    int last_exit = 0;        // the case's exit code then
    std::string last_summary; // its summary line then
    std::vector<SegmentRecord> segments; // sorted by file
    FileCatalog catalog;
    std::vector<FindingRecord> findings; // sorted by id
};

std::string SerializeCaseState(const CaseState& state);

// False, with `error` naming the line or the check that failed, for anything but a complete
// state of this schema.
bool ParseCaseState(std::string_view text, CaseState& state, std::string& error);

} // namespace minetrace::batch
