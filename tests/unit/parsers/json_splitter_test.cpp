#include "parsers/json_splitter.hpp"
#include "support/datasets.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <simdjson.h>
#include <string>
#include <vector>

namespace minetrace {
namespace {

struct Want {
    std::string_view text;
    SpanKind kind = SpanKind::kRecord;
    const char* columns = nullptr; // expected columns text, or null
};

const char* KindName(SpanKind kind) {
    switch (kind) {
    case SpanKind::kRecord:
        return "record";
    case SpanKind::kGarbage:
        return "garbage";
    case SpanKind::kTruncated:
        return "truncated";
    case SpanKind::kTooDeep:
        return "too-deep";
    }
    return "?";
}

// One line per span: kind, offset, length, the bytes, and the columns text when present.
std::string Render(std::string_view content, const std::vector<RecordSpan>& spans) {
    std::string r;
    for (const RecordSpan& s : spans) {
        r += KindName(s.kind);
        r += " @" + std::to_string(s.offset) + "+" + std::to_string(s.length) + " ";
        if (s.offset <= content.size() && s.length <= content.size() - s.offset) {
            r += content.substr(s.offset, s.length);
        } else {
            r += "<out of range>";
        }
        if (s.columns) r += " | cols=" + *s.columns;
        r += "\n";
    }
    return r;
}

// Expected spans, each found in `content` after the previous one.
std::string RenderWant(std::string_view content, std::initializer_list<Want> wants) {
    std::vector<RecordSpan> spans;
    size_t from = 0;
    for (const Want& w : wants) {
        const size_t at = content.find(w.text, from);
        INFO("expected span text: " << w.text);
        REQUIRE(at != std::string_view::npos);
        RecordSpan s;
        s.offset = at;
        s.length = w.text.size();
        s.kind = w.kind;
        if (w.columns != nullptr) s.columns = std::make_shared<const std::string>(w.columns);
        spans.push_back(s);
        from = at + w.text.size();
    }
    return Render(content, spans);
}

struct SplitResult {
    std::vector<RecordSpan> spans;
    std::string container;
};

// Feeds `content` in pieces whose sizes cycle through `sizes` (0 = all at once) and checks that
// safe_cut never passes the start of a span still to come, never decreases and never passes the
// fed end.
SplitResult FeedPieces(std::string_view content, const std::vector<size_t>& sizes) {
    JsonStreamSplitter splitter;
    SplitResult result;
    struct Checkpoint {
        uint64_t cut;
        size_t emitted;
        uint64_t fed;
    };
    std::vector<Checkpoint> checkpoints;
    size_t pos = 0;
    size_t k = 0;
    while (pos < content.size()) {
        size_t n = sizes[k++ % sizes.size()];
        if (n == 0 || n > content.size() - pos) n = content.size() - pos;
        splitter.Feed(content.data() + pos, n, pos, result.spans);
        pos += n;
        checkpoints.push_back({splitter.safe_cut(), result.spans.size(), pos});
    }
    splitter.Finish(result.spans);
    result.container = std::string(splitter.container());

    std::vector<uint64_t> min_offset_after(result.spans.size() + 1, UINT64_MAX);
    for (size_t i = result.spans.size(); i-- > 0;) {
        min_offset_after[i] = std::min(min_offset_after[i + 1], result.spans[i].offset);
    }
    uint64_t previous_cut = 0;
    bool ok = true;
    std::string failure;
    uint64_t previous_end = 0;
    for (const RecordSpan& span : result.spans) {
        if (span.length == 0 || span.offset < previous_end || span.offset > content.size() ||
            span.length > content.size() - span.offset) {
            ok = false;
            failure = "span out of order, empty or out of range at " + std::to_string(span.offset);
        }
        previous_end = span.offset + span.length;
    }
    for (const Checkpoint& c : checkpoints) {
        if (c.cut > c.fed || c.cut < previous_cut || c.cut > min_offset_after[c.emitted]) {
            ok = false;
            failure = "safe_cut " + std::to_string(c.cut) + " after " + std::to_string(c.fed) +
                      " bytes (previous " + std::to_string(previous_cut) + ", next span at " +
                      std::to_string(min_offset_after[c.emitted]) + ")";
            break;
        }
        previous_cut = c.cut;
    }
    INFO(failure);
    CHECK(ok);
    return result;
}

// Splits `content` whole, in 1-byte, 7-byte and random pieces; all must agree.
SplitResult Split(std::string_view content) {
    SplitResult whole = FeedPieces(content, {0});
    const std::string expected = Render(content, whole.spans);
    for (const std::vector<size_t>& sizes : {std::vector<size_t>{1}, std::vector<size_t>{7}}) {
        SplitResult other = FeedPieces(content, sizes);
        INFO("piece size " << sizes[0]);
        CHECK(Render(content, other.spans) == expected);
        CHECK(other.container == whole.container);
    }
    std::mt19937 rng(12345);
    std::uniform_int_distribution<size_t> dist(1, 40);
    for (int round = 0; round < 3; ++round) {
        std::vector<size_t> sizes;
        for (int i = 0; i < 64; ++i) sizes.push_back(dist(rng));
        SplitResult other = FeedPieces(content, sizes);
        INFO("random pieces, round " << round);
        CHECK(Render(content, other.spans) == expected);
        CHECK(other.container == whole.container);
    }
    return whole;
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("JsonStreamSplitter: pretty-printed top-level array", "[parsers]") {
    const std::string content = "[\n"
                                "  {\n    \"a\": 1,\n    \"b\": [1, 2, {\"c\": null}]\n  },\n"
                                "  {\"d\": \"x\"}\n"
                                "  ,{}\n"
                                "]\n";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) ==
          RenderWant(content, {{"{\n    \"a\": 1,\n    \"b\": [1, 2, {\"c\": null}]\n  }"},
                               {"{\"d\": \"x\"}"},
                               {"{}"}}));
    CHECK(r.container == "json-array");
    // Exact offsets, spelled out once.
    REQUIRE(r.spans.size() == 3);
    CHECK(r.spans[0].offset == 4);
    CHECK(r.spans[1].offset == content.find("{\"d\""));
    CHECK(r.spans[1].length == 10);
}

TEST_CASE("JsonStreamSplitter: BOM, CRLF and empty content", "[parsers]") {
    const std::string content = "\xEF\xBB\xBF[\r\n  {\"a\": 1},\r\n  {\"b\": 2}\r\n]\r\n";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) == RenderWant(content, {{"{\"a\": 1}"}, {"{\"b\": 2}"}}));
    CHECK(r.spans.at(0).offset == 8);

    const SplitResult empty = Split(" \r\n\t\n");
    CHECK(empty.spans.empty());
    CHECK(empty.container == "none");

    JsonStreamSplitter nothing;
    std::vector<RecordSpan> out;
    nothing.Finish(out);
    CHECK(out.empty());
    CHECK(nothing.safe_cut() == 0);
}

