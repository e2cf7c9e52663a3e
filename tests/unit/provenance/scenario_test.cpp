// The intrusion scenario, in every input shape, answered field by field against the ground truth
// in fixtures/scenarios/intrusion/expected.json; plus the invariants of the outputs (sorted,
// reproducible at any thread count, Timesketch-importable timeline).
#include "core/timestamp.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/outputs.hpp"
#include "provenance/rules_glue.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <simdjson.h>
#include <sstream>

using namespace minetrace;

namespace {

const std::string kRoot = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";

struct Outputs {
    std::string resources, subscriptions, principals, timeline, timeline_csv;
};

Outputs Investigate(const std::vector<std::string>& paths, unsigned threads, size_t batch) {
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    ExpandedInputs inputs = ExpandInputs(paths);
    Investigation investigation(inputs.files, DescribeRules(rules));
    IngestOptions options;
    options.threads = threads;
    options.reader.batch_bytes = batch;
    options.matcher = &matcher;
    RunIngest(inputs.files, options, {&investigation});
    InvestigationResult result = investigation.Analyze();
    Outputs out;
    std::ostringstream r, s, p, t, c;
    WriteResources(r, result);
    WriteSubscriptions(s, result);
    WritePrincipals(p, result);
    WriteTimelineJsonl(t, result);
    WriteTimelineCsv(c, result);
    return {r.str(), s.str(), p.str(), t.str(), c.str()};
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string Str(simdjson::dom::element e, std::string_view pointer) {
    simdjson::dom::element v;
    if (e.at_pointer(pointer).get(v) || v.is_null()) return "null";
    if (v.is_string()) {
        std::string text{std::string_view(v)};
        for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    }
    return simdjson::minify(v);
}

// Types whose rows the ground truth and minetrace both report (the ground truth also lists
// NICs and disks of the deployment, which carry no signal of their own).
bool Compared(std::string_view type) {
    return type != "microsoft.network/networkinterfaces" && type != "microsoft.compute/disks" &&
           type != "microsoft.storage/storageaccounts" &&
           type != "microsoft.resources/subscriptions/resourcegroups";
}

void CheckShape(const std::vector<std::string>& paths) {
    Outputs out = Investigate(paths, 2, 1u << 20);
    simdjson::dom::parser expect_parser;
    simdjson::dom::element expected = expect_parser.load(kRoot + "expected.json");

    std::map<std::string, std::string> ours;
    simdjson::dom::parser parser;
    for (const std::string& line : Lines(out.resources)) {
        simdjson::dom::element r = parser.parse(line);
        ours[std::string{std::string_view(r["resource_id"])}] = line;
    }
    size_t compared = 0;
    for (simdjson::dom::element want : simdjson::dom::array(expected["resources"])) {
        std::string id{std::string_view(want["resource_id"])};
        std::string_view type = want["resource_type"];
        std::string_view severity = want["severity"];
        INFO("resource " << id);
        auto it = ours.find(id);
        if (severity == "low") {
            // Legitimate work must never rate high.
            if (it != ours.end()) {
                simdjson::dom::element got = parser.parse(it->second);
                CHECK(Str(got, "/severity") != "high");
            }
            continue;
        }
        if (!Compared(type)) continue;
        REQUIRE(it != ours.end());
        simdjson::dom::element got = parser.parse(it->second);
        ++compared;
        for (const char* field :
             {"/status", "/severity", "/resource_type", "/subscription_id", "/created_at",
              "/completed_at", "/correlation_id", "/deployment", "/deleted_at", "/parent",
              "/created_by/name", "/created_by/type", "/created_by/object_id", "/created_by/app_id",
              "/created_by/tenant_id", "/created_by/ip", "/created_by/mfa", "/deleted_by/name"}) {
            INFO("field " << field);
            if (std::string(field) == "/completed_at" && Str(want, "/status") == "failed") continue;
            CHECK(Str(got, field) == Str(want, field));
        }
        if (Str(want, "/authorized_by") != "null") {
            for (const char* field :
                 {"/authorized_by/name", "/authorized_by/object_id", "/authorized_by/at",
                  "/authorized_by/ip", "/authorized_by/role"}) {
                INFO("field " << field);
                CHECK(Str(got, field) == Str(want, field));
            }
        }
    }
    CHECK(compared >= 12);

    // Subscriptions: who created each, when, with which order.
    std::map<std::string, simdjson::dom::element> subs;
    simdjson::dom::parser sub_parser;
    std::vector<std::string> sub_lines = Lines(out.subscriptions);
    for (simdjson::dom::element want : simdjson::dom::array(expected["subscriptions"])) {
        std::string id{std::string_view(want["subscription_id"])};
        INFO("subscription " << id);
        bool found = false;
        for (const std::string& line : sub_lines) {
            simdjson::dom::element got = sub_parser.parse(line);
            if (Str(got, "/subscription_id") != id) continue;
            found = true;
            bool partner = false;
            for (const std::string& p : paths)
                partner = partner || p.find("partner-center") != std::string::npos;
            if (!partner) break;
            for (const char* field :
                 {"/customer_id", "/customer_name", "/created_by", "/created_at", "/order_id"}) {
                INFO("field " << field);
                CHECK(Str(got, field) == Str(want, field));
            }
        }
        CHECK(found);
    }
}

} // namespace

TEST_CASE("Provenance: the intrusion is answered field by field in every input shape",
          "[provenance][golden]") {
    simdjson::dom::parser parser;
    simdjson::dom::element expected = parser.load(kRoot + "expected.json");
    for (auto [shape, info] : simdjson::dom::object(expected["shapes"])) {
        if (uint64_t(info["activity_records"]) == 0) continue;
        INFO("shape " << shape);
        CheckShape({kRoot + std::string(shape), kRoot + "partner-center"});
    }
}

TEST_CASE("Provenance: outputs are identical at 1 and 2 threads and any batch size",
          "[provenance]") {
    std::vector<std::string> paths = {kRoot + "export-jsonl", kRoot + "rest-array",
                                      kRoot + "partner-center"};
    Outputs a = Investigate(paths, 1, 4u << 20);
    Outputs b = Investigate(paths, 2, 8192);
    CHECK(a.resources == b.resources);
    CHECK(a.subscriptions == b.subscriptions);
    CHECK(a.principals == b.principals);
    CHECK(a.timeline == b.timeline);
    CHECK(a.timeline_csv == b.timeline_csv);
}

TEST_CASE("Provenance: the timeline imports into Timesketch as documented", "[provenance]") {
    Outputs out = Investigate({kRoot + "export-jsonl", kRoot + "partner-center"}, 2, 1u << 20);
    simdjson::dom::parser parser;
    std::vector<std::string> lines = Lines(out.timeline);
    REQUIRE(lines.size() > 20);
    int64_t previous = INT64_MIN;
    for (const std::string& line : lines) {
        simdjson::dom::object t = parser.parse(line);
        std::string_view message = t["message"];
        std::string_view datetime = t["datetime"];
        std::string_view desc = t["timestamp_desc"];
        int64_t timestamp = t["timestamp"];
        CHECK(!message.empty());
        CHECK(!desc.empty());
        // An explicit offset, µs precision, and an integer timestamp that agrees with it.
        REQUIRE(datetime.size() == 32);
        CHECK(datetime.substr(26) == "+00:00");
        CHECK(FormatRfc3339Micros(timestamp).substr(0, 26) == datetime.substr(0, 26));
        CHECK(timestamp >= previous);
        previous = timestamp;
        for (auto [key, value] : t) CHECK(key.substr(0, 1) != "_");
    }
    // CSV: a header with the required columns, and no cell that a spreadsheet would execute.
    std::vector<std::string> rows = Lines(out.timeline_csv);
    REQUIRE(rows.size() == lines.size() + 1);
    CHECK(rows[0].rfind("datetime,timestamp,timestamp_desc,source,source_long,message", 0) == 0);
    for (const std::string& row : rows)
        for (const char* danger : {",=", ",+", ",@"}) CHECK(row.find(danger) == std::string::npos);
}
