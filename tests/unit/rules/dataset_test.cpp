// The shipped pack (plus the SigmaHQ rules) over the real activity records of the Panther
// dataset: run commands, extension writes, VM writes, role assignments and the rest must give
// the expected hits, and nothing may claim miner content or GPU sizes where there are none.
//
// The records are mapped onto Event by a small test-only adapter (export shape: operationName,
// resourceId, resultType, identity.claims / identity.authorization, properties.requestbody ...),
// which keeps this test independent of the ingest subsystem.
#include "core/ascii.hpp"
#include "rules/text.hpp"
#include "support/datasets.hpp"
#include "test_util.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <simdjson.h>

using namespace minetrace;
using namespace minetrace::test;

namespace {

namespace dom = simdjson::dom;

std::string_view Str(dom::element e) {
    std::string_view out;
    if (!e.is_string() || e.get_string().get(out) != simdjson::SUCCESS) return {};
    return out;
}

// A string member, or the `value` of a LocalizableString object.
std::string_view StrOrValue(dom::object o, std::string_view key) {
    dom::element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return {};
    if (e.is_object()) {
        dom::element v;
        if (e.get_object().at_key("value").get(v) == simdjson::SUCCESS) return Str(v);
        return {};
    }
    return Str(e);
}

// A body member: a JSON string is used as its text, an object as its minified JSON.
std::string BodyText(dom::object props, std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) {
        dom::element e;
        if (props.at_key_case_insensitive(key).get(e) != simdjson::SUCCESS) continue;
        if (e.is_string()) return std::string(Str(e));
        return simdjson::minify(e);
    }
    return {};
}

void SetIf(ExampleEvent& event, const char* field, std::string_view value) {
    if (value.empty()) return;
    std::string error;
    INFO(field << " = " << value);
    REQUIRE(event.Set(field, value, error));
}

