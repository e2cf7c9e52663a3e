#include "provenance/principal_wording.hpp"

#include "core/arm_id.hpp"

namespace minetrace {

std::string PrincipalTypeLabel(std::string_view type) {
    if (type == "service_principal") return "service principal";
    if (type == "managed_identity") return "managed identity";
    return std::string(type);
}

std::string DescribePrincipal(const Principal& p) {
    std::string out = p.name.empty() ? "an unknown caller" : p.name;
    if (p.type == "managed_identity" && !p.identity_resource.empty())
        out += " (managed identity of " + std::string(LastSegment(p.identity_resource)) + ")";
    else if (p.type == "service_principal" || p.type == "managed_identity" ||
             p.type == "application")
        out += " (" + PrincipalTypeLabel(p.type) + ")";
    if (!p.home_tenant.empty())
        out += " (guest from " +
               (p.home_tenant == "live.com" ? std::string("a Microsoft account")
                                            : "home tenant " + p.home_tenant) +
               ")";
    else if (p.foreign_tenant)
        out +=
            p.tenant_id.empty() ? " from a foreign tenant" : " from foreign tenant " + p.tenant_id;
    return out;
}

} // namespace minetrace
