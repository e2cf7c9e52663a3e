// The estate scenario (fixtures/scenarios/estate): an intrusion on resources created before the
// logs, in every activity-log shape, answered field by field against expected.json through the
// investigate job, response pack included. A write is a creation only where the log proves it;
// what existed before is reported as pre-existing with the actor of the decisive act, never
// with a creator, never proposed for deletion; routine automation is never the actor; the grants
// used are named from their surviving records or, failing those, from the calls' evidence.
// A managed identity names its owner, a finding of its own; a pipeline onboarded under a change
// ticket by an MFA admin from a known address, running weekly, is not made high by its grant.
#include "app/investigate_job.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <simdjson.h>
#include <sstream>

namespace fs = std::filesystem;
using namespace minetrace;
using minetrace::test::ReadFile;

namespace {

const std::string kRoot = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/estate/";

// The value at `pointer` as text: strings as they are, null/absent as "null", other JSON minified.
std::string Str(simdjson::dom::element e, std::string_view pointer) {
    simdjson::dom::element v;
    if (e.at_pointer(pointer).get(v) || v.is_null()) return "null";
    if (v.is_string()) return std::string(std::string_view(v));
    return simdjson::minify(v);
}

} // namespace

TEST_CASE("Estate: pre-existing resources, actors and creations in every shape", "[app]") {
    simdjson::dom::parser expect_parser;
    simdjson::dom::element expected = expect_parser.load(kRoot + "expected.json");
    size_t shapes = 0;
    for (auto [shape, info] : simdjson::dom::object(expected["shapes"])) {
        ++shapes;
        std::string folder(shape);
        INFO("shape " << folder);
        fs::path out = fs::temp_directory_path() / ("minetrace-estate-" + folder);
        fs::remove_all(out);
        InvestigateConfig config;
        config.inputs = ExpandInputs({kRoot + folder});
        config.out_dir = out;
        config.rule_sources = {MINETRACE_RULES_DIR};
        config.ingest.threads = 2;
        InvestigateOutcome outcome = RunInvestigation(config);
        REQUIRE(outcome.ran());
        CHECK(outcome.clean());

        std::map<std::string, std::string> ours; // resource id -> resources.jsonl line
        std::istringstream lines(ReadFile(out / "resources.jsonl"));
        simdjson::dom::parser parser;
        for (std::string line; std::getline(lines, line);)
            ours[Str(parser.parse(line), "/resource_id")] = line;
        const std::string containment = ReadFile(out / "containment.sh");
        bool evidence_shape = false;
        for (simdjson::dom::element name : simdjson::dom::array(expected["evidence_shapes"]))
            evidence_shape |= std::string_view(name) == folder;

        for (simdjson::dom::element want : simdjson::dom::array(expected["resources"])) {
            std::string id = Str(want, "/resource_id");
            INFO("resource " << id);
            auto it = ours.find(id);
            REQUIRE(it != ours.end());
            simdjson::dom::element got = parser.parse(it->second);
            for (const char* field :
                 {"/status", "/pre_existing", "/severity", "/resource_type", "/created_at",
                  "/creation_evidence", "/created_by/name", "/created_by/type",
                  "/created_by/object_id", "/created_by/ip", "/created_by/mfa",
                  "/created_by/foreign_tenant", "/created_by/home_tenant",
                  "/created_by/identity_resource", "/identity_host", "/identity_used_for"}) {
                INFO("field " << field);
                simdjson::dom::element present;
                if (want.at_pointer(field).get(present)) continue; // not asserted for it
                CHECK(Str(got, field) == Str(want, field));
            }
            if (Str(want, "/pre_existing") == "true") {
                for (const char* field :
                     {"/first_seen", "/actor/name", "/actor/type", "/actor/object_id", "/actor/ip",
                      "/actor/mfa", "/act", "/acted_at"}) {
                    INFO("field " << field);
                    CHECK(Str(got, field) == Str(want, field));
                }
                // Stopped (or scaled back), never deleted.
                const std::string quoted = "'" + id + "'";
                CHECK(containment.find("delete --ids " + quoted) == std::string::npos);
                if (Str(want, "/resource_type") == "microsoft.compute/virtualmachines")
                    CHECK(containment.find("az vm deallocate --ids " + quoted) !=
                          std::string::npos);
            } else {
                CHECK(Str(got, "/actor") == "null"); // the creator did the act
            }
            // What tipped the rating, where the expectation names it.
            simdjson::dom::element says;
            if (!want.at_pointer("/reasons_contain").get(says)) {
                const std::string reasons = Str(got, "/reasons");
                for (simdjson::dom::element part : simdjson::dom::array(says)) {
                    INFO("reason part " << std::string_view(part) << " in " << reasons);
                    CHECK(reasons.find(std::string_view(part)) != std::string::npos);
                }
            }
            simdjson::dom::element changes;
            if (!want.at_pointer("/size_changes").get(changes))
                for (auto [field, change] : simdjson::dom::object(changes))
                    for (const char* part : {"/before", "/after", "/by", "/at"}) {
                        std::string pointer = "/size_changes/" + std::string(field) + part;
                        INFO("field " << pointer);
                        CHECK(Str(got, pointer) == Str(want, pointer));
                    }
            // Under whose rights: from the grant's surviving record, else from the evidence alone.
            // (A grant whose own record names the grantee is found in every shape.)
            simdjson::dom::element grant;
            if (!evidence_shape && Str(want, "/grant_in_every_shape") != "true") {
                CHECK(Str(got, "/authorized_by") == "null");
            } else if (!want.at_pointer("/authorized_by").get(grant) && !grant.is_null())
                for (auto [key, value] : simdjson::dom::object(grant)) {
                    std::string pointer = "/authorized_by/" + std::string(key);
                    INFO("field " << pointer);
                    CHECK(Str(got, pointer) == Str(want, pointer));
                    static_cast<void>(value);
                }
            simdjson::dom::element details;
            if (!want.at_pointer("/details").get(details))
                for (auto [key, value] : simdjson::dom::object(details)) {
                    std::string pointer = "/details/" + std::string(key);
                    INFO("field " << pointer);
                    CHECK(Str(got, pointer) == Str(want, pointer));
                }
            // The user's quota request is the preparation of everything she did.
            const std::string preparer = Str(expected, "/preparation/0/by");
            if (Str(want, "/created_by/name") == preparer || Str(want, "/actor/name") == preparer)
                CHECK(it->second.find(Str(expected, "/preparation/0/resource_id")) !=
                      std::string::npos);
        }
        // Every grant used is revoked, the group's with a note that its members are not logged.
        for (simdjson::dom::element want : simdjson::dom::array(expected["resources"])) {
            std::string assignment = Str(want, "/authorized_by/role_assignment_id");
            if (assignment == "null" || !evidence_shape) continue;
            INFO("grant " << assignment);
            CHECK(containment.find("az role assignment delete --ids '" + assignment + "'") !=
                  std::string::npos);
        }
        if (evidence_shape)
            CHECK(containment.find("its members are not in the activity log") != std::string::npos);
        // The scale set goes back to the capacity the logs show before the change.
        CHECK(containment.find("az vmss scale --ids") != std::string::npos);
        CHECK(containment.find("--new-capacity 2\n") != std::string::npos);

        // Routine automation: its resource is not reported above low, and it is nobody's actor
        // or creator.
        for (simdjson::dom::element routine : simdjson::dom::array(expected["routine"])) {
            std::string id = Str(routine, "/resource_id");
            std::string principal = Str(routine, "/principal");
            if (auto r = ours.find(id); r != ours.end())
                CHECK(Str(parser.parse(r->second), "/severity") == "low");
            for (const auto& [rid, line] : ours) {
                INFO("resource " << rid);
                simdjson::dom::element got = parser.parse(line);
                CHECK(Str(got, "/actor/name") != principal);
                CHECK(Str(got, "/created_by/name") != principal);
            }
        }
        fs::remove_all(out);
    }
    CHECK(shapes == 7);
}
