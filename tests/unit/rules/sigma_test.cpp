// Sigma: the supported subset maps onto normalized fields; everything else is a precise lint
// error; SigmaHQ's Azure activity-log rules load.
#include "support/datasets.hpp"
#include "test_util.hpp"

#include <filesystem>

using namespace minetrace;
using namespace minetrace::test;

namespace {

std::string
Sigma(const std::string& detection, const std::string& level = "medium",
      const std::string& logsource = "    product: azure\n    service: activitylogs\n") {
    return "title: test\nid: 11111111-2222-3333-4444-555555555555\nstatus: test\n"
           "description: d\nlogsource:\n" +
           logsource + "detection:\n" + detection + "level: " + level + "\n";
}

RuleSet LoadSigma(const std::string& detection) {
    return LoadOrFail({{"sigma.yml", Sigma(detection)}});
}

} // namespace

TEST_CASE("Sigma: metadata, level and field mapping", "[rules]") {
    RuleSet set =
        LoadSigma("    selection:\n        operationName: MICROSOFT.PORTAL/CONSOLES/WRITE\n"
                  "    condition: selection\n");
    REQUIRE(set.size() == 1);
    const Rule& rule = set.rule(0);
    CHECK(rule.is_sigma);
    CHECK(rule.id == "11111111-2222-3333-4444-555555555555");
    CHECK(rule.title == "test");
    CHECK(rule.signal == "sigma");
    CHECK(rule.level == "medium");
    CHECK(rule.examples.empty());
    CHECK(Matches(set, *Ev({{"operation", "microsoft.portal/consoles/write"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "microsoft.portal/consoles/delete"}})));

    RuleSet mapped =
        LoadSigma("    selection:\n        CategoryValue: Administrative\n"
                  "        ResourceProviderValue: Microsoft.ADHybridHealthService\n"
                  "        ResourceId|contains: AdFederationService\n"
                  "        OperationNameValue: Microsoft.ADHybridHealthService/services/delete\n"
                  "    condition: selection\n");
    CHECK(Matches(
        mapped,
        *Ev({{"category", "Administrative"},
             {"operation", "microsoft.adhybridhealthservice/services/delete"},
             {"resource_id",
              "/providers/Microsoft.ADHybridHealthService/services/AdFederationService-x"}})));
    CHECK_FALSE(
        Matches(mapped, *Ev({{"category", "Policy"},
                             {"operation", "microsoft.adhybridhealthservice/services/delete"},
                             {"resource_id", "/providers/x/AdFederationService-x"}})));
}

TEST_CASE("Sigma: modifiers contains, startswith, endswith, re, all, cased", "[rules]") {
    RuleSet dns = LoadSigma(
        "    selection:\n        operationName|startswith: 'MICROSOFT.NETWORK/DNSZONES'\n"
        "        operationName|endswith:\n            - '/WRITE'\n            - '/DELETE'\n"
        "    condition: selection\n");
    CHECK(Matches(dns, *Ev({{"operation", "microsoft.network/dnszones/a/write"}})));
    CHECK_FALSE(Matches(dns, *Ev({{"operation", "microsoft.network/dnszones/read"}})));

    RuleSet all =
        LoadSigma("    selection:\n        properties.requestbody|contains|all: [curl, sh]\n"
                  "    condition: selection\n");
    CHECK(Matches(all, *Ev({{"request", "\"curl | sh\""}})));
    CHECK_FALSE(Matches(all, *Ev({{"request", "\"curl\""}})));

    RuleSet re = LoadSigma("    selection:\n        caller|re: '^[a-z]+@Contoso\\.com$'\n"
                           "    condition: selection\n");
    CHECK(Matches(re, *Ev({{"caller.caller", "eve@Contoso.com"}})));
    CHECK_FALSE(Matches(re, *Ev({{"caller.caller", "eve@contoso.com"}}))); // re is case-sensitive

    RuleSet re_i = LoadSigma("    selection:\n        caller|re|i: '^[a-z]+@Contoso\\.com$'\n"
                             "    condition: selection\n");
    CHECK(Matches(re_i, *Ev({{"caller.caller", "EVE@contoso.com"}})));

    RuleSet cased =
        LoadSigma("    selection:\n        caller|cased: Eve\n    condition: selection\n");
    CHECK(Matches(cased, *Ev({{"caller.caller", "Eve"}})));
    CHECK_FALSE(Matches(cased, *Ev({{"caller.caller", "eve"}})));

    RuleSet b64 = LoadSigma(
        "    selection:\n        properties.requestbody|base64offset|contains: 'stratum+tcp://'\n"
        "    condition: selection\n");
    CHECK(Matches(b64, *Ev({{"request", "\"echo c3RyYXR1bSt0Y3A6Ly9wOjE= | base64 -d\""}})));

    RuleSet num =
        LoadSigma("    selection:\n        resultSignature|gte: 400\n    condition: selection\n");
    CHECK(Matches(num, *Ev({{"status_code", "409"}})));
    CHECK_FALSE(Matches(num, *Ev({{"status_code", "200"}})));

    RuleSet exists = LoadSigma("    selection:\n        properties.responseBody|exists: false\n"
                               "    condition: selection\n");
    CHECK(Matches(exists, *Ev({{"operation", "x"}})));
    CHECK_FALSE(Matches(exists, *Ev({{"response", "{}"}})));
}

