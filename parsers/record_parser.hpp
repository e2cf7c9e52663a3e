// RecordParser: turns one raw record (a JSON object, a Log Analytics table row, or a CSV row) of
// any supported shape into a normalized Event, or says why it is ignored or quarantined.
//
// Shapes are recognised per record from their keys, never from file names, because real exports
// mix them: activity-log exports (storage / Event Hub), REST / az CLI EventData, Python SDK
// snake_case, Log Analytics AzureActivity rows, Partner Center audit records. Valid records of
// other kinds (Entra sign-ins and audits, resource logs, Partner Center usage) are "ignored" with
// a kind name; records that cannot be read are "quarantined" with a reason.
//
// Keys are matched case-insensitively and with '_' removed, so `eventTimestamp`,
// `event_timestamp` and `EventTimestamp` are one key; CSV headers also lose a ` [UTC]` suffix.
//
// Thread-safety: not thread-safe; use one RecordParser per worker thread (it owns simdjson
// parsers and scratch buffers). Lifetime: the Event's views point into the record text (which
// must stay alive, e.g. the Batch buffer) or into the Arena passed in.
#pragma once

#include "core/arena.hpp"
#include "core/event.hpp"
#include "parsers/quarantine_reason.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

enum class RecordOutcome : uint8_t {
    kEvent,       // `event` is filled
    kIgnored,     // a valid record of another kind; see ignored_kind
    kQuarantined, // unreadable; see reason and detail
    kWrapper,     // the record is a container ({"records":[...]}, {"value":[...]}, {"tables":...});
                  // split it into its elements and parse those instead
    kEnvelope,    // the record wraps records of ours: a tool envelope ({"Log": {...}} from
                  // Panther tests, {"event": {...}} from Splunk HEC, {"_source": {...}} from
                  // Elasticsearch) or an Azure REST API example ({"responses":{"200":{"body":
                  // ...}}}); parse `inner` (views into the record) instead
};

struct ParseOutcome {
    RecordOutcome outcome = RecordOutcome::kEvent;
    std::string_view ignored_kind; // static string, for kIgnored
    QuarantineReason reason = QuarantineReason::kInvalidJson;
    std::string detail;                  // human-readable, for kQuarantined
    std::vector<std::string_view> inner; // for kEnvelope
};

// Column names of one Log Analytics table or CSV header, normalized for matching.
struct ColumnKeys {
    std::vector<std::string> keys;
    // The header said its times are UTC (portal CSV "TimeGenerated [UTC]"), so times written
    // without a zone are not "assumed" UTC.
    bool times_are_utc = false;
    // A mapped column the header names twice (up to ASCII case), as written: every row is
    // quarantined as ambiguous-key. Empty when there is none.
    std::string repeated;
};

// The first mapped column named twice (up to ASCII case) in a header, as written; empty if none.
std::string RepeatedColumn(const std::vector<std::string_view>& names);

class RecordParser {
  public:
    RecordParser();
    ~RecordParser();
    RecordParser(const RecordParser&) = delete;
    RecordParser& operator=(const RecordParser&) = delete;

    // `record` must be followed by at least kJsonPadding readable bytes (the Batch buffer
    // guarantees it). The record is one JSON object.
    ParseOutcome ParseJsonObject(std::string_view record, Arena& arena, Event& event);

    // One Log Analytics query-API row (a JSON array) with its table's columns.
    ParseOutcome ParseTableRow(std::string_view row, const ColumnKeys& columns, Arena& arena,
                               Event& event);

    // One CSV data row, cells already split and unquoted, with the header's normalized keys.
    ParseOutcome ParseCsvRow(const std::vector<std::string_view>& cells, const ColumnKeys& header,
                             Arena& arena, Event& event);

    // Parses a Log Analytics `columns` array (`[{"name":..,"type":..},...]`). False when invalid.
    bool ParseColumns(std::string_view columns_json, ColumnKeys& out);

    static constexpr size_t kJsonPadding = 64;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Normalizes a header or JSON key for matching: ASCII-lowercased, '_' '-' ' ' removed, a trailing
// bracketed suffix such as " [UTC]" dropped, a UTF-8 BOM dropped.
std::string NormalizeKey(std::string_view key);

} // namespace minetrace
