#include "provenance/body.hpp"

#include "core/ascii.hpp"

namespace minetrace {

namespace {

std::string TextOf(simdjson::dom::element value) {
    switch (value.type()) {
    case simdjson::dom::element_type::STRING:
        return std::string(std::string_view(value));
    case simdjson::dom::element_type::NULL_VALUE:
        return "";
    case simdjson::dom::element_type::BOOL:
        return bool(value) ? "true" : "false";
    default:
        return simdjson::minify(value);
    }
}

bool FindPath(simdjson::dom::element node, const std::vector<std::string_view>& path, size_t depth,
              std::string& out) {
    if (depth == path.size()) {
        out = TextOf(node);
        return !out.empty();
    }
    if (node.is_array()) {
        for (simdjson::dom::element item : simdjson::dom::array(node))
            if (FindPath(item, path, depth, out)) return true;
        return false;
    }
    if (!node.is_object()) return false;
    for (auto [key, value] : simdjson::dom::object(node))
        if (EqualsIgnoreCase(key, path[depth]) && FindPath(value, path, depth + 1, out))
            return true;
    return false;
}

bool FindKey(simdjson::dom::element node, std::string_view key, int depth, std::string& out) {
    if (depth > 64) return false;
    if (node.is_array()) {
        for (simdjson::dom::element item : simdjson::dom::array(node))
            if (FindKey(item, key, depth + 1, out)) return true;
        return false;
    }
    if (!node.is_object()) return false;
    for (auto [k, value] : simdjson::dom::object(node)) {
        if (EqualsIgnoreCase(k, key) && !value.is_object() && !value.is_array()) {
            out = TextOf(value);
            if (!out.empty()) return true;
        }
        if (FindKey(value, key, depth + 1, out)) return true;
    }
    return false;
}

} // namespace

std::optional<simdjson::dom::element> BodyReader::Parse(std::string_view text) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos || (text[begin] != '{' && text[begin] != '[')) return {};
    simdjson::dom::element root;
    if (parser_.parse(text.data(), text.size(), true).get(root)) return {};
    return root;
}

std::string BodyReader::Find(simdjson::dom::element root,
                             const std::vector<std::string_view>& path) const {
    std::string out;
    FindPath(root, path, 0, out);
    return out;
}

std::string BodyReader::FindAnywhere(simdjson::dom::element root, std::string_view key) const {
    std::string out;
    FindKey(root, key, 0, out);
    return out;
}

} // namespace minetrace
