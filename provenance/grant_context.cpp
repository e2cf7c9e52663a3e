// WeighGrant: how the grant behind a finding reads in its own context (severity.hpp
// GrantContext), so that a pipeline's onboarding is not taken for an intruder's preparation.
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/principal_wording.hpp"

#include <algorithm>

namespace minetrace::analysis {

namespace {

constexpr int64_t kWeek = 7 * kMicrosPerDay;
// Later weeks with a creation of the same type by the grantee that make a weekly pattern.
constexpr size_t kRepeatWeeks = 2;
// Supporting facts (known address, change ticket, weekly repetition) that onboarding needs.
constexpr int kOnboardingFacts = 2;

} // namespace

GrantContext Analyzer::WeighGrant(const ResourceFinding& f) const {
    GrantContext c;
    const Grant* g = f.authorized_by.get();
    const Principal* grantee = f.responsible();
    if (!g || !grantee) return c;
    const Principal& by = g->granted_by;
    bool trusted_granter = true;
    if (g->source == "evidence" || (by.name.empty() && by.object_id.empty())) {
        c.missing.push_back("the grant's own record is not in the logs, so who made it is unknown");
        trusted_granter = false;
    } else {
        if (!by.object_id.empty() && by.object_id == g->principal_id) {
            c.missing.push_back("the grantee granted the role to itself");
            trusted_granter = false;
        }
        if (by.type != "user") {
            c.missing.push_back("granted by a " + PrincipalTypeLabel(by.type) + ", not a person");
            trusted_granter = false;
        } else if (by.mfa == Tristate::kNo) {
            c.missing.push_back("the granter authenticated without MFA");
            trusted_granter = false;
        } else if (by.mfa == Tristate::kUnknown) {
            c.missing.push_back("the granter's MFA is not in the log");
            trusted_granter = false;
        } else {
            c.seen.push_back("granted by " + DescribePrincipal(by) + " with MFA");
        }
        if (by.foreign_tenant) {
            c.missing.push_back("the granter is from another tenant");
            trusted_granter = false;
        }
    }
    int facts = 0;
    // A known address: the granter had used it a day or more before the grant.
    if (!by.ip.empty() && address_history_ && g->at_us >= 0) {
        std::string key = !by.object_id.empty() ? by.object_id : AsciiLowerCopy(by.name);
        int64_t first = address_history_(key, by.ip);
        if (first >= 0 && first <= g->at_us - kMicrosPerDay) {
            ++facts;
            c.seen.push_back("from an address the granter had used before (" + by.ip + ")");
        } else {
            c.missing.push_back("from an address the granter had not used before (" + by.ip + ")");
        }
    }
    // A change ticket on the grant or on the resource.
    std::string ticket = g->change_ticket;
    if (auto tag = f.details.find("change_ticket"); ticket.empty() && tag != f.details.end())
        ticket = tag->second;
    if (!ticket.empty()) {
        ++facts;
        c.seen.push_back("under change ticket " + ticket);
    } else {
        c.missing.push_back("no change ticket");
    }
    // The same creation by the grantee in later weeks: a pipeline's schedule, not a one-off.
    const int64_t at = f.responsible_at_us();
    auto it =
        compute_creations_.find(grantee->object_id + "|" + grantee->name + "|" + f.resource_type);
    // The later weeks (1, 2, ... after `at`) holding a creation: from each one's first creation
    // a search jumps to the next week's, so a busy grantee costs its weeks, not its creations.
    size_t weeks = 0;
    if (it != compute_creations_.end() && at >= 0) {
        const std::vector<int64_t>& times = it->second;
        auto t = std::lower_bound(times.begin(), times.end(), at + kWeek);
        while (t != times.end()) {
            ++weeks;
            const int64_t next_week = at + ((*t - at) / kWeek + 1) * kWeek;
            t = std::lower_bound(t, times.end(), next_week);
        }
    }
    if (weeks >= kRepeatWeeks) {
        ++facts;
        c.seen.push_back("the grantee creates " + ShortResourceType(f.resource_type) +
                         " again in " + std::to_string(weeks) + " later weeks");
    } else {
        c.missing.push_back("no weekly repetition afterwards");
    }
    c.onboarding = trusted_granter && facts >= kOnboardingFacts;
    return c;
}

} // namespace minetrace::analysis
