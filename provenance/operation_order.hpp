// OperationOrder: an operation's place in operation order, as the analysis's indexes keep it.
#pragma once

#include "provenance/model.hpp"

#include <cstdint>
#include <string_view>
#include <tuple>

namespace minetrace::analysis {

// Where an operation stands in operation order (OperationBefore). The texts are views: into the
// operation's records while a pass builds it, into the Analyzer's index texts once an index keeps
// it (Analyzer::Indexed), so an index entry holds no string of its own.
struct OperationOrder {
    int64_t request_us = 0;
    std::string_view operation;
    std::string_view resource_id;
    uint64_t sequence = 0; // of the operation's first record: identifies it

    static OperationOrder Of(const Operation& op) {
        return {op.request_us, op.operation, op.resource_id_lower, op.events.front()->sequence};
    }
    bool operator<(const OperationOrder& o) const {
        return std::tie(request_us, operation, resource_id, sequence) <
               std::tie(o.request_us, o.operation, o.resource_id, o.sequence);
    }
};

} // namespace minetrace::analysis
