// Steady-state matching does not allocate: the scratch buffers (JSON bodies, number stacks,
// Set results) are reused from event to event. Counts calls of the global operator new while
// matching warmed-up events.
#include "test_util.hpp"
#include "unit/counting_new.hpp"

using namespace minetrace;
using namespace minetrace::test;

namespace {

long CountAllocations(const RuleSet& set,
                      const std::vector<std::shared_ptr<ExampleEvent>>& events) {
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<RuleHit> hits;
    hits.reserve(set.size());
    for (int warm = 0; warm < 3; ++warm) {
        for (const auto& e : events) {
            hits.clear();
            set.Match(e->event(), *scratch, hits);
        }
    }
    NewCallCounter::Start();
    for (int round = 0; round < 50; ++round) {
        for (const auto& e : events) {
            hits.clear();
            set.Match(e->event(), *scratch, hits);
        }
    }
    return static_cast<long>(NewCallCounter::Stop());
}

std::vector<std::shared_ptr<ExampleEvent>> Events() {
    return {
        Ev({{"operation", "microsoft.compute/virtualmachinescalesets/write"},
            {"request", R"({"sku":{"name":"Standard_NC24ads_A100_v4","capacity":4},
                "properties":{"virtualMachineProfile":{"priority":"Spot","osProfile":{
                "customData":"Li94bXJpZyAtbyBwb29sOjQ0NDQ="},"extensionProfile":{"extensions":[
                {"properties":{"settings":{"commandToExecute":"echo c3RyYXR1bSt0Y3A6Ly9wOjE="}}}]}}}})"},
            {"response", R"("{\"properties\":{\"provisioningState\":\"Creating\"}}")"}}),
        Ev({{"operation", "microsoft.compute/virtualmachines/runcommand/action"},
            {"caller.upn", "eve@evil.io"},
            {"status_message",
             R"({"error":{"code":"OperationNotAllowed","message":"standardNCFamily"}})"}}),
        Ev({{"operation", "microsoft.resources/deployments/write"},
            {"request",
             R"({"properties":{"template":{"resources":[{"type":"Microsoft.Compute/virtualMachines",
                "properties":{"hardwareProfile":{"vmSize":"[parameters('s')]"}}}]},
                "parameters":{"s":{"value":"Standard_HB176rs_v4"}}}})"}}),
        Ev({{"operation", "microsoft.storage/storageaccounts/write"}, {"request", "not json"}}),
        Ev({{"kind", "partner-center-audit"},
            {"operation", "create_order"},
            {"partner.resource_new_value", R"({"LineItems":[{"FriendlyName":"Azure plan"}]})"}}),
    };
}

} // namespace

TEST_CASE("Alloc: matching warmed-up events allocates nothing", "[rules]") {
    const std::string rules =
        RuleText(
            "{all: [{field: operation, equals: microsoft.compute/virtualmachinescalesets/write},"
            " {product: [{field: bodies.sku.capacity}, {field: bodies.sku.name, as: vcpus}], gte: "
            "64}]}",
            "", "capacity") +
        RuleText("{field: bodies.**, as: vm_class, equals: [gpu, hpc]}", "", "sku").substr(7) +
        RuleText("{field: bodies.**, contains: 'stratum+tcp://', base64offset: true}", "", "b64")
            .substr(7) +
        RuleText("{field: bodies.**, as: base64, contains: xmrig}", "", "decoded").substr(7) +
        RuleText("{all: [{field: operation, regex: '^zz'}, {field: caller.upn, exists: true}]}", "",
                 "unused")
            .substr(7) +
        RuleText("{field: operation, equals: microsoft.compute/virtualmachines/runcommand/action}",
                 "    content_unavailable: {field: request.script, exists: false}\n"
                 "    content_note: not logged\n",
                 "runcmd")
            .substr(7) +
        RuleText("{field: status_message.**.code, equals: operationnotallowed}", "", "failed")
            .substr(7) +
        RuleText("{field: time, startswith: '1970'}", "", "time").substr(7);
    RuleSet set = LoadOrFail({{"alloc.yaml", rules}});
    std::vector<std::shared_ptr<ExampleEvent>> events = Events();
    // The events do hit: a no-op matcher would pass the allocation check trivially.
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    std::vector<uint32_t> out;
    set.Match(events[0]->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{0, 1, 2, 3, 7});
    CHECK(CountAllocations(set, events) == 0);
}

TEST_CASE("Alloc: the shipped pack matches warmed-up events without allocating", "[rules]") {
    std::vector<LintMessage> errors;
    RuleSet set = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    CHECK(CountAllocations(set, Events()) == 0);
}
