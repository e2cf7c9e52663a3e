#include "parsers/record_kind.hpp"

#include "core/ascii.hpp"

#include <array>

namespace minetrace::record_parsing {

// Categories of the activity log itself (current and legacy log-profile spellings).
bool IsActivityCategory(std::string_view category) {
    static constexpr std::array<std::string_view, 11> kCategories = {
        "administrative", "servicehealth",  "resourcehealth", "alert",
        "autoscale",      "recommendation", "security",       "policy",
        "write",          "delete",         "action"};
    for (auto c : kCategories)
        if (EqualsIgnoreCase(category, c)) return true;
    return false;
}

std::string_view EntraKindOfCategory(std::string_view category) {
    if (ContainsIgnoreCase(category, "signin")) return kIgnoredEntraSignin;
    if (EqualsIgnoreCase(category, "AuditLogs") || EqualsIgnoreCase(category, "ProvisioningLogs"))
        return kIgnoredEntraAudit;
    static constexpr std::array<std::string_view, 9> kOther = {"RiskyUsers",
                                                               "UserRiskEvents",
                                                               "RiskyServicePrincipals",
                                                               "ServicePrincipalRiskEvents",
                                                               "MicrosoftGraphActivityLogs",
                                                               "NetworkAccessTrafficLogs",
                                                               "EnrichedOffice365AuditLogs",
                                                               "B2CRequestLogs",
                                                               "ADFSSignInLogs"};
    for (auto c : kOther)
        if (EqualsIgnoreCase(category, c)) return kIgnoredEntraOther;
    return {};
}

// The table of a Log Analytics row decides its kind.
std::string_view IgnoredKindOfTable(std::string_view table) {
    if (ContainsIgnoreCase(table, "signin")) return kIgnoredEntraSignin;
    if (EqualsIgnoreCase(table, "AuditLogs")) return kIgnoredEntraAudit;
    if (StartsWithIgnoreCase(table, "AAD")) return kIgnoredEntraOther;
    return kIgnoredLogAnalyticsOther;
}

bool LooksLikeArmOperation(std::string_view op) {
    // provider/type[/...]/verb, e.g. Microsoft.Compute/virtualMachines/write
    return op.find('/') != std::string_view::npos && op.find(' ') == std::string_view::npos &&
           op.find('.') != std::string_view::npos;
}

} // namespace minetrace::record_parsing
