// detections.jsonl on the intrusion scenario, in every input shape: the rule hits outside rated
// compute (elevated access, diagnostic setting deleted, alert rule disabled, action group deleted,
// Defender plan set to Free) field by field against expected.json, their timeline rows with rule
// and level, none on a rated compute resource, and the same bytes at any thread count.
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/outputs.hpp"
#include "provenance/rules_glue.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <simdjson.h>
#include <sstream>

using namespace minetrace;

namespace {

const std::string kRoot = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";

struct Outputs {
    std::string resources, detections, timeline, timeline_csv;
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
    std::ostringstream r, d, t, c;
    WriteResources(r, result);
    WriteDetections(d, result);
    WriteTimelineJsonl(t, result);
    WriteTimelineCsv(c, result);
    return {r.str(), d.str(), t.str(), c.str()};
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A field as text (strings lowercased, like the ground truth's ids), "null" when absent.
std::string Str(simdjson::dom::element e, std::string_view pointer) {
    simdjson::dom::element v;
    if (e.at_pointer(pointer).get(v) || v.is_null()) return "null";
    if (v.is_string()) {
        std::string text{std::string_view(v)};
        for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return text;
    }
    return simdjson::minify(v);
}

void CheckShape(const std::string& shape) {
    Outputs out = Investigate({kRoot + shape}, 2, 1u << 20);
    simdjson::dom::parser expect_parser;
    simdjson::dom::element expected = expect_parser.load(kRoot + "expected.json");
    simdjson::dom::parser parser;
    std::vector<std::string> lines = Lines(out.detections);
    std::vector<simdjson::dom::element> got;
    std::vector<simdjson::dom::parser> parsers(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) got.push_back(parsers[i].parse(lines[i]));

    // Sorted by time, then evidence (offset within a file).
    for (size_t i = 1; i < got.size(); ++i) {
        INFO("line " << i);
        std::string a = Str(got[i - 1], "/time"), b = Str(got[i], "/time");
        CHECK(a <= b);
    }
    // None is on a resource that a compute finding rates.
    std::set<std::string> compute;
    simdjson::dom::parser resource_parser;
    for (const std::string& line : Lines(out.resources)) {
        simdjson::dom::element r = resource_parser.parse(line);
        std::string type = Str(r, "/resource_type");
        if (type.find("microsoft.compute/") == 0 || type.find("microsoft.batch/") == 0 ||
            type.find("microsoft.containerinstance/") == 0)
            compute.insert(Str(r, "/resource_id"));
    }
    REQUIRE(!compute.empty());
    for (simdjson::dom::element d : got) CHECK(compute.count(Str(d, "/resource_id")) == 0);

    size_t matched = 0;
    for (simdjson::dom::element want : simdjson::dom::array(expected["detections"])) {
        std::string rule = Str(want, "/rule"), time = Str(want, "/time");
        INFO("detection " << rule << " at " << time);
        const simdjson::dom::element* found = nullptr;
        for (const simdjson::dom::element& d : got)
            if (Str(d, "/rule") == rule && Str(d, "/time") == time) found = &d;
        REQUIRE(found != nullptr);
        ++matched;
        for (const char* field :
             {"/level", "/operation", "/phase", "/resource_id", "/subscription_id",
              "/principal/name", "/principal/type", "/principal/object_id", "/principal/app_id",
              "/principal/tenant_id", "/principal/ip", "/principal/mfa", "/caller_ip"}) {
            INFO("field " << field);
            CHECK(Str(*found, field) == Str(want, field));
        }
        CHECK(Str(*found, "/rule_title") != "null");
        CHECK(Str(*found, "/status") != "null");
        // The evidence names the record: its file, where it is, and its SHA-256.
        CHECK(Str(*found, "/evidence/file").find(shape) != std::string::npos);
        CHECK(Str(*found, "/evidence/sha256").size() == 64);
        CHECK(Str(*found, "/evidence/length") != "0");
    }
    CHECK(matched >= 10);

    // Each is a timeline row with its rule and level.
    size_t rows = 0;
    simdjson::dom::parser timeline_parser;
    for (const std::string& line : Lines(out.timeline)) {
        simdjson::dom::element t = timeline_parser.parse(line);
        if (Str(t, "/role") != "detection") continue;
        ++rows;
        CHECK(Str(t, "/rules") != "null");
        CHECK(Str(t, "/level") != "null");
        CHECK(Str(t, "/message").find(Str(t, "/rules")) != std::string::npos);
    }
    CHECK(rows == got.size());
    // The CSV carries the level in its own column on the detection rows.
    size_t high_rows = 0;
    for (const std::string& line : Lines(out.timeline_csv))
        if (line.find("Record time (detection)") != std::string::npos &&
            line.find(",high,") != std::string::npos)
            ++high_rows;
    CHECK(high_rows > 0);
}

} // namespace

TEST_CASE("Detections: rule hits outside rated compute, field by field in every input shape",
          "[provenance][golden]") {
    simdjson::dom::parser parser;
    simdjson::dom::element expected = parser.load(kRoot + "expected.json");
    size_t shapes = 0;
    for (auto [shape, info] : simdjson::dom::object(expected["shapes"])) {
        if (uint64_t(info["activity_records"]) == 0) continue;
        INFO("shape " << shape);
        CheckShape(std::string(shape));
        ++shapes;
    }
    CHECK(shapes == 7);
}

TEST_CASE("Detections: identical at 1 and 2 threads and any batch size", "[provenance]") {
    std::vector<std::string> paths = {kRoot + "export-jsonl", kRoot + "la-query"};
    Outputs a = Investigate(paths, 1, 4u << 20);
    Outputs b = Investigate(paths, 2, 8192);
    REQUIRE(!a.detections.empty());
    CHECK(a.detections == b.detections);
    CHECK(a.timeline == b.timeline);
}
