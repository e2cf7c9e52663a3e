// The body-value screen (predicates on `**` and `**.a.b` paths decided in one walk of the
// bodies, gating rules that would otherwise run on every event) and the per-scratch memo of
// low-cardinality fields: both must give exactly the hits the plain evaluation gives.
#include "test_util.hpp"

using namespace minetrace;
using namespace minetrace::test;

namespace {

// `condition` as rule "s" (screened when it needs a body predicate) and the same condition
// under a double negation as rule "p" (never gated: every predicate evaluated plainly).
RuleSet ScreenedAndPlain(const std::string& condition) {
    return LoadOrFail(
        {{"s.yaml", RuleText(condition, "", "s") +
                        RuleText("{not: {not: " + condition + "}}", "", "p").substr(7)}});
}

// Whether the screened rule hits `event`, after checking the plain rule agrees.
bool Screened(const RuleSet& set, const ExampleEvent& event) {
    std::vector<RuleHit> hits = Hits(set, event);
    bool screened = false;
    bool plain = false;
    for (const RuleHit& hit : hits) {
        screened = screened || hit.rule == 0;
        plain = plain || hit.rule == 1;
    }
    CHECK(screened == plain);
    return screened;
}

} // namespace

TEST_CASE("Screen: a JSON escape in a body value is matched after unescaping", "[rules]") {
    RuleSet set = ScreenedAndPlain("{field: bodies.**, regex: '\\bxmrig\\b|--donate-level'}");
    // The raw text never spells "xmrig"; the value does.
    auto escaped = Ev(
        {{"request", R"({"properties":{"settings":{"commandToExecute":"./\u0078mrig -o p"}}})"}});
    CHECK(Screened(set, *escaped));
    CHECK(Screened(set, *Ev({{"response", R"({"a":["x","--donate-level=1"]})"}})));
    CHECK_FALSE(Screened(set, *Ev({{"request", R"({"a":"xmrigs"})"}})));
    // Values are matched one by one: neither word boundaries nor anchors span two values.
    CHECK_FALSE(Screened(set, *Ev({{"request", R"({"a":"xm","b":"rig"})"}})));
}

TEST_CASE("Screen: anchors see each value, not the lines of the joined values", "[rules]") {
    RuleSet set = ScreenedAndPlain("{field: bodies.**, regex: '^standard_nc6$'}");
    CHECK(Screened(set, *Ev({{"request", R"({"a":"x","b":"Standard_NC6","c":"y"})"}})));
    // A value holding the text as one of its lines: the multi-line prefilter sees it, the value
    // itself does not match.
    CHECK_FALSE(Screened(set, *Ev({{"request", R"({"a":"x\nStandard_NC6\ny"})"}})));
    CHECK_FALSE(Screened(set, *Ev({{"request", R"({"a":"Standard_NC6s"})"}})));
    // Numbers and booleans are values too.
    RuleSet number = ScreenedAndPlain("{field: bodies.**, equals: '42'}");
    CHECK(Screened(number, *Ev({{"request", R"({"a":{"b":[1,42]}})"}})));
    CHECK_FALSE(Screened(number, *Ev({{"request", R"({"a":{"b":[1,420]}})"}})));
}

TEST_CASE("Screen: a body that is not JSON is searched as raw text by '**' only", "[rules]") {
    RuleSet any = ScreenedAndPlain("{field: bodies.**, contains: lolminer}");
    RuleSet suffix = ScreenedAndPlain("{field: bodies.**.script, contains: lolminer}");
    auto raw = Ev({{"request", "not json: ./lolminer --algo ETHASH"}});
    CHECK(Screened(any, *raw));
    CHECK_FALSE(Screened(suffix, *raw));
    auto json = Ev({{"request", R"({"properties":{"source":{"script":"./lolminer"}}})"}});
    CHECK(Screened(any, *json));
    CHECK(Screened(suffix, *json));
    // A broken body next to a valid one: both are searched.
    auto mixed = Ev({{"request", "{\"broken\": "}, {"response", R"({"x":"LOLMINER"})"}});
    CHECK(Screened(any, *mixed));
}