TEST_CASE("JsonStreamSplitter: wrappers with keys before and after the array", "[parsers]") {
    const std::string items = "{\n  \"totalCount\": 2,\n  \"items\": [\n    {\"id\": \"1\", "
                              "\"value\": [1]},\n    {\"id\": \"2\"}\n  ],\n  \"links\": "
                              "{\"self\": {\"uri\": \"/x\"}},\n  \"attributes\": "
                              "{\"objectType\": \"Collection\"}\n}\n";
    SplitResult r = Split(items);
    CHECK(Render(items, r.spans) ==
          RenderWant(items, {{"{\"id\": \"1\", \"value\": [1]}"}, {"{\"id\": \"2\"}"}}));
    CHECK(r.container == "json-items");

    const std::string value =
        R"({"value":[{"a":"]"},{"b":"}"}],"nextLink":"https://management.azure.com/x?$skiptoken=1"})";
    r = Split(value);
    CHECK(Render(value, r.spans) == RenderWant(value, {{R"({"a":"]"})"}, {R"({"b":"}"})"}}));
    CHECK(r.container == "json-value");

    // Keys match case-insensitively; an empty page has no records.
    const std::string records = "{\"Records\": [ {\"x\": 1} ]}\n{\"RECORDS\": []}\n";
    r = Split(records);
    CHECK(Render(records, r.spans) == RenderWant(records, {{"{\"x\": 1}"}}));
    CHECK(r.container == "json-records");

    // Once a wrapper, later elements that are arrays are flattened and scalars are garbage.
    const std::string mixed = R"({"value":[{"a":1},[{"b":2}],3,"s"]})";
    r = Split(mixed);
    CHECK(Render(mixed, r.spans) == RenderWant(mixed, {{R"({"a":1})"},
                                                       {R"({"b":2})"},
                                                       {"3", SpanKind::kGarbage},
                                                       {R"("s")", SpanKind::kGarbage}}));
}

