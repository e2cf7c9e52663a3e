#include "provenance/severity.hpp"

#include "provenance/analysis.hpp"
#include "provenance/analysis_limits.hpp"
#include "provenance/principal_wording.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>

namespace minetrace {

std::string_view ToString(Severity severity) {
    switch (severity) {
    case Severity::kLow:
        return "low";
    case Severity::kMedium:
        return "medium";
    case Severity::kHigh:
        return "high";
    }
    return "low";
}

Verdict RateFinding(const FindingFacts& f) {
    auto has = [&](std::string_view s) {
        return std::count(f.signals.begin(), f.signals.end(), s) > 0;
    };
    bool miner = has(signal_kind::kMinerContent);
    bool gpu = has(signal_kind::kGpuSku) || has(signal_kind::kLargeSku);
    bool compute = has(signal_kind::kComputeCreate) || has(signal_kind::kComputeScale) ||
                   analysis::IsComputeType(f.resource_type);
    bool spot_unlimited = has(signal_kind::kSpotUnlimited);
    std::vector<std::string> prep;
    bool quota = false, registration = false, failed_attempts = false;
    for (const Precursor& p : f.preparation) {
        if (p.signal == signal_kind::kQuotaIncrease) quota = true;
        if (p.signal == signal_kind::kRpRegistration) registration = true;
        if (p.signal == signal_kind::kFailedAttempt) failed_attempts = true;
    }
    // A fresh grant counts when it gave rights to create (Reader and data roles do not) and its
    // own context does not read as onboarding (GrantContext); the reason says which it was.
    bool recent_grant = f.authorized_by && f.authorized_by->at_us >= 0 &&
                        f.created_at_us - f.authorized_by->at_us <= analysis::kFreshGrantWindow &&
                        analysis::IsPrivilegedRole(*f.authorized_by);
    bool onboarding = recent_grant && f.grant_context && f.grant_context->onboarding;
    bool fresh_grant = recent_grant && !onboarding;
    bool sweep = f.created_by && f.sweep;
    if (quota) prep.push_back("a quota increase requested by the same principal beforehand");
    if (recent_grant) {
        auto join = [](const std::vector<std::string>& parts) {
            std::string text;
            for (size_t i = 0; i < parts.size(); ++i)
                text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
            return text;
        };
        std::string grant = "the creator received the " + f.authorized_by->role + " role " +
                            "shortly before (from " +
                            DescribePrincipal(f.authorized_by->granted_by) + ")";
        if (onboarding) {
            grant += "; weighed as onboarding, not preparation: " + join(f.grant_context->seen);
        } else if (f.grant_context) {
            grant += "; counted as preparation";
            if (!f.grant_context->missing.empty()) grant += ": " + join(f.grant_context->missing);
            if (!f.grant_context->seen.empty())
                grant += " (though " + join(f.grant_context->seen) + ")";
        }
        prep.push_back(std::move(grant));
    }
    if (sweep)
        prep.push_back("compute created in " + std::to_string(analysis::kSweepRegions) +
                       "+ regions within a day by the same principal");
    if (spot_unlimited) prep.push_back("Spot/low-priority capacity with no price cap");
    if (failed_attempts)
        prep.push_back("failed creation attempts by the same principal beforehand");
    if (registration)
        prep.push_back("resource providers registered by the same principal beforehand");

    Verdict v;
    Severity& severity = v.severity;
    // What the actor did, where the log shows no creation: "created" would be a false claim.
    const char* did = f.pre_existing ? "changed" : "created";
    if (f.pre_existing)
        v.reasons.push_back("no creation in the logs (it existed before them); the decisive act: " +
                            (f.act.empty() ? std::string("none") : std::string(f.act)) +
                            (f.created_by ? " by " + DescribePrincipal(*f.created_by) : ""));
    if (miner) {
        severity = Severity::kHigh;
        v.reasons.push_back("miner content in its configuration (command line, image or script)");
    }
    if (f.miner_parent) {
        severity = Severity::kHigh;
        v.reasons.push_back("a miner was installed on it through an extension or run command");
    }
    if (gpu) {
        std::string size = f.vm_size ? " (" + *f.vm_size + ")" : "";
        // Registrations alone are routine; the other signals are what mining needs.
        bool strong = quota || fresh_grant || sweep || spot_unlimited || failed_attempts;
        if (strong) {
            severity = Severity::kHigh;
            v.reasons.push_back("GPU/HPC compute" + size + " with preparation signals");
        } else {
            bool trusted_user = f.created_by && f.created_by->type == "user" &&
                                f.created_by->mfa == Tristate::kYes &&
                                !f.created_by->foreign_tenant;
            Severity lone = trusted_user ? Severity::kLow : Severity::kMedium;
            severity = std::max(severity, lone);
            v.reasons.push_back(std::string("GPU/HPC compute") + size +
                                (trusted_user ? std::string(" ") + did +
                                                    " by an MFA-authenticated user with no "
                                                    "preparation signal"
                                              : " with no preparation signal"));
        }
    } else if (compute && (quota || fresh_grant || spot_unlimited)) {
        // Ordinary compute is medium only with what mining needs: more quota, fresh rights
        // or uncapped Spot capacity. (Many regions at once is normal for CPU automation; it
        // counts for GPU compute above.)
        severity = std::max(severity, Severity::kMedium);
        v.reasons.push_back(std::string("compute ") + did + " with preparation signals");
    } else if (compute && !miner) {
        v.reasons.push_back(std::string("compute ") + did + " with no preparation signal");
    }
    for (std::string& p : prep) v.reasons.push_back(std::move(p));
    if (f.created_by && f.created_by->foreign_tenant) {
        severity = std::max(severity, Severity::kMedium);
        v.reasons.push_back(std::string(did) +
                            " by a principal from another tenant (partner, GDAP or guest)");
    }
    if (f.resource_type == "microsoft.resources/deployments" && !miner) {
        // A deployment carries what it creates; those resources are rated themselves.
        severity = std::min(severity, Severity::kMedium);
    }
    if (f.status == "failed") {
        // An attempt that never ran is not mining, but it is part of the story.
        severity = std::min(severity, Severity::kMedium);
        if (gpu || compute) severity = std::max(severity, Severity::kMedium);
        v.reasons.push_back(
            "the creation failed" +
            (f.status_code.empty() ? std::string() : " (" + std::string(f.status_code) + ")"));
    }
    return v;
}

bool IsNotable(Severity severity, std::span<const std::string> signals) {
    if (severity != Severity::kLow) return true;
    for (const std::string& signal : signals)
        if (signal == signal_kind::kGpuSku || signal == signal_kind::kLargeSku ||
            signal == signal_kind::kSpotUnlimited || signal == signal_kind::kMinerContent)
            return true;
    return false;
}

bool Implicate(Severity& severity, std::vector<std::string>& reasons, const Principal& creator,
               bool created) {
    if (severity != Severity::kLow) return false;
    severity = Severity::kMedium;
    reasons.push_back((created ? "created by " : "changed by ") + DescribePrincipal(creator) +
                      ", who is behind high-severity resources");
    return true;
}

Verdict RateEnablingGrant(const Grant& grant, const Principal* granter) {
    Verdict v;
    v.severity = Severity::kHigh;
    v.reasons.push_back("granted the " + grant.role + " role to " + grant.principal_id +
                        ", who then created high-severity resources");
    if (granter && granter->mfa == Tristate::kNo)
        v.reasons.push_back("the grant was made without MFA");
    return v;
}

Verdict RateSupporting(const Principal& creator, bool created) {
    Verdict v;
    v.severity = Severity::kMedium;
    v.reasons.push_back(std::string(created ? "supporting resource created by "
                                            : "supporting resource (existing before the logs) "
                                              "changed by ") +
                        DescribePrincipal(creator) + ", who is behind high-severity resources");
    return v;
}

} // namespace minetrace
