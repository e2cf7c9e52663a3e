// Internal to batch/: reading one JSON object of the state files (simdjson DOM) member by member.
// A getter whose member is missing or of another type returns an empty value and keeps the first
// such problem as error(); a reader is checked once, after reading every member it needs.
// Not thread-safe: one reader per thread (it owns its parser).
#pragma once

#include <cstdint>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::batch {

class JsonLineReader {
  public:
    // Parses `line` as one JSON object; false (with error()) otherwise.
    bool Parse(std::string_view line) {
        error_.clear();
        simdjson::dom::element root;
        if (parser_.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS ||
            root.get_object().get(object_) != simdjson::SUCCESS) {
            error_ = "not a JSON object";
            return false;
        }
        return true;
    }

    std::string Str(const char* key) {
        std::string_view value;
        if (Member(key).get_string().get(value) != simdjson::SUCCESS) Fail(key, "a text");
        return std::string(value);
    }
    uint64_t U64(const char* key) {
        uint64_t value = 0;
        if (Member(key).get_uint64().get(value) != simdjson::SUCCESS) Fail(key, "a count");
        return value;
    }
    int64_t I64(const char* key) {
        int64_t value = 0;
        if (Member(key).get_int64().get(value) != simdjson::SUCCESS) Fail(key, "a number");
        return value;
    }
    bool Bool(const char* key) {
        bool value = false;
        if (Member(key).get_bool().get(value) != simdjson::SUCCESS) Fail(key, "true or false");
        return value;
    }
    std::vector<std::string> Strs(const char* key) {
        std::vector<std::string> values;
        simdjson::dom::array array;
        if (Member(key).get_array().get(array) != simdjson::SUCCESS) {
            Fail(key, "a list of texts");
            return values;
        }
        for (simdjson::dom::element item : array) {
            std::string_view value;
            if (item.get_string().get(value) != simdjson::SUCCESS) {
                Fail(key, "a list of texts");
                break;
            }
            values.emplace_back(value);
        }
        return values;
    }

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

  private:
    simdjson::simdjson_result<simdjson::dom::element> Member(const char* key) {
        return object_[key];
    }
    void Fail(const char* key, const char* what) {
        if (error_.empty()) error_ = std::string("'") + key + "' must be " + what;
    }

    simdjson::dom::parser parser_;
    simdjson::dom::object object_;
    std::string error_;
};

} // namespace minetrace::batch
