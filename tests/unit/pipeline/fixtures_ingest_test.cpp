// Golden ingest tests: every data file in fixtures/ingest/ has a sidecar <file>.expect.json that
// lists, record by record, the normalized fields expected or the quarantine reason / ignored
// kind. Each file is ingested at two batch sizes; the answers must not depend on it.
#include "support/run_ingest.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <simdjson.h>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

std::string Text(simdjson::dom::element e) {
    std::string_view s;
    if (!e.get(s)) return std::string(s);
    return simdjson::minify(e);
}

// Reads a field of an event line; a missing field reads as "" (the writer omits empty fields).
std::string Field(simdjson::dom::object event, std::string_view key) {
    simdjson::dom::element value;
    if (event.at_key(key).get(value)) return "";
    return Text(value);
}

// Compares JSON text held in a string field with an expected JSON value, structurally.
void CheckBodyJson(simdjson::dom::object event, std::string_view key,
                   simdjson::dom::element expected) {
    std::string text = Field(event, key);
    INFO(key << " = " << text);
    simdjson::dom::parser parser;
    simdjson::dom::element actual;
    REQUIRE_FALSE(parser.parse(text).get(actual));
    CHECK(simdjson::minify(actual) == simdjson::minify(expected));
}

void CheckSubObject(simdjson::dom::object event, std::string_view key,
                    simdjson::dom::object expected) {
    simdjson::dom::object actual;
    bool present = !event.at_key(key).get(actual);
    for (auto [k, v] : expected) {
        INFO(key << "." << k);
        std::string want = Text(v);
        std::string got;
        if (present) got = Field(actual, k);
        if (want == "[]" && got.empty()) continue; // empty arrays are omitted
        CHECK(got == want);
    }
}

void CheckFile(const fs::path& data, size_t batch_bytes) {
    simdjson::dom::parser expect_parser;
    simdjson::dom::element expect = expect_parser.load(data.string() + ".expect.json");
    size_t max_record = 64u << 20;
    simdjson::dom::element limits;
    if (!expect["parser_limits"].get(limits)) max_record = uint64_t(limits["max_record_bytes"]);

    IngestOutput out = RunIngestToStrings({data.string()}, 2, batch_bytes, max_record);
    REQUIRE(out.accounting->files().size() == 1);
    const FileAccount& account = out.accounting->files().front();
    CHECK(account.reconciled());

    simdjson::dom::object totals = expect["totals"];
    CHECK(account.events == uint64_t(totals["events"]));
    CHECK(account.quarantined_total() == uint64_t(totals["quarantined"]));
    CHECK(account.ignored_total() == uint64_t(totals["ignored"]));

    simdjson::dom::parser event_parser;
    std::vector<std::string> event_lines = SplitLines(out.events);
    std::map<uint64_t, std::string> events_by_offset;
    for (const std::string& line : event_lines) {
        simdjson::dom::element e = event_parser.parse(line);
        events_by_offset[uint64_t(e["offset"])] = line;
    }
    std::map<uint64_t, std::pair<std::string, uint64_t>> quarantine_by_offset;
    for (const std::string& line : SplitLines(out.quarantine)) {
        simdjson::dom::element q = event_parser.parse(line);
        quarantine_by_offset[uint64_t(q["offset"])] = {std::string(std::string_view(q["reason"])),
                                                       uint64_t(q["line"])};
    }
    std::map<std::string, uint64_t> ignored_expected;

    for (simdjson::dom::object record : simdjson::dom::array(expect["records"])) {
        uint64_t offset = record["offset"];
        uint64_t line = record["line"];
        INFO("record at offset " << offset << ", line " << line);
        std::string_view reason;
        if (!record["quarantine"].get(reason)) {
            auto it = quarantine_by_offset.find(offset);
            REQUIRE(it != quarantine_by_offset.end());
            CHECK(it->second.first == reason);
            CHECK(it->second.second == line);
            continue;
        }
        std::string_view ignored;
        if (!record["ignored"].get(ignored)) {
            ++ignored_expected[std::string(ignored)];
            continue;
        }
        auto it = events_by_offset.find(offset);
        REQUIRE(it != events_by_offset.end());
        simdjson::dom::parser parser;
        simdjson::dom::object event = parser.parse(it->second);
        CHECK(uint64_t(event["line"]) == line);
        for (auto [key, value] : record) {
            if (key == "index" || key == "line" || key == "offset") continue;
            INFO("field " << key);
            if (key == "caller" || key == "partner") {
                CheckSubObject(event, key, simdjson::dom::object(value));
            } else if (key == "time_zone_assumed") {
                bool assumed = false;
                simdjson::dom::element flag;
                if (!event.at_key("time_zone_assumed").get(flag)) assumed = bool(flag);
                CHECK(assumed == bool(value));
            } else if (key.size() > 5 && key.substr(key.size() - 5) == "_json") {
                CheckBodyJson(event, key.substr(0, key.size() - 5), value);
            } else {
                CHECK(Field(event, key) == Text(value));
            }
        }
    }
    for (const auto& [kind, count] : ignored_expected) {
        INFO("ignored kind " << kind);
        CHECK(account.ignored.count(kind) == 1);
        if (account.ignored.count(kind)) CHECK(account.ignored.at(kind) == count);
    }
}

} // namespace

TEST_CASE("Fixtures: every ingest edge case normalizes as its sidecar says", "[pipeline][golden]") {
    fs::path dir = fs::path(MINETRACE_FIXTURES_DIR) / "ingest";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (name.size() > 12 && name.substr(name.size() - 12) == ".expect.json") continue;
        if (name == "README.md") continue;
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 15);
    for (const fs::path& file : files) {
        for (size_t batch_bytes : {size_t{4096}, size_t{2u << 20}}) {
            DYNAMIC_SECTION(file.filename().string() << " batch " << batch_bytes) {
                CheckFile(file, batch_bytes);
            }
        }
    }
}
