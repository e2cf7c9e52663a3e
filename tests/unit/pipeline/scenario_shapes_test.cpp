// The intrusion scenario is rendered in every input shape (fixtures/scenarios/intrusion/*). Each
// shape must normalize to the same facts: same records, same times, operations, phases,
// resources, correlation ids and callers.
#include "support/run_ingest.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <simdjson.h>

using namespace minetrace;
using namespace minetrace::testing;

namespace {

std::string Get(simdjson::dom::element e, std::string_view path) {
    std::string_view value;
    if (e.at_pointer(path).get(value)) return "";
    return std::string(value);
}

// The facts that must agree across shapes, one string per event.
std::multiset<std::string> Facts(const std::string& events) {
    simdjson::dom::parser parser;
    std::multiset<std::string> facts;
    for (const std::string& line : SplitLines(events)) {
        simdjson::dom::element e = parser.parse(line);
        std::string fact;
        for (const char* path : {"/time", "/phase", "/operation", "/resource_id_lower",
                                 "/resource_type", "/subscription_id", "/correlation_id",
                                 "/caller_ip", "/caller/object_id", "/caller/app_id", "/caller/upn",
                                 "/caller/principal_type", "/caller/mfa", "/status_code"}) {
            fact += Get(e, path);
            fact += '|';
        }
        facts.insert(fact);
    }
    return facts;
}

} // namespace

TEST_CASE("Scenario: every input shape normalizes to the same facts", "[pipeline][golden]") {
    const std::string root = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";
    simdjson::dom::parser expect_parser;
    simdjson::dom::element expected = expect_parser.load(root + "expected.json");
    simdjson::dom::object shapes = expected["shapes"];

    std::multiset<std::string> reference;
    std::string reference_shape;
    size_t activity_shapes = 0;
    for (auto [shape, info] : shapes) {
        {
            INFO("shape " << shape);
            IngestOutput out = RunIngestToStrings({root + std::string(shape)});
            const Accounting& a = *out.accounting;
            uint64_t activity = info["activity_records"];
            uint64_t partner = info["partner_records"];
            CHECK(a.events() == activity + partner);
            CHECK(a.quarantined() == 0);
            CHECK(a.ignored() == 0);
            CHECK(a.files_with_errors() == 0);
            std::string_view kind = info["source_kind"];
            for (const FileAccount& f : a.files()) {
                INFO(f.summary.path);
                CHECK(f.record_kinds().size() == 1);
                CHECK(f.record_kinds().count(std::string(kind)) == 1);
                std::string_view compression = info["compression"];
                if (compression != "mixed") CHECK(ToString(f.summary.compression) == compression);
            }
            if (activity > 0) {
                std::multiset<std::string> facts = Facts(out.events);
                if (reference.empty()) {
                    reference = facts;
                    reference_shape = std::string(shape);
                } else {
                    INFO("compared with " << reference_shape);
                    CHECK(facts == reference);
                }
                ++activity_shapes;
            }
        }
    }
    CHECK(activity_shapes >= 1);
}
