// Reading simdjson On-Demand values as text without copying: escape tracking over the record,
// field keys, values as text (kept in the record or copied to the arena), and JSON objects held
// in strings. Header-only: these run for every key and value.
//
// Thread-safety: one per parser (per worker thread).
#pragma once

#include "core/arena.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "parsers/key_table.hpp"

#include <cstdint>
#include <cstring>
#include <simdjson.h>
#include <string>
#include <string_view>

namespace minetrace::record_parsing {

namespace od = simdjson::ondemand;

// TrimAsciiSpace, inline for the common text that has nothing to trim.
constexpr bool IsTrimmedSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
inline std::string_view Trim(std::string_view text) {
    if (text.empty() || (!IsTrimmedSpace(text.front()) && !IsTrimmedSpace(text.back())))
        return text;
    return TrimAsciiSpace(text);
}

struct OnDemandText {
    od::parser primary;
    od::parser nested;
    std::string nested_buffer;
    bool in_nested = false;

    Arena* arena = nullptr;

    // ---- escapes -------------------------------------------------------------------------

    // The record being parsed, and where its first backslash at or after `escape_from` is
    // (`escape_at`, the record size when there is none). On-Demand reads a record front to back,
    // so one scan of the record, done piecewise, answers whether each key and string holds an
    // escape: most strings lie before the next backslash and need no look at their bytes.
    const char* doc_begin = nullptr;
    size_t doc_size = 0;
    size_t escape_from = 0;
    size_t escape_at = 0;

    void StartDocument(std::string_view doc) {
        doc_begin = doc.data();
        doc_size = doc.size();
        escape_from = 0;
        const void* hit = std::memchr(doc.data(), '\\', doc.size());
        escape_at = hit == nullptr ? doc.size()
                                   : static_cast<size_t>(static_cast<const char*>(hit) - doc_begin);
    }

    // True when text[0, size) holds a backslash, i.e. a JSON string with escapes.
    bool HasEscape(const char* text, size_t size) {
        const auto begin = reinterpret_cast<std::uintptr_t>(doc_begin);
        const auto at = reinterpret_cast<std::uintptr_t>(text);
        if (at < begin || at - begin > doc_size || size > doc_size - (at - begin))
            return HasBackslash(text, size); // not the record (a nested document)
        const size_t offset = at - begin;
        if (offset < escape_from) return HasBackslash(text, size); // behind the scan
        if (escape_at < offset) {
            const void* hit = std::memchr(text, '\\', doc_size - offset);
            escape_at = hit == nullptr
                            ? doc_size
                            : static_cast<size_t>(static_cast<const char*>(hit) - doc_begin);
            escape_from = offset;
        }
        return escape_at < offset + size;
    }

    // The key of `field`: the bytes as written when they hold no escape (no copy, the common
    // case), else unescaped. Only whitespace and ':' lie between the key's closing quote and
    // its value.
    simdjson::error_code FieldKey(od::field& field, std::string_view& key) {
        const char* begin = field.key().raw();
        const char* end = field.value().raw_json_token().data();
        do --end;
        while (*end != '"');
        size_t size = static_cast<size_t>(end - begin);
        if (!HasEscape(begin, size)) {
            key = {begin, size};
            return simdjson::SUCCESS;
        }
        return field.unescaped_key().get(key);
    }

    // ---- value helpers -------------------------------------------------------------------

    // Views into the record stay valid as long as the Event (the batch keeps the record), so
    // they are kept as they are; views into the nested document (a buffer reused for the next
    // one) or into simdjson's string buffer are copied into the arena.
    std::string_view Keep(std::string_view text) const {
        return in_nested ? arena->Store(text) : text;
    }

    // Lowercased as StoreLower does, without a copy when the text has no uppercase letter (the
    // text must outlive the Event: a view into the record or the arena, never a scratch buffer).
    std::string_view Lower(std::string_view text) const {
        return HasAsciiUpper(text) ? arena->StoreLower(text) : text;
    }

    // The value as text: strings unescaped, objects/arrays as raw JSON, numbers/booleans as
    // their token, null as empty. The text is kept (see Keep) unless `transient`, when it is
    // only valid until the parser reads the next string. False on a JSON error.
    bool Text(od::value& value, std::string_view& out, bool transient = false) {
        od::json_type type;
        if (value.type().get(type)) return false;
        switch (type) {
        case od::json_type::string: {
            // The token runs from the opening quote to the next structural character; a string
            // without a backslash is its own unescaped text.
            std::string_view token = value.raw_json_token();
            size_t end = token.size();
            while (end > 1 && token[end - 1] != '"') --end; // whitespace after the string
            if (end >= 2) {
                std::string_view raw = token.substr(1, end - 2);
                if (!HasEscape(raw.data(), raw.size())) {
                    out = transient ? raw : Keep(raw);
                    return true;
                }
            }
            std::string_view s;
            if (value.get_string().get(s)) return false;
            out = transient ? s : arena->Store(s);
            return true;
        }
        case od::json_type::object: {
            od::object object;
            if (value.get_object().get(object)) return false;
            std::string_view raw;
            if (object.raw_json().get(raw)) return false;
            out = transient ? raw : Keep(raw);
            return true;
        }
        case od::json_type::array: {
            od::array array;
            if (value.get_array().get(array)) return false;
            std::string_view raw;
            if (array.raw_json().get(raw)) return false;
            out = transient ? raw : Keep(raw);
            return true;
        }
        case od::json_type::null: {
            bool is_null = false;
            if (value.is_null().get(is_null)) return false;
            out = {};
            return true;
        }
        default: {
            std::string_view token = Trim(value.raw_json_token());
            out = transient ? token : Keep(token);
            return true;
        }
        }
    }

    bool TrimmedText(od::value& value, std::string_view& out) {
        if (!Text(value, out)) return false;
        out = Trim(out);
        return true;
    }

    // Runs `walk(object)` over JSON text held in a string (e.g. LA `Properties`, CSV cells).
    // Invalid or non-object text is ignored: these are optional enrichments of a record that is
    // otherwise readable.
    template <typename Walk> void WithNestedObject(std::string_view text, Walk&& walk) {
        text = TrimAsciiSpace(text);
        if (in_nested || text.empty() || text.front() != '{') return;
        nested_buffer.assign(text.data(), text.size());
        nested_buffer.append(simdjson::SIMDJSON_PADDING, '\0');
        od::document doc;
        if (nested.iterate(nested_buffer.data(), text.size(), nested_buffer.size()).get(doc))
            return;
        od::object object;
        if (doc.get_object().get(object)) return;
        in_nested = true;
        walk(object);
        in_nested = false;
    }

    // As WithNestedObject, for a walk that returns whether it read the object without a JSON
    // error. True when the text was an object, the walk returned true and nothing follows the
    // object: the text as a whole was read as one JSON value.
    template <typename Walk> bool WithWholeNestedObject(std::string_view text, Walk&& walk) {
        text = TrimAsciiSpace(text);
        if (in_nested || text.empty() || text.front() != '{') return false;
        nested_buffer.assign(text.data(), text.size());
        nested_buffer.append(simdjson::SIMDJSON_PADDING, '\0');
        od::document doc;
        if (nested.iterate(nested_buffer.data(), text.size(), nested_buffer.size()).get(doc))
            return false;
        od::object object;
        if (doc.get_object().get(object)) return false;
        in_nested = true;
        const bool read = walk(object);
        in_nested = false;
        const char* location = nullptr;
        return read && doc.current_location().get(location) != simdjson::SUCCESS;
    }
};

} // namespace minetrace::record_parsing