TEST_CASE("Sigma: wildcards, escapes and null", "[rules]") {
    RuleSet wild = LoadSigma("    selection:\n        operationName: 'MICROSOFT.COMPUTE/*/WRITE'\n"
                             "    condition: selection\n");
    CHECK(Matches(wild, *Ev({{"operation", "microsoft.compute/virtualmachines/write"}})));
    CHECK_FALSE(Matches(wild, *Ev({{"operation", "microsoft.compute/virtualmachines/write/x"}})));

    RuleSet escaped = LoadSigma("    selection:\n        operation_display: 'a\\*b?'\n"
                                "    condition: selection\n");
    CHECK(Matches(escaped, *Ev({{"operation_display", "a*bc"}})));
    CHECK_FALSE(Matches(escaped, *Ev({{"operation_display", "axbc"}})));

    RuleSet null = LoadSigma("    selection:\n        caller: null\n    condition: selection\n");
    CHECK(Matches(null, *Ev({{"operation", "x"}})));
    CHECK_FALSE(Matches(null, *Ev({{"caller.caller", "x"}})));

    RuleSet either =
        LoadSigma("    selection:\n        caller:\n            - null\n            - svc\n"
                  "    condition: selection\n");
    CHECK(Matches(either, *Ev({})));
    CHECK(Matches(either, *Ev({{"caller.caller", "SVC"}})));
    CHECK_FALSE(Matches(either, *Ev({{"caller.caller", "eve"}})));
}

TEST_CASE("Sigma: keywords search the scalar fields", "[rules]") {
    RuleSet set =
        LoadSigma("    keywords:\n        - Microsoft.Compute/virtualMachines/write\n"
                  "        - Microsoft.Resources/deployments/write\n    condition: keywords\n");
    CHECK(Matches(set, *Ev({{"operation", "microsoft.compute/virtualmachines/write"}})));
    CHECK(Matches(set, *Ev({{"authorization.action", "Microsoft.Resources/deployments/write"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "microsoft.compute/virtualmachines/delete"}})));
}

TEST_CASE("Sigma: condition with and, or, not, parentheses and quantifiers", "[rules]") {
    const std::string selections =
        "    sel_vm:\n        operationName: MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE\n"
        "    sel_vmss:\n        operationName: MICROSOFT.COMPUTE/VIRTUALMACHINESCALESETS/WRITE\n"
        "    filter_ok:\n        caller|endswith: '@contoso.com'\n"
        "    _private:\n        level: Error\n";
    auto vm = Ev({{"operation", "microsoft.compute/virtualmachines/write"},
                  {"caller.caller", "eve@evil.io"}});
    auto vm_ok = Ev({{"operation", "microsoft.compute/virtualmachines/write"},
                     {"caller.caller", "a@contoso.com"}});
    auto vmss =
        Ev({{"operation", "microsoft.compute/virtualmachinescalesets/write"}, {"level", "Error"}});

    RuleSet one_of = LoadSigma(selections + "    condition: 1 of sel_* and not filter_ok\n");
    CHECK(Matches(one_of, *vm));
    CHECK_FALSE(Matches(one_of, *vm_ok));
    CHECK(Matches(one_of, *vmss));

    RuleSet parens = LoadSigma(
        selections + "    condition: (sel_vm or sel_vmss) and not (filter_ok or _private)\n");
    CHECK(Matches(parens, *vm));
    CHECK_FALSE(Matches(parens, *vmss));

    RuleSet all_of = LoadSigma(selections + "    condition: all of sel_*\n");
    CHECK_FALSE(Matches(all_of, *vm));

    // `them` leaves out identifiers starting with '_'.
    RuleSet them = LoadSigma(selections + "    condition: 1 of them\n");
    CHECK(Matches(them, *vm_ok));
    RuleSet any_of = LoadSigma(selections + "    condition: any of filter*\n");
    CHECK(Matches(any_of, *vm_ok));

    RuleSet reused =
        LoadSigma(selections + "    condition: sel_vm and not (sel_vm and filter_ok)\n");
    CHECK(Matches(reused, *vm));
    CHECK_FALSE(Matches(reused, *vm_ok));

    RuleSet list = LoadSigma(
        selections + "    condition:\n        - sel_vm and filter_ok\n        - sel_vmss\n");
    CHECK(Matches(list, *vm_ok));
    CHECK(Matches(list, *vmss));
    CHECK_FALSE(Matches(list, *vm));

    RuleSet maps = LoadSigma("    selection:\n        - operationName: A\n        - caller: b\n"
                             "    condition: selection\n");
    CHECK(Matches(maps, *Ev({{"caller.caller", "B"}})));
}

