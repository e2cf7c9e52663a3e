// Azure Resource Manager ids and operation names: the pieces the analysis cuts out of them.
#pragma once

#include <string>
#include <string_view>

namespace minetrace {

// --- segments and parents (provenance) ---

// The last segment of an id, without trailing slashes: a view into `id`.
std::string_view LastSegment(std::string_view id);

// Operation verbs: "write", "delete", "action", ... (a view into `operation`).
std::string_view VerbOf(std::string_view operation);

// Parent of a child resource: .../virtualMachines/vm1/extensions/ext -> .../virtualMachines/vm1;
// empty for a top-level resource. `id_lower` is a lowercased id.
std::string ParentOf(std::string_view id_lower);

// `text` lowercased without its dashes: role assignment GUIDs compared across spellings.
std::string RemoveDashes(std::string_view text);

// --- end of segments and parents ---

} // namespace minetrace