TEST_CASE("JsonStreamSplitter: safe_cut holds an undecided object until its wrapper key",
          "[parsers]") {
    const std::string content = R"({"totalCount":2,"items":[{"a":1},{"b":2}],"links":{}})";
    const size_t first = content.find("{\"a\"");
    const size_t second = content.find("{\"b\"");
    JsonStreamSplitter splitter;
    std::vector<RecordSpan> out;
    for (size_t i = 0; i < content.size(); ++i) {
        splitter.Feed(content.data() + i, 1, i, out);
        const uint64_t cut = splitter.safe_cut();
        if (i < first) {
            CHECK(cut == 0); // still possibly one big record
        } else if (i < content.find("},{")) {
            CHECK(cut == first); // a wrapper now: only the open element is held
        } else if (i >= content.find("},{") && i < second) {
            CHECK(cut == i + 1); // nothing open
        }
    }
    splitter.Finish(out);
    CHECK(out.size() == 2);
    CHECK(splitter.safe_cut() == content.size());
    CHECK(splitter.idle());
}

TEST_CASE("JsonStreamSplitter: value keys below the top level are not wrappers", "[parsers]") {
    // EventData (REST / az CLI) records carry {"value":..,"localizedValue":..} pairs.
    const std::string content =
        "{\n  \"operationName\": {\"value\": \"Microsoft.Compute/virtualMachines/write\", "
        "\"localizedValue\": \"Create or Update Virtual Machine\"},\n  \"properties\": "
        "{\"value\": [{\"x\": 1}], \"records\": [{}]},\n  \"status\": {\"value\": "
        "\"Succeeded\"}\n}\n"
        "{\"name\": \"x\", \"value\": \"scalar\", \"items\": 3}\n"
        "{\"tags\": {}, \"value\": [1, 2]}\n"
        "{\"value\": [[{\"a\": 1}]]}\n";
    const SplitResult r = Split(content);
    REQUIRE(r.spans.size() == 4);
    for (const RecordSpan& s : r.spans) CHECK(s.kind == SpanKind::kRecord);
    CHECK(r.spans[0].offset == 0);
    CHECK(r.spans[0].length == content.find("\n{\"name\""));
    CHECK(content.substr(r.spans[3].offset, r.spans[3].length) == "{\"value\": [[{\"a\": 1}]]}");
    CHECK(r.container == "json-object");

    const std::string in_array =
        R"([{"operationName":{"value":"Microsoft.Compute/virtualMachines/write"},"value":[{"x":1}]}])";
    const SplitResult a = Split(in_array);
    REQUIRE(a.spans.size() == 1);
    CHECK(a.spans[0].offset == 1);
    CHECK(a.spans[0].length == in_array.size() - 2);
}

TEST_CASE("JsonStreamSplitter: concatenated pages and mixed documents", "[parsers]") {
    const std::string pages = "{\"value\":[{\"id\":1}],\"nextLink\":\"https://x/?page=2\"}\n"
                              "{\n  \"value\": [\n    {\"id\": 2},\n    {\"id\": 3}\n  ]\n}\n\n"
                              "{\"value\":[{\"id\":4}]}";
    SplitResult r = Split(pages);
    CHECK(Render(pages, r.spans) ==
          RenderWant(pages, {{"{\"id\":1}"}, {"{\"id\": 2}"}, {"{\"id\": 3}"}, {"{\"id\":4}"}}));
    CHECK(r.container == "json-value");

    const std::string arrays = "[{\"a\":1}]\n[{\"b\":2}]\n[]";
    r = Split(arrays);
    CHECK(Render(arrays, r.spans) == RenderWant(arrays, {{"{\"a\":1}"}, {"{\"b\":2}"}}));
    CHECK(r.container == "json-array");

    const std::string mixed = "[{\"a\":1}]\n{\"records\":[{\"b\":2}]}\n{\"c\":3}";
    r = Split(mixed);
    CHECK(Render(mixed, r.spans) ==
          RenderWant(mixed, {{"{\"a\":1}"}, {"{\"b\":2}"}, {"{\"c\":3}"}}));
    CHECK(r.container == "json-mixed");

    // JSON Lines content works too (one bare record per line), with pages each behind a BOM.
    const std::string lines = "\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\r\n";
    r = Split(lines);
    CHECK(Render(lines, r.spans) == RenderWant(lines, {{"{\"a\":1}"}, {"{\"b\":2}"}}));
}

