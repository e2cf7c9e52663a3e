// Attacker-controlled text (resource names, callers, commands, file names, rule titles) in every
// report: it must never become HTML or SVG markup, Markdown/HTML in report.md, or shell code in
// containment.sh.
#include "report_fixture.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/wait.h>

using namespace minetrace;
using namespace minetrace::testing;
namespace fs = std::filesystem;

namespace {

using minetrace::test::ShellStatus;
using minetrace::test::WriteFile;

std::string Lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Every tag in `html` (outside <style>) must be one report.html writes itself; returns the first
// foreign tag name, or "" when there is none.
std::string ForeignTag(const std::string& html) {
    static const std::set<std::string> kAllowed = {
        "!doctype", "html",   "head",    "meta",  "title", "style", "body",   "main",    "header",
        "nav",      "a",      "section", "h1",    "h2",    "h3",    "h4",     "p",       "div",
        "span",     "table",  "thead",   "tbody", "tr",    "th",    "td",     "ul",      "ol",
        "li",       "dl",     "dt",      "dd",    "time",  "pre",   "code",   "details", "summary",
        "article",  "footer", "svg",     "g",     "line",  "path",  "circle", "text",    "br"};
    size_t at = 0;
    while ((at = html.find('<', at)) != std::string::npos) {
        size_t begin = at + 1;
        if (begin < html.size() && html[begin] == '/') ++begin;
        size_t end = begin;
        while (end < html.size() &&
               (std::isalnum(static_cast<unsigned char>(html[end])) || html[end] == '!'))
            ++end;
        std::string name = Lower(html.substr(begin, end - begin));
        if (!kAllowed.count(name)) return name.empty() ? html.substr(at, 20) : name;
        if (name == "style" && html[at + 1] != '/') {
            at = html.find("</style>", at);
            if (at == std::string::npos) return "unterminated style";
            continue;
        }
        at = end;
    }
    return "";
}

} // namespace

TEST_CASE("Report escaping: HTML has no element or attribute from the logs", "[report]") {
    auto in = MaliciousInputs();
    std::string html = Render(WriteHtmlReport, in->Context());
    CHECK(ForeignTag(html) == "");
    std::string lower = Lower(html);
    CHECK(lower.find("<script") == std::string::npos);
    CHECK(lower.find("<img") == std::string::npos);
    // The payloads are there, as text.
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("$(rm -rf /)") != std::string::npos);
    CHECK(html.find("&#39;; rm -rf ~; &#39;") != std::string::npos);
    // ESC never reaches the page (controls become U+FFFD).
    CHECK(html.find('\x1b') == std::string::npos);
    // No script can run even if escaping failed: the page forbids it.
    CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
    CHECK(lower.find("<script") == std::string::npos);
}

TEST_CASE("Report escaping: the SVG timeline escapes labels, titles and lanes", "[report]") {
    auto in = MaliciousInputs();
    ReportFacts facts = BuildFacts(in->Context());
    std::string svg = TimelineSvg(facts);
    REQUIRE(!svg.empty());
    CHECK(ForeignTag(svg) == "");
    CHECK(svg.find("&lt;script&gt;") != std::string::npos); // a label and a lane (region)
    CHECK(Lower(svg).find("<img") == std::string::npos);
}

TEST_CASE("Report escaping: report.md holds no raw HTML and no Markdown from the logs",
          "[report]") {
    auto in = MaliciousInputs();
    std::string md = Render(WriteMarkdownReport, in->Context());
    // We write no '<' ourselves, so any '<' would be raw HTML from the logs.
    CHECK(md.find('<') == std::string::npos);
    CHECK(md.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(md.find('\x1b') == std::string::npos);
    CHECK(md.find('\r') == std::string::npos);
    // Backticks, link brackets, emphasis and pipes from the logs are escaped.
    CHECK(md.find("\\`rm -rf \\~\\`") != std::string::npos);
    CHECK(md.find("\\[a\\](javascript:alert(1))") != std::string::npos);
    CHECK(md.find("\\|\\*\\_") != std::string::npos);
    // Every backtick is escaped, but for the code spans that keep an email's @ from becoming
    // a GFM mailto link.
    for (size_t i = 0; i < md.size(); ++i) {
        if (md[i] != '`') continue;
        if (md.compare(i, 3, "`@`") == 0) {
            i += 2;
            continue;
        }
        CHECK((i > 0 && md[i - 1] == '\\'));
    }
    // Table rows keep their column count: no unescaped '|' from a cell.
    std::istringstream lines(md);
    size_t header_cells = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("| ", 0) != 0) {
            header_cells = 0;
            continue;
        }
        size_t pipes = 0;
        for (size_t i = 0; i < line.size(); ++i)
            pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
        if (header_cells == 0)
            header_cells = pipes;
        else
            CHECK(pipes == header_cells);
    }
    // No log text starts a line (which could make a heading, list or fence).
    std::istringstream again(md);
    for (std::string line; std::getline(again, line);)
        for (const std::string& payload : Payloads())
            CHECK(line.rfind(payload.substr(0, 4), 0) != 0);
}

