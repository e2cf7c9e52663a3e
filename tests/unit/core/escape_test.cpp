#include "core/escape.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

using namespace minetrace;

namespace {

std::string Json(std::string_view text) {
    std::string out;
    AppendJsonEscaped(out, text);
    return out;
}
std::string Csv(std::string_view text) {
    std::string out;
    AppendCsvField(out, text);
    return out;
}
std::string Term(std::string_view text) {
    std::string out;
    AppendTerminalSafe(out, text);
    return out;
}
std::string Html(std::string_view text) {
    std::string out;
    AppendHtmlEscaped(out, text);
    return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

} // namespace

TEST_CASE("Escape: TrimAsciiSpace", "[core]") {
    CHECK(TrimAsciiSpace("  a b \t\r\n") == "a b");
    CHECK(TrimAsciiSpace(" \f\v ").empty());
    CHECK(TrimAsciiSpace("").empty());
    CHECK(TrimAsciiSpace("x") == "x");
}

TEST_CASE("Escape: IsValidUtf8 is strict", "[core]") {
    CHECK(IsValidUtf8(""));
    CHECK(IsValidUtf8("plain ascii"));
    CHECK(IsValidUtf8("Échec 失敗 \xF0\x9F\x98\x80"));
    CHECK_FALSE(IsValidUtf8("\xFF"));
    CHECK_FALSE(IsValidUtf8("\xC0\xAF"));         // overlong '/'
    CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));     // overlong
    CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));     // surrogate
    CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(IsValidUtf8("\xE2\x82"));         // truncated
    CHECK_FALSE(IsValidUtf8("\x80"));             // lone continuation
}

TEST_CASE("Escape: JSON", "[core]") {
    CHECK(Json("plain") == "plain");
    CHECK(Json("a\"b\\c") == "a\\\"b\\\\c");
    CHECK(Json("\n\r\t\b\f") == "\\n\\r\\t\\b\\f");
    CHECK(Json(std::string_view("\x00\x01\x1b\x1f", 4)) == "\\u0000\\u0001\\u001b\\u001f");
    CHECK(Json("\x7f") == "\\u007f");
    CHECK(Json("a\xE2\x80\xA8"
               "b\xE2\x80\xA9") == "a\\u2028b\\u2029");
    CHECK(Json("Échec 失敗") == "Échec 失敗");
    CHECK(Json("a\xFF"
               "b") == "a" + kFffd + "b");
    CHECK(Json("\xE2\x82") == kFffd + kFffd);
    CHECK(IsValidUtf8(Json("x\xC0\xAF\xED\xA0\x80y")));

    std::string out = "{\"k\":";
    AppendJsonString(out, "v\"1");
    out += "}";
    CHECK(out == "{\"k\":\"v\\\"1\"}");
}