TEST_CASE("JsonStreamSplitter: nested arrays of arrays", "[parsers]") {
    const std::string content = "[[{\"a\":1},{\"b\":[[2]]}],\n [{\"c\":3}], [], [[{\"d\":4}]]]";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) ==
          RenderWant(content, {{"{\"a\":1}"}, {"{\"b\":[[2]]}"}, {"{\"c\":3}"}, {"{\"d\":4}"}}));
}

TEST_CASE("JsonStreamSplitter: Log Analytics tables carry their columns", "[parsers]") {
    const char* cols1 = R"([{"name":"TenantId","type":"string"},{"name":"Level","type":"string"}])";
    const char* cols3 = "[ {\"name\":\"X\",\"type\":\"int\"} ]";
    const std::string content =
        std::string("{\"tables\": [\n {\"name\":\"PrimaryResult\",\"Columns\":") + cols1 +
        ",\"rows\":[[\"t1\",\"Informational\"],\n  [\"t2\",\"Wa\\\"]rning\"]]},\n"
        " {\"name\":\"Second\",\"rows\":[[\"early\"], 7],\"columns\":[{\"name\":\"Y\"}]},\n"
        " {\"name\":\"Third\",\"columns\":" +
        cols3 + ",\"rows\":[[1],[2]]}\n]}\n";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) ==
          RenderWant(content, {{R"(["t1","Informational"])", SpanKind::kRecord, cols1},
                               {R"(["t2","Wa\"]rning"])", SpanKind::kRecord, cols1},
                               {R"(["early"])"},
                               {"7", SpanKind::kGarbage},
                               {"[1]", SpanKind::kRecord, cols3},
                               {"[2]", SpanKind::kRecord, cols3}}));
    CHECK(r.container == "la-tables");
    // Rows of one table share one columns string.
    REQUIRE(r.spans.size() == 6);
    CHECK(r.spans[0].columns.get() == r.spans[1].columns.get());
}

TEST_CASE("JsonStreamSplitter: an object row names its own fields, so it gets no columns",
          "[parsers]") {
    // Found by fuzz_json_splitter: object rows used to carry the table's columns, which only a
    // positional row is read by. Whole, truncated and mixed with positional rows.
    const char* cols = R"([{"name":"a","type":"string"}])";
    const std::string content = std::string("{\"tables\":[{\"name\":\"t\",\"columns\":") + cols +
                                ",\"rows\":[{\"a\":1},[\"x\"],{\"a\":\"y";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) == RenderWant(content, {{"{\"a\":1}"},
                                                           {"[\"x\"]", SpanKind::kRecord, cols},
                                                           {"{\"a\":\"y", SpanKind::kTruncated}}));
}

TEST_CASE("JsonStreamSplitter: truncated content", "[parsers]") {
    const std::string array = "[\n  {\"a\": 1},\n  {\"b\": {\"c\": \"x\\";
    SplitResult r = Split(array);
    CHECK(Render(array, r.spans) ==
          RenderWant(array, {{"{\"a\": 1}"}, {"{\"b\": {\"c\": \"x\\", SpanKind::kTruncated}}));

    const std::string object = "{\"a\":1,\"b\":";
    r = Split(object);
    CHECK(Render(object, r.spans) == RenderWant(object, {{object, SpanKind::kTruncated}}));
    CHECK(r.container == "json-object");

    const std::string wrapper = "{\"totalCount\":2,\"items\":[{\"a\":1},{\"b\":\"xx";
    r = Split(wrapper);
    CHECK(Render(wrapper, r.spans) ==
          RenderWant(wrapper, {{"{\"a\":1}"}, {"{\"b\":\"xx", SpanKind::kTruncated}}));

    const char* cols = R"([{"name":"A"}])";
    const std::string row =
        std::string("{\"tables\":[{\"columns\":") + cols + ",\"rows\":[[\"x\"],[\"y";
    r = Split(row);
    CHECK(Render(row, r.spans) == RenderWant(row, {{"[\"x\"]", SpanKind::kRecord, cols},
                                                   {"[\"y", SpanKind::kTruncated, cols}}));

    const std::string scalars = "[1, 23";
    r = Split(scalars);
    CHECK(Render(scalars, r.spans) ==
          RenderWant(scalars, {{"1", SpanKind::kGarbage}, {"23", SpanKind::kGarbage}}));

    // A wrapper cut between elements leaves nothing open.
    const std::string between = "{\"value\":[{\"a\":1},";
    r = Split(between);
    CHECK(Render(between, r.spans) == RenderWant(between, {{"{\"a\":1}"}}));
}