// Test-only mapping of one export-shaped record onto an Event.
std::shared_ptr<ExampleEvent> FromExportRecord(dom::object r) {
    auto event = std::make_shared<ExampleEvent>();
    ExampleEvent& e = *event;
    SetIf(e, "kind", "activity-export");
    SetIf(e, "time", StrOrValue(r, "time"));
    SetIf(e, "operation", StrOrValue(r, "operationName"));
    dom::element op;
    if (r.at_key("operationName").get(op) == simdjson::SUCCESS && op.is_object()) {
        dom::element localized;
        if (op.get_object().at_key("localizedValue").get(localized) == simdjson::SUCCESS) {
            SetIf(e, "operation_display", Str(localized));
        }
    }
    std::string_view resource_id = StrOrValue(r, "resourceId");
    SetIf(e, "resource_id", resource_id);
    // /subscriptions/<s>/resourceGroups/<rg>/providers/<ns>/<type>/<name>[/<type>/<name>...]
    std::vector<std::string_view> parts;
    for (size_t start = 1; start <= resource_id.size();) {
        size_t slash = resource_id.find('/', start);
        if (slash == std::string_view::npos) slash = resource_id.size();
        parts.push_back(resource_id.substr(start, slash - start));
        start = slash + 1;
    }
    std::string type;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        std::string lower = minetrace::AsciiLowerCopy(parts[i]);
        if (lower == "subscriptions") SetIf(e, "subscription_id", parts[i + 1]);
        if (lower == "resourcegroups") SetIf(e, "resource_group", parts[i + 1]);
        if (lower == "providers") {
            type = std::string(parts[i + 1]);
            for (size_t j = i + 2; j < parts.size(); j += 2) {
                type += '/';
                type += parts[j];
            }
        }
    }
    SetIf(e, "resource_type", type);
    std::string_view status = StrOrValue(r, "resultType");
    if (status.empty()) status = StrOrValue(r, "status");
    SetIf(e, "status", status);
    SetIf(e, "phase", status);
    SetIf(e, "status_code", StrOrValue(r, "resultSignature"));
    SetIf(e, "category", StrOrValue(r, "category"));
    SetIf(e, "level", StrOrValue(r, "level"));
    SetIf(e, "caller_ip", StrOrValue(r, "callerIpAddress"));
    SetIf(e, "correlation_id", StrOrValue(r, "correlationId"));
    SetIf(e, "tenant_id", StrOrValue(r, "tenantId"));
    SetIf(e, "caller.caller", StrOrValue(r, "caller"));
    dom::object identity;
    if (r.at_key("identity").get_object().get(identity) == simdjson::SUCCESS) {
        dom::object claims;
        if (identity.at_key("claims").get_object().get(claims) == simdjson::SUCCESS) {
            SetIf(e, "caller.upn",
                  StrOrValue(claims, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"));
            SetIf(e, "caller.name", StrOrValue(claims, "name"));
            SetIf(e, "caller.object_id",
                  StrOrValue(claims,
                             "http://schemas.microsoft.com/identity/claims/objectidentifier"));
            SetIf(e, "caller.app_id", StrOrValue(claims, "appid"));
            SetIf(e, "caller.token_tenant",
                  StrOrValue(claims, "http://schemas.microsoft.com/identity/claims/tenantid"));
        }
        dom::object auth;
        if (identity.at_key("authorization").get_object().get(auth) == simdjson::SUCCESS) {
            SetIf(e, "authorization.action", StrOrValue(auth, "action"));
            SetIf(e, "authorization.scope", StrOrValue(auth, "scope"));
            dom::object ev;
            if (auth.at_key("evidence").get_object().get(ev) == simdjson::SUCCESS) {
                SetIf(e, "authorization.evidence_role", StrOrValue(ev, "role"));
                SetIf(e, "authorization.role_assignment_id", StrOrValue(ev, "roleAssignmentId"));
                SetIf(e, "authorization.role_assignment_scope",
                      StrOrValue(ev, "roleAssignmentScope"));
                SetIf(e, "authorization.role_definition_id", StrOrValue(ev, "roleDefinitionId"));
                SetIf(e, "authorization.principal_id", StrOrValue(ev, "principalId"));
                SetIf(e, "authorization.principal_type", StrOrValue(ev, "principalType"));
            }
        }
    }
    dom::object props;
    if (r.at_key("properties").get_object().get(props) == simdjson::SUCCESS) {
        SetIf(e, "request", BodyText(props, {"requestbody"}));
        SetIf(e, "response", BodyText(props, {"responseBody"}));
        SetIf(e, "status_message", BodyText(props, {"statusMessage"}));
    }
    return event;
}

struct Record {
    int line = 0;
    std::shared_ptr<ExampleEvent> event;
    std::set<std::string> hits;
    std::set<std::string> unavailable; // hits flagged content unavailable
};

} // namespace