TEST_CASE("Escape: CSV quoting per RFC 4180", "[core]") {
    CHECK(Csv("").empty());
    CHECK(Csv("plain") == "plain");
    CHECK(Csv("a,b") == "\"a,b\"");
    CHECK(Csv("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(Csv("line1\nline2") == "\"line1\nline2\"");
    CHECK(Csv("a\r\nb") == "\"a\r\nb\"");
    CHECK(Csv(" lead") == "\" lead\"");
    CHECK(Csv("trail ") == "\"trail \"");
    CHECK(Csv("Échec") == "Échec");
}

TEST_CASE("Escape: CSV formula-injection guard", "[core]") {
    CHECK(Csv("=HYPERLINK(\"http://evil\",\"x\")") ==
          "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
    CHECK(Csv("@SUM(A1:A2)") == "\"'@SUM(A1:A2)\"");
    CHECK(Csv("+cmd|' /C calc'!A0") == "\"'+cmd|' /C calc'!A0\"");
    CHECK(Csv("-2+3") == "\"'-2+3\"");
    CHECK(Csv("\tx") == "\"'\tx\"");
    CHECK(Csv("\rx") == "\"'\rx\"");
    CHECK(Csv(" =1+1") == "\"' =1+1\"");
    // Plain numbers stay numeric.
    CHECK(Csv("-1") == "-1");
    CHECK(Csv("-0.5") == "-0.5");
    CHECK(Csv("+3e2") == "+3e2");
    CHECK(Csv("42") == "42");
    CHECK(Csv("-") == "\"'-\"");
    CHECK(Csv("-e5") == "\"'-e5\"");
}

TEST_CASE("Escape: CSV neutralizes controls and invalid UTF-8", "[core]") {
    CHECK(Csv("a\x1b[31mb") == "a\\x1b[31mb");
    CHECK(Csv(std::string_view("a\x00"
                               "b",
                               3)) == "a\\x00b");
    CHECK(Csv("a\x7f") == "a\\x7f");
    CHECK(Csv("a\tb") == "a\tb");
    CHECK(Csv("a\xFF") == "a" + kFffd);
}

TEST_CASE("Escape: terminal output neutralizes controls and bidi overrides", "[core]") {
    CHECK(Term("plain text / é 失敗") == "plain text / é 失敗");
    CHECK(Term("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(Term("a\rb\nc\td\be") == "a\\x0db\\x0ac\\x09d\\x08e");
    CHECK(Term("\x7f") == "\\x7f");
    CHECK(Term("\xC2\x9B"
               "31m") == "\\u009b31m");   // C1 CSI
    CHECK(Term("\xC2\x85") == "\\u0085"); // C1 NEL
    CHECK(Term("user\xE2\x80\xAE"
               "gpj.exe") == "user\\u202egpj.exe");
    CHECK(Term("\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9") == "\\u202a\\u2066\\u2069");
    CHECK(Term("\xE2\x80\x8F") == "\\u200f");
    CHECK(Term("a\xFF"
               "b\xC0\xAF") == "a\\xffb\\xc0\\xaf");
    CHECK(Term("\xE2\x82") == "\\xe2\\x82");
    CHECK(IsValidUtf8(Term("\xFF\xFE\x1b")));
}

TEST_CASE("Escape: HTML", "[core]") {
    CHECK(Html("<script>alert('x' & \"y\")</script>") ==
          "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
    CHECK(Html("a\tb\nc\r") == "a\tb\nc\r");
    CHECK(Html("a\x1b"
               "b\x7f") == "a" + kFffd + "b" + kFffd);
    CHECK(Html("\xC2\x9B") == kFffd);
    CHECK(Html("a\xFF"
               "b") == "a" + kFffd + "b");
    CHECK(Html("Échec 失敗") == "Échec 失敗");
}

TEST_CASE("Escape: functions append without clearing", "[core]") {
    std::string out = "x";
    AppendJsonEscaped(out, "1");
    AppendCsvField(out, "2");
    AppendTerminalSafe(out, "3");
    AppendHtmlEscaped(out, "4");
    CHECK(out == "x1234");
}

TEST_CASE("Escape: every sink yields valid UTF-8 for arbitrary bytes", "[core]") {
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    all += "\xE2\x80\xAE\xED\xA0\x80\xF4\x90\x80\x80";
    CHECK(IsValidUtf8(Json(all)));
    CHECK(IsValidUtf8(Csv(all)));
    CHECK(IsValidUtf8(Term(all)));
    CHECK(IsValidUtf8(Html(all)));
    // Terminal output contains no raw control bytes at all.
    for (char c : Term(all)) {
        const auto b = static_cast<unsigned char>(c);
        CHECK((b >= 0x20 && b != 0x7F));
    }
}

TEST_CASE("Escape: C1 and bidi controls are escaped in JSON and CSV as on the terminal",
          "[core][reliability]") {
    // Every C1 control and every bidi control, encoded as UTF-8, alone and inside text.
    std::vector<uint32_t> hidden;
    for (uint32_t cp = 0x80; cp <= 0x9F; ++cp) hidden.push_back(cp);
    for (uint32_t cp = 0x202A; cp <= 0x202E; ++cp) hidden.push_back(cp);
    for (uint32_t cp = 0x2066; cp <= 0x2069; ++cp) hidden.push_back(cp);
    for (uint32_t cp : {0x200Eu, 0x200Fu, 0x061Cu}) hidden.push_back(cp);
    auto utf8 = [](uint32_t cp) {
        std::string s;
        if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
        } else {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        }
        s += static_cast<char>(0x80 | (cp & 0x3F));
        return s;
    };
    for (uint32_t cp : hidden) {
        char want[8];
        std::snprintf(want, sizeof want, "\\u%04x", cp);
        std::string text = "vm" + utf8(cp) + "exe";
        INFO("U+" << std::hex << cp);
        std::string json, csv, terminal;
        AppendJsonEscaped(json, text);
        AppendCsvField(csv, text);
        AppendTerminalSafe(terminal, text);
        CHECK(json == "vm" + std::string(want) + "exe");
        CHECK(csv == "vm" + std::string(want) + "exe");
        CHECK(terminal == "vm" + std::string(want) + "exe");
    }
    // Ordinary non-ASCII text still passes through.
    std::string json, csv;
    AppendJsonEscaped(json, "東京 café ü");
    AppendCsvField(csv, "東京 café ü");
    CHECK(json == "東京 café ü");
    CHECK(csv == "東京 café ü");
}
