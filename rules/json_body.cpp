// Uses simdjson's DOM API rather than On-Demand: every node of a body is visited to build the
// flattened index, and the DOM validates the whole document (trailing junk included) first,
// which On-Demand does not do for parts it is not asked about.
#include "rules/json_body.hpp"

#include "core/ascii.hpp"
#include "rules/text.hpp"

#include <charconv>

namespace minetrace::rules_internal {

namespace {

constexpr char kSeparator = '\x1f';

std::string_view TrimSpace(std::string_view text) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
}

} // namespace

JsonBody::JsonBody() : parser_(kMaxBodyBytes) {}

void JsonBody::Clear() {
    paths_.clear();
    values_.clear();
    entries_.clear();
    current_path_.clear();
    current_hash_ = rules_text::Fnv1a({});
    valid_ = false;
    truncated_ = false;
    stop_ = false;
}

bool JsonBody::Parse(std::string_view text) {
    Clear();
    valid_ = ParseText(text, true);
    if (!valid_) {
        paths_.clear();
        values_.clear();
        entries_.clear();
        truncated_ = false;
    }
    return valid_;
}

bool JsonBody::ParseText(std::string_view text, bool allow_unwrap) {
    text = TrimSpace(text);
    if (text.empty() || text.size() > kMaxBodyBytes) return false;
    padded_.assign(text);
    padded_.resize(text.size() + simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element root;
    if (parser_.parse(padded_.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
        return false;
    }
    if (allow_unwrap && root.type() == simdjson::dom::element_type::STRING) {
        std::string_view inner;
        if (root.get_string().get(inner) == simdjson::SUCCESS) {
            std::string_view trimmed = TrimSpace(inner);
            if (!trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[')) {
                // The inner text lives in the parser's buffer, which the next parse reuses.
                unwrapped_.assign(trimmed);
                if (ParseText(unwrapped_, false)) return true;
                Clear();
                // Not JSON after all: keep the outer string as the root value. The inner parse
                // replaced padded_, so the outer text is parsed again.
                padded_.assign(text);
                padded_.resize(text.size() + simdjson::SIMDJSON_PADDING, '\0');
                if (parser_.parse(padded_.data(), text.size(), false).get(root) !=
                    simdjson::SUCCESS) {
                    return false;
                }
            }
        }
    }
    current_path_.clear();
    current_hash_ = rules_text::Fnv1a({});
    return Walk(root, 0, 0);
}

void JsonBody::AddEntry(JsonType type, std::string_view value, uint16_t segments) {
    if (entries_.size() >= kMaxEntries || paths_.size() + current_path_.size() > kMaxPathBytes ||
        values_.size() + value.size() + 1 > 0xFFFFFFFFu) {
        truncated_ = true;
        stop_ = true;
        return;
    }
    Entry entry;
    entry.path_offset = static_cast<uint32_t>(paths_.size());
    entry.path_length = static_cast<uint32_t>(current_path_.size());
    entry.path_hash = current_hash_;
    entry.value_offset = static_cast<uint32_t>(values_.size());
    entry.value_length = static_cast<uint32_t>(value.size());
    entry.segments = segments;
    entry.type = type;
    paths_.append(current_path_);
    if (type != JsonType::kObject && type != JsonType::kArray) {
        values_.append(value);
        values_.push_back('\n');
    }
    entries_.push_back(entry);
}

bool JsonBody::Walk(simdjson::dom::element element, size_t depth, uint16_t segments) {
    if (stop_) return true;
    if (depth > kMaxDepth) {
        truncated_ = true;
        return true;
    }
    using simdjson::dom::element_type;
    switch (element.type()) {
    case element_type::OBJECT: {
        AddEntry(JsonType::kObject, {}, segments);
        simdjson::dom::object object;
        if (element.get_object().get(object) != simdjson::SUCCESS) return false;
        for (auto field : object) {
            if (stop_) return true;
            size_t saved = current_path_.size();
            uint64_t saved_hash = current_hash_;
            if (segments > 0) current_path_.push_back(kSeparator);
            AppendAsciiLower(current_path_, field.key);
            current_hash_ = rules_text::Fnv1aAppend(current_hash_,
                                                    std::string_view(current_path_).substr(saved));
            bool ok = Walk(field.value, depth + 1, static_cast<uint16_t>(segments + 1));
            current_path_.resize(saved);
            current_hash_ = saved_hash;
            if (!ok) return false;
        }
        return true;
    }
    case element_type::ARRAY: {
        AddEntry(JsonType::kArray, {}, segments);
        simdjson::dom::array array;
        if (element.get_array().get(array) != simdjson::SUCCESS) return false;
        for (simdjson::dom::element child : array) {
            if (stop_) return true;
            if (!Walk(child, depth + 1, segments)) return false;
        }
        return true;
    }
    case element_type::STRING: {
        std::string_view text;
        if (element.get_string().get(text) != simdjson::SUCCESS) return false;
        AddEntry(JsonType::kString, text, segments);
        return true;
    }
    case element_type::INT64: {
        int64_t number = 0;
        if (element.get_int64().get(number) != simdjson::SUCCESS) return false;
        char buf[32];
        auto result = std::to_chars(buf, buf + sizeof(buf), number);
        AddEntry(JsonType::kNumber, std::string_view(buf, static_cast<size_t>(result.ptr - buf)),
                 segments);
        return true;
    }
    case element_type::UINT64: {
        uint64_t number = 0;
        if (element.get_uint64().get(number) != simdjson::SUCCESS) return false;
        char buf[32];
        auto result = std::to_chars(buf, buf + sizeof(buf), number);
        AddEntry(JsonType::kNumber, std::string_view(buf, static_cast<size_t>(result.ptr - buf)),
                 segments);
        return true;
    }
    case element_type::DOUBLE: {
        double number = 0;
        if (element.get_double().get(number) != simdjson::SUCCESS) return false;
        char buf[64];
        auto result = std::to_chars(buf, buf + sizeof(buf), number);
        if (result.ec != std::errc()) return false;
        AddEntry(JsonType::kNumber, std::string_view(buf, static_cast<size_t>(result.ptr - buf)),
                 segments);
        return true;
    }
    case element_type::BOOL: {
        bool flag = false;
        if (element.get_bool().get(flag) != simdjson::SUCCESS) return false;
        AddEntry(JsonType::kBool, flag ? "true" : "false", segments);
        return true;
    }
    case element_type::NULL_VALUE:
        return true;
    }
    return true;
}

namespace {

// Splits off the first segment of `path` (which has `segments` segments).
std::string_view PopSegment(std::string_view& path) {
    size_t sep = path.find(kSeparator);
    std::string_view head = path.substr(0, sep);
    path = sep == std::string_view::npos ? std::string_view() : path.substr(sep + 1);
    return head;
}

bool MatchFrom(const std::vector<std::string>& pattern, size_t index, std::string_view path,
               uint16_t remaining) {
    while (index < pattern.size()) {
        const std::string& seg = pattern[index];
        if (seg == "**") {
            if (index + 1 == pattern.size()) return true;
            // Try every split point: `**` swallows 0..remaining segments.
            std::string_view rest = path;
            uint16_t left = remaining;
            while (true) {
                if (MatchFrom(pattern, index + 1, rest, left)) return true;
                if (left == 0) return false;
                PopSegment(rest);
                --left;
            }
        }
        if (remaining == 0) return false;
        std::string_view head = PopSegment(path);
        --remaining;
        if (seg != "*" && seg != head) return false;
        ++index;
    }
    return remaining == 0;
}

} // namespace

bool MatchPathPattern(const std::vector<std::string>& pattern, std::string_view path,
                      uint16_t segments) {
    return MatchFrom(pattern, 0, path, segments);
}

} // namespace minetrace::rules_internal
