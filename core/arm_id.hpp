// ARM resource ids and GUID-shaped texts.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace minetrace {

// ---- ParseArmId, IsGuidLike (parse) ----
// Derives subscription, resource group and type from an ARM id such as
// /subscriptions/S/resourceGroups/RG/providers/NS/T1/N1/T2/N2 (type NS/T1/T2). A nested
// `/providers/` (extension resources) restarts the type at the last provider.
struct ArmIdParts {
    std::string_view subscription;
    std::string_view resource_group;
    std::string_view provider_namespace;
    std::array<std::string_view, 8> types{};
    size_t type_count = 0;
    bool resource_group_only = false;
    bool subscription_only = false;
};
ArmIdParts ParseArmId(std::string_view id);

// 8-4-4-4-12 hexadecimal digits.
bool IsGuidLike(std::string_view text);
// ---- end ParseArmId, IsGuidLike ----

} // namespace minetrace
