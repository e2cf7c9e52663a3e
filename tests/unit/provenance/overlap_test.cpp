// The intrusion in four overlapping exports (fixtures/scenarios/overlap: Event Hub records, the
// portal CSV with ms times, the az CLI array, SDK JSON Lines; times with sub-ms digits): every
// event counted once, each time from its most precise copy, every copy's evidence kept, the
// manifest's per-file duplicates, field by field against overlap/expected.json and the
// intrusion's expected.json for the fields the overlap does not change.
#include "pipeline/accounting.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "provenance/outputs.hpp"
#include "provenance/rules_glue.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <simdjson.h>
#include <sstream>

using namespace minetrace;

namespace {

const std::string kFixtures = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/";
const std::string kOverlap = kFixtures + "overlap/";
const std::vector<std::string> kShapes = {"eventhub-records", "la-csv", "rest-array", "sdk-jsonl"};

struct Outputs {
    std::string resources, principals, timeline, timeline_csv, manifest, detections;
    uint64_t duplicates = 0;
};

Outputs Investigate(const std::vector<std::string>& paths, unsigned threads, size_t batch,
                    size_t budget = 32u << 20) {
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    ExpandedInputs inputs = ExpandInputs(paths);
    RetainedStoreOptions store;
    store.budget_bytes = budget;
    Investigation investigation(inputs.files, DescribeRules(rules), store);
    Accounting accounting(inputs.files, nullptr);
    IngestOptions options;
    options.threads = threads;
    options.reader.batch_bytes = batch;
    options.matcher = &matcher;
    options.preparers = {&investigation};
    RunIngest(inputs.files, options, {&accounting, &investigation});
    InvestigationResult result = investigation.Analyze();
    accounting.SetDuplicates(investigation.duplicates_per_file());
    Outputs out;
    std::ostringstream r, p, t, c, m, d;
    WriteResources(r, result);
    WritePrincipals(p, result);
    WriteTimelineJsonl(t, result);
    WriteTimelineCsv(c, result);
    accounting.WriteManifest(m, RunInfo{}); // "run" holds no times here: comparable as is
    WriteDetections(d, result);
    out = {r.str(), p.str(), t.str(), c.str(), m.str(), d.str(), investigation.duplicates()};
    return out;
}

std::vector<std::string> OverlapPaths() {
    std::vector<std::string> paths;
    for (const std::string& shape : kShapes) paths.push_back(kOverlap + shape);
    return paths;
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
        for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return text;
    }
    return simdjson::minify(v);
}

// The shape folder a path is in.
std::string ShapeOf(std::string_view path) {
    for (const std::string& shape : kShapes)
        if (path.find("/" + shape + "/") != std::string_view::npos) return shape;
    return std::string(path);
}

bool Compared(std::string_view type) {
    return type != "microsoft.network/networkinterfaces" && type != "microsoft.compute/disks" &&
           type != "microsoft.storage/storageaccounts" &&
           type != "microsoft.resources/subscriptions/resourcegroups";
}

} // namespace

