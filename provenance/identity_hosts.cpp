// Managed identities (README "Managed identities"): the resource that owns an identity behind
// findings is the host to isolate, so it becomes a finding of its own, linked both ways.
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/principal_wording.hpp"

#include <algorithm>

namespace minetrace::analysis {

namespace {

bool IsUserAssignedIdentity(std::string_view id_lower) {
    return id_lower.find("/providers/microsoft.managedidentity/userassignedidentities/") !=
           std::string_view::npos;
}

// What the identity's owner is told about what its identity did.
std::string HostReason(const Principal& identity, std::string_view host, size_t created,
                       size_t changed, size_t high) {
    auto count = [](size_t n) {
        return std::to_string(n) + " reported resource" + (n == 1 ? "" : "s");
    };
    std::string did = created && changed
                          ? "created " + count(created) + " and changed " + std::to_string(changed)
                      : created ? "created " + count(created)
                                : "changed " + count(changed);
    std::string reason = "the owner (xms_mirid) of managed identity " +
                         DescribePrincipal(identity) + ", which " + did +
                         (high ? " (" + std::to_string(high) + " high)" : std::string()) + "; ";
    if (IsUserAssignedIdentity(host))
        reason += "a user-assigned identity: the token does not name the host that used it, so "
                  "every resource it is assigned to is a candidate";
    else
        reason += "whatever runs on it holds that identity: isolate it";
    return reason;
}

} // namespace

// After passes 2 and 3, before the findings are reported: every reported finding whose
// responsible principal is a managed identity names the identity's owner (identity_host); the
// owner becomes a finding (from its own records when the log has them, else as a resource that
// existed before the logs, first seen when its identity was first used) rated as severe as the
// worst of what its identity did, and lists those findings (identity_used_for).
void Analyzer::LinkIdentityHosts() {
    struct Use {
        std::shared_ptr<const Principal> identity; // the first (earliest) use's principal
        int64_t first_us = INT64_MAX;
        Severity worst = Severity::kLow;
        size_t high = 0;
        size_t created = 0; // of the findings, those it created (the rest it changed)
        std::vector<std::string> findings;
    };
    std::map<std::string, Use, std::less<>> hosts;
    for (auto& [id, f] : findings_) {
        const Principal* who = f.responsible();
        if (!Notable(f) || !who || who->type != "managed_identity" ||
            who->identity_resource.empty() || who->identity_resource == id)
            continue;
        f.identity_host = who->identity_resource;
        Use& use = hosts[who->identity_resource];
        const int64_t at = f.responsible_at_us();
        if (!use.identity || at < use.first_us) {
            use.identity = f.created_by ? f.created_by : f.actor;
            use.first_us = at;
        }
        use.worst = std::max(use.worst, f.severity);
        use.high += f.severity == Severity::kHigh;
        use.created += f.created_by != nullptr;
        use.findings.push_back(id);
    }
    if (hosts.empty()) return;
    // The owners the log has records of but no finding yet: built from their own records. (The
    // selection is fixed first: `select` may run while `visit` adds findings.)
    std::set<std::string, std::less<>> unbuilt;
    for (const auto& [host, use] : hosts)
        if (!findings_.count(host)) unbuilt.insert(host);
    std::map<std::string, int64_t, std::less<>> first_seen; // of owners with records
    ForEachGroups(
        [&](std::vector<ResourceGroup>& groups) {
            for (ResourceGroup& group : groups) {
                if (group.key.empty() || group.ops.empty()) continue;
                first_seen.emplace(std::string(group.key), group.ops.front()->request_us);
                std::optional<ResourceFinding> f =
                    BuildFinding(group.key, group.ops, group.context);
                if (!f) continue;
                AttachPreparation(*f);
                Rate(*f, group.ops);
                Keep(std::move(*f));
            }
        },
        [&](std::string_view key) { return unbuilt.count(key) > 0; });
    for (auto& [host, use] : hosts) {
        auto it = findings_.find(host);
        if (it == findings_.end()) {
            ResourceFinding f;
            f.resource_id = host;
            f.name = LastSegment(host);
            f.resource_type = ResourceTypeOf(host);
            const ArmIdParts parts = ParseArmId(host);
            f.subscription_id = std::string(parts.subscription);
            f.resource_group = AsciiLowerCopy(parts.resource_group);
            f.parent = ParentOf(host);
            f.status = "pre-existing";
            f.pre_existing = true;
            auto seen = first_seen.find(host);
            f.first_seen_us =
                seen == first_seen.end() ? use.first_us : std::min(seen->second, use.first_us);
            f.reasons.push_back("no creation in the logs (it existed before them); " +
                                std::string(seen == first_seen.end()
                                                ? "the logs show it only as the owner of a "
                                                  "managed identity"
                                                : "its own records show nothing that is rated"));
            it = findings_.emplace(host, std::move(f)).first;
        }
        ResourceFinding& f = it->second;
        std::sort(use.findings.begin(), use.findings.end());
        if (use.findings.size() > kMaxIdentityLinks) {
            f.identity_links_omitted = use.findings.size() - kMaxIdentityLinks;
            use.findings.resize(kMaxIdentityLinks);
        }
        const size_t total = use.findings.size() + f.identity_links_omitted;
        f.reasons.push_back(
            HostReason(*use.identity, host, use.created, total - use.created, use.high));
        f.identity_used_for = std::move(use.findings);
        f.severity = std::max(f.severity, use.worst);
    }
}

} // namespace minetrace::analysis
