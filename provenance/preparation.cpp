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
    // The latest kMaxPreparation before the act, then the latest of each signal kind not among
    // them (PrecursorIndex::Select).
    PrecursorIndex::Selection chosen = it->second.Select(
        acted - kPreparationWindow, acted, f.resource_id, f.subscription_id, kMaxPreparation);
    f.preparation_omitted += chosen.omitted;
    for (const PrecursorEntry* op : chosen.kept) {
        Precursor p;
        p.at_us = op->at.request_us;
        p.operation = op->at.operation;
        p.resource_id = op->at.resource_id;
        p.signal = op->signal;
        p.status = ToString(op->final_phase);
        p.source_sequence = op->at.sequence;
        f.preparation.push_back(std::move(p));
    }
}

} // namespace minetrace::analysis