TEST_CASE("Screen: VM sizes in nested arrays, transforms computed once per value", "[rules]") {
    RuleSet gpu = ScreenedAndPlain("{field: bodies.**, as: vm_class, equals: gpu}");
    RuleSet large = ScreenedAndPlain("{field: bodies.**, as: vcpus, gte: 64}");
    RuleSet family = ScreenedAndPlain("{field: bodies.**, as: vm_family, equals: nd}");
    auto nested = Ev({{"request", R"({"a":[[{"b":["x",["Standard_NC6s_v3"]]}]],"n":3})"}});
    CHECK(Screened(gpu, *nested));
    CHECK_FALSE(Screened(large, *nested));
    CHECK_FALSE(Screened(family, *nested));
    auto big = Ev({{"response", R"({"pools":[{"vmSize":"Standard_D2s_v5"},
        {"vmSize":["Standard_M128ms"]},{"vmSize":"Standard_ND96asr_v4"}]})"}});
    CHECK(Screened(large, *big));
    CHECK(Screened(family, *big));
    CHECK(Screened(gpu, *big));
    CHECK_FALSE(Screened(large, *Ev({{"request", R"({"a":["Standard_D48s_v5", 128]})"}})));
    // status_message is not one of `bodies`.
    CHECK_FALSE(Screened(gpu, *Ev({{"status_message", R"({"x":"Standard_NC6"})"}})));
    // Several transforms in one rule, one screen walk.
    RuleSet both = ScreenedAndPlain("{any: [{field: bodies.**, as: vm_class, equals: hpc}, "
                                    "{field: bodies.**, as: base64, contains: xmrig}]}");
    CHECK(Screened(both, *Ev({{"request", R"({"s":"Standard_HB176rs_v4"})"}})));
    CHECK(Screened(both, *Ev({{"request", R"({"d":"Li94bXJpZyAtbyBwb29sOjQ0NDQ="})"}})));
    CHECK_FALSE(Screened(both, *Ev({{"request", R"({"s":"Standard_F72s_v2"})"}})));
}

