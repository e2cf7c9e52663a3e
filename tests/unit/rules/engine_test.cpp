// Rule engine semantics: operators, case handling, combinators, numeric expressions, JSON paths,
// content-unavailable notes, rule replacement, scratch reuse and concurrency.
#include "test_util.hpp"

#include <thread>

using namespace minetrace;
using namespace minetrace::test;

TEST_CASE("Engine: equals is case-insensitive by default, case_sensitive opts out", "[rules]") {
    RuleSet ci = OneRule("{field: caller.upn, equals: [Alice@Contoso.com, bob@contoso.com]}");
    CHECK(Matches(ci, *Ev({{"caller.upn", "alice@contoso.com"}})));
    CHECK(Matches(ci, *Ev({{"caller.upn", "BOB@CONTOSO.COM"}})));
    CHECK_FALSE(Matches(ci, *Ev({{"caller.upn", "alice@contoso.com.evil"}})));
    CHECK_FALSE(Matches(ci, *Ev({{"caller.upn", ""}})));

    RuleSet cs = OneRule("{field: caller.upn, equals: Alice@Contoso.com, case_sensitive: true}");
    CHECK(Matches(cs, *Ev({{"caller.upn", "Alice@Contoso.com"}})));
    CHECK_FALSE(Matches(cs, *Ev({{"caller.upn", "alice@contoso.com"}})));
}

TEST_CASE("Engine: contains, startswith, endswith and regex lists", "[rules]") {
    RuleSet contains = OneRule("{field: resource_id, contains: [/virtualMachines/, /disks/]}");
    CHECK(Matches(contains,
                  *Ev({{"resource_id", "/s/x/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/v"}})));
    CHECK_FALSE(
        Matches(contains, *Ev({{"resource_id", "/s/x/providers/microsoft.network/nics/n"}})));

    RuleSet starts = OneRule("{field: operation, startswith: microsoft.compute/}");
    CHECK(Matches(starts, *Ev({{"operation", "Microsoft.Compute/disks/write"}})));
    CHECK_FALSE(Matches(starts, *Ev({{"operation", "x/microsoft.compute/disks/write"}})));

    RuleSet ends = OneRule("{field: operation, endswith: [/delete, /action]}");
    CHECK(Matches(ends, *Ev({{"operation", "microsoft.compute/disks/delete"}})));
    CHECK_FALSE(Matches(ends, *Ev({{"operation", "microsoft.compute/disks/delete/x"}})));

    RuleSet regex = OneRule("{field: caller_ip, regex: '^10\\.|^192\\.168\\.'}");
    CHECK(Matches(regex, *Ev({{"caller_ip", "10.1.2.3"}})));
    CHECK_FALSE(Matches(regex, *Ev({{"caller_ip", "110.1.2.3"}})));

    RuleSet all = OneRule("{field: request, contains: [curl, '| sh'], match: all}");
    CHECK(Matches(all, *Ev({{"request", "\"curl x | sh\""}})));
    CHECK_FALSE(Matches(all, *Ev({{"request", "\"curl x\""}})));
}

TEST_CASE("Engine: regex metacharacters in literal lists are literal", "[rules]") {
    RuleSet set = OneRule("{field: operation_display, equals: 'a.b(c)*'}");
    CHECK(Matches(set, *Ev({{"operation_display", "A.B(C)*"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation_display", "aXb(c)"}})));
}

TEST_CASE("Engine: all, any, not and none", "[rules]") {
    RuleSet set =
        OneRule(R"({all: [{field: operation, equals: op}, {any: [{field: status, equals: a},
        {field: status, equals: b}]}, {not: {field: caller.upn, endswith: '@contoso.com'}},
        {none: [{field: level, equals: x}, {field: level, equals: y}]}]})");
    CHECK(Matches(set, *Ev({{"operation", "op"}, {"status", "b"}, {"caller.upn", "eve@evil.io"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "op"}, {"status", "c"}})));
    CHECK_FALSE(
        Matches(set, *Ev({{"operation", "op"}, {"status", "a"}, {"caller.upn", "x@contoso.com"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "op"}, {"status", "a"}, {"level", "Y"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "other"}, {"status", "a"}})));
}

TEST_CASE("Engine: a rule with only a negation is evaluated for every event", "[rules]") {
    RuleSet set =
        OneRule("{not: {field: operation, equals: microsoft.compute/virtualmachines/write}}");
    CHECK(Matches(set, *Ev({{"operation", "anything"}})));
    CHECK(Matches(set, *Ev({})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "microsoft.compute/virtualmachines/write"}})));
}

