// Operation folding: a resource's kept records, decoded, folded into operations (correlation id +
// operation, phases in time order), and what is read off a resource's operations (relevance,
// lifecycle, region).
#pragma once

#include "provenance/analysis.hpp"
#include "provenance/model.hpp"
#include "provenance/retained_codec.hpp"
#include "provenance/retained_store.hpp"

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace minetrace::analysis {

// Whether anything on a resource is relevant to mining: a compute write, or a signal of what
// mining needs.
bool IsRelevant(const std::vector<std::unique_ptr<Operation>>& ops);

// What a write's answer says (statusCode, subStatus, resultSignature, ActivitySubstatusValue,
// on any of its records): Created/201 proves a creation; OK/200 is an update; Accepted/202 or no
// code says neither.
enum class WriteAnswer : uint8_t { kUnknown, kCreated, kOk };
WriteAnswer AnswerOf(const Operation& op);

// How a resource's first successful write is known to be its creation when its own answer does
// not say so: it ran inside a deployment in the log, or after its parent's creation in the log.
enum class CreationContext : uint8_t { kNone, kDeployment, kParent };

// A resource's lifecycle among its operations (in operation order, at least one).
struct Lifecycle {
    const Operation* creation = nullptr;    // its creation, when the log proves one
    const Operation* first_write = nullptr; // the first successful write
    const Operation* failed = nullptr;      // the first failed write
    const Operation* deletion = nullptr;    // a delete that did not fail, a succeeded one first
    // What a failed finding is attributed from: the creation, else (every write failed) the
    // first failed write; null for a resource that existed before the logs.
    const Operation* origin = nullptr;
    bool pre_existing = false; // no creation in the log, and something on it succeeded
};

// `context` says whether the first successful write is a creation by its context (the
// Analyzer's creation index); kNone where only the answers count.
Lifecycle LifecycleOf(const std::vector<std::unique_ptr<Operation>>& ops,
                      CreationContext context = CreationContext::kNone);

// A resource's region (BuildFinding's details["location"]; pass 1 reads it without building the
// finding): the first location on the origin's records, else the first on any of its
// operations' records. A view into a record.
std::string_view RegionOnRecords(const Operation& origin,
                                 const std::vector<std::unique_ptr<Operation>>& ops);

// A resource's records, decoded, with its operations folded; lives for one chunk of a pass.
struct ResourceGroup {
    std::string_view key;                  // lowercased resource id ("" for none)
    const StoredRecord* records = nullptr; // in sequence order
    size_t count = 0;
    std::unique_ptr<DecodedEvent[]> events;      // parallel to records
    std::vector<std::unique_ptr<Operation>> ops; // in operation order (OperationBefore)
    // Whether the log proves the resource created by its context (set by the analyzer's
    // passes from its creation index after pass 1; kNone before).
    CreationContext context = CreationContext::kNone;
};

// The total order of operations: request time, operation, resource, first record.
bool OperationBefore(const Operation& a, const Operation& b);

// Folds one resource's records into operations, in operation order.
std::vector<std::unique_ptr<Operation>> FoldOperations(const std::vector<const RetainedEvent*>& all,
                                                       const std::vector<RuleInfo>& rules,
                                                       AnalysisScratch& scratch);

// Decodes the chunk's groups and folds their operations, in parallel (a scratch per task from
// `scratches`). With `wanted`, a group none of whose records it accepts is left without
// operations (not decoded).
std::vector<ResourceGroup> LoadGroups(const StoredChunk& chunk, const std::vector<RuleInfo>& rules,
                                      const std::function<bool(const StoredRecord&)>& wanted,
                                      ScratchPool& scratches);

} // namespace minetrace::analysis
