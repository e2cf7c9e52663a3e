#include "provenance/analysis.hpp"
#include "provenance/investigation.hpp"

#include <map>
#include <set>
#include <string>

namespace minetrace {

std::string_view BuiltInRoleName(std::string_view guid) {
    static const std::map<std::string, std::string, std::less<>> kRoles = {
        {"8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"},
        {"b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"},
        {"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"},
        {"f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator"},
        {"9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor"},
        {"acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"},
        {"ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "Azure Kubernetes Service Contributor Role"},
        {"b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner"},
        {"1c0163c0-47e6-4577-8991-ea5c82e286e4", "Virtual Machine Administrator Login"},
        {"fb1c8493-542b-48eb-b624-b4c8fea62acd", "Security Admin"},
    };
    auto it = kRoles.find(guid);
    return it == kRoles.end() ? std::string_view{} : std::string_view(it->second);
}

} // namespace minetrace

namespace minetrace::analysis {

// Roles that allow creating compute (or granting that right); custom roles count too, since
// they are defined by whoever granted them.
bool IsPrivilegedRole(const Grant& grant) {
    static const std::set<std::string, std::less<>> kPrivileged = {
        "Owner",
        "Contributor",
        "User Access Administrator",
        "Virtual Machine Contributor",
        "Role Based Access Control Administrator",
        "Azure Kubernetes Service Contributor Role"};
    return kPrivileged.count(grant.role) > 0 || BuiltInRoleName(grant.role_definition_id).empty();
}

} // namespace minetrace::analysis