TEST_CASE("Engine: exists and equals '' treat empty fields as absent", "[rules]") {
    RuleSet exists = OneRule("{field: caller.app_id, exists: true}");
    CHECK(Matches(exists, *Ev({{"caller.app_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}})));
    CHECK_FALSE(Matches(exists, *Ev({})));

    RuleSet absent = OneRule("{field: caller.upn, equals: ['', svc@contoso.com]}");
    CHECK(Matches(absent, *Ev({})));
    CHECK(Matches(absent, *Ev({{"caller.upn", "svc@contoso.com"}})));
    CHECK_FALSE(Matches(absent, *Ev({{"caller.upn", "eve@contoso.com"}})));

    RuleSet body = OneRule("{field: request.properties.protectedSettings, exists: true}");
    CHECK(Matches(body, *Ev({{"request", R"({"properties":{"protectedSettings":{}}})"}})));
    CHECK_FALSE(Matches(body, *Ev({{"request", R"({"properties":{"protectedSettings":null}})"}})));
}

TEST_CASE("Engine: JSON paths are case-insensitive and fan out over arrays", "[rules]") {
    RuleSet set = OneRule(
        "{field: request.properties.virtualMachineProfile.extensionProfile.extensions.properties."
        "settings.commandToExecute, contains: miner}");
    const char* body = R"({"PROPERTIES":{"virtualmachineprofile":{"ExtensionProfile":{"extensions":[
        {"properties":{"settings":{"commandToExecute":"echo hi"}}},
        {"properties":{"Settings":{"CommandToExecute":"./MINER -o x"}}}]}}}})";
    CHECK(Matches(set, *Ev({{"request", body}})));
    CHECK_FALSE(Matches(set, *Ev({{"response", body}})));
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"properties":{"commandToExecute":"miner"}})"}})));
}

TEST_CASE("Engine: bodies.** finds content nested in deployment templates", "[rules]") {
    RuleSet set = OneRule("{field: bodies.**, as: vm_class, equals: gpu}");
    const char* deployment = R"({"properties":{"template":{"resources":[{"type":
        "Microsoft.Resources/deployments","properties":{"template":{"resources":[{"type":
        "Microsoft.Compute/virtualMachineScaleSets","sku":{"name":"Standard_NC24ads_A100_v4"}}]}}}]}}})";
    CHECK(Matches(set, *Ev({{"operation", "microsoft.resources/deployments/write"},
                            {"request", deployment}})));
    CHECK(Matches(set, *Ev({{"partner.resource_new_value", R"({"Size":"Standard_ND40rs_v2"})"}})));
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"sku":{"name":"Standard_D96as_v5"}})"}})));
    CHECK_FALSE(Matches(set, *Ev({{"status_message", R"({"x":"Standard_NC6"})"}})));
}

TEST_CASE("Engine: a body that is not JSON is searched as raw text by '**' only", "[rules]") {
    RuleSet anywhere = OneRule("{field: request.**, contains: xmrig}");
    RuleSet path = OneRule("{field: request.properties.x, contains: xmrig}");
    auto broken = Ev({{"request", R"({"properties":{"x":"./xmrig")"}});
    CHECK(Matches(anywhere, *broken));
    CHECK_FALSE(Matches(path, *broken));
}