TEST_CASE("JsonStreamSplitter: garbage and resynchronisation", "[parsers]") {
    const std::string stray = "{\"a\":1}\n]\n  }, {\"x\":1}\n{\"b\":2}\n";
    SplitResult r = Split(stray);
    CHECK(Render(stray, r.spans) == RenderWant(stray, {{"{\"a\":1}"},
                                                       {"]", SpanKind::kGarbage},
                                                       {"}, {\"x\":1}", SpanKind::kGarbage},
                                                       {"{\"b\":2}"}}));

    const std::string text = "hello world\r\n{\"a\":1}\r\nnull\r\n\"s\" {\"b\":2}\n";
    r = Split(text);
    CHECK(Render(text, r.spans) == RenderWant(text, {{"hello world", SpanKind::kGarbage},
                                                     {"{\"a\":1}"},
                                                     {"null", SpanKind::kGarbage},
                                                     {"\"s\" {\"b\":2}", SpanKind::kGarbage}}));

    const std::string between = "[{\"a\":1}, oops, {\"b\":2} true]";
    r = Split(between);
    CHECK(Render(between, r.spans) == RenderWant(between, {{"{\"a\":1}"},
                                                           {"oops", SpanKind::kGarbage},
                                                           {"{\"b\":2}"},
                                                           {"true", SpanKind::kGarbage}}));

    // A raw newline inside a string means the record was cut: quarantine up to the newline.
    const std::string cut = "[\n  {\"a\": \"cut\r\n  {\"b\": 2}\n]\n";
    r = Split(cut);
    CHECK(Render(cut, r.spans) == RenderWant(cut, {{"{\"a\": \"cut", SpanKind::kGarbage},
                                                   {"{\"b\": 2}"},
                                                   {"]", SpanKind::kGarbage}}));

    // A mismatched closer inside a record damages the record up to the end of its line.
    const std::string mismatch = "[{\"a\":[1}], {\"c\":1}\n{\"b\":1}";
    r = Split(mismatch);
    CHECK(Render(mismatch, r.spans) ==
          RenderWant(mismatch, {{"{\"a\":[1}], {\"c\":1}", SpanKind::kGarbage}, {"{\"b\":1}"}}));

    // Damage inside a wrapper's own values starts at that value.
    const std::string wrapper = "{\"value\":[{\"a\":1}],\"links\":{\"x\":\"y\n{\"b\":1}";
    r = Split(wrapper);
    CHECK(Render(wrapper, r.spans) ==
          RenderWant(wrapper, {{"{\"a\":1}"}, {"{\"x\":\"y", SpanKind::kGarbage}, {"{\"b\":1}"}}));

    const std::string link = "{\"value\":[{\"a\":1}],\"nextLink\":\"https://x\r\n{\"b\":1}";
    r = Split(link);
    CHECK(Render(link, r.spans) ==
          RenderWant(link, {{"{\"a\":1}"}, {"\"https://x", SpanKind::kGarbage}, {"{\"b\":1}"}}));

    // Not a BOM after all.
    const std::string bom = "\xEF\xBBX{\"a\":1}\n{\"b\":1}";
    r = Split(bom);
    CHECK(Render(bom, r.spans) ==
          RenderWant(bom, {{"\xEF\xBBX{\"a\":1}", SpanKind::kGarbage}, {"{\"b\":1}"}}));
}