TEST_CASE("Report escaping: containment.sh quotes every id; bash parses it", "[report]") {
    auto in = MaliciousInputs();
    fs::path dir = fs::temp_directory_path() / "minetrace-report-shell";
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (Language language : {Language::kEnglish, Language::kJapanese}) {
        std::string script = RenderPack(WriteContainmentScript, in->Context(), language);
        fs::path file = dir / PackFileName("containment.sh", language);
        WriteFile(file, script);
        CHECK(ShellStatus("bash -n '" + file.string() + "'") == 0);
        std::istringstream lines(script);
        size_t commands = 0;
        for (std::string line; std::getline(lines, line);) {
            if (line.empty() || line[0] == '#') continue;
            // Outside single quotes a command line holds only our own words.
            std::string outside;
            bool quoted = false;
            for (size_t i = 0; i < line.size(); ++i) {
                if (!quoted && line[i] == '\\') {
                    ++i; // an escaped character outside quotes is literal ('\'' idiom)
                    continue;
                }
                if (line[i] == '\'') {
                    quoted = !quoted;
                    continue;
                }
                if (!quoted) outside += line[i];
            }
            CHECK_FALSE(quoted);
            INFO(line);
            CHECK(outside.find("rm -rf") == std::string::npos);
            CHECK(outside.find('`') == std::string::npos);
            CHECK(outside.find("$(") == std::string::npos);
            commands += line.rfind("az ", 0) == 0;
        }
        // Four VMs deallocated and deleted, two grants revoked... every payload but the one with
        // control characters, which is skipped as no real ARM id.
        CHECK(commands > 0);
        CHECK((script.find("skipped: its id contains control characters") != std::string::npos ||
               language == Language::kJapanese));
        CHECK(script.find('\x1b') == std::string::npos);
        CHECK(script.find('\r') == std::string::npos);
        // Bidi and C1 controls never reach a command (the reviewer would not see what runs)
        // nor a comment: ids holding them are skipped, names show them as \uXXXX.
        CHECK(script.find("\u202e") == std::string::npos);
        CHECK(script.find("\u0085") == std::string::npos);
        CHECK(script.find("vm\\u202ehs.exe-") != std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("Report escaping: containment.sh run with a fake az passes ids verbatim", "[report]") {
    // Harmless payloads that would create files if the shell ever interpreted them.
    auto in = MaliciousInputs();
    fs::path dir = fs::temp_directory_path() / "minetrace-report-shell-run";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::vector<std::string> kTouch = {"$(touch pwned1)", "`touch pwned2`",
                                             "'; touch pwned3; '", "x\";touch pwned4;\""};
    for (size_t i = 0; i < kTouch.size(); ++i) {
        ResourceFinding& f = in->result.resources[i];
        f.resource_id = "/subscriptions/5b1f0c64-2f4b-4feb-b0fe-60d76b018983/resourcegroups/rg/"
                        "providers/microsoft.compute/virtualmachines/" +
                        kTouch[i];
        f.subscription_id = "5b1f0c64-2f4b-4feb-b0fe-60d76b018983";
        f.name = kTouch[i];
    }
    in->result.resources.resize(kTouch.size());
    std::string script = RenderPack(WriteContainmentScript, in->Context(), Language::kEnglish);
    // Drop the review guard and fake az so running the script only records its arguments.
    size_t guard = script.find("\nexit 1\n");
    REQUIRE(guard != std::string::npos);
    script.erase(guard, 7);
    script.insert(script.find('\n') + 1, "az() { printf '%s\\n' \"$*\" >> az.log; }\n");
    WriteFile(dir / "run.sh", script);
    CHECK(ShellStatus("cd '" + dir.string() + "' && HOME='" + dir.string() +
                      "' bash run.sh 2>/dev/null") == 0);
    for (int i = 1; i <= 4; ++i) CHECK_FALSE(fs::exists(dir / ("pwned" + std::to_string(i))));
    std::ifstream log(dir / "az.log");
    std::stringstream calls;
    calls << log.rdbuf();
    for (const std::string& payload : kTouch) {
        INFO(payload);
        CHECK(calls.str().find("vm deallocate --ids /subscriptions/5b1f0c64-2f4b-4feb-b0fe-"
                               "60d76b018983/resourcegroups/rg/providers/microsoft.compute/"
                               "virtualmachines/" +
                               payload + "\n") != std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("Report escaping: plain-text pack files neutralise control characters", "[report]") {
    auto in = MaliciousInputs();
    for (Language language : {Language::kEnglish, Language::kJapanese}) {
        std::string request = RenderPack(WriteSupportRequest, in->Context(), language);
        std::string steps = RenderPack(WriteNextSteps, in->Context(), language);
        CHECK(request.find('\x1b') == std::string::npos);
        CHECK(request.find('\r') == std::string::npos);
        CHECK(request.find("\\x1b[31m") != std::string::npos);
        CHECK(request.find("\u202e") == std::string::npos); // bidi override made visible
        CHECK(steps.find('<') == std::string::npos);
        CHECK(steps.find('\x1b') == std::string::npos);
    }
}

TEST_CASE("Report facts: no text from the logs makes two creators one", "[report]") {
    // Joined with a separator, these two principals had the same key; the summary showed one
    // creator with both resources.
    ReportInputs in;
    auto finding = [&](std::string name, std::string type, std::string resource) {
        ResourceFinding f;
        f.resource_id = std::move(resource);
        f.name = "vm";
        f.resource_type = "microsoft.compute/virtualmachines";
        f.status = "created";
        f.severity = Severity::kHigh;
        Principal p;
        p.name = std::move(name);
        p.type = std::move(type);
        f.created_by = std::make_shared<const Principal>(p);
        in.result.resources.push_back(std::move(f));
    };
    finding("x\x1fy", "user", "/subscriptions/s/resourcegroups/rg/providers/a/b/one");
    finding("x", "y\x1fuser", "/subscriptions/s/resourcegroups/rg/providers/a/b/two");
    ReportFacts facts = BuildFacts(in.Context());
    REQUIRE(facts.summary.creators.size() == 2);
    CHECK(facts.summary.creators[0].resources == 1);
    CHECK(facts.summary.creators[1].resources == 1);
}