TEST_CASE("Engine: numeric comparisons on numbers and numeric strings", "[rules]") {
    RuleSet set = OneRule("{field: request.sku.capacity, gte: 10}");
    CHECK(Matches(set, *Ev({{"request", R"({"sku":{"capacity":10}})"}})));
    CHECK(Matches(set, *Ev({{"request", R"({"sku":{"capacity":" 12 "}})"}})));
    CHECK(Matches(set, *Ev({{"request", R"({"sku":{"capacity":1e2}})"}})));
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"sku":{"capacity":9.5}})"}})));
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"sku":{"capacity":"ten"}})"}})));
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"sku":{"capacity":{"n":20}}})"}})));

    RuleSet ne = OneRule("{field: request.maxPrice, ne: -1}");
    CHECK(Matches(ne, *Ev({{"request", R"({"maxPrice":0.5})"}})));
    CHECK_FALSE(Matches(ne, *Ev({{"request", R"({"maxPrice":"-1"})"}})));
    CHECK_FALSE(Matches(ne, *Ev({{"request", "{}"}})));

    RuleSet status = OneRule("{field: status_code, gte: 400}");
    CHECK(Matches(status, *Ev({{"status_code", "409"}})));
    CHECK_FALSE(Matches(status, *Ev({{"status_code", "Conflict"}})));
}

TEST_CASE("Engine: vCPUs parsed from VM size names", "[rules]") {
    RuleSet set = OneRule("{field: request.properties.hardwareProfile.vmSize, as: vcpus, gte: 64}");
    for (const char* size : {"Standard_M416ms_v2", "Standard_HB176rs_v4", "Standard_E104i_v5",
                             "Standard_ND96isr_H100_v5", "Standard_E64-16s_v5"}) {
        INFO(size);
        std::string body =
            std::string(R"({"properties":{"hardwareProfile":{"vmSize":")") + size + "\"}}}";
        CHECK(Matches(set, *Ev({{"request", body}})));
    }
    for (const char* size : {"Standard_D48s_v5", "Standard_NC24ads_A100_v4", "Standard_NC4as_T4_v3",
                             "[parameters('size')]"}) {
        INFO(size);
        std::string body =
            std::string(R"({"properties":{"hardwareProfile":{"vmSize":")") + size + "\"}}}";
        CHECK_FALSE(Matches(set, *Ev({{"request", body}})));
    }
    RuleSet active =
        OneRule("{field: request.properties.hardwareProfile.vmSize, as: active_vcpus, lt: 32}");
    CHECK(Matches(
        active, *Ev({{"request",
                      R"({"properties":{"hardwareProfile":{"vmSize":"Standard_E64-16s_v5"}}})"}})));
}