TEST_CASE("Sigma: unsupported constructs are lint errors naming rule and construct", "[rules]") {
    struct Case {
        std::string text;
        int line;
        const char* fragment;
    };
    const std::string sel = "    selection:\n        operationName: X\n";
    const Case cases[] = {
        {Sigma(sel + "    condition: selection | count() > 5\n"), 11, "aggregation"},
        {Sigma(sel + "    condition: selection near other\n"), 11,
         "unsupported Sigma construct 'near'"},
        {Sigma(sel + "    condition: 2 of selection*\n"), 11, "'2 of'"},
        {Sigma(sel + "    condition: selection and missing\n"), 11,
         "unknown search identifier 'missing'"},
        {Sigma(sel + "    condition: 1 of nothing*\n"), 11, "matches no search identifier"},
        {Sigma(sel + "    condition: (selection\n"), 11, "missing ')'"},
        {Sigma(sel + "    condition: selection and\n"), 11, "unexpected end"},
        {Sigma(sel + "    timeframe: 5m\n    condition: selection\n"), 11, "timeframe"},
        {Sigma("    selection:\n        operationName|windash: X\n    condition: selection\n"), 10,
         "unsupported Sigma modifier 'windash'"},
        {Sigma(
             "    selection:\n        operationName|cidr: 10.0.0.0/8\n    condition: selection\n"),
         10, "unsupported Sigma modifier 'cidr'"},
        {Sigma("    selection:\n        operationName|contains|startswith: X\n    condition: "
               "selection\n"),
         10, "more than one of contains"},
        {Sigma("    selection:\n        Image: x.exe\n    condition: selection\n"), 10,
         "field 'Image' has no mapping"},
        {Sigma("    selection:\n        caller|re: '(?<=a)b'\n    condition: selection\n"), 10,
         "does not compile"},
        {Sigma("    selection:\n        - a\n        - {caller: b}\n    condition: selection\n"),
         10, "mixing maps and keywords"},
        {Sigma(sel + "    condition: selection\n", "urgent"), 12, "Sigma level 'urgent'"},
        {Sigma(sel + "    condition: selection\n", "high",
               "    product: windows\n    category: process_creation\n"),
         6,
         "unsupported Sigma logsource (product: windows, service: , category: process_creation)"},
        {"title: t\naction: global\nlogsource: {product: azure, service: activitylogs}\n"
         "detection: {s: {operationName: x}, condition: s}\n",
         2, "rule collections"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        std::vector<LintMessage> errors = LintText(c.text, "s.yml");
        INFO(Describe(errors));
        CHECK(HasError(errors, c.line, c.fragment));
        for (const LintMessage& m : errors) {
            if (c.text.find("id: 11111111") != std::string::npos) {
                CHECK(m.rule_id == "11111111-2222-3333-4444-555555555555");
            }
        }
    }
}

TEST_CASE("Sigma: the SigmaHQ Azure activity-log rules all load", "[rules][datasets]") {
    if (!minetrace::testing::RequireDatasets()) return;
    const std::filesystem::path dir = minetrace::testing::Dataset("sigma-azure-activitylogs");
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load({dir.string()}, errors);
    INFO(Describe(errors));
    CHECK(errors.empty());
    CHECK(set.size() == 35);
    for (uint32_t i = 0; i < set.size(); ++i) CHECK(set.rule(i).is_sigma);

    // Spot checks of the mapped behaviour.
    auto vm_write = Ev({{"operation", "microsoft.compute/virtualmachines/write"}});
    auto elevate = Ev({{"operation", "microsoft.authorization/elevateaccess/action"}});
    auto dns = Ev({{"operation", "microsoft.network/dnszones/a/write"}});
    auto titles = [&](const ExampleEvent& e) {
        std::vector<std::string> out;
        for (const RuleHit& h : Hits(set, e)) out.push_back(set.rule(h.rule).title);
        return out;
    };
    CHECK(titles(*vm_write) ==
          std::vector<std::string>{"Number Of Resource Creation Or Deployment Activities"});
    CHECK(titles(*elevate) ==
          std::vector<std::string>{"Azure Subscription Permission Elevation Via ActivityLogs"});
    CHECK(titles(*dns) == std::vector<std::string>{"Azure DNS Zone Modified or Deleted"});
}