TEST_CASE("Dataset: the pack over Panther's Azure activity records", "[rules][datasets]") {
    if (!minetrace::testing::RequireDatasets()) return;
    const std::filesystem::path file =
        minetrace::testing::Dataset("panther-analysis/Azure_MonitorActivity.raw.jsonl");
    const std::filesystem::path sigma = minetrace::testing::Dataset("sigma-azure-activitylogs");
    REQUIRE(std::filesystem::exists(file));
    REQUIRE(std::filesystem::is_directory(sigma));
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load({MINETRACE_RULES_DIR, sigma.string()}, errors);
    INFO(Describe(errors));
    REQUIRE(errors.empty());

    std::ifstream in(file);
    std::string text;
    std::vector<Record> records;
    dom::parser parser;
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<RuleHit> hits;
    int line_number = 0;
    while (std::getline(in, text)) {
        ++line_number;
        dom::object object;
        REQUIRE(parser.parse(text).get_object().get(object) == simdjson::SUCCESS);
        Record record;
        record.line = line_number;
        record.event = FromExportRecord(object);
        hits.clear();
        set.Match(record.event->event(), *scratch, hits);
        for (const RuleHit& hit : hits) {
            record.hits.insert(set.rule(hit.rule).id);
            if (hit.content_unavailable) record.unavailable.insert(set.rule(hit.rule).id);
        }
        records.push_back(std::move(record));
    }
    REQUIRE(records.size() == 214);

    std::map<std::string, int> per_rule;
    for (const Record& r : records) {
        for (const std::string& id : r.hits) per_rule[id]++;
    }
    auto count = [&](const std::string& id) { return per_rule.count(id) ? per_rule[id] : 0; };
    auto with_op = [&](const std::string& op) {
        std::vector<const Record*> out;
        for (const Record& r : records) {
            if (r.event->event().operation == op) out.push_back(&r);
        }
        return out;
    };

    // Run commands (VM, scale-set instance, AKS): execution, script text unavailable.
    for (const char* op :
         {"microsoft.compute/virtualmachines/runcommand/action",
          "microsoft.compute/virtualmachinescalesets/virtualmachines/runcommand/action",
          "microsoft.containerservice/managedclusters/runcommand/action"}) {
        INFO(op);
        std::vector<const Record*> found = with_op(op);
        REQUIRE_FALSE(found.empty());
        for (const Record* r : found) {
            INFO("line " << r->line);
            CHECK(r->hits.count("mt-exec-run-command") == 1);
            CHECK(r->unavailable.count("mt-exec-run-command") == 1);
        }
    }
    CHECK(count("mt-exec-run-command") == 4);

    // The Custom Script extension write has no body: command unavailable.
    std::vector<const Record*> extensions =
        with_op("microsoft.compute/virtualmachines/extensions/write");
    REQUIRE(extensions.size() == 1);
    CHECK(extensions[0]->hits.count("mt-exec-extension") == 1);
    CHECK(extensions[0]->hits.count("mt-exec-script-extension") == 1);
    CHECK(extensions[0]->unavailable.count("mt-exec-script-extension") == 1);
    CHECK(extensions[0]->hits.count("mt-gpu-driver-extension") == 0);

    // VM writes: compute creation, no size in the log so no SKU verdict.
    std::vector<const Record*> vm_writes = with_op("microsoft.compute/virtualmachines/write");
    REQUIRE(vm_writes.size() == 2);
    for (const Record* r : vm_writes) {
        CHECK(r->hits.count("mt-compute-vm-write") == 1);
        // Sigma "Number Of Resource Creation Or Deployment Activities" (keyword search).
        CHECK(r->hits.count("d2d901db-7a75-45a1-bc39-0cbf00812192") == 1);
    }
    CHECK(count("mt-compute-vm-write") == 2);

    // Role assignments: one Owner grant to a service principal, one Reader, one Storage role.
    std::vector<const Record*> grants = with_op("microsoft.authorization/roleassignments/write");
    REQUIRE(grants.size() == 3);
    CHECK(count("mt-priv-role-assignment") == 3);
    CHECK(count("mt-priv-role-assignment-privileged") == 1);
    CHECK(count("mt-priv-role-assignment-service-principal") == 1);
    CHECK(grants[0]->hits.count("mt-priv-role-assignment-service-principal") == 1);

    CHECK(count("mt-priv-elevate-access") == 1);
    CHECK(count("mt-exec-serial-console") == 1);
    CHECK(count("mt-exec-vm-application") == 1);
    CHECK(count("mt-evasion-alert-suppression") == 2);
    CHECK(count("mt-evasion-diagnostic-settings") == 4);
    CHECK(count("mt-prep-resource-group") == 1);
    CHECK(count("mt-exec-automation") >= 8);

    // Nothing in these records names a miner, a pool, a GPU size, a quota or a failure code.
    for (const char* id :
         {"mt-miner-tool", "mt-miner-stratum", "mt-miner-pool-domain", "mt-miner-wallet",
          "mt-miner-image", "mt-miner-encoded", "mt-sku-gpu", "mt-sku-fpga", "mt-sku-hpc",
          "mt-sku-large", "mt-spot-unlimited", "mt-failed-capacity", "mt-failed-gpu-family",
          "mt-prep-quota-capacity", "mt-caller-cross-tenant"}) {
        INFO(id);
        CHECK(count(id) == 0);
    }

    // SigmaHQ rules fire on the same records (by rule id).
    CHECK(count("92cc3e5d-eb57-419d-8c16-5c63f325a401") == 2); // suppression rule created
    CHECK(count("09438caa-07b1-4870-8405-1dbafe3dad95") == 1); // elevate access
    CHECK(count("a622fcd2-4b5a-436a-b8a2-a4171161833c") == 3); // role assignment keyword
    CHECK(count("d2d901db-7a75-45a1-bc39-0cbf00812192") == 2); // VM / deployment writes
    CHECK(count("d22b4df4-5a67-4859-a578-8c9a0b5af9df") == 7); // NSG changes
}
