// Detections: the rule hits that no rated compute finding represents (detections.jsonl, the
// timeline's "detection" rows, the reports' "Other detections"). One per (record, rule): a record
// that two rules matched is two detections.
//
// Which hits: those on records of resources that are not compute the analysis rates, i.e. none
// of whose operations is a compute write or carries a compute, size, spot, content or execution
// signal (operation_folding.hpp IsRelevant). Their hits are in no finding's rating. Elevated
// access, diagnostic settings, alert rules, action groups, Defender plans, role grants, quota
// requests, provider registrations, resource groups and Sigma hits on such resources land here,
// also when pass 3 reports the resource as supporting a suspect's compute (a grant, a network).
// Partner Center records do not (subscriptions.jsonl and the timeline hold them).
//
// Held like the timeline: in a RetainedStore ordered by (time, file, offset, rule id), spilling to
// a temporary file beyond its budget, so a log full of hits does not grow the heap. Not
// thread-safe: Add from one thread, then ForEach from one thread at a time.
#pragma once

#include "core/sha256.hpp"
#include "provenance/evidence_copy.hpp"
#include "provenance/retained_store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace minetrace {

struct Principal;

struct Detection {
    int64_t time_us = 0; // the record's time
    std::string rule_id;
    std::string rule_title;
    std::string level; // informational | low | medium | high | critical
    std::string signal;
    bool content_unavailable = false;
    std::string operation; // lowercased
    std::string phase;     // started | accepted | succeeded | failed | other
    std::string status;    // as the record wrote it
    std::string status_code;
    std::string resource_id; // lowercased
    std::string resource_type;
    std::string subscription_id;
    std::string correlation_id;
    std::shared_ptr<const Principal>
        principal; // who made the call; null when the record names none
    std::string caller_ip;
    // The record's evidence: file (the input path), line, offset, length, SHA-256.
    std::string file;
    uint32_t file_id = 0; // the input's index: orders records of the same time
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    Sha256Digest sha256{};
    // The same event's records in other exports (copy_folding.hpp), each verifiable like `file`.
    std::vector<EvidenceCopy> copies;

    // The levels that get cards first in the reports.
    bool urgent() const { return level == "high" || level == "critical"; }
};

class Detections {
  public:
    explicit Detections(RetainedStoreOptions options = {});

    void Add(const Detection& detection);
    // Visits the detections in order (time, file, offset, rule id). Throws what the store throws.
    void ForEach(const std::function<void(const Detection&)>& visit) const;
    uint64_t size() const { return store_->records(); }
    // How many of each level were added.
    const std::map<std::string, uint64_t>& by_level() const { return by_level_; }

  private:
    std::unique_ptr<RetainedStore> store_; // a pointer, so results stay movable
    std::map<std::string, uint64_t> by_level_;
    uint64_t added_ = 0;
};

} // namespace minetrace
