#include "rules/json_body.hpp"
#include "rules/text.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace minetrace::rules_internal;

namespace {

// Values at `pattern` (dot-separated, lowercase) in document order.
std::vector<std::string> ValuesAt(const JsonBody& body, const std::string& pattern) {
    std::vector<std::string> segments;
    size_t start = 0;
    while (true) {
        size_t dot = pattern.find('.', start);
        segments.push_back(pattern.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    std::vector<std::string> out;
    for (const JsonBody::Entry& e : body.entries()) {
        if (MatchPathPattern(segments, body.path(e), e.segments)) {
            out.emplace_back(body.value(e));
        }
    }
    return out;
}

} // namespace

TEST_CASE("JsonBody: keys are matched case-insensitively and arrays fan out", "[rules]") {
    JsonBody body;
    REQUIRE(body.Parse(R"({"Properties":{"Extensions":[{"Name":"a","Settings":{"X":1}},
        {"NAME":"b"}],"Count":-1,"Ratio":0.5,"On":true,"Off":null}})"));
    CHECK(ValuesAt(body, "properties.extensions.name") == std::vector<std::string>{"a", "b"});
    CHECK(ValuesAt(body, "properties.count") == std::vector<std::string>{"-1"});
    CHECK(ValuesAt(body, "properties.ratio") == std::vector<std::string>{"0.5"});
    CHECK(ValuesAt(body, "properties.on") == std::vector<std::string>{"true"});
    CHECK(ValuesAt(body, "properties.off").empty()); // null is absent
    CHECK(ValuesAt(body, "properties.extensions.settings.x") == std::vector<std::string>{"1"});
}

TEST_CASE("JsonBody: '*' is one segment, '**' any number", "[rules]") {
    JsonBody body;
    REQUIRE(body.Parse(R"({"a":{"vmSize":"x"},"b":{"c":{"vmSize":"y"}},"vmSize":"z"})"));
    CHECK(ValuesAt(body, "**.vmsize") == std::vector<std::string>{"x", "y", "z"});
    CHECK(ValuesAt(body, "*.vmsize") == std::vector<std::string>{"x"});
    CHECK(ValuesAt(body, "b.**.vmsize") == std::vector<std::string>{"y"});
    CHECK(ValuesAt(body, "**.c.**.vmsize") == std::vector<std::string>{"y"});
    // Every node: the root, a, a.vmSize, b, b.c, b.c.vmSize and vmSize.
    CHECK(ValuesAt(body, "**").size() == 7);
}

TEST_CASE("JsonBody: keys containing dots stay one segment", "[rules]") {
    JsonBody body;
    REQUIRE(body.Parse(R"({"tags":{"a.b":"v"}})"));
    CHECK(ValuesAt(body, "tags.a").empty());
    CHECK(ValuesAt(body, "**").back() == "v");
}

TEST_CASE("JsonBody: a JSON string holding JSON is unwrapped once", "[rules]") {
    JsonBody body;
    REQUIRE(body.Parse(R"("{\"properties\":{\"vmSize\":\"Standard_NC6\"}}")"));
    CHECK(ValuesAt(body, "properties.vmsize") == std::vector<std::string>{"Standard_NC6"});

    JsonBody plain;
    REQUIRE(plain.Parse(R"("{not json")"));
    CHECK(ValuesAt(plain, "**") == std::vector<std::string>{"{not json"});
}

TEST_CASE("JsonBody: invalid input is rejected, and the body can be reused", "[rules]") {
    JsonBody body;
    for (const char* text : {"", "   ", "{", "{\"a\":1} trailing", "{\"a\":}", "[1,2", "\xff\xfe",
                             "{\"a\":\"\xc3\x28\"}", "nul"}) {
        INFO(text);
        CHECK_FALSE(body.Parse(text));
        CHECK_FALSE(body.valid());
        CHECK(body.entries().empty());
    }
    REQUIRE(body.Parse(R"({"k":"v"})"));
    CHECK(ValuesAt(body, "k") == std::vector<std::string>{"v"});
}

TEST_CASE("JsonBody: deep nesting is bounded, never a crash", "[rules]") {
    std::string deep(5000, '[');
    deep += std::string(5000, ']');
    JsonBody body;
    CHECK_FALSE(body.Parse(deep)); // beyond simdjson's depth limit

    std::string nested;
    for (int i = 0; i < 400; ++i) nested += "{\"k\":";
    nested += "1";
    for (int i = 0; i < 400; ++i) nested += "}";
    REQUIRE(body.Parse(nested));
    CHECK(body.truncated());
    CHECK(body.entries().size() <= JsonBody::kMaxDepth + 2);
}

TEST_CASE("JsonBody: scalar roots have an empty path", "[rules]") {
    JsonBody body;
    REQUIRE(body.Parse("42"));
    REQUIRE(body.entries().size() == 1);
    CHECK(body.entries()[0].segments == 0);
    CHECK(body.value(body.entries()[0]) == "42");
}

TEST_CASE("JsonBody: path hashes and the joined values", "[rules]") {
    JsonBody body;
    // Parsed twice: the second parse starts from a clean path and hash.
    for (int round = 0; round < 2; ++round) {
        REQUIRE(body.Parse(R"("{\"A\":{\"B\":[1,{\"C\":\"x\\ny\"}],\"D\":true},\"E\":null}")"));
        std::string joined;
        for (const JsonBody::Entry& e : body.entries()) {
            INFO(body.path(e));
            CHECK(e.path_hash == minetrace::rules_text::Fnv1a(body.path(e)));
            if (e.type != JsonType::kObject && e.type != JsonType::kArray) {
                joined += std::string(body.value(e)) + "\n";
            }
        }
        CHECK(joined == "1\nx\ny\ntrue\n");
        CHECK(body.joined_values() == joined);
        REQUIRE_FALSE(body.Parse("{broken"));
        CHECK(body.joined_values().empty());
    }
}
