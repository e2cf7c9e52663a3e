// The JSON writing every output shares (events.jsonl, quarantine.jsonl, manifest.json and the
// investigation's JSON Lines), so key quoting, separators and empty values are decided once.
//
// Layout is fixed: `{"key": value, "key": value}` with ", " between members and ": " after keys,
// and `["a", "b"]` for arrays. What an *empty* value becomes is the writer's explicit policy:
//   kOmit  - the member is left out (events.jsonl: absent fields are absent);
//   kNull  - an empty text or absent time is written as null, an empty array as [] (the
//            investigation outputs: "absent" is explicit);
//   kKeep  - written as it is, "" or [] (quarantine.jsonl: every member always present).
// An empty text is "", an empty array has no items, an absent time is a negative microsecond count.
// Numbers, booleans and Raw members are never empty. Not thread-safe; appends to `out`, which must
// outlive the writer. Close() writes the closing brace; nothing is written after it.
#pragma once

#include "core/escape.hpp"
#include "core/timestamp.hpp"

#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

namespace minetrace {

enum class JsonEmpty { kOmit, kNull, kKeep };

// `["a", "b"]`: any range of things convertible to std::string_view.
template <class Range> void AppendJsonStringArray(std::string& out, const Range& items) {
    out += '[';
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ", ";
        first = false;
        AppendJsonString(out, item);
    }
    out += ']';
}

// A JSON string, or null when `text` is empty.
inline void AppendJsonStringOrNull(std::string& out, std::string_view text) {
    if (text.empty())
        out += "null";
    else
        AppendJsonString(out, text);
}

// `{"key": count, ...}` in the map's order (defined below the writer).
inline void AppendJsonCounts(std::string& out, const std::map<std::string, uint64_t>& counts);

class JsonObjectWriter {
  public:
    JsonObjectWriter(std::string& out, JsonEmpty empty) : out_(out), empty_(empty) { out_ += '{'; }

    // The member's key (and separator); the caller appends the value to the same string.
    JsonObjectWriter& Key(std::string_view key) {
        if (!first_) out_ += ", ";
        first_ = false;
        AppendJsonString(out_, key);
        out_ += ": ";
        return *this;
    }
    JsonObjectWriter& Str(std::string_view key, std::string_view value) {
        if (value.empty() && Absent(key)) return *this;
        Key(key);
        AppendJsonString(out_, value);
        return *this;
    }
    // RFC 3339 with microseconds; negative = absent.
    JsonObjectWriter& Time(std::string_view key, int64_t us) {
        if (us < 0 && Absent(key)) return *this;
        Key(key);
        out_ += '"';
        AppendRfc3339Micros(out_, us);
        out_ += '"';
        return *this;
    }
    JsonObjectWriter& Int(std::string_view key, uint64_t value) {
        Key(key);
        out_ += std::to_string(value);
        return *this;
    }
    JsonObjectWriter& Bool(std::string_view key, bool value) {
        return Raw(key, value ? "true" : "false");
    }
    // `json` is written as it is (a literal, or a value the caller wrote already).
    JsonObjectWriter& Raw(std::string_view key, std::string_view json) {
        Key(key);
        out_ += json;
        return *this;
    }
    template <class Range> JsonObjectWriter& StrArray(std::string_view key, const Range& values) {
        if (std::empty(values) && empty_ == JsonEmpty::kOmit) return *this;
        Key(key);
        AppendJsonStringArray(out_, values);
        return *this;
    }
    // `{"key": count, ...}` in the map's order.
    JsonObjectWriter& Counts(std::string_view key, const std::map<std::string, uint64_t>& counts) {
        Key(key);
        AppendJsonCounts(out_, counts);
        return *this;
    }
    void Close() { out_ += '}'; }

  private:
    // Applies the policy to an empty text or time: true when the caller writes nothing more (the
    // member is left out, or written as null under kNull).
    bool Absent(std::string_view key) {
        if (empty_ == JsonEmpty::kKeep) return false;
        if (empty_ == JsonEmpty::kNull) Raw(key, "null");
        return true;
    }

    std::string& out_;
    JsonEmpty empty_;
    bool first_ = true;
};

// `{"key": count, ...}` in the map's order.
inline void AppendJsonCounts(std::string& out, const std::map<std::string, uint64_t>& counts) {
    JsonObjectWriter object(out, JsonEmpty::kKeep);
    for (const auto& [name, count] : counts) object.Int(name, count);
    object.Close();
}

} // namespace minetrace
