#include "core/arm_id.hpp"

#include "core/ascii.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace minetrace {

// Segments, parents and verbs.

std::string_view LastSegment(std::string_view id) {
    while (!id.empty() && id.back() == '/') id.remove_suffix(1);
    size_t slash = id.rfind('/');
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

std::string_view VerbOf(std::string_view operation) {
    size_t slash = operation.rfind('/');
    return slash == std::string_view::npos ? operation : operation.substr(slash + 1);
}

std::string RemoveDashes(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '-') out.push_back(AsciiLower(c));
    return out;
}

std::string ParentOf(std::string_view id_lower) {
    size_t providers = id_lower.rfind("/providers/");
    if (providers == std::string_view::npos) return "";
    std::string_view tail = id_lower.substr(providers + 11); // ns/t1/n1[/t2/n2...]
    size_t segments = static_cast<size_t>(std::count(tail.begin(), tail.end(), '/')) + 1;
    if (segments < 5) return ""; // ns/t1/n1 is a top-level resource
    size_t cut = id_lower.rfind('/');
    if (cut == std::string_view::npos) return "";
    cut = id_lower.rfind('/', cut - 1);
    return std::string(id_lower.substr(0, cut));
}

// Structure of an id, and GUID shape.
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

bool IsExtensionOrRunCommand(std::string_view type) {
    return type.ends_with("/extensions") || type.ends_with("/runcommands");
}

std::string ShortResourceType(std::string_view type) {
    size_t slash = type.find('/');
    return std::string(slash == std::string_view::npos ? type : type.substr(slash + 1));
}

std::string ResourceTypeOf(std::string_view id) {
    const ArmIdParts parts = ParseArmId(id);
    if (parts.provider_namespace.empty()) return "";
    std::string type(parts.provider_namespace);
    for (size_t i = 0; i < parts.type_count; ++i) {
        type += '/';
        type += parts.types[i];
    }
    for (char& c : type) c = AsciiLower(c);
    return type;
}

} // namespace minetrace
