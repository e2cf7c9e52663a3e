// A JSON body (request, response, status message, Partner Center values) flattened into a list of
// (path, value) entries, so rules can address values by case-insensitive path with arrays
// fanned out, and search anywhere with `**`.
//
// Paths: object keys ASCII-lowercased and joined with '\x1f' (keys may themselves contain '.');
// array levels add no segment, so `properties.extensions.name` names the `name` of every element
// of `extensions`. Every node gets an entry (objects and arrays too, for `exists`); nulls get none.
//
// A body whose text is itself a JSON string holding an object or array (double-encoded bodies)
// is unwrapped once. Not thread-safe: one JsonBody per worker scratch; Parse() reuses its buffers
// so steady-state parsing does not allocate. Memory is bounded by kMaxBodyBytes, kMaxEntries and
// kMaxPathBytes; past a bound the body is kept partially (truncated() is true).
#pragma once

#include <cstdint>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::rules_internal {

enum class JsonType : uint8_t { kString, kNumber, kBool, kObject, kArray };

class JsonBody {
  public:
    static constexpr size_t kMaxBodyBytes = 32u << 20;
    static constexpr size_t kMaxEntries = 1u << 18;
    static constexpr size_t kMaxPathBytes = 16u << 20;
    static constexpr size_t kMaxDepth = 256;

    struct Entry {
        uint32_t path_offset;
        uint32_t path_length;
        uint64_t path_hash; // rules_text::Fnv1a of the joined path
        uint32_t value_offset;
        uint32_t value_length;
        uint16_t segments; // number of path segments
        JsonType type;
    };

    JsonBody();

    // Parses `text`; false when it is not valid JSON (then entries() is empty and valid() false).
    bool Parse(std::string_view text);
    void Clear();

    bool valid() const { return valid_; }
    bool truncated() const { return truncated_; }
    const std::vector<Entry>& entries() const { return entries_; }
    std::string_view path(const Entry& entry) const {
        return std::string_view(paths_).substr(entry.path_offset, entry.path_length);
    }
    // Strings unescaped; numbers in shortest round-trip text ("-1", "24", "0.5"); booleans
    // "true"/"false"; empty for objects and arrays.
    std::string_view value(const Entry& entry) const {
        return std::string_view(values_).substr(entry.value_offset, entry.value_length);
    }
    // The values of every entry but objects and arrays, in entry order, each followed by '\n'.
    std::string_view joined_values() const { return values_; }

  private:
    bool ParseText(std::string_view text, bool allow_unwrap);
    bool Walk(simdjson::dom::element element, size_t depth, uint16_t segments);
    void AddEntry(JsonType type, std::string_view value, uint16_t segments);

    simdjson::dom::parser parser_;
    std::string padded_;
    std::string unwrapped_;
    std::string current_path_;
    uint64_t current_hash_ = 0; // rules_text::Fnv1a(current_path_)
    std::string paths_;
    std::string values_;
    std::vector<Entry> entries_;
    bool valid_ = false;
    bool truncated_ = false;
    bool stop_ = false;
};

// Whether the joined `path` of an entry with `segments` segments matches the lowercased
// `pattern` segments, where "*" is one segment and "**" any number (including none).
bool MatchPathPattern(const std::vector<std::string>& pattern, std::string_view path,
                      uint16_t segments);

} // namespace minetrace::rules_internal