TEST_CASE("JsonStreamSplitter: escapes and brackets inside strings", "[parsers]") {
    const std::string first = R"({"a":"x\\\"}]{[","b":"\\\\","c":"\"","d":"]}"})";
    const std::string content = first + "\n" + R"([{"e":"\\"},{"f":"[\"]"},{"g":"\\\\\""}])";
    const SplitResult r = Split(content);
    CHECK(Render(content, r.spans) ==
          RenderWant(content,
                     {{first}, {R"({"e":"\\"})"}, {R"({"f":"[\"]"})"}, {R"({"g":"\\\\\""})"}}));
    // An escaped key never matches a wrapper key.
    const std::string escaped = R"({"valu\u0065":[{"a":1}]})";
    const SplitResult e = Split(escaped);
    CHECK(Render(escaped, e.spans) == RenderWant(escaped, {{escaped}}));
}

TEST_CASE("JsonStreamSplitter: nesting deeper than the cap is too-deep", "[parsers]") {
    const std::string deep_arrays = std::string(300, '[') + "\n{\"a\":1}\n";
    SplitResult r = Split(deep_arrays);
    REQUIRE(r.spans.size() == 2);
    CHECK(r.spans[0].kind == SpanKind::kTooDeep);
    CHECK(r.spans[0].offset == JsonStreamSplitter::kMaxDepth); // the first byte too deep
    CHECK(r.spans[0].length == 300 - JsonStreamSplitter::kMaxDepth);
    CHECK(r.spans[1].kind == SpanKind::kRecord);
    CHECK(r.spans[1].offset == 301);

    const std::string in_record = "[{\"a\":" + std::string(400, '{') + "\n{\"b\":1}\n";
    r = Split(in_record);
    REQUIRE(r.spans.size() == 2);
    CHECK(r.spans[0].kind == SpanKind::kTooDeep);
    CHECK(r.spans[0].offset == 1);
    CHECK(r.spans[0].length == in_record.find('\n') - 1);
    CHECK(r.spans[1].kind == SpanKind::kRecord);
}

TEST_CASE("JsonStreamSplitter: a gap in offsets truncates the open record", "[parsers]") {
    JsonStreamSplitter splitter;
    std::vector<RecordSpan> out;
    const std::string a = "[{\"a\":1},{\"b\"";
    const std::string b = "{\"c\":1}";
    splitter.Feed(a.data(), a.size(), 0, out);
    CHECK(splitter.safe_cut() == 9);
    splitter.Feed(b.data(), b.size(), 100, out);
    splitter.Finish(out);
    REQUIRE(out.size() == 3);
    CHECK(out[0].kind == SpanKind::kRecord);
    CHECK(out[1].kind == SpanKind::kTruncated);
    CHECK(out[1].offset == 9);
    CHECK(out[1].length == 4);
    CHECK(out[2].kind == SpanKind::kRecord);
    CHECK(out[2].offset == 100);
    CHECK(out[2].length == 7);
}

TEST_CASE("JsonStreamSplitter: dataset files split into parseable records", "[parsers][datasets]") {
    namespace fs = std::filesystem;
    if (!minetrace::testing::RequireDatasets()) return;
    const fs::path root = minetrace::testing::DatasetsDir();
    struct Expect {
        const char* path;
        size_t records;
        const char* container;
    };
    const Expect expects[] = {
        {"wazuh-azure-wodle/log_analytics_events", 2, "la-tables"},
        {"wazuh-azure-wodle/storage_events_json", 2, "json-records"},
        {"wazuh-azure-wodle/graph_events", 2, "json-value"},
        {"azure-rest-api-specs/GetActivityLogsFiltered.json", 1, "json-object"},
        {"otel-collector-contrib-azurelogs/administrative_valid_1.json", 1, "json-records"},
        {"elastic-beats-azure/activitylogs/activity_log.json", 2, "json-records"},
        {"sumologic-azure-function/activity_log_fixtures.json", 1, "json-records"},
        {"partner-center-docs/auditrecords-2017.get-a-record-of-partner-center-activity-by-user."
         "json",
         2, "json-items"},
        {"partner-center-docs/auditrecords-2020-09-02.api-throttling-guidance.cleaned.json", 3,
         "json-items"},
        {"partner-center-docs/get-a-customer-subscription-meter-usage-records.3.json", 4,
         "json-items"},
        {"datadog-azure-log-forwarding/activedirectory/risky_users_logs.json", 1, "json-object"},
    };
    for (const Expect& e : expects) {
        const fs::path path = root / e.path;
        if (!fs::exists(path)) {
            WARN("dataset file absent: " << path.string());
            continue;
        }
        const std::string content = ReadFile(path);
        const SplitResult r = FeedPieces(content, {4093});
        INFO(e.path);
        CHECK(r.spans.size() == e.records);
        CHECK(r.container == e.container);
        if (std::string_view(e.container) == "la-tables") {
            for (const RecordSpan& s : r.spans) {
                REQUIRE(s.columns);
                CHECK(s.columns->rfind("[{\"name\": \"TenantId\"", 0) == 0);
            }
        }
    }

    // Every JSON file (documents and JSON Lines alike) splits without damage, and every record
    // is valid JSON by simdjson.
    simdjson::dom::parser parser;
    size_t files = 0;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        const fs::path& path = entry.path();
        const std::string ext = path.extension().string();
        const bool jsonish = ext == ".json" || ext == ".jsonl" || ext == ".log" ||
                             path.parent_path().filename() == "wazuh-azure-wodle";
        if (!jsonish) continue;
        ++files;
        const std::string content = ReadFile(path);
        const SplitResult r = FeedPieces(content, {65536});
        INFO(path.string());
        CHECK(!r.spans.empty());
        for (const RecordSpan& s : r.spans) {
            CHECK(s.kind == SpanKind::kRecord);
            const simdjson::padded_string text(content.data() + s.offset, s.length);
            simdjson::dom::element element;
            CHECK(parser.parse(text).get(element) == simdjson::SUCCESS);
            if (s.columns) {
                const simdjson::padded_string columns(*s.columns);
                CHECK(parser.parse(columns).get(element) == simdjson::SUCCESS);
            }
        }
    }
    CHECK(files > 20);

    // The doc excerpt with U+202F indentation and "..." elisions must not crash the splitter.
    const fs::path raw =
        root / "partner-center-docs/auditrecords-2020-09-02.api-throttling-guidance.raw.txt";
    if (fs::exists(raw)) {
        const std::string content = ReadFile(raw);
        const SplitResult r = Split(content);
        CHECK(!r.spans.empty());
    }
}

TEST_CASE("JsonStreamSplitter: mutated input never breaks the span contract", "[parsers]") {
    const std::string seed =
        "\xEF\xBB\xBF{\"totalCount\":2,\"items\":[{\"a\":\"x\\\"]\",\"b\":[1,{\"c\":null}]},\n"
        "  {\"d\":\"\\\\\"}],\"links\":{\"self\":\"/x\"}}\n[{\"e\":1},[{\"f\":2}],3]\n"
        "{\"tables\":[{\"name\":\"T\",\"columns\":[{\"name\":\"A\"}],\"rows\":[[\"r1\"],[\"r2\"]]}]"
        "}\n"
        "{\"operationName\":{\"value\":\"w\"},\"value\":[1]}\n";
    const std::string alphabet = "{}[]\",:\\\n\r a1\xEF";
    std::mt19937 rng(4242);
    for (int round = 0; round < 150; ++round) {
        std::string content = seed;
        const int edits = 1 + static_cast<int>(rng() % 6);
        for (int e = 0; e < edits; ++e) {
            const size_t at = rng() % content.size();
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0:
                content[at] = c;
                break;
            case 1:
                content = content.substr(0, at) +
                          content.substr(std::min(content.size(), at + 1 + rng() % 8));
                break;
            default:
                content = content.substr(0, at) + c + content.substr(at);
                break;
            }
            if (content.empty()) content.push_back('[');
        }
        INFO("round " << round << ": " << content);
        Split(content);
    }
}

