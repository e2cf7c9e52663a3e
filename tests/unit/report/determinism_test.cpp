// Reports from the real pipeline over the intrusion scenario: byte-identical at any thread count
// and batch size, and holding the facts a responder needs.
#include "report_fixture.hpp"

#include <catch2/catch.hpp>

using namespace minetrace;
using namespace minetrace::testing;

namespace {

struct Rendered {
    std::string html, md, request_en, request_ja, script_en, script_ja, steps_en, steps_ja;
};

Rendered RenderAll(const ReportContext& c) {
    return {Render(WriteHtmlReport, c),
            Render(WriteMarkdownReport, c),
            RenderPack(WriteSupportRequest, c, Language::kEnglish),
            RenderPack(WriteSupportRequest, c, Language::kJapanese),
            RenderPack(WriteContainmentScript, c, Language::kEnglish),
            RenderPack(WriteContainmentScript, c, Language::kJapanese),
            RenderPack(WriteNextSteps, c, Language::kEnglish),
            RenderPack(WriteNextSteps, c, Language::kJapanese)};
}

} // namespace

TEST_CASE("Report determinism: identical files at 1 and 2 threads and any batch size", "[report]") {
    auto one = RunScenario(1, 2u << 20);
    auto two = RunScenario(2, 4096);
    Rendered a = RenderAll(one->Context());
    Rendered b = RenderAll(two->Context());
    CHECK(a.html == b.html);
    CHECK(a.md == b.md);
    CHECK(a.request_en == b.request_en);
    CHECK(a.request_ja == b.request_ja);
    CHECK(a.script_en == b.script_en);
    CHECK(a.script_ja == b.script_ja);
    CHECK(a.steps_en == b.steps_en);
    CHECK(a.steps_ja == b.steps_ja);
    // The same result rendered twice.
    CHECK(Render(WriteHtmlReport, one->Context()) == a.html);
    auto malicious = MaliciousInputs();
    CHECK(Render(WriteHtmlReport, malicious->Context()) ==
          Render(WriteHtmlReport, malicious->Context()));
}

TEST_CASE("Report facts: the scenario's answer is in every report", "[report]") {
    auto run = RunScenario(2, 2u << 20);
    Rendered r = RenderAll(run->Context());
    const std::string kSub = "23796c67-2f4b-4feb-b0fe-60d76b018983";
    const std::string kApp = "96e4a4ce-bb6e-415e-bc64-1774bbd140fd";
    const std::string kPartnerAdmin = "admin@northwindcsp.onmicrosoft.com";
    // Markdown writes the @ of an email as a code span so that GFM does not make it a link.
    const std::string kPartnerAdminMd = "admin`@`northwindcsp.onmicrosoft.com";
    for (const std::string* text : {&r.html, &r.md}) {
        CHECK(text->find("GPU-TRAIN-EUS-01") != std::string::npos);
        CHECK(text->find(kApp) != std::string::npos);
        CHECK(text->find(kSub) != std::string::npos);
        CHECK(text->find(text == &r.md ? kPartnerAdminMd : kPartnerAdmin) != std::string::npos);
        CHECK(text->find("Fabrikam Production") != std::string::npos); // name from Partner Center
        // Evidence: a record hash and the manifest's file hash.
        CHECK(text->find("000cfa8a06d899a54342ae8d9a0aa70c5f544fda33fcf63400365d93351f30ac") !=
              std::string::npos);
        CHECK(text->find("b5108627159e47920a9fea226dd43f6c6d890156f7c73d32b11bb824bc3bfad2") !=
              std::string::npos);
        CHECK(text->find("mt-compute-vm-write") != std::string::npos); // the rules table
    }
    // The chain of the first GPU VM: grant, preparation, creation, execution, deletion.
    ReportFacts facts = BuildFacts(run->Context());
    const ResourceCard* vm = nullptr;
    for (const ResourceCard& card : facts.cards)
        if (card.finding->name == "GPU-TRAIN-EUS-01") vm = &card;
    REQUIRE(vm != nullptr);
    std::array<ChainStep, 5> chain = ChainOf(facts, *vm);
    for (const ChainStep& step : chain) {
        INFO(StageName(step.stage));
        CHECK_FALSE(step.items.empty());
    }
    const ChainStep& execution = chain[static_cast<size_t>(Stage::kExecution)];
    bool miner = false;
    for (const StepItem& item : execution.items)
        for (const std::string& command : item.commands)
            miner |= command.find("xmrig") != std::string::npos;
    CHECK(miner);
    // The timeline chart and the coverage table.
    CHECK(r.html.find("<svg") != std::string::npos);
    CHECK(r.html.find("southeastasia") != std::string::npos);
    CHECK(r.html.find("Input coverage") != std::string::npos);
    // The response pack names the subscription, and the script is for review only.
    CHECK(r.request_en.rfind("Title: Cryptocurrency mining notification\n", 0) == 0);
    CHECK(r.request_en.find(kSub) != std::string::npos);
    CHECK(r.request_en.find("Fabrikam Production") != std::string::npos);
    CHECK(r.request_ja.find("暗号資産マイニング") != std::string::npos);
    CHECK(r.request_ja.find(kSub) != std::string::npos);
    CHECK(r.script_en.find("\nexit 1\n") != std::string::npos);
    CHECK(r.script_en.find("az account set --subscription '" + kSub + "'") != std::string::npos);
    CHECK(r.script_en.find("az role assignment delete --ids '") != std::string::npos);
    CHECK(r.steps_en.find("Where to report abuse") != std::string::npos);
    CHECK(r.steps_ja.find("不正利用の報告先") != std::string::npos);
    CHECK(r.steps_en.find(kPartnerAdminMd) != std::string::npos);
}

TEST_CASE("Report: an empty investigation still gives complete, valid reports", "[report]") {
    InvestigationResult result;
    std::vector<FileAccount> files;
    InputCoverage coverage;
    std::vector<RuleInfo> rules;
    ReportContext context{result, files, coverage, rules, {"cannot list /x"}, {}};
    std::string html = Render(WriteHtmlReport, context);
    CHECK(html.find("No suspicious resource was found.") != std::string::npos);
    CHECK(html.find("cannot list /x") != std::string::npos);
    CHECK(html.rfind("</html>\n") == html.size() - 8);
    CHECK(TimelineSvg(BuildFacts(context)).empty());
    std::string script = RenderPack(WriteContainmentScript, context, Language::kEnglish);
    CHECK(script.find("nothing to contain") != std::string::npos);
    CHECK(Render(WriteMarkdownReport, context).find("No suspicious resource") != std::string::npos);
}
