// BodyReader paths, and the body facts the analysis reads from each compute shape.
#include "provenance/analysis.hpp"
#include "provenance/body.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

using minetrace::BodyReader;

namespace {

// FindAnywhere for several keys at once, into fresh strings (or the given starting values).
std::vector<std::string> FindKeys(BodyReader& reader, std::string_view json,
                                  std::vector<std::string_view> keys,
                                  std::vector<std::string> start = {}) {
    start.resize(keys.size());
    auto root = reader.Parse(json);
    REQUIRE(root);
    std::vector<std::string*> slots;
    for (std::string& s : start) slots.push_back(&s);
    BodyReader::FindAnywhere(*root, keys, slots);
    return start;
}

} // namespace

TEST_CASE("BodyReader: paths match keys case-insensitively and search arrays", "[provenance]") {
    BodyReader reader;
    auto root =
        reader.Parse(R"({"Properties":{"HardwareProfile":{"VmSize":"Standard_NC24ads_A100_v4"},
        "containers":[{"properties":{"command":["xmrig","-o","pool"]}},{"properties":{}}],
        "priority":null,"count":3,"spot":true}})");
    REQUIRE(root);
    CHECK(reader.Find(*root, {"properties", "hardwareprofile", "vmsize"}) ==
          "Standard_NC24ads_A100_v4");
    // Objects and arrays come back as minified JSON, numbers and booleans as written.
    CHECK(reader.Find(*root, {"properties", "containers", "properties", "command"}) ==
          R"(["xmrig","-o","pool"])");
    CHECK(reader.Find(*root, {"properties", "count"}) == "3");
    CHECK(reader.Find(*root, {"properties", "spot"}) == "true");
    // Null and absent are both empty.
    CHECK(reader.Find(*root, {"properties", "priority"}).empty());
    CHECK(reader.Find(*root, {"properties", "nothing"}).empty());

    std::string out = "stale";
    CHECK_FALSE(BodyReader::Find(*root, std::vector<std::string_view>{"absent"}, out));
    CHECK(out.empty());
}

TEST_CASE("BodyReader: a later key is tried when the first match is empty", "[provenance]") {
    BodyReader reader;
    auto root = reader.Parse(R"({"sku":{"name":""},"SKU":{"name":"Standard_ND96asr_v4"}})");
    REQUIRE(root);
    CHECK(reader.Find(*root, {"sku", "name"}) == "Standard_ND96asr_v4");
}

TEST_CASE("BodyReader: several keys anywhere in one walk, in document order", "[provenance]") {
    BodyReader reader;
    std::string_view json = R"({"a":{"image":{"ref":"nested"},"list":[{"Image":"first"},
        {"image":"second"}],"targetDedicatedNodes":null},
        "pool":{"TargetDedicatedNodes":40,"targetLowPriorityNodes":0}})";
    auto found =
        FindKeys(reader, json, {"targetdedicatednodes", "targetlowprioritynodes", "image"});
    // An object value is not a match (its keys are searched), null is skipped, 0 is a value.
    CHECK(found == std::vector<std::string>{"40", "0", "first"});

    // Each key alone gives the same as all at once.
    for (std::string_view key : {"targetdedicatednodes", "targetlowprioritynodes", "image"})
        CHECK(reader.FindAnywhere(*reader.Parse(json), key) ==
              FindKeys(reader, json, {key}).front());

    // Keys that already have a value are not looked for.
    found = FindKeys(reader, json, {"image", "targetdedicatednodes"}, {"kept", ""});
    CHECK(found == std::vector<std::string>{"kept", "40"});

    // Absent keys stay empty; the walk still finds the others.
    found = FindKeys(reader, json, {"missing", "image"});
    CHECK(found == std::vector<std::string>{"", "first"});
}

TEST_CASE("BodyReader: deep nesting is searched only to a bound", "[provenance]") {
    BodyReader reader;
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += R"({"x":)";
    deep += R"({"image":"too deep"})";
    for (int i = 0; i < 100; ++i) deep += "}";
    CHECK(FindKeys(reader, deep, {"image"}).front().empty());

    std::string shallow = R"({"x":{"x":{"image":"found"}}})";
    CHECK(FindKeys(reader, shallow, {"image"}).front() == "found");
}

TEST_CASE("BodyReader: text that is not a JSON object or array is no body", "[provenance]") {
    BodyReader reader;
    CHECK_FALSE(reader.Parse(""));
    CHECK_FALSE(reader.Parse("   "));
    CHECK_FALSE(reader.Parse("\"just a string\""));
    CHECK_FALSE(reader.Parse("{\"unterminated\":"));
    CHECK(reader.Parse(" \n[1,2]"));
}

TEST_CASE("Body facts: Azure ML computes and AKS pools give size, priority and node count",
          "[provenance]") {
    minetrace::analysis::AnalysisScratch scratch;
    auto facts = [&](std::string_view type, std::string_view body) {
        minetrace::Event e;
        e.resource_type = type;
        e.operation = "x/write";
        e.request_body = body;
        std::array<std::string, minetrace::analysis::kFactCount> v;
        minetrace::analysis::ReadBodyFacts(e, v, scratch);
        return v;
    };
    using minetrace::analysis::kCapacity;
    using minetrace::analysis::kPriority;
    using minetrace::analysis::kVmSize;
    auto ml = facts("microsoft.machinelearningservices/workspaces/computes",
                    R"({"location":"eastus","properties":{"computeType":"AmlCompute",
                        "properties":{"vmSize":"Standard_NC24ads_A100_v4","vmPriority":
                        "LowPriority","scaleSettings":{"minNodeCount":0,"maxNodeCount":40}}}})");
    CHECK(ml[kVmSize] == "Standard_NC24ads_A100_v4");
    CHECK(ml[kPriority] == "LowPriority");
    CHECK(ml[kCapacity] == "40");
    auto pool = facts("microsoft.containerservice/managedclusters/agentpools",
                      R"({"properties":{"count":12,"vmSize":"Standard_NC6s_v3",
                          "scaleSetPriority":"Spot"}})");
    CHECK(pool[kVmSize] == "Standard_NC6s_v3");
    CHECK(pool[kPriority] == "Spot");
    CHECK(pool[kCapacity] == "12");
    auto cluster = facts("microsoft.containerservice/managedclusters",
                         R"({"properties":{"agentPoolProfiles":[{"name":"gpu","count":8,
                             "vmSize":"Standard_NC24ads_A100_v4","scaleSetPriority":"Spot"}]}})");
    CHECK(cluster[kVmSize] == "Standard_NC24ads_A100_v4");
    CHECK(cluster[kPriority] == "Spot");
    CHECK(cluster[kCapacity] == "8");
    // Another type's `properties.count` is no capacity.
    auto other = facts("microsoft.storage/storageaccounts", R"({"properties":{"count":3}})");
    CHECK(other[kCapacity].empty());
}