namespace {

// A pretty-printed activity-log record of about 2.5 KB (az CLI / REST EventData shape).
std::string BenchRecord(int i) {
    char id[64];
    std::snprintf(id, sizeof id, "%08x-1234-4abc-9def-%012d", i * 2654435761u, i);
    std::string r = "  {\n";
    r += "    \"authorization\": {\n      \"action\": "
         "\"Microsoft.Compute/virtualMachines/write\",\n      \"scope\": "
         "\"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-mining/"
         "providers/Microsoft.Compute/virtualMachines/gpu-node-";
    r += std::to_string(i);
    r += "\"\n    },\n    \"caller\": \"attacker@contoso.onmicrosoft.com\",\n    \"channels\": "
         "\"Operation\",\n    \"claims\": {\n      \"aud\": "
         "\"https://management.core.windows.net/\",\n      \"iss\": "
         "\"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/\",\n      \"iat\": "
         "\"1700000000\",\n      \"http://schemas.microsoft.com/claims/authnmethodsreferences\": "
         "\"pwd,mfa\",\n      \"appid\": \"04b07795-8ddb-461a-bbee-02f9e1bf7b46\",\n      "
         "\"ipaddr\": \"203.0.113.7\",\n      \"name\": \"Mallory \\\"M\\\" Example\",\n      "
         "\"http://schemas.microsoft.com/identity/claims/objectidentifier\": "
         "\"a1b2c3d4-0000-1111-2222-333344445555\",\n      \"upn\": "
         "\"attacker@contoso.onmicrosoft.com\",\n      \"uti\": \"AbCdEfGhIjKlMnOp\"\n    },\n";
    r += "    \"correlationId\": \"";
    r += id;
    r += "\",\n    \"description\": \"\",\n    \"eventDataId\": \"";
    r += id;
    r += "\",\n    \"eventName\": {\n      \"localizedValue\": \"End request\",\n      "
         "\"value\": \"EndRequest\"\n    },\n    \"category\": {\n      \"localizedValue\": "
         "\"Administrative\",\n      \"value\": \"Administrative\"\n    },\n    "
         "\"eventTimestamp\": \"2024-05-01T12:34:56.1234567Z\",\n    \"level\": "
         "\"Informational\",\n    \"operationId\": \"";
    r += id;
    r += "\",\n    \"operationName\": {\n      \"localizedValue\": \"Create or Update Virtual "
         "Machine\",\n      \"value\": \"Microsoft.Compute/virtualMachines/write\"\n    },\n    "
         "\"resourceGroupName\": \"rg-mining\",\n    \"status\": {\n      "
         "\"localizedValue\": \"Succeeded\",\n      \"value\": \"Succeeded\"\n    },\n    "
         "\"submissionTimestamp\": \"2024-05-01T12:35:40.0000000Z\",\n "
         "   \"subscriptionId\": \"0b1f6471-1bf0-4dda-aec3-111122223333\",\n    \"tenantId\": "
         "\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\n    \"properties\": {\n      "
         "\"statusCode\": \"Created\",\n      \"serviceRequestId\": null,\n      "
         "\"responseBody\": \"{\\\"name\\\":\\\"gpu-node\\\",\\\"location\\\":\\\"eastus\\\","
         "\\\"properties\\\":{\\\"hardwareProfile\\\":{\\\"vmSize\\\":\\\"Standard_NC24ads_A100_"
         "v4\\\"},\\\"storageProfile\\\":{\\\"imageReference\\\":{\\\"publisher\\\":"
         "\\\"Canonical\\\"}}}}\",\n      \"eventCategory\": \"Administrative\",\n      "
         "\"entity\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/"
         "rg-mining/providers/Microsoft.Compute/virtualMachines/gpu-node\",\n      \"message\": "
         "\"Microsoft.Compute/virtualMachines/write\",\n      \"tags\": [\"a\", \"b\", {\"k\": [1, "
         "2, 3]}]\n    },\n    \"httpRequest\": {\n      "
         "\"clientRequestId\": \"";
    r += id;
    r += "\",\n      \"clientIpAddress\": \"203.0.113.7\",\n      \"method\": \"PUT\"\n    }\n  }";
    return r;
}

} // namespace

