// Test helpers for the report tests: an InvestigationResult whose every log-derived string is an
// injection payload, and a run of the real pipeline over the bundled intrusion scenario.
#pragma once

#include "core/escape.hpp"
#include "pipeline/accounting.hpp"
#include "provenance/investigation.hpp"
#include "provenance/rules_glue.hpp"
#include "report/coverage.hpp"
#include "report/report.hpp"
#include "support/principal_rows.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace minetrace::testing {

// Markup, shell and Markdown payloads; none must survive as markup or code in any report.
inline const std::vector<std::string>& Payloads() {
    static const std::vector<std::string> kPayloads = {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "$(rm -rf /)",
        "`rm -rf ~`",
        "'; rm -rf ~; '",
        "x\nrm -rf ~ #\r\x1b[31m\u202e|*_[a](javascript:alert(1))",
        // No C0 control: a bidi override (shows "vm-exe.sh" reversed) and a C1 control (NEL).
        "vm\u202ehs.exe-",
        "vm\u0085next",
    };
    return kPayloads;
}

// The report inputs, owning everything the context refers to.
struct ReportInputs {
    std::deque<std::string> texts; // what the findings' views point into, beside Payloads()
    InvestigationResult result;
    std::vector<FileAccount> files;
    InputCoverage coverage;
    std::vector<RuleInfo> rules;
    ReportContext Context() const { return {result, files, coverage, rules, {}, {}}; }
};

inline Principal EvilPrincipal(const std::string& payload) {
    Principal p;
    p.name = payload;
    p.type = "service_principal";
    p.object_id = payload;
    p.app_id = payload;
    p.tenant_id = payload;
    p.ip = payload;
    p.credential = payload;
    return p;
}

// One high-severity, still existing VM per payload (names, ids, regions, commands, evidence all
// the payload), in two subscriptions: a normal GUID and one whose id is itself a payload.
inline std::unique_ptr<ReportInputs> MaliciousInputs() {
    auto in = std::make_unique<ReportInputs>();
    const std::string kSub = "5b1f0c64-2f4b-4feb-b0fe-60d76b018983";
    int64_t t = 1791792000000000; // 2026-10-12T00:00:00Z
    size_t i = 0;
    std::vector<PrincipalSummary> principals;
    for (const std::string& payload : Payloads()) {
        std::string sub = i == 2 ? payload : kSub;
        ResourceFinding f;
        f.resource_id = "/subscriptions/" + sub +
                        "/resourcegroups/rg/providers/"
                        "microsoft.compute/virtualmachines/" +
                        payload;
        f.name = payload;
        f.resource_type = "microsoft.compute/virtualmachines";
        f.subscription_id = sub;
        f.resource_group = payload;
        f.status = "created";
        f.severity = Severity::kHigh;
        f.rules = {payload};
        f.signals = {payload};
        f.reasons = {"reason " + payload};
        f.content_unavailable = {payload};
        f.created_at_us = t;
        f.completed_at_us = t + 1000000;
        f.created_by = std::make_shared<const Principal>(EvilPrincipal(payload));
        f.correlation_id = payload;
        f.deployment = payload;
        Grant g;
        g.assignment_id = payload;
        g.principal_id = payload;
        g.role = payload;
        g.scope = payload;
        g.at_us = t - 3600000000;
        g.granted_by = EvilPrincipal(payload);
        f.authorized_by = std::make_shared<const Grant>(g);
        f.details = {{"location", payload}, {"vm_size", payload}, {payload, payload}};
        Precursor p;
        p.at_us = t - 600000000;
        p.operation = payload;
        p.resource_id = payload;
        p.signal = "quota-increase";
        p.status = payload;
        f.preparation = {p};
        f.commands = {"bash -c " + payload};
        InvokedAction action;
        action.at_us = t + 60000000;
        action.operation = in->texts.emplace_back(payload + "/runcommand/action");
        action.final_phase = Phase::kSucceeded;
        action.caller = payload;
        action.ip = payload;
        f.actions = {action};
        f.evidence = {EvidenceRef{payload, 1, 2, 3, Sha256Digest{0xAB, 0xCD}}};
        in->result.resources.push_back(std::move(f));

        SubscriptionFinding s;
        s.subscription_id = sub;
        s.customer_name = payload;
        s.created_by = payload;
        s.order_id = payload;
        s.created_at_us = t - 86400000000LL;
        if (i == 0 || i == 2) in->result.subscriptions.push_back(s);

        PrincipalSummary ps;
        ps.key = payload;
        const Principal evil = EvilPrincipal(payload);
        ps.identity.name = evil.name;
        ps.identity.type = evil.type;
        ps.identity.object_id = evil.object_id;
        ps.identity.app_id = evil.app_id;
        ps.identity.tenant_id = evil.tenant_id;
        ps.identity.foreign_tenant = evil.foreign_tenant;
        ps.ips = {payload};
        ps.created_by_type = {{payload, 1}};
        ps.has_findings = true;
        ps.worst = Severity::kHigh;
        principals.push_back(ps);

        FileAccount file;
        file.summary.path = payload;
        file.summary.sha256 = payload;
        file.summary.error = payload;
        file.summary.container = payload;
        file.records_read = 1;
        file.quarantined[payload] = 1;
        in->files.push_back(file);

        in->rules.push_back(RuleInfo{payload, payload, payload, payload, payload});

        // A detection whose every text is the payload: a card (high) or a row (low).
        Detection d;
        d.time_us = t + 120000000;
        d.rule_id = d.rule_title = d.signal = d.operation = d.status = payload;
        d.status_code = d.resource_id = d.resource_type = d.subscription_id = payload;
        d.correlation_id = d.caller_ip = d.file = payload;
        d.level = i % 2 == 0 ? "high" : "low";
        d.phase = "succeeded";
        d.principal = std::make_shared<const Principal>(EvilPrincipal(payload));
        d.file_id = static_cast<uint32_t>(i);
        in->result.detections.Add(d);
        t += 60000000;
        ++i;
    }
    std::sort(principals.begin(), principals.end(),
              [](const auto& a, const auto& b) { return a.key < b.key; });
    principals.erase(std::unique(principals.begin(), principals.end(),
                                 [](const auto& a, const auto& b) { return a.key == b.key; }),
                     principals.end());
    in->result.principals = test::TableOf(principals);
    // A deleted extension on the first VM, whose command is markup too.
    ResourceFinding ext = in->result.resources.front();
    ext.resource_id += "/extensions/" + Payloads()[1];
    ext.parent = in->result.resources.front().resource_id;
    ext.name = Payloads()[1];
    ext.resource_type = "microsoft.compute/virtualmachines/extensions";
    in->result.resources.push_back(ext);

    SubscriptionCoverage c;
    c.subscription_id = Payloads()[0];
    c.name = Payloads()[1];
    c.events = 3;
    c.first_us = t - 7200000000LL;
    c.last_us = t;
    c.gaps = {{t - 3600000000LL, t}};
    c.gaps_total = 1;
    c.gap_hours = 1;
    in->coverage.activity.push_back(c);
    in->coverage.subscription_names[kSub] = Payloads()[4];
    return in;
}

