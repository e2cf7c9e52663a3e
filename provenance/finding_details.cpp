#include "core/utf8.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/body.hpp"

#include <set>
#include <tbb/parallel_for.h>

namespace minetrace::analysis {

namespace {

// ResourceFinding::commands from the operations' request and response bodies. Thread-safe with a
// scratch of its own (AnalysisScratch).
std::vector<std::string> CommandsOf(const std::vector<std::unique_ptr<Operation>>& ops,
                                    AnalysisScratch& scratch) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    BodyReader& reader = scratch.reader;
    auto add = [&](const std::string& text) {
        if (text.empty() || out.size() >= kMaxCommands) return;
        std::string cut = CutUtf8(text, kMaxCommandBytes);
        if (seen.insert(cut).second) out.push_back(std::move(cut));
    };
    for (const auto& op : ops) {
        for (const RetainedEvent* e : op->events) {
            for (const std::string_view* body : {&e->request_body, &e->response_body}) {
                auto root = reader.Parse(*body);
                if (!root) continue;
                add(reader.FindAnywhere(*root, "commandtoexecute"));
                add(reader.FindAnywhere(*root, "script"));
                add(reader.FindAnywhere(*root, "commandid"));
                add(reader.Find(*root, {"properties", "containers", "properties", "command"}));
            }
        }
    }
    return out;
}

// ResourceFinding::actions: the run commands, starts and restarts among the operations.
std::vector<InvokedAction> ActionsOf(const std::vector<std::unique_ptr<Operation>>& ops) {
    std::vector<InvokedAction> out;
    for (const auto& op : ops) {
        if (op->verb != "action") continue;
        if (op->operation.find("runcommand") == std::string_view::npos &&
            !op->operation.ends_with("/start/action") &&
            !op->operation.ends_with("/restart/action"))
            continue;
        InvokedAction action;
        action.at_us = op->request_us;
        action.operation = op->operation;
        action.final_phase = op->final_phase;
        if (op->request) {
            const RetainedIdentity& who = op->request->who();
            action.caller = who.upn.empty() ? who.caller : who.upn;
            action.ip = op->request->caller_ip;
        }
        out.push_back(std::move(action));
    }
    return out;
}

} // namespace

// Pass 4: what the reported findings need from operations, read again from the store since no
// operation outlives its chunk: each finding's evidence, commands and invoked actions, and the
// timeline entries of its operations, of the preparation it names on other resources and of the
// grant that authorized it.
void Analyzer::Finish() {
    struct Mention {
        uint64_t order = 0;
        std::string_view role; // static text
    };
    // Operations named by a finding (preparation, grants), by first record: the first mention.
    std::unordered_map<uint64_t, Mention> named;
    std::map<std::string_view, size_t> rank_of; // resource id -> index in result_.resources
    std::set<std::string, std::less<>> read;    // the resources whose operations are read
    for (size_t rank = 0; rank < result_.resources.size(); ++rank) {
        const ResourceFinding& f = result_.resources[rank];
        rank_of.emplace(f.resource_id, rank);
        read.insert(f.resource_id);
        auto mention = [&](uint64_t sequence, std::string_view resource, size_t position,
                           std::string_view role) {
            named.try_emplace(sequence, Mention{MentionOrder(rank, true, position), role});
            if (!read.count(resource)) read.emplace(resource);
        };
        for (size_t j = 0; j < f.preparation.size(); ++j)
            mention(f.preparation[j].source_sequence, f.preparation[j].resource_id, j, "precursor");
        if (f.authorized_by)
            mention(f.authorized_by->operation_sequence, f.authorized_by->assignment_id,
                    f.preparation.size(), "grant");
    }
    if (read.empty()) return;
    ForEachGroups(
        [&](std::vector<ResourceGroup>& groups) {
            std::vector<std::vector<std::pair<uint64_t, TimelineEntry>>> entries(groups.size());
            std::vector<ResourceFinding*> finding_of(groups.size(), nullptr);
            tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
                const ResourceGroup& group = groups[g];
                auto found = rank_of.find(group.key);
                ResourceFinding* finding =
                    found == rank_of.end() ? nullptr : &result_.resources[found->second];
                finding_of[g] = finding;
                if (finding) {
                    AddEvidence(*finding, group.ops);
                    finding->commands = CommandsOf(group.ops, scratches_.local());
                    finding->actions = ActionsOf(group.ops);
                }
                for (size_t i = 0; i < group.ops.size(); ++i) {
                    const Operation& op = *group.ops[i];
                    std::optional<Mention> first;
                    if (finding) first = Mention{MentionOrder(found->second, false, i), "resource"};
                    auto n = named.find(op.events.front()->sequence);
                    if (n != named.end() && (!first || n->second.order < first->order))
                        first = n->second;
                    if (!first) continue;
                    bool own = first->role == "resource";
                    entries[g].emplace_back(
                        first->order,
                        OperationEntry(op, std::string(first->role), own ? finding : nullptr));
                }
            });
            // The actions view the chunk's records: their texts move to the result's here.
            for (ResourceFinding* finding : finding_of)
                if (finding)
                    for (InvokedAction& action : finding->actions) {
                        action.operation = Intern(action.operation);
                        action.caller = Intern(action.caller);
                        action.ip = Intern(action.ip);
                    }
            for (const auto& group_entries : entries)
                for (const auto& [order, entry] : group_entries) result_.timeline.Add(entry, order);
        },
        [&](std::string_view key) { return read.count(key) > 0; });
}

} // namespace minetrace::analysis
