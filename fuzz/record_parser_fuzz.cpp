// Fuzzes RecordParser over every shape, the way the ingest's workers drive it: content starting
// with '{' is one JSON record (wrappers split into their elements, Log Analytics rows parsed with
// their table's columns, envelopes opened, up to the workers' nesting limit); content starting
// with '[' is an array of records; anything else is a CSV export (first record the header, the rest
// rows). Invariants for every record:
//   - a quarantined record has a reason text and a detail; an ignored one a kind; an envelope's
//     inner records are non-empty views inside the record;
//   - an event's fields documented as lowercased hold no ASCII uppercase letter, its time has at
//     most 6 fraction digits and formats and parses back to itself;
//   - the event's JSON line (as `minetrace events` writes it) is valid UTF-8 and valid JSON;
//   - parsing the same record again with the same parser gives the same outcome and JSON (no
//     state leaks from one record into the next).
#include "core/arena.hpp"
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/timestamp.hpp"
#include "fuzz/fuzz_check.hpp"
#include "parsers/csv_splitter.hpp"
#include "parsers/json_splitter.hpp"
#include "parsers/record_parser.hpp"
#include "pipeline/event_json.hpp"

#include <simdjson.h>
#include <string>
#include <vector>

namespace {

using namespace minetrace;

constexpr int kMaxDepth = 3;         // BatchWorker's kMaxContainerDepth
constexpr size_t kMaxElements = 128; // per container: bounds the time per input
constexpr size_t kMaxCsvRows = 64;

struct Harness {
    RecordParser parser;
    simdjson::dom::parser json;
};

bool HasUpper(std::string_view text) {
    for (char c : text)
        if (c >= 'A' && c <= 'Z') return true;
    return false;
}

void CheckLowercased(const Event& e) {
    const std::pair<const char*, std::string_view> fields[] = {
        {"subscription_id", e.subscription_id},
        {"tenant_id", e.tenant_id},
        {"resource_id_lower", e.resource_id_lower},
        {"resource_type", e.resource_type},
        {"resource_group", e.resource_group},
        {"operation", e.operation},
        {"correlation_id", e.correlation_id},
        {"operation_id", e.operation_id},
        {"event_data_id", e.event_data_id},
        {"caller.object_id", e.caller.object_id},
        // A Partner Center applicationId that is a name stays as written (event.hpp).
        {"caller.app_id", e.kind == SourceKind::kPartnerCenterAudit && !IsGuidLike(e.caller.app_id)
                              ? std::string_view()
                              : e.caller.app_id},
        {"caller.token_tenant", e.caller.token_tenant},
        {"partner.partner_id", e.partner.partner_id},
        {"partner.order_id", e.partner.order_id}};
    for (const auto& [name, value] : fields) {
        if (HasUpper(value)) {
            std::fprintf(stderr, "%s not lowercased: %.*s\n", name, static_cast<int>(value.size()),
                         value.data());
            FUZZ_CHECK(!HasUpper(value));
        }
    }
    for (std::string_view id : e.partner.subscription_ids) FUZZ_CHECK(!HasUpper(id));
}

// The outcome as text (everything a sink sees), checked on the way.
std::string Render(Harness& h, const ParseOutcome& outcome, const Event& event,
                   std::string_view record) {
    std::string out;
    switch (outcome.outcome) {
    case RecordOutcome::kEvent: {
        FUZZ_CHECK(event.time_digits <= 6);
        CheckLowercased(event);
        const std::string time = FormatRfc3339Micros(event.time_us);
        const std::optional<ParsedTime> back = ParseTimestamp(time);
        FUZZ_CHECK(back && back->unix_us == event.time_us);
        AppendEventJson(out, event, "fuzz.json", record, {});
        FUZZ_CHECK(simdjson::validate_utf8(out.data(), out.size()));
        simdjson::dom::element doc;
        FUZZ_CHECK(h.json.parse(out).get(doc) == simdjson::SUCCESS);
        FUZZ_CHECK(doc.is_object());
        return "event " + out;
    }
    case RecordOutcome::kIgnored:
        FUZZ_CHECK(!outcome.ignored_kind.empty());
        return "ignored " + std::string(outcome.ignored_kind);
    case RecordOutcome::kQuarantined:
        FUZZ_CHECK(!ToString(outcome.reason).empty());
        FUZZ_CHECK(!outcome.detail.empty());
        return "quarantined " + std::string(ToString(outcome.reason)) + " " + outcome.detail;
    case RecordOutcome::kWrapper:
        return "wrapper";
    case RecordOutcome::kEnvelope:
        FUZZ_CHECK(!outcome.inner.empty());
        out = "envelope";
        for (std::string_view inner : outcome.inner) {
            FUZZ_CHECK(!inner.empty());
            FUZZ_CHECK(inner.data() >= record.data() &&
                       inner.data() + inner.size() <= record.data() + record.size());
            out += " " + std::to_string(inner.data() - record.data()) + "+" +
                   std::to_string(inner.size());
        }
        return out;
    }
    FUZZ_CHECK(false);
    return out;
}

ParseOutcome ParseOne(Harness& h, std::string_view record, const ColumnKeys* columns, Arena& arena,
                      Event& event) {
    event = Event{};
    return columns != nullptr ? h.parser.ParseTableRow(record, *columns, arena, event)
                              : h.parser.ParseJsonObject(record, arena, event);
}

void Json(Harness& h, std::string_view record, const ColumnKeys* columns, int depth);

// A container's elements (split as the reader and the workers split them), each parsed alone.
void Elements(Harness& h, std::string_view container, int depth) {
    JsonStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    splitter.Feed(container.data(), container.size(), 0, spans);
    splitter.Finish(spans);
    size_t done = 0;
    for (const RecordSpan& span : spans) {
        if (span.kind != SpanKind::kRecord || span.length == container.size()) continue;
        if (++done > kMaxElements) break;
        const std::string_view element = container.substr(span.offset, span.length);
        ColumnKeys keys;
        const bool row = span.columns && element.front() == '[';
        if (row && !h.parser.ParseColumns(*span.columns, keys)) continue;
        Json(h, element, row ? &keys : nullptr, depth);
    }
}

// One JSON record (a view into padded storage), parsed twice; then its elements or inner records.
void Json(Harness& h, std::string_view record, const ColumnKeys* columns, int depth) {
    Arena arena;
    Event event;
    const ParseOutcome first = ParseOne(h, record, columns, arena, event);
    const std::string rendered = Render(h, first, event, record);
    const ParseOutcome second = ParseOne(h, record, columns, arena, event);
    FUZZ_CHECK(Render(h, second, event, record) == rendered);
    if (depth >= kMaxDepth) return;

    if (first.outcome == RecordOutcome::kEnvelope) {
        for (std::string_view inner : first.inner) Json(h, inner, nullptr, depth + 1);
    } else if (first.outcome == RecordOutcome::kWrapper) {
        Elements(h, record, depth + 1);
    }
}

void Csv(Harness& h, std::string_view content) {
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    splitter.Feed(content.data(), content.size(), 0, spans);
    splitter.Finish(spans);
    if (spans.empty() || spans[0].kind != SpanKind::kRecord) return;
    Arena arena;
    std::vector<std::string_view> cells;
    if (!SplitCsvRecord(content.substr(spans[0].offset, spans[0].length), arena, cells)) return;
    ColumnKeys header; // as BatchReader::ReadCsvHeader builds it
    for (std::string_view cell : cells) {
        header.keys.push_back(NormalizeKey(cell));
        if (cell.find("[UTC]") != std::string_view::npos) header.times_are_utc = true;
    }
    for (size_t i = 1; i < spans.size() && i <= kMaxCsvRows; ++i) {
        if (spans[i].kind != SpanKind::kRecord) continue;
        const std::string_view text = content.substr(spans[i].offset, spans[i].length);
        if (!SplitCsvRecord(text, arena, cells)) continue;
        Event event;
        const ParseOutcome first = h.parser.ParseCsvRow(cells, header, arena, event);
        FUZZ_CHECK(first.outcome != RecordOutcome::kWrapper &&
                   first.outcome != RecordOutcome::kEnvelope);
        const std::string rendered = Render(h, first, event, text);
        event = Event{};
        const ParseOutcome second = h.parser.ParseCsvRow(cells, header, arena, event);
        FUZZ_CHECK(Render(h, second, event, text) == rendered);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Harness* harness = new Harness; // one parser for every input, as a worker keeps one
    // The parser reads up to kJsonPadding bytes past a record (the Batch buffer guarantees them).
    std::string storage(reinterpret_cast<const char*>(data), size);
    storage.append(RecordParser::kJsonPadding, '\0');
    const std::string_view content(storage.data(), size);
    if (!content.empty() && content.front() == '{') {
        Json(*harness, content, nullptr, 0);
    } else if (!content.empty() && content.front() == '[') {
        Elements(*harness, content, 1); // a top-level array: its elements are the records
    } else {
        Csv(*harness, content);
    }
    return 0;
}