TEST_CASE("Engine: capacity x size, sums with defaults, broadcasting", "[rules]") {
    RuleSet vmss = OneRule("{product: [{field: request.sku.capacity}, {field: request.sku.name, "
                           "as: vcpus}], gte: 128}");
    CHECK(Matches(vmss, *Ev({{"request", R"({"sku":{"name":"Standard_F16s_v2","capacity":8}})"}})));
    CHECK_FALSE(
        Matches(vmss, *Ev({{"request", R"({"sku":{"name":"Standard_F16s_v2","capacity":7}})"}})));
    CHECK_FALSE(Matches(vmss, *Ev({{"request", R"({"sku":{"name":"Standard_F16s_v2"}})"}})));

    RuleSet batch = OneRule("{product: [{sum: [{field: request.dedicated, default: 0}, {field: "
                            "request.low, default: 0}]},"
                            " {field: request.vmSize, as: vcpus}, 2], eq: 96}");
    CHECK(Matches(batch,
                  *Ev({{"request", R"({"vmSize":"Standard_D8s_v3","dedicated":2,"low":4})"}})));
    CHECK(Matches(batch, *Ev({{"request", R"({"vmSize":"Standard_D16s_v3","low":3})"}})));
    CHECK_FALSE(Matches(batch, *Ev({{"request", R"({"vmSize":"Standard_D16s_v3"})"}})));

    // Pools paired element-wise: 1 x 2 and 4 x 24 vCPUs.
    const char* pools = R"({"pools":[{"count":1,"vmSize":"Standard_D2s_v5"},
                                     {"count":4,"vmSize":"Standard_NC24ads_A100_v4"}]})";
    RuleSet any = OneRule("{product: [{field: request.pools.count}, {field: request.pools.vmSize, "
                          "as: vcpus}], gte: 96}");
    CHECK(Matches(any, *Ev({{"request", pools}})));
    RuleSet sum = OneRule("{product: [{field: request.pools.count}, {field: request.pools.vmSize, "
                          "as: vcpus}], aggregate: sum, eq: 98}");
    CHECK(Matches(sum, *Ev({{"request", pools}})));
    RuleSet count = OneRule("{field: request.pools.count, aggregate: count, eq: 2}");
    CHECK(Matches(count, *Ev({{"request", pools}})));
    RuleSet all = OneRule("{field: request.pools.count, aggregate: all, gte: 1}");
    CHECK(Matches(all, *Ev({{"request", pools}})));
    RuleSet min = OneRule("{field: request.pools.count, aggregate: min, eq: 1}");
    CHECK(Matches(min, *Ev({{"request", pools}})));

    // Lists of different lengths cannot be paired: their maxima are combined (4 x 24).
    RuleSet mismatch = OneRule(
        "{product: [{field: request.a}, {field: request.b, as: vcpus}], aggregate: max, eq: 96}");
    CHECK(Matches(
        mismatch,
        *Ev({{"request", R"({"a":[1,4,2],"b":["Standard_D2s_v5","Standard_NC24ads_A100_v4"]})"}})));
}

TEST_CASE("Engine: VM size transforms give family, class and accelerator", "[rules]") {
    const char* body = R"({"vmSize":"Standard_NC24ads_A100_v4"})";
    CHECK(Matches(OneRule("{field: request.vmSize, as: vm_family, equals: nc}"),
                  *Ev({{"request", body}})));
    CHECK(Matches(OneRule("{field: request.vmSize, as: vm_class, equals: gpu}"),
                  *Ev({{"request", body}})));
    CHECK(Matches(OneRule("{field: request.vmSize, as: vm_accelerator, equals: a100}"),
                  *Ev({{"request", body}})));
    CHECK_FALSE(Matches(OneRule("{field: request.vmSize, as: vm_accelerator, regex: '.'}"),
                        *Ev({{"request", R"({"vmSize":"Standard_D2s_v5"})"}})));
}

