// ARM resource ids and operation names: their structure (subscription, group, types), segments,
// parents, verbs, and GUID-shaped texts. One copy for parsers, rules, provenance and report.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace minetrace {

// Segments, parents and verbs.

// The last segment of an id, without trailing slashes: a view into `id`.
std::string_view LastSegment(std::string_view id);

// Operation verbs: "write", "delete", "action", ... (a view into `operation`).
std::string_view VerbOf(std::string_view operation);

// Parent of a child resource: .../virtualMachines/vm1/extensions/ext -> .../virtualMachines/vm1;
// empty for a top-level resource. `id_lower` is a lowercased id.
std::string ParentOf(std::string_view id_lower);

// `text` lowercased without its dashes: role assignment GUIDs compared across spellings.
std::string RemoveDashes(std::string_view text);

// Structure of an id, and GUID shape.
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

// Resource types.
// The lowercased type an id names: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/
// virtualMachines/vm" -> "microsoft.compute/virtualmachines"; "" when it names no provider.
std::string ResourceTypeOf(std::string_view id);

// "microsoft.compute/virtualmachines" -> "virtualmachines": a resource type without its
// provider namespace, for one-line messages.
std::string ShortResourceType(std::string_view type);

// Extensions and run commands: child resources through which code runs on their parent.
bool IsExtensionOrRunCommand(std::string_view type);

} // namespace minetrace
