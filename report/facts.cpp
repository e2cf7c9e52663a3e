#include "report/facts.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/byte_form.hpp"
#include "core/timestamp.hpp"
#include "provenance/outputs.hpp"
#include "rules/signal_kind.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace minetrace {

namespace {

std::string MfaText(Tristate mfa) {
    return mfa == Tristate::kYes ? "yes" : mfa == Tristate::kNo ? "no" : "unknown";
}

void AddFact(std::vector<Fact>& facts, std::string label, std::string value) {
    if (!value.empty()) facts.push_back({std::move(label), std::move(value)});
}

void AddPrincipalFacts(std::vector<Fact>& facts, const Principal& p, const std::string& prefix) {
    AddFact(facts, prefix + "type", PrincipalTypeLabel(p.type));
    AddFact(facts, prefix + "object id", p.object_id);
    AddFact(facts, prefix + "app id", p.app_id);
    AddFact(facts, prefix + "token tenant", p.tenant_id);
    AddFact(facts, prefix + "IP", p.ip);
    AddFact(facts, prefix + "token IP (ipaddr claim)", p.ip_claim);
    if (p.type == "user") AddFact(facts, prefix + "MFA", MfaText(p.mfa));
    AddFact(facts, prefix + "credential", p.credential);
    if (p.foreign_tenant) AddFact(facts, prefix + "foreign tenant", "yes");
    AddFact(facts, prefix + "home tenant", p.home_tenant);
}

Severity Worse(Severity a, Severity b) {
    return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

// Length-prefixed, so that no text from the logs can make two principals one.
std::string IdentityKey(const Principal& p) {
    std::string key;
    for (const std::string* field : {&p.object_id, &p.name, &p.type}) PutText(key, *field);
    return key;
}

ChainStep GrantStep(const ResourceFinding& f) {
    ChainStep step{Stage::kGrant, {}, ""};
    if (!f.authorized_by) {
        step.absent = "No role grant to the creator was found in the logs (its rights may "
                      "predate them).";
        return step;
    }
    const Grant& g = *f.authorized_by;
    StepItem item;
    item.at_us = g.at_us;
    const bool group = EqualsIgnoreCase(g.principal_type, "Group");
    std::string grantee = g.principal_id.empty() ? "the creator" : g.principal_id;
    if (group) grantee = "the group " + grantee;
    item.text = "Role " + (g.role.empty() ? std::string("(unknown role)") : g.role) +
                " granted to " + grantee +
                (g.source == "evidence"
                     ? std::string(": named by the call's authorization evidence; the grant's own "
                                   "records are not in the logs")
                     : " by " + DescribePrincipal(g.granted_by));
    if (g.completion_unknown)
        AddFact(item.facts, "completion", "unknown: the logs show the request but no outcome");
    if (group)
        AddFact(item.facts, "members",
                "not in the activity log: ask Entra ID who belonged to the group");
    AddFact(item.facts, "scope", g.scope);
    AddFact(item.facts, "role definition", g.role_definition_id);
    AddFact(item.facts, "role assignment", g.assignment_id);
    AddPrincipalFacts(item.facts, g.granted_by, "granted by: ");
    step.items.push_back(std::move(item));
    return step;
}

ChainStep PreparationStep(const ResourceFinding& f) {
    ChainStep step{Stage::kPreparation, {}, ""};
    for (const Precursor& p : f.preparation) {
        StepItem item;
        item.at_us = p.at_us;
        item.text = SignalLabel(p.signal) + ": " + std::string(p.operation) + " (" +
                    std::string(p.status) + ")";
        AddFact(item.facts, "resource", std::string(p.resource_id));
        step.items.push_back(std::move(item));
    }
    if (step.items.empty())
        step.absent = f.created_by ? "No quota request, provider registration, resource group or "
                                     "failed attempt by the creator in the 7 days before."
                                   : "No creator known, so no preparation can be attributed.";
    return step;
}

ChainStep CreationStep(const ResourceFinding& f) {
    ChainStep step{Stage::kCreation, {}, ""};
    StepItem item;
    item.at_us = f.created_at_us;
    std::string who = f.created_by ? DescribePrincipal(*f.created_by) : "an unknown caller";
    std::string what = ShortResourceType(f.resource_type) + " " + DisplayName(f);
    if (f.status == "failed") {
        item.text = who + " tried to create " + what + "; the creation failed";
    } else if (!f.created_by) {
        // Only what the log shows: no creation, so no creator.
        item.at_us = f.first_seen_us;
        item.text = what + " existed before the logs: they hold no creation of it";
        AddFact(item.facts, "first seen", ReportTime(f.first_seen_us));
        if (f.actor) {
            AddFact(item.facts, "decisive act", f.act + " at " + ReportTime(f.acted_at_us));
            AddPrincipalFacts(item.facts, *f.actor, "actor ");
        }
    } else {
        item.text = who + " created " + what;
        AddFact(item.facts, "creation shown by", f.creation_evidence);
    }
    if (f.completed_at_us >= 0) AddFact(item.facts, "completed", ReportTime(f.completed_at_us));
    if (f.created_by) AddPrincipalFacts(item.facts, *f.created_by, "");
    for (const auto& [key, value] : f.details) {
        std::string label = key;
        std::replace(label.begin(), label.end(), '_', ' ');
        AddFact(item.facts, label, value);
    }
    AddFact(item.facts, "correlation id", f.correlation_id);
    AddFact(item.facts, "deployment", f.deployment);
    AddFact(item.facts, "parent", f.parent);
    // Managed identities: the owner whose identity did this, and on the owner what it did.
    AddFact(item.facts, "identity owner (xms_mirid)", f.identity_host);
    for (const std::string& used : f.identity_used_for)
        AddFact(item.facts, "its identity acted on", used);
    if (f.identity_links_omitted > 0)
        AddFact(item.facts, "its identity acted on",
                std::to_string(f.identity_links_omitted) + " more (see resources.jsonl)");
    step.items.push_back(std::move(item));
    // What was done to it afterwards (or, existing before the logs, at all): updates and actions.
    for (const ResourceChange& c : f.changes) {
        StepItem change;
        change.at_us = c.at_us;
        change.text = (c.by ? DescribePrincipal(*c.by) : std::string("an unknown caller")) +
                      (c.kind == "update" ? " updated it: " : " acted on it: ") + c.operation +
                      (c.routine ? " (routine: the same caller did this on several days)" : "");
        for (const auto& [field, values] : c.fields) {
            std::string label = field;
            std::replace(label.begin(), label.end(), '_', ' ');
            AddFact(change.facts, label,
                    (values.before.empty() ? std::string("(not in the logs)") : values.before) +
                        " -> " + values.after);
        }
        AddFact(change.facts, "status code", c.status_code);
        if (c.by && !c.by->ip.empty()) AddFact(change.facts, "IP", c.by->ip);
        step.items.push_back(std::move(change));
    }
    if (f.changes_omitted > 0) {
        StepItem more;
        more.at_us = f.changes.empty() ? f.first_seen_us : f.changes.back().at_us;
        more.text = std::to_string(f.changes_omitted) +
                    " more updates and actions (not listed; every record is in timeline.jsonl)";
        step.items.push_back(std::move(more));
    }
    return step;
}

// Children (extensions, run commands, pools) by parent id, in result order.
using ChildIndex = decltype(ReportFacts::children);

// A child's commands are shown on its own card and on its parent's.
ChainStep ExecutionStep(const ResourceFinding& f, const ChildIndex& children) {
    ChainStep step{Stage::kExecution, {}, ""};
    bool is_child = IsExtensionOrRunCommand(f.resource_type);
    const std::vector<std::string>& own = f.commands;
    if (!own.empty() || (is_child && !f.content_unavailable.empty())) {
        StepItem item;
        item.at_us = f.created_at_us;
        item.text = is_child ? "What the " + ShortResourceType(f.resource_type) + " ran"
                             : "Commands in its configuration";
        item.commands = own;
        for (const std::string& note : f.content_unavailable) AddFact(item.facts, "note", note);
        step.items.push_back(std::move(item));
    }
    // Extensions and run commands created on this resource.
    static const std::vector<const ResourceFinding*> kNone;
    auto found = children.find(f.resource_id);
    for (const ResourceFinding* child_ptr : found == children.end() ? kNone : found->second) {
        const ResourceFinding& child = *child_ptr;
        if (&child == &f) continue;
        StepItem item;
        item.at_us = child.created_at_us;
        item.text = ShortResourceType(child.resource_type) + " " + DisplayName(child) + " " +
                    (child.status == "failed" ? "attempted" : "installed") + " by " +
                    (child.created_by ? DescribePrincipal(*child.created_by) : "an unknown caller");
        auto type = child.details.find("extension_type");
        if (type != child.details.end()) AddFact(item.facts, "extension type", type->second);
        auto publisher = child.details.find("publisher");
        if (publisher != child.details.end()) AddFact(item.facts, "publisher", publisher->second);
        AddFact(item.facts, "severity", std::string(ToString(child.severity)));
        for (const std::string& note : child.content_unavailable) AddFact(item.facts, "note", note);
        item.commands = child.commands;
        step.items.push_back(std::move(item));
    }
    // Run commands and starts invoked on the resource itself.
    for (const InvokedAction& action : f.actions) {
        StepItem item;
        item.at_us = action.at_us;
        item.text =
            std::string(action.operation) + " (" + std::string(ToString(action.final_phase)) + ")";
        AddFact(item.facts, "caller", std::string(action.caller));
        AddFact(item.facts, "IP", std::string(action.ip));
        step.items.push_back(std::move(item));
    }
    std::stable_sort(step.items.begin(), step.items.end(),
                     [](const StepItem& a, const StepItem& b) { return a.at_us < b.at_us; });
    if (step.items.empty())
        step.absent = "No extension, run command or start operation on it in the logs.";
    return step;
}

ChainStep DeletionStep(const ResourceFinding& f) {
    ChainStep step{Stage::kDeletion, {}, ""};
    if (f.deleted_at_us >= 0) {
        StepItem item;
        item.at_us = f.deleted_at_us;
        item.text =
            "Deleted by " + (f.deleted_by ? DescribePrincipal(*f.deleted_by) : "an unknown caller");
        if (f.deletion_completed_at_us >= 0)
            AddFact(item.facts, "completed", ReportTime(f.deletion_completed_at_us));
        if (f.deleted_by) AddPrincipalFacts(item.facts, *f.deleted_by, "");
        step.items.push_back(std::move(item));
    } else if (f.status == "failed") {
        step.absent = "Nothing to delete: the creation failed.";
    } else {
        step.absent = "No deletion in the logs: the resource may still exist.";
    }
    return step;
}

} // namespace

std::string_view StageName(Stage stage) {
    switch (stage) {
    case Stage::kGrant:
        return "Grant";
    case Stage::kPreparation:
        return "Preparation";
    case Stage::kCreation:
        return "Creation";
    case Stage::kExecution:
        return "Execution";
    case Stage::kDeletion:
        return "Deletion";
    }
    return "Grant";
}

std::string ReportTime(int64_t unix_us) {
    if (unix_us < 0) return "-";
    std::string text = FormatRfc3339Micros(unix_us); // YYYY-MM-DDTHH:MM:SS.ffffffZ
    if (text.size() < 19) return text;
    text = text.substr(0, 19);
    text[10] = ' ';
    return text + " UTC";
}

std::string DisplayName(const ResourceFinding& f) {
    if (f.parent.empty()) return f.name;
    std::string_view parent = f.parent;
    size_t slash = parent.rfind('/');
    return std::string(slash == std::string_view::npos ? parent : parent.substr(slash + 1)) + "/" +
           f.name;
}

std::string SignalLabel(std::string_view signal) {
    if (signal == signal_kind::kQuotaIncrease) return "quota increase";
    if (signal == signal_kind::kRpRegistration) return "resource provider registration";
    if (signal == signal_kind::kResourceGroupCreate) return "resource group created";
    if (signal == signal_kind::kFailedAttempt) return "failed creation attempt";
    if (signal == signal_kind::kPrivilegeGrant) return "role grant";
    return std::string(signal);
}

ReportFacts BuildFacts(const ReportContext& context) {
    const InvestigationResult& result = context.result;
    ReportFacts facts;
    ReportSummary& s = facts.summary;

    std::map<std::string, AffectedSubscription> subscriptions;
    std::map<std::string, Creator> creators;
    for (const ResourceFinding& f : result.resources) {
        s.high += f.severity == Severity::kHigh;
        s.medium += f.severity == Severity::kMedium;
        s.low += f.severity == Severity::kLow;
        for (const std::string& rule : f.rules) ++facts.rule_hits[rule];

        AffectedSubscription& a = subscriptions[f.subscription_id];
        a.subscription_id = f.subscription_id;
        a.high += f.severity == Severity::kHigh;
        a.medium += f.severity == Severity::kMedium;
        a.low += f.severity == Severity::kLow;

        if (f.severity == Severity::kLow) continue;
        auto extend = [&](int64_t at) {
            if (at < 0) return;
            if (s.first_us < 0 || at < s.first_us) s.first_us = at;
            if (at > s.last_us) s.last_us = at;
        };
        extend(f.created_at_us);
        extend(f.completed_at_us);
        extend(f.deleted_at_us);
        extend(f.deletion_completed_at_us);
        for (const Precursor& p : f.preparation) extend(p.at_us);
        if (f.authorized_by) extend(f.authorized_by->at_us);
        if (f.created_by) {
            Creator& c = creators[IdentityKey(*f.created_by)];
            if (c.resources == 0) {
                c.identity = *f.created_by;
                c.worst = f.severity;
            }
            ++c.resources;
            c.worst = Worse(c.worst, f.severity);
            if (f.created_at_us >= 0) {
                if (c.first_us < 0 || f.created_at_us < c.first_us) c.first_us = f.created_at_us;
                c.last_us = std::max(c.last_us, f.created_at_us);
            }
        }
    }
    std::map<std::string_view, const SubscriptionFinding*> subscription_findings;
    for (const SubscriptionFinding& sf : result.subscriptions)
        subscription_findings.emplace(sf.subscription_id, &sf);
    for (auto& [id, a] : subscriptions) {
        a.name = context.coverage.NameOf(id);
        auto sf = subscription_findings.find(id);
        if (sf != subscription_findings.end()) a.finding = sf->second;
        s.subscriptions.push_back(a);
    }
    // Most affected first; ties by id, so the order never depends on map internals.
    std::stable_sort(s.subscriptions.begin(), s.subscriptions.end(),
                     [](const AffectedSubscription& x, const AffectedSubscription& y) {
                         return std::tie(y.high, y.medium, y.low) <
                                std::tie(x.high, x.medium, x.low);
                     });
    for (auto& [key, c] : creators) s.creators.push_back(c);
    std::stable_sort(s.creators.begin(), s.creators.end(), [](const Creator& x, const Creator& y) {
        if (x.worst != y.worst) return static_cast<int>(x.worst) > static_cast<int>(y.worst);
        return x.resources > y.resources;
    });

    for (const FileAccount& f : context.files) {
        ++s.files;
        s.files_with_errors += !f.summary.error.empty();
        s.records_read += f.records_read;
        s.events += f.events;
        s.ignored += f.ignored_total();
        s.quarantined += f.quarantined_total();
        for (const auto& [reason, count] : f.quarantined) s.quarantined_by_reason[reason] += count;
    }

    for (const ResourceFinding& f : result.resources)
        if (!f.parent.empty()) facts.children[f.parent].push_back(&f);
    for (const ResourceFinding& f : result.resources) {
        ResourceCard card;
        card.finding = &f;
        auto location = f.details.find("location");
        if (location != f.details.end()) card.region = location->second;
        facts.cards.push_back(std::move(card));
    }
    facts.shown = SelectCards(facts.cards);
    facts.detections = DigestDetections(result.detections);
    facts.principals = SelectPrincipals(result.principals);
    return facts;
}

std::array<ChainStep, 5> ChainOf(const ReportFacts& facts, const ResourceCard& card) {
    const ResourceFinding& f = *card.finding;
    return {GrantStep(f), PreparationStep(f), CreationStep(f), ExecutionStep(f, facts.children),
            DeletionStep(f)};
}

const ReportFacts& CachedFacts(const ReportContext& context) {
    if (!context.facts_cache)
        context.facts_cache = std::make_shared<const ReportFacts>(BuildFacts(context));
    return *context.facts_cache;
}

} // namespace minetrace
