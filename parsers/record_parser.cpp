#include "parsers/record_parser.hpp"

#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/phase.hpp"
#include "core/timestamp.hpp"
#include "parsers/record_parser_impl.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <simdjson.h>
#include <utility>

namespace minetrace {

static_assert(RecordParser::kJsonPadding >= simdjson::SIMDJSON_PADDING,
              "batch buffers must carry simdjson's padding");

std::string NormalizeKey(std::string_view key) {
    std::array<char, 96> buffer{};
    std::string_view normalized = NormalizeKeyInto(key, buffer);
    if (normalized.empty() && !key.empty()) {
        // Longer than the fixed buffer: fall back to an allocating copy.
        std::string out;
        for (char c : key) {
            if (c == '[') break;
            if (c == '_' || c == '-' || c == ' ' || c == '\t' || c == '"') continue;
            out.push_back(AsciiLower(c));
        }
        return out;
    }
    return std::string(normalized);
}

std::string RepeatedColumn(const std::vector<std::string_view>& names) {
    SeenKeys seen;
    for (std::string_view name : names) {
        const uint8_t id = kTopLevelRoutes.FindId(name);
        if (!seen.Add(id, name)) return std::string(name);
    }
    return {};
}

RecordParser::RecordParser() : impl_(std::make_unique<Impl>()) {}
RecordParser::~RecordParser() = default;

namespace {
// On-Demand parses lazily: after the top-level value is consumed, any further token means the
// record held more than one JSON value.
bool HasTrailingContent(od::document& doc) {
    const char* location = nullptr;
    return doc.current_location().get(location) == simdjson::SUCCESS;
}

std::string JsonErrorDetail(simdjson::error_code error) {
    return std::string("JSON error: ") + simdjson::error_message(error);
}

// True when `text` starts with one complete object or array that more bytes follow (several
// records on one JSON Lines line, separated by a bare CR or nothing at all).
bool StartsSeveralValues(od::parser& parser, std::string_view text) {
    od::document doc;
    if (parser.iterate(text.data(), text.size(), text.size() + RecordParser::kJsonPadding).get(doc))
        return false;
    od::json_type type;
    if (doc.type().get(type)) return false;
    std::string_view raw;
    if (type == od::json_type::object) {
        od::object object;
        if (doc.get_object().get(object) || object.raw_json().get(raw)) return false;
    } else if (type == od::json_type::array) {
        od::array array;
        if (doc.get_array().get(array) || array.raw_json().get(raw)) return false;
    } else {
        return false;
    }
    return HasTrailingContent(doc);
}

// True when a valid array's first element is an object or an array: records to split out.
// Arrays of scalars and empty arrays are not records.
bool HoldsRecords(od::document& doc) {
    od::array array;
    if (doc.get_array().get(array)) return false;
    for (auto element : array) {
        od::json_type type;
        if (element.type().get(type)) return false;
        return type == od::json_type::object || type == od::json_type::array;
    }
    return false;
}
} // namespace

std::optional<ParseOutcome> RecordParser::Impl::Validate(std::string_view record,
                                                         bool several_allowed) {
    std::string detail;
    switch (validator.Check(record, &detail)) {
    case JsonValidity::kValid:
        return std::nullopt;
    case JsonValidity::kTooDeep:
        return Quarantine(QuarantineReason::kTooDeep,
                          "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    case JsonValidity::kInvalid:
        break;
    }
    if (several_allowed && StartsSeveralValues(primary, record)) return Wrapper();
    return Quarantine(QuarantineReason::kInvalidJson, std::move(detail));
}

ParseOutcome RecordParser::ParseJsonObject(std::string_view record, Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    if (std::optional<ParseOutcome> early = impl.Validate(record, /*several_allowed=*/true))
        return std::move(*early);
    od::document doc;
    auto error =
        impl.primary.iterate(record.data(), record.size(), record.size() + kJsonPadding).get(doc);
    impl.StartDocument(record);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    od::json_type type;
    error = doc.type().get(type);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    if (type != od::json_type::object) {
        // Validated already: valid JSON of another type. A JSON Lines line holding an array of
        // records is split by the caller; any other value is not a record.
        if (type == od::json_type::array && HoldsRecords(doc)) return Impl::Wrapper();
        return impl.Quarantine(QuarantineReason::kUnrecognizedRecord,
                               "a JSON value that is not an object");
    }
    od::object object;
    error = doc.get_object().get(object);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    SeenKeys seen;
    for (auto result : object) {
        error = result.error();
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        od::field& field = result.value_unsafe();
        std::string_view key;
        error = impl.FieldKey(field, key);
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        const uint8_t id = kTopLevelRoutes.FindId(key);
        if (!seen.Add(id, key)) impl.NoteRepeatedKey(key);
        const TopRoute& route = kTopLevelRoutes.At(id);
        if (route.slot == Slot::kNone) continue;
        if (route.mark == KeyMark::kTime) {
            if (key.find('_') != std::string_view::npos) impl.fields.snake_case_time = true;
            if (EqualsIgnoreCase(key, "TimeGenerated")) impl.fields.log_analytics_keys = true;
        } else if (route.mark == KeyMark::kLogAnalytics) {
            impl.fields.log_analytics_keys = true;
        }
        if (!impl.TopField(route, field.value()))
            return impl.Quarantine(QuarantineReason::kInvalidJson,
                                   "JSON error in \"" + std::string(key.substr(0, 64)) + "\"");
    }
    // On-Demand parses lazily: make sure the whole record was well-formed.
    if (HasTrailingContent(doc))
        return impl.Quarantine(QuarantineReason::kInvalidJson, "trailing content after the record");
    if (std::optional<ParseOutcome> repeated = impl.RepeatedKeyOutcome())
        return std::move(*repeated);
    return impl.Finish(event, false);
}

ParseOutcome RecordParser::ParseTableRow(std::string_view row, const ColumnKeys& columns,
                                         Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    if (std::optional<ParseOutcome> early = impl.Validate(row, /*several_allowed=*/false))
        return std::move(*early);
    od::document doc;
    auto error = impl.primary.iterate(row.data(), row.size(), row.size() + kJsonPadding).get(doc);
    impl.StartDocument(row);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    od::array cells;
    error = doc.get_array().get(cells);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    if (!columns.repeated.empty()) impl.NoteRepeatedKey(columns.repeated);
    size_t index = 0;
    for (auto cell : cells) {
        od::value value;
        error = cell.get(value);
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        if (index < columns.keys.size()) {
            const TopRoute& route = LookupRoute(columns.keys[index]);
            if (route.slot != Slot::kNone && !impl.TopField(route, value))
                return impl.Quarantine(QuarantineReason::kInvalidJson,
                                       "JSON error in column " + columns.keys[index]);
        }
        ++index;
    }
    if (HasTrailingContent(doc))
        return impl.Quarantine(QuarantineReason::kInvalidJson, "trailing content after the row");
    if (index != columns.keys.size()) {
        return impl.Quarantine(QuarantineReason::kInvalidJson,
                               "row has " + std::to_string(index) + " cells for " +
                                   std::to_string(columns.keys.size()) + " columns");
    }
    if (std::optional<ParseOutcome> repeated = impl.RepeatedKeyOutcome())
        return std::move(*repeated);
    return impl.Finish(event, true);
}

ParseOutcome RecordParser::ParseCsvRow(const std::vector<std::string_view>& cells,
                                       const ColumnKeys& header, Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    if (cells.size() > header.keys.size()) {
        return impl.Quarantine(QuarantineReason::kInvalidCsv,
                               "row has " + std::to_string(cells.size()) + " cells for " +
                                   std::to_string(header.keys.size()) + " header columns");
    }
    if (!header.repeated.empty()) impl.NoteRepeatedKey(header.repeated);
    for (size_t i = 0; i < cells.size(); ++i) {
        const TopRoute& route = LookupRoute(header.keys[i]);
        if (route.slot == Slot::kNone) continue;
        impl.TopText(route, TrimAsciiSpace(cells[i]));
    }
    if (std::optional<ParseOutcome> repeated = impl.RepeatedKeyOutcome())
        return std::move(*repeated);
    ParseOutcome outcome = impl.Finish(event, true);
    if (header.times_are_utc) event.time_zone_assumed = Tristate::kNo;
    return outcome;
}

bool RecordParser::ParseColumns(std::string_view columns_json, ColumnKeys& out) {
    Impl& impl = *impl_;
    out.keys.clear();
    std::string buffer(columns_json);
    buffer.append(simdjson::SIMDJSON_PADDING, '\0');
    od::document doc;
    if (impl.nested.iterate(buffer.data(), columns_json.size(), buffer.size()).get(doc))
        return false;
    od::array columns;
    if (doc.get_array().get(columns)) return false;
    for (auto column : columns) {
        od::object object;
        if (column.get_object().get(object)) return false;
        std::string name;
        for (auto field : object) {
            std::string_view key;
            if (field.unescaped_key().get(key)) return false;
            if (!EqualsIgnoreCase(key, "name") && !EqualsIgnoreCase(key, "ColumnName")) continue;
            std::string_view value;
            if (field.value().get_string().get(value)) return false;
            name = value;
        }
        out.keys.push_back(std::move(name));
    }
    // Names as written first, to find a repeated column; then normalized for matching.
    std::vector<std::string_view> names(out.keys.begin(), out.keys.end());
    out.repeated = RepeatedColumn(names);
    for (std::string& key : out.keys) key = NormalizeKey(key);
    return true;
}

} // namespace minetrace
