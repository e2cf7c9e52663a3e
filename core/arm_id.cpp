#include "core/arm_id.hpp"

#include "core/ascii.hpp"

#include <algorithm>

namespace minetrace {

// --- segments and parents (provenance) ---

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

// --- end of segments and parents ---

} // namespace minetrace
