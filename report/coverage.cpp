#include "report/coverage.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/byte_form.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cctype>

namespace minetrace {

namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

} // namespace

// Hours with at least one record, as a bitmap of 64-hour words starting at word `base`.
struct CoverageCollector::Track {
    uint64_t events = 0;
    int64_t first_us = INT64_MAX;
    int64_t last_us = INT64_MIN;
    int64_t base = 0;
    std::vector<uint64_t> words;
    bool overflow = false;

    void Add(int64_t time_us) {
        ++events;
        first_us = std::min(first_us, time_us);
        last_us = std::max(last_us, time_us);
        if (overflow) return;
        int64_t hour = FloorDiv(time_us, kMicrosPerHour);
        int64_t word = FloorDiv(hour, 64);
        constexpr int64_t kMaxWords = kMaxSpanHours / 64;
        if (words.empty()) {
            base = word;
            words.assign(1, 0);
        } else if (word < base) {
            int64_t grow = base - word;
            if (static_cast<int64_t>(words.size()) + grow > kMaxWords) {
                overflow = true;
                return;
            }
            words.insert(words.begin(), static_cast<size_t>(grow), 0);
            base = word;
        } else if (word >= base + static_cast<int64_t>(words.size())) {
            int64_t size = word - base + 1;
            if (size > kMaxWords) {
                overflow = true;
                return;
            }
            words.resize(static_cast<size_t>(size), 0);
        }
        words[static_cast<size_t>(word - base)] |= uint64_t{1} << (hour - word * 64);
    }

    bool Has(int64_t hour) const {
        int64_t word = FloorDiv(hour, 64);
        if (word < base || word >= base + static_cast<int64_t>(words.size())) return false;
        return (words[static_cast<size_t>(word - base)] >> (hour - word * 64)) & 1u;
    }
};

CoverageCollector::CoverageCollector() = default;
CoverageCollector::~CoverageCollector() = default;

// The digest: per event, 0 and the subscription (an index into the batch's list of them, a new
// one written out the first time), or 1 and the Partner Center names; then its time.
void CoverageCollector::Consume(const Batch& batch) {
    std::string* digest = digest_;
    std::map<std::string_view, uint64_t> seen; // the digest's subscriptions, by first use
    if (digest) PutVarint(*digest, batch.events.size());
    for (const Event& e : batch.events) {
        if (e.kind == SourceKind::kPartnerCenterAudit) {
            AddPartner(e.time_us);
            for (const SubscriptionName& n : e.partner.subscription_names)
                SetName(n.subscription_id, n.name, e.time_us);
            if (digest) {
                PutVarint(*digest, 1);
                PutVarint(*digest, e.partner.subscription_names.size());
                for (const SubscriptionName& n : e.partner.subscription_names) {
                    PutText(*digest, n.subscription_id);
                    PutText(*digest, n.name);
                }
            }
        } else {
            AddActivity(e.subscription_id, e.time_us);
            if (digest) {
                PutVarint(*digest, 0);
                auto [it, fresh] = seen.try_emplace(e.subscription_id, seen.size());
                PutVarint(*digest, it->second);
                if (fresh) PutText(*digest, e.subscription_id);
            }
        }
        if (digest) PutVarint(*digest, static_cast<uint64_t>(e.time_us));
    }
}

void CoverageCollector::Replay(std::string_view digest, uint32_t /*file_id*/) {
    ByteFormReader in(digest, "minetrace: a segment's coverage digest is damaged");
    std::vector<std::string_view> subscriptions;
    std::vector<std::pair<std::string_view, std::string_view>> names;
    for (uint64_t n = in.Varint(); n > 0; --n) {
        if (in.Varint() != 0) {
            names.clear();
            for (uint64_t k = in.Varint(); k > 0; --k) {
                std::string_view id = in.Text();
                names.emplace_back(id, in.Text());
            }
            const auto at = static_cast<int64_t>(in.Varint());
            AddPartner(at);
            for (const auto& [id, name] : names) SetName(id, name, at);
        } else {
            uint64_t index = in.Varint();
            if (index == subscriptions.size()) subscriptions.push_back(in.Text());
            if (index >= subscriptions.size()) in.Damaged();
            AddActivity(subscriptions[index], static_cast<int64_t>(in.Varint()));
        }
    }
    if (!in.done()) in.Damaged();
}

void CoverageCollector::AddPartner(int64_t at_us) {
    if (pc_events_ == 0 || at_us < pc_first_us_) pc_first_us_ = at_us;
    if (pc_events_ == 0 || at_us > pc_last_us_) pc_last_us_ = at_us;
    ++pc_events_;
}

void CoverageCollector::AddActivity(std::string_view subscription_id, int64_t at_us) {
    auto it = tracks_.find(subscription_id);
    if (it == tracks_.end()) {
        if (tracks_.size() >= kMaxSubscriptions) {
            ++untracked_;
            return;
        }
        it = tracks_.emplace(std::string(subscription_id), std::make_unique<Track>()).first;
    }
    it->second->Add(at_us);
}

void CoverageCollector::SetName(std::string_view subscription_id, std::string_view name,
                                int64_t at_us) {
    if (!IsGuidLike(subscription_id) || name.empty()) return;
    std::string id = Lower(subscription_id);
    name = Utf8Prefix(name, kMaxNameBytes);
    auto it = names_.find(id);
    if (it == names_.end()) {
        if (names_.size() >= kMaxNames) return;
        names_.emplace(std::move(id), NameSeen{at_us, std::string(name)});
    } else if (at_us >= it->second.at_us) {
        // The latest record wins: a rename after the purchase shows the current name.
        it->second = NameSeen{at_us, std::string(name)};
    }
}

std::string InputCoverage::NameOf(const std::string& subscription_id) const {
    auto it = subscription_names.find(subscription_id);
    return it == subscription_names.end() ? std::string() : it->second;
}

InputCoverage CoverageCollector::Result() const {
    InputCoverage out;
    for (const auto& [id, name] : names_) out.subscription_names.emplace(id, name.name);
    for (const auto& [id, track] : tracks_) {
        SubscriptionCoverage c;
        c.subscription_id = id;
        c.name = out.NameOf(id);
        c.events = track->events;
        c.first_us = track->first_us;
        c.last_us = track->last_us;
        c.gaps_computed = !track->overflow;
        if (c.gaps_computed) {
            int64_t first = FloorDiv(track->first_us, kMicrosPerHour);
            int64_t last = FloorDiv(track->last_us, kMicrosPerHour);
            int64_t gap_start = -1;
            bool in_gap = false;
            for (int64_t h = first; h <= last + 1; ++h) {
                bool has = h > last || track->Has(h);
                if (has && h <= last) ++c.hours_with_records;
                if (!has && !in_gap) {
                    in_gap = true;
                    gap_start = h;
                } else if (has && in_gap) {
                    in_gap = false;
                    ++c.gaps_total;
                    c.gap_hours += static_cast<uint64_t>(h - gap_start);
                    if (c.gaps.size() < CoverageCollector::kMaxGapsListed)
                        c.gaps.push_back({gap_start * kMicrosPerHour, h * kMicrosPerHour});
                }
            }
        }
        out.activity.push_back(std::move(c));
    }
    out.partner_center_events = pc_events_;
    out.partner_center_first_us = pc_first_us_;
    out.partner_center_last_us = pc_last_us_;
    out.untracked_events = untracked_;
    return out;
}

} // namespace minetrace
