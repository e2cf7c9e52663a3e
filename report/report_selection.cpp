// The limits of report_limits.hpp applied: which findings get a full card or a table row, and
// which detections a card or a row. Deterministic: they depend only on the result's order.
#include "report/facts.hpp"
#include "report/report_limits.hpp"

#include <algorithm>
#include <tuple>

namespace minetrace {

CardSelection SelectCards(const std::vector<ResourceCard>& cards) {
    CardSelection shown;
    // High before medium, whatever the order of the result (the analysis sorts it so already).
    for (Severity severity : {Severity::kHigh, Severity::kMedium})
        for (size_t i = 0; i < cards.size(); ++i)
            if (cards[i].finding->severity == severity && shown.full.size() < kFullCards)
                shown.full.push_back(i);
    std::vector<char> full(cards.size(), 0);
    for (size_t i : shown.full) full[i] = 1;
    for (size_t i = 0; i < cards.size(); ++i) {
        if (full[i]) continue;
        if (shown.rows.size() < kTableRows)
            shown.rows.push_back(i);
        else
            ++shown.omitted;
    }
    std::sort(shown.full.begin(), shown.full.end());
    return shown;
}

namespace {

bool Before(const Detection& a, const Detection& b) {
    return std::tie(a.time_us, a.file_id, a.offset, a.rule_id) <
           std::tie(b.time_us, b.file_id, b.offset, b.rule_id);
}

} // namespace

// One pass in time order: the first kDetectionCards urgent ones and the first kDetectionCards
// medium ones are held as card candidates, the first kDetectionRows of the others as rows. Cards
// are the urgent ones, then as many medium ones as fit; the medium ones that do not fit join the
// rows, which are then cut back to the first kDetectionRows in time order (every row dropped
// during the pass is later than all those held).
DetectionDigest DigestDetections(const Detections& detections) {
    DetectionDigest digest;
    digest.total = detections.size();
    digest.by_level = detections.by_level();
    std::vector<Detection> urgent, medium;
    uint64_t seen_rows = 0;
    detections.ForEach([&](const Detection& d) {
        if (d.urgent() && urgent.size() < kDetectionCards) {
            urgent.push_back(d);
        } else if (d.level == "medium" && medium.size() < kDetectionCards) {
            medium.push_back(d);
        } else {
            ++seen_rows;
            if (digest.rows.size() < kDetectionRows) digest.rows.push_back(d);
        }
    });
    digest.cards = std::move(urgent);
    size_t room = kDetectionCards - digest.cards.size();
    for (size_t i = 0; i < medium.size(); ++i) {
        if (i < room) {
            digest.cards.push_back(std::move(medium[i]));
        } else {
            ++seen_rows;
            digest.rows.push_back(std::move(medium[i]));
        }
    }
    std::sort(digest.rows.begin(), digest.rows.end(), Before);
    if (digest.rows.size() > kDetectionRows) digest.rows.resize(kDetectionRows);
    digest.omitted = seen_rows - digest.rows.size();
    return digest;
}

// All of them when they fit; else the kPrincipalRows that matter most (behind a finding, worst
// first; then most events; ties in key order), listed in key order. One pass, holding at most
// kPrincipalRows + 1 rows.
PrincipalSelection SelectPrincipals(const PrincipalTable& principals) {
    PrincipalSelection shown;
    using Rank = std::tuple<bool, int, uint64_t, size_t>;
    auto rank = [](const PrincipalSummary& p, size_t i) {
        return Rank(!p.has_findings, p.has_findings ? -static_cast<int>(p.worst) : 0, ~p.events, i);
    };
    // A max-heap on rank: its top is the row to drop first.
    std::vector<std::pair<Rank, PrincipalSummary>> kept;
    auto by_rank = [](const auto& a, const auto& b) { return a.first < b.first; };
    size_t i = 0;
    principals.ForEach([&](const PrincipalSummary& p) {
        Rank r = rank(p, i++);
        if (kept.size() == kPrincipalRows) {
            if (!(r < kept.front().first)) return;
            std::pop_heap(kept.begin(), kept.end(), by_rank);
            kept.pop_back();
        }
        kept.emplace_back(r, p);
        std::push_heap(kept.begin(), kept.end(), by_rank);
    });
    shown.omitted = i - kept.size();
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return std::get<3>(a.first) < std::get<3>(b.first);
    });
    shown.rows.reserve(kept.size());
    for (auto& [r, p] : kept) shown.rows.push_back(std::move(p));
    return shown;
}

} // namespace minetrace
