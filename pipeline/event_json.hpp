// JSON Lines rendering of normalized events (`minetrace events`), and the consumer that writes
// them. Keys follow the Event struct (nested objects for caller, authorization, partner); empty
// fields are omitted; bodies are JSON strings holding the raw JSON text. Output is deterministic.
#pragma once

#include "pipeline/ingest.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

// Appends one event as a single-line JSON object (no newline). `rule_ids` are the ids of the
// rules that matched it (may be empty). `record` is the record's raw bytes, hashed into
// "record_sha256" so a line can be re-verified against the input.
void AppendEventJson(std::string& out, const Event& event, std::string_view file_path,
                     std::string_view record, const std::vector<std::string_view>& rule_ids);

class EventJsonWriter : public BatchConsumer {
  public:
    // `rule_ids[i]` names rule index i. `paths` are the input files in pipeline order.
    EventJsonWriter(std::ostream& out, std::vector<std::string> paths,
                    std::vector<std::string> rule_ids);
    void Consume(const Batch& batch) override;

  private:
    std::ostream& out_;
    std::vector<std::string> paths_;
    std::vector<std::string> rule_ids_;
    std::string buffer_;
    std::vector<std::string_view> matched_;
};

} // namespace minetrace
