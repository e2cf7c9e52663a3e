// A test engine for the batch runner: NOT the product's engine (that one wraps the segments of
// issue 16 §1). It keeps the Engine contract (engine.hpp) over a toy input format, so the
// runner's catalog, state, alerts and crash safety can be tested end to end:
//   input: JSON Lines, one record per line: {"time": RFC 3339, "resource": id, "kind": k,
//          "severity": s, "principal": p}; a record without "kind" is benign activity; a line
//          that is not a JSON object is quarantined; a line cut off at the slice's end is left
//          for the next night (consumed_end stops after the last '\n').
//   segment: "FAKESEG/1\n" then one JSON line per kept record, with its source file and offset.
//   analyze: records of all segments, each (file, offset) once; one finding per (lowercased
//          resource, kind): highest severity, earliest time, evidence "file@offset"; writes
//          resources.jsonl and manifest.json into the output folder.
// Every call is recorded for the tests to inspect.
#pragma once

#include "batch/engine.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace minetrace::batch::test {

class FakeEngine : public Engine {
  public:
    std::vector<std::string> Check(const EngineOptions& options) override;
    IngestResult Ingest(const std::vector<SegmentSlice>& slices,
                        const std::filesystem::path& segment_file,
                        const EngineOptions& options) override;
    AnalyzeResult Analyze(const std::vector<std::filesystem::path>& segments,
                          const std::filesystem::path& out_dir,
                          const EngineOptions& options) override;
    SegmentInfo Compact(const std::vector<std::filesystem::path>& segments,
                        const std::filesystem::path& segment_file) override;

    // What the runner asked for.
    std::vector<std::vector<SegmentSlice>> ingest_calls;
    std::vector<std::string> ingest_cases;               // the case folder of each call's segment
    std::vector<std::vector<std::string>> analyze_calls; // segment file names
    std::vector<std::string> analyze_cases;              // the case folder of each call's out

    // The slices of the last ingest into the state of case `case_name`.
    std::vector<SegmentSlice> LastIngestOf(const std::string& case_name) const {
        for (size_t i = ingest_cases.size(); i-- > 0;)
            if (ingest_cases[i] == case_name) return ingest_calls[i];
        return {};
    }
    // The segments of the last analysis whose output went under a folder named `case_name`.
    std::vector<std::string> LastAnalysisOf(const std::string& case_name) const {
        for (size_t i = analyze_cases.size(); i-- > 0;)
            if (analyze_cases[i] == case_name) return analyze_calls[i];
        return {};
    }
    std::vector<std::vector<std::string>> compact_calls; // segment file names
    // Called half-way through writing a segment (the crash tests kill the process there).
    std::function<void()> mid_segment_write;
    // Makes Analyze throw (an internal failure of one case).
    bool fail_analyze = false;
};

} // namespace minetrace::batch::test
