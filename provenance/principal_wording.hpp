// How a principal is named in every text for people: severity reasons, timeline messages, the
// reports, the response pack and the terminal. One wording, so a reader sees the same identity
// spelled the same way everywhere. Pure functions; thread-safe.
#pragma once

#include "provenance/model.hpp"

#include <string>
#include <string_view>

namespace minetrace {

// "service_principal" -> "service principal", "managed_identity" -> "managed identity"; other
// types as they are ("user", "application", "unknown"); "" for none.
std::string PrincipalTypeLabel(std::string_view type);

// "name", "name (service principal)", "name (managed identity)", "name (application)", then
// " (guest from home tenant H)" / " (guest from a Microsoft account)" for a B2B guest, else
// " from foreign tenant T" when the token's tenant is not the resource's; "an unknown caller"
// for a principal without a name.
std::string DescribePrincipal(const Principal& principal);

} // namespace minetrace
