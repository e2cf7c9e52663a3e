// Test helper: runs the ingest pipeline over paths and returns every output as strings.
#pragma once

#include "pipeline/accounting.hpp"
#include "pipeline/event_json.hpp"
#include "pipeline/ingest.hpp"
#include "support/datasets.hpp"

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace minetrace::testing {

struct IngestOutput {
    std::string events;     // JSON Lines
    std::string quarantine; // JSON Lines
    std::unique_ptr<Accounting> accounting;
    std::vector<std::string> files;
};

inline IngestOutput RunIngestToStrings(const std::vector<std::string>& paths, unsigned threads = 2,
                                       size_t batch_bytes = 2u << 20,
                                       size_t max_record_bytes = 64u << 20,
                                       QuarantineLimits limits = {}) {
    IngestOutput out;
    ExpandedInputs inputs = ExpandInputs(paths);
    out.files = inputs.files;
    std::ostringstream events;
    std::ostringstream quarantine;
    out.accounting = std::make_unique<Accounting>(inputs.files, &quarantine, limits);
    EventJsonWriter writer(events, inputs.files, {});
    IngestOptions options;
    options.threads = threads;
    options.reader.batch_bytes = batch_bytes;
    options.reader.max_record_bytes = max_record_bytes;
    RunIngest(inputs.files, options, {out.accounting.get(), &writer});
    out.events = events.str();
    out.quarantine = quarantine.str();
    return out;
}

inline std::vector<std::string> SplitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

} // namespace minetrace::testing