TEST_CASE("Engine: base64offset finds encoded needles inside longer base64", "[rules]") {
    RuleSet set = OneRule("{field: request.**, contains: 'stratum+tcp://', base64offset: true}");
    // Plain text, then the needle base64-encoded at each of the three byte offsets.
    CHECK(Matches(set, *Ev({{"request", R"({"c":"-o STRATUM+TCP://p:1"})"}})));
    for (const char* encoded : {"c3RyYXR1bSt0Y3A6Ly9wOjE=",        // "stratum+tcp://p:1"
                                "eHN0cmF0dW0rdGNwOi8vcDox",        // "xstratum+tcp://p:1"
                                "eHlzdHJhdHVtK3RjcDovL3A6MQ=="}) { // "xystratum+tcp://p:1"
        INFO(encoded);
        CHECK(Matches(
            set, *Ev({{"request", std::string(R"({"c":"echo )") + encoded + " | base64 -d\"}"}})));
    }
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"c":"c3RyYXR1bQ=="})"}})));
}

TEST_CASE("Engine: as base64 decodes whole values only", "[rules]") {
    RuleSet set = OneRule("{field: request.**, as: base64, contains: xmrig}");
    CHECK(Matches(
        set, *Ev({{"request",
                   R"({"customData":"Li94bXJpZyAtbyBwb29sOjQ0NDQ="})"}}))); // ./xmrig -o pool:4444
    CHECK(Matches(
        set, *Ev({{"request", R"({"customData":"Li94bXJpZyAtbyBwb29sOjQ0NDQ"})"}}))); // unpadded
    CHECK_FALSE(Matches(set, *Ev({{"request", R"({"customData":"xmrig"})"}})));
    CHECK_FALSE(
        Matches(set, *Ev({{"request", R"({"customData":"Li94bXJpZyAt bXJpZyAtbyBwb29s"})"}})));
}

TEST_CASE("Engine: content unavailable is reported per hit", "[rules]") {
    RuleSet set =
        OneRule("{field: operation, equals: microsoft.compute/virtualmachines/runcommand/action}",
                "    content_unavailable: {field: request.script, exists: false}\n"
                "    content_note: script not logged\n");
    REQUIRE(set.size() == 1);
    CHECK(set.rule(0).content_note == "script not logged");
    auto no_body =
        Hits(set, *Ev({{"operation", "microsoft.compute/virtualmachines/runcommand/action"}}));
    REQUIRE(no_body.size() == 1);
    CHECK(no_body[0].content_unavailable);
    auto with_script =
        Hits(set, *Ev({{"operation", "microsoft.compute/virtualmachines/runcommand/action"},
                       {"request", R"({"script":["id"]})"}}));
    REQUIRE(with_script.size() == 1);
    CHECK_FALSE(with_script[0].content_unavailable);
}

TEST_CASE("Engine: derived and enum fields", "[rules]") {
    auto event = Ev({{"operation", "Microsoft.Compute/virtualMachines/write"},
                     {"resource_id", "/subscriptions/s/resourceGroups/rg/providers/"
                                     "Microsoft.Compute/virtualMachines/Miner-01"},
                     {"tenant_id", "AAAA"},
                     {"caller.token_tenant", "bbbb"},
                     {"phase", "Accept"},
                     {"kind", "activity-rest"},
                     {"caller.mfa", "no"},
                     {"time", "2025-04-14T03:15:37.0081234Z"}});
    CHECK(Matches(OneRule("{field: resource_provider, equals: microsoft.compute}"), *event));
    CHECK(Matches(OneRule("{field: resource_name, equals: miner-01}"), *event));
    CHECK(Matches(OneRule("{field: resource_id_lower, contains: /virtualmachines/miner-01}"),
                  *event));
    CHECK(Matches(OneRule("{field: caller.cross_tenant, equals: 'yes'}"), *event));
    CHECK(Matches(OneRule("{field: phase, equals: accepted}"), *event));
    CHECK(Matches(OneRule("{field: kind, equals: activity-rest}"), *event));
    CHECK(Matches(OneRule("{field: caller.mfa, equals: 'no'}"), *event));
    CHECK(Matches(OneRule("{field: time, startswith: '2025-04-14T03:15:37.008123Z'}"), *event));
    CHECK(Matches(OneRule("{field: caller.cross_tenant, equals: unknown}"),
                  *Ev({{"tenant_id", "a"}})));
    CHECK(Matches(OneRule("{field: caller.cross_tenant, equals: 'no'}"),
                  *Ev({{"tenant_id", "A"}, {"caller.token_tenant", "a"}})));
}

TEST_CASE("Engine: multi-valued partner.subscription_ids", "[rules]") {
    RuleSet set = OneRule("{field: partner.subscription_ids, equals: 2222}");
    auto event = std::make_shared<ExampleEvent>();
    std::string error;
    REQUIRE(event->Set("partner.subscription_ids", "1111", error));
    REQUIRE(event->Set("partner.subscription_ids", "2222", error));
    CHECK(Matches(set, *event));
    CHECK(Matches(OneRule("{field: partner.subscription_ids, regex: '^22'}"), *event));
    CHECK_FALSE(Matches(OneRule("{field: partner.subscription_ids, equals: 3333}"), *event));
}

TEST_CASE("Engine: hits come back in ascending rule order", "[rules]") {
    RuleSet set = LoadOrFail(
        {{"a.yaml", RuleText("{field: operation, contains: write}", "", "r1") +
                        RuleText("{field: operation, equals: x/write}", "", "r2").substr(7) +
                        RuleText("{field: caller.upn, exists: false}", "", "r3").substr(7)}});
    REQUIRE(set.size() == 3);
    auto event = Ev({{"operation", "x/write"}});
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<uint32_t> out;
    set.Match(event->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{0, 1, 2});
    CHECK(set.Find("r2") == std::optional<uint32_t>(1));
    CHECK_FALSE(set.Find("nope"));
}

TEST_CASE("Engine: a scratch is reused across events without stale state", "[rules]") {
    RuleSet set = LoadOrFail(
        {{"a.yaml", RuleText("{field: request.**, contains: xmrig}", "", "body") +
                        RuleText("{field: operation, equals: op}", "", "op").substr(7)}});
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    auto first = Ev({{"operation", "op"}, {"request", R"({"c":"xmrig"})"}});
    auto second = Ev({{"operation", "other"}});
    auto third = Ev({{"operation", "other"}, {"request", R"({"c":"clean"})"}});
    for (int round = 0; round < 3; ++round) {
        std::vector<uint32_t> out;
        set.Match(first->event(), *scratch, out);
        CHECK(out == std::vector<uint32_t>{0, 1});
        out.clear();
        set.Match(second->event(), *scratch, out);
        CHECK(out.empty());
        out.clear();
        set.Match(third->event(), *scratch, out);
        CHECK(out.empty());
    }
}

TEST_CASE("Engine: one RuleSet matched from several threads", "[rules]") {
    RuleSet set =
        LoadOrFail({{"pack", RuleText("{all: [{field: operation, endswith: /write}, "
                                      "{field: request.**, as: vm_class, equals: gpu}]}")}});
    auto gpu = Ev({{"operation", "microsoft.compute/virtualmachines/write"},
                   {"request", R"({"properties":{"hardwareProfile":{"vmSize":"Standard_NC6"}}})"}});
    auto cpu =
        Ev({{"operation", "microsoft.compute/virtualmachines/write"},
            {"request", R"({"properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v5"}}})"}});
    std::vector<int> hits(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::unique_ptr<MatchScratch> scratch = set.NewScratch();
            std::vector<uint32_t> out;
            for (int i = 0; i < 2000; ++i) {
                out.clear();
                set.Match((i % 2 ? cpu : gpu)->event(), *scratch, out);
                hits[static_cast<size_t>(t)] += static_cast<int>(out.size());
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    CHECK(hits == std::vector<int>(4, 1000));
}

TEST_CASE("Engine: a later path replaces a rule id; the same path may not repeat it", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set =
        RuleSet::LoadSources({{"shipped.yaml", RuleText("{field: operation, equals: a}", "", "x")},
                              {"local.yaml", RuleText("{field: operation, equals: b}", "", "x")}},
                             errors);
    CHECK(errors.empty());
    REQUIRE(set.size() == 1);
    CHECK(set.rule(0).source_file == "local.yaml");
    CHECK(set.rule(0).replaces == "shipped.yaml:2");
    CHECK(Matches(set, *Ev({{"operation", "b"}})));
    CHECK_FALSE(Matches(set, *Ev({{"operation", "a"}})));

    std::vector<LintMessage> dup_errors;
    RuleSet dup = RuleSet::LoadSources(
        {{"one.yaml", RuleText("{field: operation, equals: a}", "", "x") +
                          RuleText("{field: operation, equals: b}", "", "x").substr(7)}},
        dup_errors);
    CHECK_FALSE(dup.ok());
    CHECK(HasError(dup_errors, 8, "duplicate rule id (first defined at one.yaml:2)"));
}

TEST_CASE("Engine: a scratch from another RuleSet is adopted, not misused", "[rules]") {
    RuleSet a = OneRule("{field: operation, equals: a}");
    RuleSet b =
        LoadOrFail({{"b.yaml", RuleText("{field: operation, equals: b}", "", "b1") +
                                   RuleText("{field: operation, equals: b}", "", "b2").substr(7)}});
    std::unique_ptr<MatchScratch> scratch = a.NewScratch();
    std::vector<uint32_t> out;
    b.Match(Ev({{"operation", "b"}})->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{0, 1});
}

TEST_CASE("Engine: an empty RuleSet matches nothing", "[rules]") {
    RuleSet set;
    CHECK(set.ok());
    CHECK(set.size() == 0);
    CHECK_FALSE(Matches(set, *Ev({{"operation", "x"}})));
}

TEST_CASE("Engine: many patterns on one field use the Set's own match list", "[rules]") {
    // More patterns than the individual-RE2 limit: the RE2::Set reports which ones matched.
    std::string text = "rules:\n";
    for (int i = 0; i < 40; ++i) {
        std::string n = std::to_string(i);
        std::string condition = "{field: operation, regex: '^op";
        condition += n;
        condition += "(/|$)'}";
        std::string id = "r";
        id += n;
        text += RuleText(condition, "", id).substr(7);
    }
    RuleSet set = LoadOrFail({{"many.yaml", text}});
    REQUIRE(set.size() == 40);
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    for (int i : {0, 7, 39}) {
        std::vector<uint32_t> out;
        std::string op = "op";
        op += std::to_string(i);
        op += "/write";
        set.Match(Ev({{"operation", op}})->event(), *scratch, out);
        CHECK(out == std::vector<uint32_t>{static_cast<uint32_t>(i)});
    }
    std::vector<uint32_t> none;
    set.Match(Ev({{"operation", "op40"}})->event(), *scratch, none);
    CHECK(none.empty());
}

TEST_CASE("Engine: hostile event content never crashes the pack", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<RuleHit> hits;

    std::vector<std::string> bodies = {
        std::string(100000, '['),
        std::string(3000, '{') + std::string(3000, '}'),
        "{\"a\":\"" + std::string(1 << 20, 'x') + "\"}",
        std::string("{\"a\":\"\0b\"}", 10),
        "{\"\xff\":1}",
        "\"\\\"{\\\"k\\\":\\\"Standard_NC6\\\"}\\\"\"",
        "{\"customData\":\"" + std::string(4096, 'A') + "\"}",
        "{\"sku\":{\"capacity\":1e308,\"name\":\"Standard_NC24\"},\"x\":-1e400}",
        "{\"sku\":{\"capacity\":[1,2,3],\"name\":[\"Standard_NC24\"]}}",
    };
    std::string nested;
    for (int i = 0; i < 300; ++i) nested += "{\"k\":[";
    nested += "\"xmrig\"";
    for (int i = 0; i < 300; ++i) nested += "]}";
    bodies.push_back(nested);
    // Deterministic pseudo-random bytes with JSON punctuation mixed in.
    uint32_t state = 12345;
    for (int n = 0; n < 50; ++n) {
        std::string noise;
        for (int i = 0; i < 400; ++i) {
            state = state * 1103515245u + 12345u;
            const char alphabet[] = "{}[]\",:0123456789-eE.tfnul\\ abcXYZ\x80\xff";
            noise.push_back(alphabet[(state >> 16) % (sizeof(alphabet) - 1)]);
        }
        bodies.push_back(noise);
    }
    for (const std::string& body : bodies) {
        auto event = Ev({{"operation", "microsoft.compute/virtualmachinescalesets/write"},
                         {"resource_id", "/\xff/extensions/\x01"},
                         {"caller.upn", std::string("\0\xc3", 2)},
                         {"request", body},
                         {"response", body},
                         {"status_message", body},
                         {"partner.resource_new_value", body}});
        hits.clear();
        set.Match(event->event(), *scratch, hits);
        CHECK(hits.size() <= set.size());
    }
}
