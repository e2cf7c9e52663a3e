#include "provenance/operation_folding.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analysis.hpp"
#include "provenance/copy_folding.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <span>
#include <tbb/parallel_for.h>
#include <tuple>

namespace minetrace::analysis {

// Whether anything on a resource is relevant to mining: a compute write, or a signal of what
// mining needs.
bool IsRelevant(const std::vector<std::unique_ptr<Operation>>& ops) {
    for (const auto& op : ops) {
        for (std::string_view s : op->signals) {
            if (s == signal_kind::kComputeCreate || s == signal_kind::kComputeScale ||
                s == signal_kind::kGpuSku || s == signal_kind::kLargeSku ||
                s == signal_kind::kMinerContent || s == signal_kind::kSpotUnlimited ||
                s == signal_kind::kExecution || s == signal_kind::kGpuDriver)
                return true;
        }
        if (op->verb == "write" && IsComputeType(op->resource_type)) return true;
    }
    return false;
}

WriteAnswer AnswerOf(const Operation& op) {
    WriteAnswer answer = WriteAnswer::kUnknown;
    for (const RetainedEvent* e : op.events) {
        std::string_view code = e->status_code;
        if (EqualsIgnoreCase(code, "Created") || code == "201") return WriteAnswer::kCreated;
        if (EqualsIgnoreCase(code, "OK") || code == "200") answer = WriteAnswer::kOk;
    }
    return answer;
}

Lifecycle LifecycleOf(const std::vector<std::unique_ptr<Operation>>& ops, CreationContext context) {
    Lifecycle life;
    bool any_success = false;
    for (const auto& owned : ops) {
        const Operation* op = owned.get();
        any_success |= op->succeeded();
        if (op->verb == "write") {
            if (op->succeeded()) {
                if (!life.first_write) life.first_write = op;
                if (!life.creation && AnswerOf(*op) == WriteAnswer::kCreated) life.creation = op;
            } else if (op->final_phase == Phase::kFailed && !life.failed) {
                life.failed = op;
            }
        } else if (op->verb == "delete" && op->final_phase != Phase::kFailed &&
                   (!life.deletion || !life.deletion->succeeded())) {
            life.deletion = op;
        }
    }
    // The context proves only a first write whose own answer does not contradict it.
    if (!life.creation && life.first_write && context != CreationContext::kNone &&
        (context == CreationContext::kParent || AnswerOf(*life.first_write) != WriteAnswer::kOk))
        life.creation = life.first_write;
    life.origin = life.creation ? life.creation : (any_success ? nullptr : life.failed);
    life.pre_existing = !life.creation && any_success;
    return life;
}

// A resource's region (BuildFinding's details["location"]; pass 1 reads it without building the
// finding): the first location on the origin's records, else the first on any of its
// operations' records. A view into a record.
std::string_view RegionOnRecords(const Operation& origin,
                                 const std::vector<std::unique_ptr<Operation>>& ops) {
    for (const RetainedEvent* e : origin.events)
        if (!e->fact().location.empty()) return e->fact().location;
    for (const auto& op : ops)
        for (const RetainedEvent* e : op->events)
            if (!e->fact().location.empty()) return e->fact().location;
    return {};
}

// The total order of operations: request time, operation, resource, first record.
bool OperationBefore(const Operation& a, const Operation& b) {
    return std::tie(a.request_us, a.operation, a.resource_id_lower, a.events.front()->sequence) <
           std::tie(b.request_us, b.operation, b.resource_id_lower, b.events.front()->sequence);
}

// Folds one resource's records into operations: by correlation id + operation (+ resource, the
// group's); records without a correlation id stand alone. Phases of one operation in time order;
// a new Start after a completion is a new attempt.
std::vector<std::unique_ptr<Operation>> FoldOperations(const std::vector<const RetainedEvent*>& all,
                                                       const std::vector<RuleInfo>& rules,
                                                       AnalysisScratch& scratch) {
    // Records sorted by (key, time, phase, sequence): each key's records are then one run, in
    // the order its phases are folded. A Start logged in the same microsecond as its completion
    // still comes first. Sequences are distinct, so the order is total.
    auto key_of = [](const RetainedEvent* e) {
        return std::make_tuple(e->correlation_id, e->operation, e->resource_id_lower,
                               e->correlation_id.empty() ? e->sequence + 1 : 0);
    };
    std::vector<const RetainedEvent*>& sorted = scratch.sorted; // capacity reused per thread
    sorted.assign(all.begin(), all.end());
    std::sort(sorted.begin(), sorted.end(), [&](const RetainedEvent* a, const RetainedEvent* b) {
        auto ka = key_of(a), kb = key_of(b);
        if (ka != kb) return ka < kb;
        return std::tie(a->time_us, a->phase, a->sequence) <
               std::tie(b->time_us, b->phase, b->sequence);
    });
    std::vector<std::unique_ptr<Operation>> out;
    for (size_t run = 0; run < sorted.size();) {
        size_t run_end = run + 1;
        while (run_end < sorted.size() && key_of(sorted[run_end]) == key_of(sorted[run])) ++run_end;
        std::span<const RetainedEvent* const> events(sorted.data() + run, run_end - run);
        run = run_end;
        std::unique_ptr<Operation> op;
        auto flush = [&] {
            if (!op) return;
            std::sort(op->rules.begin(), op->rules.end());
            op->rules.erase(std::unique(op->rules.begin(), op->rules.end()), op->rules.end());
            std::sort(op->signals.begin(), op->signals.end());
            op->signals.erase(std::unique(op->signals.begin(), op->signals.end()),
                              op->signals.end());
            out.push_back(std::move(op));
        };
        for (const RetainedEvent* e : events) {
            bool terminal_seen =
                op && (op->final_phase == Phase::kSucceeded || op->final_phase == Phase::kFailed);
            if (!op || (e->phase == Phase::kStarted && terminal_seen)) {
                flush();
                op = std::make_unique<Operation>();
                op->operation = e->operation;
                op->verb = VerbOf(e->operation);
                op->resource_id_lower = e->resource_id_lower;
                op->resource_type = e->resource_type;
                op->correlation_id = e->correlation_id;
                op->request_us = e->time_us;
            }
            op->events.push_back(e);
            if (e->phase == Phase::kStarted &&
                (!op->request || op->request->phase != Phase::kStarted))
                op->request = e, op->request_us = e->time_us;
            if (!op->request) op->request = e;
            switch (e->phase) {
            case Phase::kSucceeded:
            case Phase::kFailed:
                // A failure after a success, or the reverse: the last word counts.
                op->final_phase = e->phase;
                op->completion_us = e->time_us;
                break;
            case Phase::kAccepted:
                if (op->final_phase != Phase::kSucceeded && op->final_phase != Phase::kFailed)
                    op->final_phase = Phase::kAccepted;
                break;
            case Phase::kStarted:
                if (op->final_phase == Phase::kOther) op->final_phase = Phase::kStarted;
                break;
            case Phase::kOther:
                if (op->final_phase == Phase::kOther) op->final_phase = Phase::kSucceeded;
                break;
            }
            if (!e->status_code.empty()) op->status_code = e->status_code;
            for (const RuleRef& hit : e->rules) {
                op->rules.push_back(hit.rule);
                if (hit.rule < rules.size()) op->signals.push_back(rules[hit.rule].signal);
                op->content_unavailable = op->content_unavailable || hit.content_unavailable;
            }
        }
        flush();
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return OperationBefore(*a, *b); });
    return out;
}

// Decodes the chunk's groups and folds their operations, in parallel. With `wanted`, a group
// none of whose records it accepts is left without operations (not decoded).
std::vector<ResourceGroup> LoadGroups(const StoredChunk& chunk, const std::vector<RuleInfo>& rules,
                                      const std::function<bool(const StoredRecord&)>& wanted,
                                      ScratchPool& scratches) {
    std::vector<ResourceGroup> groups(chunk.groups.size());
    tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
        const StoredGroup& stored = chunk.groups[g];
        ResourceGroup& group = groups[g];
        group.key = stored.key;
        group.records = chunk.records.data() + stored.first;
        group.count = stored.count;
        if (wanted && std::none_of(group.records, group.records + group.count, wanted)) return;
        group.events = std::make_unique<DecodedEvent[]>(stored.count);
        for (size_t r = 0; r < stored.count; ++r)
            DecodeRetained(group.records[r].bytes, group.records[r].sequence, group.events[r]);
        // Copies of one event from overlapping exports become one record (copy_folding.hpp).
        std::vector<const RetainedEvent*> events = FoldCopies(group.events.get(), stored.count);
        group.ops = FoldOperations(events, rules, scratches.local());
    });
    return groups;
}

} // namespace minetrace::analysis