TEST_CASE("Screen: base64 values are decoded and matched one by one", "[rules]") {
    RuleSet start = ScreenedAndPlain("{field: bodies.**, as: base64, regex: '^\\./xmrig'}");
    // "./xmrig -o pool:4444"
    CHECK(Screened(start, *Ev({{"request", R"({"a":"x","d":["Li94bXJpZyAtbyBwb29sOjQ0NDQ="]})"}})));
    // After another decodable value ("aaaaaaaaaaaaxm").
    CHECK(Screened(start, *Ev({{"request", R"({"a":"YWFhYWFhYWFhYWFheG0=",
        "d":"Li94bXJpZyAtbyBwb29sOjQ0NDQ="})"}})));
    // "echo hi\n./xmrig -o p": a line of the decoded value, not its start.
    CHECK_FALSE(Screened(start, *Ev({{"request", R"({"d":"ZWNobyBoaQouL3htcmlnIC1vIHA="})"}})));
    // The plain text is not decoded.
    CHECK_FALSE(Screened(start, *Ev({{"request", R"({"d":"./xmrig -o pool:4444"})"}})));
    // Two decoded values never join: "aaaaaaaaaaaaxm" and "rigaaaaaaaaaaaa".
    RuleSet split = ScreenedAndPlain("{field: bodies.**, as: base64, regex: 'xm\\nrig'}");
    CHECK_FALSE(Screened(split, *Ev({{"request", R"({"a":"YWFhYWFhYWFhYWFheG0=",
        "b":"cmlnYWFhYWFhYWFhYWFh"})"}})));
    // Raw text of a body that is not JSON is decoded whole.
    CHECK(Screened(start, *Ev({{"response", "Li94bXJpZyAtbyBwb29sOjQ0NDQ="}})));
}

TEST_CASE("Screen: '**.a.b' paths match by their last segments", "[rules]") {
    RuleSet spot = ScreenedAndPlain("{any: [{field: bodies.**.priority, equals: spot}, "
                                    "{field: bodies.**.targetLowPriorityNodes, gt: 0}]}");
    CHECK(Screened(spot, *Ev({{"request", R"({"p":{"vmp":[{"Priority":"Spot"}]}})"}})));
    CHECK(Screened(spot, *Ev({{"request", R"({"priority":"SPOT"})"}})));
    CHECK_FALSE(Screened(spot, *Ev({{"request", R"({"p":{"scaleSetPriority":"Spot"}})"}})));
    CHECK_FALSE(Screened(spot, *Ev({{"request", R"({"p":{"priority":{"x":"Spot"}}})"}})));
    CHECK(Screened(spot, *Ev({{"request", R"({"s":{"f":{"targetLowPriorityNodes":"50"}}})"}})));
    CHECK(Screened(spot, *Ev({{"response", R"({"targetLowPriorityNodes":[0, 2]})"}})));
    CHECK_FALSE(Screened(spot, *Ev({{"request", R"({"s":{"targetLowPriorityNodes":0}})"}})));

    RuleSet env = ScreenedAndPlain("{field: bodies.**.env.value, regex: '0x[0-9a-f]{8}\\b'}");
    CHECK(Screened(env,
                   *Ev({{"request", R"({"c":[{"env":[{"name":"W","value":"0x1234abcd"}]}]})"}})));
    CHECK(Screened(env, *Ev({{"request", R"({"env":{"value":"0x1234abcd"}})"}})));
    CHECK_FALSE(Screened(env, *Ev({{"request", R"({"parameters":{"value":"0x1234abcd"}})"}})));
    CHECK_FALSE(Screened(env, *Ev({{"request", R"({"myenv":{"value":"0x1234abcd"}})"}})));
}

TEST_CASE("Screen: events without bodies, and rules that cannot be gated", "[rules]") {
    RuleSet set = ScreenedAndPlain("{field: bodies.**, contains: xmrig}");
    CHECK_FALSE(Screened(set, *Ev({})));
    CHECK_FALSE(Screened(set, *Ev({{"operation", "xmrig"}, {"caller.upn", "xmrig@x.io"}})));
    CHECK_FALSE(Screened(set, *Ev({{"request", ""}, {"response", "  "}})));
    // A negated screen predicate is not a trigger: the rule still sees body-less events.
    RuleSet negated = OneRule("{not: {field: bodies.**, contains: xmrig}}");
    CHECK(Matches(negated, *Ev({})));
    CHECK_FALSE(Matches(negated, *Ev({{"request", R"({"a":"xmrig"})"}})));
    // `equals: ''` also holds when nothing is there: not screened either.
    RuleSet absent = OneRule("{field: bodies.**.priority, equals: ['', regular]}");
    CHECK(Matches(absent, *Ev({})));
    CHECK(Matches(absent, *Ev({{"request", R"({"priority":"Regular"})"}})));
    CHECK_FALSE(Matches(absent, *Ev({{"request", R"({"priority":"Spot"})"}})));
}

TEST_CASE("Screen: one scratch over many events keeps no stale marks", "[rules]") {
    RuleSet set = LoadOrFail(
        {{"a.yaml",
          RuleText("{field: bodies.**, contains: xmrig}", "", "miner") +
              RuleText("{field: bodies.**.image, regex: '(^|/)xmrig:'}", "", "image").substr(7) +
              RuleText("{field: operation, regex: '/write$'}", "", "write").substr(7)}});
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    auto miner = Ev({{"operation", "x/write"}, {"request", R"({"c":[{"image":"a/xmrig:1"}]})"}});
    auto clean = Ev({{"operation", "x/read"}, {"request", R"({"c":[{"image":"a/nginx:1"}]})"}});
    auto none = Ev({{"operation", "x/write"}});
    for (int round = 0; round < 3; ++round) {
        std::vector<uint32_t> out;
        set.Match(miner->event(), *scratch, out);
        CHECK(out == std::vector<uint32_t>{0, 1, 2});
        out.clear();
        set.Match(clean->event(), *scratch, out);
        CHECK(out.empty());
        out.clear();
        set.Match(none->event(), *scratch, out);
        CHECK(out == std::vector<uint32_t>{2});
    }
}

TEST_CASE("Memo: operation patterns give the same hits from the memo", "[rules]") {
    RuleSet set = LoadOrFail(
        {{"m.yaml", RuleText("{field: operation, regex: '/(write|delete)$'}", "", "w") +
                        RuleText("{field: operation, equals: a/write}", "", "lit").substr(7) +
                        RuleText("{field: operation, startswith: b/}", "", "b").substr(7)}});
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    auto hits = [&](const std::string& operation) {
        std::vector<uint32_t> out;
        set.Match(Ev({{"operation", operation}})->event(), *scratch, out);
        return out;
    };
    for (int round = 0; round < 3; ++round) {
        CHECK(hits("a/write") == std::vector<uint32_t>{0, 1});
        CHECK(hits("A/Write") == std::vector<uint32_t>{0, 1});
        CHECK(hits("b/read") == std::vector<uint32_t>{2});
        CHECK(hits("b/delete") == std::vector<uint32_t>{0, 2});
        CHECK(hits("c/read").empty());
    }
    // More values than the memo has slots: evicted values are matched again, still correctly.
    for (int i = 0; i < 5000; ++i) {
        std::string n = std::to_string(i);
        INFO(n);
        REQUIRE(hits("x" + n + "/write") == std::vector<uint32_t>{0});
        REQUIRE(hits("b/x" + n) == std::vector<uint32_t>{2});
    }
    CHECK(hits("a/write") == std::vector<uint32_t>{0, 1});
    CHECK(hits("b/write") == std::vector<uint32_t>{0, 2});
    // Longer than the memo takes.
    CHECK(hits("b/" + std::string(300, 'x') + "/write") == std::vector<uint32_t>{0, 2});
}

TEST_CASE("Memo: a scratch adopted by another RuleSet forgets the memo", "[rules]") {
    RuleSet a = LoadOrFail(
        {{"a.yaml", RuleText("{field: operation, regex: 'write$'}", "", "a0") +
                        RuleText("{field: operation, regex: 'read$'}", "", "a1").substr(7)}});
    RuleSet b = LoadOrFail(
        {{"b.yaml", RuleText("{field: operation, regex: 'read$'}", "", "b0") +
                        RuleText("{field: operation, regex: 'write$'}", "", "b1").substr(7)}});
    std::unique_ptr<MatchScratch> scratch = a.NewScratch();
    auto write = Ev({{"operation", "x/write"}});
    std::vector<uint32_t> out;
    a.Match(write->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{0});
    out.clear();
    b.Match(write->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{1});
    out.clear();
    a.Match(write->event(), *scratch, out);
    CHECK(out == std::vector<uint32_t>{0});
}

TEST_CASE("Memo: values marking many predicates, in turn in the same slot", "[rules]") {
    std::string text;
    for (int i = 0; i < 12; ++i) {
        std::string rule = RuleText("{field: resource_id, regex: '/virtualmachines/v" +
                                        std::to_string(i % 3) + "$|/disks/'}",
                                    "", "r" + std::to_string(i));
        text += i == 0 ? rule : rule.substr(7);
    }
    RuleSet set = LoadOrFail({{"many.yaml", text}});
    std::unique_ptr<MatchScratch> scratch = set.NewScratch();
    auto disk = Ev({{"resource_id", "/s/x/providers/microsoft.compute/disks/d1"}});
    auto vm = Ev({{"resource_id", "/s/x/providers/microsoft.compute/virtualMachines/V1"}});
    std::vector<uint32_t> every(12);
    for (uint32_t i = 0; i < 12; ++i) every[i] = i;
    for (int round = 0; round < 3; ++round) {
        std::vector<uint32_t> out;
        set.Match(disk->event(), *scratch, out);
        CHECK(out == every);
        out.clear();
        set.Match(vm->event(), *scratch, out);
        CHECK(out == std::vector<uint32_t>{1, 4, 7, 10});
    }
}