inline std::string Render(void (*writer)(std::ostream&, const ReportContext&),
                          const ReportContext& context) {
    std::ostringstream out;
    writer(out, context);
    return out.str();
}

inline std::string RenderPack(void (*writer)(std::ostream&, const ReportContext&, Language),
                              const ReportContext& context, Language language) {
    std::ostringstream out;
    writer(out, context, language);
    return out.str();
}

// The intrusion scenario through the real pipeline, as `minetrace investigate` runs it.
struct ScenarioRun {
    std::unique_ptr<Accounting> accounting;
    std::unique_ptr<Investigation> investigation;
    InvestigationResult result;
    InputCoverage coverage;
    std::vector<RuleInfo> rules;
    std::vector<FileAccount> files;
    ReportContext Context() const { return {result, files, coverage, rules, {}, {}}; }
};

inline std::unique_ptr<ScenarioRun> RunScenario(unsigned threads, size_t batch_bytes) {
    const std::string root = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/intrusion/";
    auto run = std::make_unique<ScenarioRun>();
    std::vector<LintMessage> errors;
    RuleSet rules = RuleSet::Load({MINETRACE_RULES_DIR}, errors);
    REQUIRE(errors.empty());
    RuleSetMatcher matcher(rules);
    ExpandedInputs inputs = ExpandInputs({root + "export-jsonl", root + "partner-center"});
    run->rules = DescribeRules(rules);
    run->accounting = std::make_unique<Accounting>(inputs.files, nullptr);
    run->investigation = std::make_unique<Investigation>(inputs.files, run->rules);
    CoverageCollector coverage;
    IngestOptions options;
    options.threads = threads;
    options.reader.batch_bytes = batch_bytes;
    options.matcher = &matcher;
    RunIngest(inputs.files, options, {run->accounting.get(), run->investigation.get(), &coverage});
    run->result = run->investigation->Analyze();
    run->coverage = coverage.Result();
    run->files = run->accounting->files();
    return run;
}

} // namespace minetrace::testing
