#include "core/arm_id.hpp"

#include "core/ascii.hpp"

namespace minetrace {

// ---- ParseArmId, IsGuidLike (parse) ----
ArmIdParts ParseArmId(std::string_view id) {
    ArmIdParts parts;
    std::array<std::string_view, 64> segments{};
    size_t count = 0;
    size_t pos = 0;
    while (pos < id.size() && count < segments.size()) {
        size_t slash = id.find('/', pos);
        if (slash == std::string_view::npos) slash = id.size();
        if (slash > pos) segments[count++] = id.substr(pos, slash - pos);
        pos = slash + 1;
    }
    size_t i = 0;
    if (i + 1 < count && EqualsIgnoreCase(segments[i], "subscriptions")) {
        parts.subscription = segments[i + 1];
        i += 2;
        if (i == count) parts.subscription_only = true;
    }
    if (i + 1 < count && EqualsIgnoreCase(segments[i], "resourcegroups")) {
        parts.resource_group = segments[i + 1];
        i += 2;
        if (i == count) parts.resource_group_only = true;
    }
    while (i < count) {
        if (EqualsIgnoreCase(segments[i], "providers") && i + 1 < count) {
            parts.provider_namespace = segments[i + 1];
            parts.type_count = 0;
            i += 2;
            continue;
        }
        if (!parts.provider_namespace.empty() && parts.type_count < parts.types.size())
            parts.types[parts.type_count++] = segments[i];
        i += 2; // type, name
    }
    return parts;
}

bool IsGuidLike(std::string_view text) {
    if (text.size() != 36) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}
// ---- end ParseArmId, IsGuidLike ----

} // namespace minetrace
