#include "provenance/body.hpp"

#include "core/ascii.hpp"

namespace minetrace {

namespace {

// Writes `value` as text into `out` (reusing its capacity); false when that text is empty.
bool TextOf(simdjson::dom::element value, std::string& out) {
    switch (value.type()) {
    case simdjson::dom::element_type::STRING:
        out.assign(std::string_view(value));
        break;
    case simdjson::dom::element_type::NULL_VALUE:
        out.clear();
        break;
    case simdjson::dom::element_type::BOOL:
        out.assign(bool(value) ? "true" : "false");
        break;
    default:
        out = simdjson::minify(value);
    }
    return !out.empty();
}

bool FindPath(simdjson::dom::element node, std::span<const std::string_view> path, size_t depth,
              std::string& out) {
    if (depth == path.size()) return TextOf(node, out);
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

// Depth-first in document order; `missing` counts the keys still looked for. True when none is.
bool FindKeys(simdjson::dom::element node, std::span<const std::string_view> keys,
              std::span<std::string* const> out, std::span<bool> wanted, size_t& missing, int depth,
              std::string& scratch) {
    if (depth > 64) return false;
    if (node.is_array()) {
        for (simdjson::dom::element item : simdjson::dom::array(node))
            if (FindKeys(item, keys, out, wanted, missing, depth + 1, scratch)) return true;
        return false;
    }
    if (!node.is_object()) return false;
    for (auto [k, value] : simdjson::dom::object(node)) {
        if (!value.is_object() && !value.is_array()) {
            for (size_t i = 0; i < keys.size(); ++i) {
                if (!wanted[i] || !EqualsIgnoreCase(k, keys[i]) || !TextOf(value, scratch))
                    continue;
                out[i]->swap(scratch);
                wanted[i] = false;
                if (--missing == 0) return true;
            }
            continue; // a scalar holds no keys
        }
        if (FindKeys(value, keys, out, wanted, missing, depth + 1, scratch)) return true;
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

bool BodyReader::Find(simdjson::dom::element root, std::span<const std::string_view> path,
                      std::string& out) {
    out.clear();
    if (FindPath(root, path, 0, out)) return true;
    out.clear();
    return false;
}

std::string BodyReader::Find(simdjson::dom::element root,
                             std::initializer_list<std::string_view> path) const {
    std::string out;
    Find(root, std::span<const std::string_view>(path.begin(), path.size()), out);
    return out;
}

void BodyReader::FindAnywhere(simdjson::dom::element root, std::span<const std::string_view> keys,
                              std::span<std::string* const> out) {
    constexpr size_t kMaxKeys = 8;
    if (keys.size() > kMaxKeys || out.size() != keys.size()) return;
    bool wanted[kMaxKeys] = {};
    size_t missing = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
        wanted[i] = out[i]->empty();
        missing += wanted[i];
    }
    if (missing == 0) return;
    thread_local std::string scratch;
    FindKeys(root, keys, out, std::span<bool>(wanted, keys.size()), missing, 0, scratch);
}

std::string BodyReader::FindAnywhere(simdjson::dom::element root, std::string_view key) const {
    std::string out;
    std::string* slot = &out;
    FindAnywhere(root, std::span<const std::string_view>(&key, 1),
                 std::span<std::string* const>(&slot, 1));
    return out;
}

} // namespace minetrace
