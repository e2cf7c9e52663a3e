// What was done to a resource besides its creation and deletion (updates and actions, with the
// size fields each write changed), and who did the decisive act: the part of attribution that
// answers for resources the log does not show being created.
#include "core/ascii.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/investigation.hpp"
#include "rules/signal_kind.hpp"

#include <set>

namespace minetrace::analysis {

namespace {

// The size fields a write can change, tracked from write to write.
constexpr std::pair<const char*, Fact> kSizeFields[] = {
    {"vm_size", kVmSize},
    {"capacity", kCapacity},
    {"priority", kPriority},
    {"max_price", kMaxPrice},
    {"target_dedicated_nodes", kTargetDedicatedNodes},
    {"target_low_priority_nodes", kTargetLowPriorityNodes},
};

// The value of a fact on an operation: the first record that names it (request, then response).
std::string_view FactOn(const Operation& op, Fact fact) {
    for (const RetainedEvent* e : op.events)
        if (std::string_view v = FactField(e->fact(), fact); !v.empty()) return v;
    return {};
}

int64_t DayOf(int64_t us) {
    return us >= 0 ? us / kMicrosPerDay : (us - kMicrosPerDay + 1) / kMicrosPerDay;
}

// The signals that make an act decisive, strongest first.
constexpr std::string_view kDecisive[] = {
    signal_kind::kMinerContent, signal_kind::kExecution,     signal_kind::kComputeScale,
    signal_kind::kGpuSku,       signal_kind::kLargeSku,      signal_kind::kSpotUnlimited,
    signal_kind::kGpuDriver,    signal_kind::kComputeCreate,
};

} // namespace

// Routine: the same caller did the same operation on this resource on kRoutineDays or more
// distinct days (nightly automation), so it alone does not name an intruder.
std::set<std::pair<std::string, std::string_view>>
RoutineActs(const std::vector<std::unique_ptr<Operation>>& ops) {
    std::map<std::pair<std::string, std::string_view>, std::set<int64_t>> days;
    for (const auto& op : ops)
        if (op->request && op->succeeded())
            days[{PrincipalKey(*op->request), op->operation}].insert(DayOf(op->request_us));
    std::set<std::pair<std::string, std::string_view>> routine;
    for (const auto& [act, seen] : days)
        if (seen.size() >= kRoutineDays) routine.insert(act);
    return routine;
}

void Analyzer::AddChanges(ResourceFinding& f, const std::vector<std::unique_ptr<Operation>>& ops,
                          const Lifecycle& life) const {
    const auto routine = RoutineActs(ops);
    std::map<std::string, std::string> current; // size field -> its value after the last write
    const Operation* decisive = nullptr;
    size_t decisive_rank = std::size(kDecisive);
    bool decisive_routine = true;
    const Operation* latest = nullptr;
    for (const auto& owned : ops) {
        const Operation* op = owned.get();
        if (!op->succeeded() || !op->request) continue;
        bool is_write = op->verb == "write";
        bool is_action = op->verb == "action";
        if (!is_write && !is_action) continue;
        // Who and how, for the change and the actor.
        std::map<std::string, FieldChange> changed;
        if (is_write)
            for (const auto& [name, fact] : kSizeFields) {
                std::string_view value = FactOn(*op, fact);
                if (value.empty()) continue;
                auto [it, fresh] = current.try_emplace(name, std::string(value));
                if (!fresh && it->second == value) continue;
                if (op != life.creation)
                    changed[name] = {fresh ? "" : it->second, std::string(value)};
                it->second = std::string(value);
            }
        if (op == life.creation) continue;
        bool is_routine = routine.count({PrincipalKey(*op->request), op->operation}) > 0;
        auto by = std::make_shared<const Principal>(PrincipalOf(*op->request));
        // A field's first sighting (no value before it in the logs) is not a change to report.
        for (auto& [name, values] : changed)
            if (!values.before.empty()) f.size_changes[name] = {values, by, op->request_us};
        latest = op;
        for (size_t rank = 0; rank < std::size(kDecisive); ++rank) {
            if (!op->has_signal(kDecisive[rank])) continue;
            // Miner content decides whoever did it; otherwise a non-routine act beats a
            // routine one, then the stronger signal, then the earlier act.
            bool miner = rank == 0;
            bool better =
                !decisive || (miner && decisive_rank != 0) ||
                (decisive_rank != 0 && decisive_routine && !is_routine) ||
                (decisive_rank != 0 && decisive_routine == is_routine && rank < decisive_rank);
            if (better) {
                decisive = op;
                decisive_rank = rank;
                decisive_routine = is_routine && !miner;
            }
            break;
        }
        if (f.changes.size() >= kMaxChanges) {
            ++f.changes_omitted;
            continue;
        }
        ResourceChange& c = f.changes.emplace_back();
        c.kind = is_write ? "update" : "action";
        c.operation = op->operation;
        c.at_us = op->request_us;
        c.by = std::move(by);
        c.status_code = op->status_code;
        c.fields = std::move(changed);
        c.routine = is_routine;
    }
    // The size fields reflect the latest write.
    for (const auto& [name, value] : current) f.details[name] = value;
    if (!decisive && life.pre_existing) decisive = latest;
    if (!decisive) return;
    // A created resource names an actor only when someone other than its creator did the act.
    Principal actor = PrincipalOf(*decisive->request);
    if (f.created_by && PrincipalKey(*decisive->request) == PrincipalKey(*life.creation->request))
        return;
    f.actor = std::make_shared<const Principal>(std::move(actor));
    f.acted_at_us = decisive->request_us;
    f.act = decisive->operation;
    if (!f.created_by) GrantFor(f, *decisive, *f.actor);
}

} // namespace minetrace::analysis
