#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>

namespace minetrace::analysis {

// What makes an operation preparation for a later creation: a quota increase, a provider
// registration, a new resource group, or a failed write; empty when it is none of those.
std::string_view PrecursorSignal(const Operation& op) {
    std::string_view signal;
    for (std::string_view s : op.signals) {
        if (s == signal_kind::kQuotaIncrease) signal = signal_kind::kQuotaIncrease;
        if (s == signal_kind::kRpRegistration) signal = signal_kind::kRpRegistration;
        if (s == signal_kind::kResourceGroupCreate) signal = signal_kind::kResourceGroupCreate;
    }
    if (op.final_phase == Phase::kFailed && op.verb == "write")
        signal = signal_kind::kFailedAttempt;
    return signal;
}

void Analyzer::AttachPreparation(ResourceFinding& f) const {
    // Preparation by whoever answers for it (creator, else actor), before that act.
    const Principal* who = f.responsible();
    const int64_t acted = f.responsible_at_us();
    if (!who || acted < 0) return;
    std::string key = !who->object_id.empty() ? who->object_id : AsciiLowerCopy(who->name);
    auto it = by_principal_.find(key);
    if (it == by_principal_.end()) return;
    // A principal's operations are in request-time order: visit only the window.
    const std::vector<PrecursorEntry>& ops = it->second;
    auto from = std::lower_bound(
        ops.begin(), ops.end(), acted - kPreparationWindow,
        [](const PrecursorEntry& op, int64_t at) { return op.at.request_us < at; });
    auto to = std::upper_bound(from, ops.end(), acted, [](int64_t at, const PrecursorEntry& op) {
        return at < op.at.request_us;
    });
    // Newest first: the latest kMaxPreparation, then only a signal kind not seen yet.
    std::vector<std::string_view> kinds;
    for (auto op = to; op != from;) {
        --op;
        if (op->at.resource_id == f.resource_id) continue;
        if (!op->subscription_id.empty() && op->subscription_id != f.subscription_id) continue;
        bool new_kind = std::find(kinds.begin(), kinds.end(), op->signal) == kinds.end();
        if (new_kind) kinds.push_back(op->signal);
        if (f.preparation.size() >= kMaxPreparation && !new_kind) {
            ++f.preparation_omitted;
            continue;
        }
        Precursor p;
        p.at_us = op->at.request_us;
        p.operation = op->at.operation;
        p.resource_id = op->at.resource_id;
        p.signal = op->signal;
        p.status = ToString(op->final_phase);
        p.source_sequence = op->at.sequence;
        f.preparation.push_back(std::move(p));
    }
    std::reverse(f.preparation.begin(), f.preparation.end()); // in operation order
}

} // namespace minetrace::analysis