TEST_CASE("JsonStreamSplitter: throughput on a pretty-printed array", "[.bench]") {
    std::string content = "[\n";
    size_t records = 0;
    while (content.size() < (256u << 20)) {
        if (records > 0) content += ",\n";
        content += BenchRecord(static_cast<int>(records));
        ++records;
    }
    content += "\n]\n";
    std::printf("record size ~%zu bytes, %zu records, %zu MiB\n", BenchRecord(1).size(), records,
                content.size() >> 20);

    double best = 0;
    for (int round = 0; round < 3; ++round) {
        JsonStreamSplitter splitter;
        std::vector<RecordSpan> spans;
        spans.reserve(records + 16);
        const auto start = std::chrono::steady_clock::now();
        constexpr size_t kBlock = 1 << 20;
        for (size_t pos = 0; pos < content.size(); pos += kBlock) {
            const size_t n = std::min(kBlock, content.size() - pos);
            splitter.Feed(content.data() + pos, n, pos, spans);
        }
        splitter.Finish(spans);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(spans.size() == records);
        best = std::max(best, static_cast<double>(content.size()) / seconds / 1e9);
    }
    std::printf("JsonStreamSplitter: %.2f GB/s (best of 3)\n", best);
    CHECK(best > 0);
}

} // namespace minetrace
