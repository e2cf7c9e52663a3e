// Helpers of the RecordParser shape tests: records get the padding the parser reads past their
// end, and stay alive (with the Arena) as long as the Events that view them.
#pragma once

#include "core/arena.hpp"
#include "core/event.hpp"
#include "parsers/record_parser.hpp"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace::test {

class ParserHarness {
  public:
    // One JSON object record.
    ParseOutcome Json(std::string_view record, Event& event) {
        event = Event{};
        return parser.ParseJsonObject(Keep(record), arena, event);
    }

    // One Log Analytics query-API row with its table's `columns` array.
    ParseOutcome Row(std::string_view columns_json, std::string_view row, Event& event) {
        ColumnKeys columns;
        if (!parser.ParseColumns(columns_json, columns)) {
            ParseOutcome failed;
            failed.outcome = RecordOutcome::kQuarantined;
            failed.detail = "columns did not parse";
            return failed;
        }
        event = Event{};
        return parser.ParseTableRow(Keep(row), columns, arena, event);
    }

    // One CSV row: header names as written (NormalizeKey'd here) and unquoted cells.
    ParseOutcome Csv(const std::vector<std::string>& header, const std::vector<std::string>& cells,
                     Event& event, bool times_are_utc = false) {
        ColumnKeys keys;
        for (const std::string& name : header) keys.keys.push_back(NormalizeKey(name));
        keys.repeated = RepeatedColumn(std::vector<std::string_view>(header.begin(), header.end()));
        keys.times_are_utc = times_are_utc;
        std::vector<std::string_view> views;
        for (const std::string& cell : cells) views.push_back(Keep(cell));
        event = Event{};
        return parser.ParseCsvRow(views, keys, arena, event);
    }

    RecordParser parser;
    Arena arena;

  private:
    // A padded copy that outlives the Event (deque: stable addresses).
    std::string_view Keep(std::string_view text) {
        std::string& stored = storage_.emplace_back(text);
        stored.append(RecordParser::kJsonPadding, '\0');
        return {stored.data(), text.size()};
    }

    std::deque<std::string> storage_;
};

} // namespace minetrace::test