TEST_CASE("Overlap: the same intrusion in four overlapping exports, field by field",
          "[provenance][golden][dedup]") {
    Outputs out = Investigate(OverlapPaths(), 2, 1u << 20);
    simdjson::dom::parser overlap_parser, intrusion_parser, parser;
    simdjson::dom::element expected = overlap_parser.load(kOverlap + "expected.json");
    simdjson::dom::element intrusion = intrusion_parser.load(kFixtures + "intrusion/expected.json");

    std::map<std::string, simdjson::dom::element> truth; // the intrusion's, by resource id
    for (simdjson::dom::element r : simdjson::dom::array(intrusion["resources"]))
        truth.emplace(std::string{std::string_view(r["resource_id"])}, r);
    std::map<std::string, std::string> ours;
    for (const std::string& line : Lines(out.resources)) {
        simdjson::dom::element r = parser.parse(line);
        ours[std::string{std::string_view(r["resource_id"])}] = line;
    }

    size_t compared = 0;
    for (simdjson::dom::element want : simdjson::dom::array(expected["resources"])) {
        std::string id{std::string_view(want["resource_id"])};
        INFO("resource " << id);
        REQUIRE(truth.count(id) == 1);
        simdjson::dom::element base = truth.at(id);
        if (!Compared(std::string_view(base["resource_type"]))) continue;
        auto it = ours.find(id);
        REQUIRE(it != ours.end());
        simdjson::dom::element got = parser.parse(it->second);
        ++compared;
        // Times: from the most precise copy (µs where any copy has them).
        for (const char* field : {"/created_at", "/deleted_at"}) {
            INFO("field " << field);
            CHECK(Str(got, field) == Str(want, field));
        }
        if (Str(base, "/status") != "failed")
            CHECK(Str(got, "/completed_at") == Str(want, "/completed_at"));
        // Everything else as in the intrusion with one copy of each record.
        for (const char* field :
             {"/status", "/severity", "/resource_type", "/subscription_id", "/correlation_id",
              "/deployment", "/parent", "/created_by/name", "/created_by/type",
              "/created_by/object_id", "/created_by/app_id", "/created_by/tenant_id",
              "/created_by/ip", "/created_by/mfa", "/deleted_by/name"}) {
            INFO("field " << field);
            CHECK(Str(got, field) == Str(base, field));
        }
        if (Str(base, "/authorized_by") != "null") {
            for (const char* field : {"/authorized_by/name", "/authorized_by/object_id",
                                      "/authorized_by/ip", "/authorized_by/role"}) {
                INFO("field " << field);
                CHECK(Str(got, field) == Str(base, field));
            }
            // The grant's time, to the ms of the intrusion's (its µs come from the overlap).
            CHECK(Str(got, "/authorized_by/at").substr(0, 23) ==
                  Str(base, "/authorized_by/at").substr(0, 23));
        }
        // Evidence: one reference per copy, from every export that holds the resource.
        std::set<std::string> files;
        size_t refs = 0;
        for (simdjson::dom::element ref : simdjson::dom::array(got["evidence"])) {
            files.insert(ShapeOf(std::string_view(ref["file"])));
            ++refs;
        }
        std::set<std::string> want_files;
        for (simdjson::dom::element f : simdjson::dom::array(want["evidence_in"]))
            want_files.insert(std::string{std::string_view(f)});
        CHECK(files == want_files);
        CHECK(refs == std::min<uint64_t>(uint64_t(want["records"]), 64));
    }
    CHECK(compared >= 10);

    // The manifest: per file its records, events and duplicates; unique events in the totals.
    simdjson::dom::parser manifest_parser;
    simdjson::dom::element manifest = manifest_parser.parse(out.manifest);
    size_t files_seen = 0;
    for (simdjson::dom::element f : simdjson::dom::array(manifest["files"])) {
        std::string_view path = f["path"];
        INFO("file " << path);
        std::string key = ShapeOf(path) + std::string(path.substr(path.rfind('/')));
        simdjson::dom::element want;
        REQUIRE(!expected["files"][key].get(want));
        CHECK(uint64_t(f["records_read"]) == uint64_t(want["records"]));
        CHECK(uint64_t(f["events"]) == uint64_t(want["records"]));
        CHECK(uint64_t(f["duplicates"]) == uint64_t(want["duplicates"]));
        CHECK(bool(f["reconciled"]));
        ++files_seen;
    }
    CHECK(files_seen == 4);
    CHECK(uint64_t(manifest["totals"]["unique_events"]) == uint64_t(expected["unique_events"]));
    CHECK(uint64_t(manifest["totals"]["events"]) - uint64_t(manifest["totals"]["duplicates"]) ==
          uint64_t(expected["unique_events"]));

    // Principals: each event once.
    std::map<std::string, std::pair<uint64_t, uint64_t>> principals;
    for (const std::string& line : Lines(out.principals)) {
        simdjson::dom::element p = parser.parse(line);
        principals[Str(p, "/key")] = {uint64_t(p["events"]), uint64_t(p["failures"])};
    }
    for (auto [key, want] : simdjson::dom::object(expected["principals"])) {
        INFO("principal " << key);
        REQUIRE(principals.count(std::string(key)) == 1);
        CHECK(principals[std::string(key)].first == uint64_t(want["events"]));
        CHECK(principals[std::string(key)].second == uint64_t(want["failures"]));
    }

    // The timeline: as many rows as from one complete copy of the log, none repeated.
    Outputs single = Investigate({kFixtures + "intrusion/rest-array"}, 2, 1u << 20);
    std::vector<std::string> rows = Lines(out.timeline);
    CHECK(rows.size() == Lines(single.timeline).size());
    CHECK(std::set<std::string>(rows.begin(), rows.end()).size() == rows.size());
    size_t with_copies = 0;
    for (const std::string& row : rows)
        if (row.find("\"record_copies\"") != std::string::npos) ++with_copies;
    CHECK(with_copies > 0);

    // Detections: one per event and rule however many exports hold it, every copy referenced.
    std::vector<std::string> detections = Lines(out.detections);
    std::vector<std::string> single_detections = Lines(single.detections);
    CHECK(!single_detections.empty());
    CHECK(detections.size() == single_detections.size());
    size_t detections_with_copies = 0;
    std::set<std::string> detection_keys;
    for (const std::string& line : detections) {
        simdjson::dom::element d = parser.parse(line);
        detection_keys.insert(Str(d, "/rule") + " " + Str(d, "/time") + " " +
                              Str(d, "/correlation_id") + " " + Str(d, "/phase"));
        simdjson::dom::array copies;
        REQUIRE(!d["copies"].get(copies));
        for (simdjson::dom::element c : copies) {
            CHECK(Str(c, "/sha256").size() == 64);
            CHECK(Str(c, "/file") != Str(d, "/evidence/file"));
        }
        if (copies.size() > 0) ++detections_with_copies;
    }
    CHECK(detection_keys.size() == detections.size());
    CHECK(detections_with_copies > 0);
}

TEST_CASE("Overlap: outputs are identical at any thread count, batch size and memory budget",
          "[provenance][dedup]") {
    Outputs a = Investigate(OverlapPaths(), 1, 4u << 20);
    Outputs b = Investigate(OverlapPaths(), 2, 8192, 4096); // both stores spill
    simdjson::dom::parser parser;
    simdjson::dom::element expected = parser.load(kOverlap + "expected.json");
    uint64_t want = 0;
    for (auto [name, file] : simdjson::dom::object(expected["files"]))
        want += uint64_t(file["duplicates"]);
    CHECK(want > 0);
    CHECK(a.duplicates == want);
    CHECK(a.duplicates == b.duplicates);
    CHECK(a.resources == b.resources);
    CHECK(a.principals == b.principals);
    CHECK(a.timeline == b.timeline);
    CHECK(a.timeline_csv == b.timeline_csv);
    CHECK(a.manifest == b.manifest);
    CHECK(a.detections == b.detections);
}
