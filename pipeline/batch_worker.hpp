// BatchWorker: the parallel middle stage. Parses every record of a Batch into events (and
// quarantine entries and ignored counts), and attaches rule matches when a RuleSet is given.
//
// Thread-safety: one BatchWorker per thread (it owns simdjson parsers and scratch space); the
// RuleSet it points to is immutable and shared.
#pragma once

#include "parsers/csv_splitter.hpp"
#include "parsers/json_splitter.hpp"
#include "parsers/record_parser.hpp"
#include "pipeline/batch.hpp"
#include "pipeline/rule_matching.hpp"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace minetrace {

class BatchWorker {
  public:
    // `matcher` may be null (no rules); it must outlive the worker.
    explicit BatchWorker(const EventMatcher* matcher);
    ~BatchWorker();
    BatchWorker(const BatchWorker&) = delete;
    BatchWorker& operator=(const BatchWorker&) = delete;

    void Process(Batch& batch);

  private:
    struct Cursor; // line bookkeeping within one batch

    void ProcessLines(Batch& batch);
    void ProcessSpans(Batch& batch);
    // Parses one JSON record at [offset, offset+length) of the batch (absolute offsets);
    // containers are split and their elements parsed, up to a nesting limit.
    void ParseJsonRecord(Batch& batch, uint64_t offset, uint64_t length, uint64_t line,
                         const std::shared_ptr<const std::string>& columns, bool at_content_end,
                         int depth);
    void ParseCsvRecord(Batch& batch, const RecordSpan& span, uint64_t line);
    void Accept(Batch& batch, const ParseOutcome& outcome, Event& event, uint64_t offset,
                uint64_t length, uint64_t line);
    void Quarantine(Batch& batch, QuarantineReason reason, std::string detail, uint64_t offset,
                    uint64_t length, uint64_t line);
    const ColumnKeys* ColumnsFor(const std::shared_ptr<const std::string>& columns);

    const EventMatcher* matcher_;
    std::unique_ptr<MatcherScratch> scratch_;
    RecordParser parser_;
    std::vector<std::string_view> cells_;
    std::vector<uint32_t> matches_;
    // Parsed Log Analytics columns, keyed by the reader's shared columns text.
    std::unordered_map<const std::string*,
                       std::pair<std::shared_ptr<const std::string>, ColumnKeys>>
        columns_cache_;
};

} // namespace minetrace
