// Internal: the compiled form of rules shared by the loaders (native YAML, Sigma), the compiler
// and the matcher. Not part of the public API.
//
// A rule's condition is a tree of Nodes whose leaves are Predicates. Loaders build RuleDrafts
// (condition as a CondAst, regexes already compiled so errors carry the rule file's line);
// RuleSet::Load de-duplicates drafts by id and compiles them into a RuleSetImpl.
#pragma once

#include "rules/fields.hpp"
#include "rules/json_body.hpp"
#include "rules/rule.hpp"
#include "rules/text.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <re2/re2.h>
#include <re2/set.h>
#include <string>
#include <utility>
#include <vector>

namespace minetrace::rules_internal {

// How a value is turned into the value a predicate compares.
enum class Transform : uint8_t {
    kNone,
    kNumber,        // numeric text ("24", "-1", "1.5")
    kVcpus,         // VM size name -> headline vCPU count
    kActiveVcpus,   // VM size name -> active vCPUs (constrained-core sizes)
    kVmFamily,      // VM size name -> family letters ("NC")
    kVmClass,       // VM size name -> cpu | gpu | fpga | hpc
    kVmAccelerator, // VM size name -> accelerator suffix ("A100"), absent when none
    kBase64,        // whole value decoded from base64, absent when it is not base64
};

struct FieldRef {
    enum class Kind : uint8_t { kScalar, kBody, kKeywords };
    Kind kind = Kind::kScalar;
    ScalarField scalar = ScalarField::kOperation;
    uint32_t body_mask = 0;            // BodyId bits, for kBody
    std::vector<std::string> segments; // lowercased path segments, for kBody
    bool wildcard = false;             // segments contain "*" or "**"
    bool any_value = false;            // the path is exactly "**"
    // `**` followed by literal segments only: entries whose path ends with these segments.
    bool deep_suffix = false;
    std::string joined; // segments joined with '\x1f' (no wildcard), or the suffix after `**`
    uint64_t hash = 0;  // Fnv1a(joined)
    uint16_t segment_count = 0;
    std::string name; // as written in the rule
};

enum class StringOp : uint8_t { kEquals, kContains, kStartsWith, kEndsWith, kRegex };
enum class CmpOp : uint8_t { kGt, kGte, kLt, kLte, kEq, kNe };
enum class Aggregate : uint8_t { kAny, kAll, kSum, kMax, kMin, kCount };

// A numeric value expression: a field (with transform and default), a constant, or the sum /
// product of operands. Stored in RuleSetImpl::exprs, operands by index.
struct NumExpr {
    enum class Kind : uint8_t { kField, kConst, kSum, kProduct };
    Kind kind = Kind::kConst;
    FieldRef field;
    Transform as = Transform::kNumber;
    bool has_default = false;
    double default_value = 0;
    double constant = 0;
    std::vector<uint32_t> operands;
};

struct Predicate {
    enum class Kind : uint8_t { kString, kNumeric, kExists };
    Kind kind = Kind::kString;
    FieldRef field;
    Transform as = Transform::kNone;
    int line = 0;

    // kString. `values` and `op` are kept for the Set / literal index.
    StringOp op = StringOp::kEquals;
    std::vector<std::string> values;
    bool case_sensitive = false;
    bool match_all = false;    // every value must match (one regex per value)
    bool match_absent = false; // `equals` listed "": also true when the field has no value
    bool base64offset = false; // contains: also the base64 forms of each value (Sigma-style)
    std::string pattern;       // the combined any-of pattern (with case flags)
    std::vector<std::unique_ptr<RE2>> regexes; // any-of: 1; all-of: one per value
    bool set_indexed = false;                  // decided at compile time

    // kNumeric
    uint32_t expr = 0;
    CmpOp cmp = CmpOp::kEq;
    double rhs = 0;
    Aggregate aggregate = Aggregate::kAny;

    // kExists
    bool exists = true;
};

// Loader output: a condition tree before flattening.
struct CondAst {
    enum class Kind : uint8_t { kAll, kAny, kNot, kPred, kConst };
    Kind kind = Kind::kConst;
    bool value = true; // kConst
    int line = 0;
    std::vector<CondAst> children;
    std::unique_ptr<Predicate> pred;
    // Numeric expressions referenced by pred->expr index into the draft's exprs.
};

struct RuleDraft {
    Rule rule;
    CondAst condition;
    bool has_unavailable = false;
    CondAst unavailable;
    std::vector<NumExpr> exprs; // draft-local; pred->expr indexes here until compiled
    size_t path_index = 0;      // which Load path the rule came from
    bool disabled = false;      // `enabled: false`: removes the rule (and any it replaces)
};

struct Node {
    enum class Kind : uint8_t { kAll, kAny, kNot, kPred, kConst };
    Kind kind = Kind::kConst;
    bool value = true;
    uint32_t first_child = 0; // into RuleSetImpl::children
    uint32_t child_count = 0;
    uint32_t pred = 0;
};

struct CompiledRule {
    uint32_t root = 0;
    bool has_unavailable = false;
    uint32_t unavailable_root = 0;
    bool gated = false;
    std::vector<uint32_t> triggers; // Set-indexed predicates, one of which must hit
};

// Per scalar field: exact literals (sorted for binary search) and one RE2::Set of the other
// patterns, each mapped to its predicate.
struct FieldMatcher {
    std::vector<std::pair<std::string, uint32_t>> literals_ci; // ASCII-lowercased
    std::vector<std::pair<std::string, uint32_t>> literals_cs;
    size_t max_literal_ci = 0;
    std::vector<std::string> patterns;
    std::vector<uint32_t> pattern_pred;
    std::unique_ptr<RE2::Set> set;
    // One RE2 per pattern: tells which patterns matched a value the Set accepted (when there are
    // few), and stands in for the Set when its DFA runs out of memory on a value.
    std::vector<std::unique_ptr<RE2>> fallback;
    // Field whose values repeat from event to event (operation, resource id, ...; not the body
    // texts): each scratch remembers, for recently seen values, which predicates they marked.
    bool memo = false;
    bool empty() const { return literals_ci.empty() && literals_cs.empty() && patterns.empty(); }
};

// The body-value screen: predicates on `**` paths (every value of the bodies) and on `**.a.b`
// paths (values whose path ends with a.b) of rules that would otherwise be evaluated on every
// event. They are evaluated for all events in one walk of each parsed body, and become
// set-indexed (triggers), so the rules are only evaluated when one of them hit. One screen per
// body mask.
struct BodyScreen {
    uint32_t body_mask = 0;
    // `**` string predicates without a transform, de-duplicated by pattern. value_set is tried on
    // each value; the individual regexes (of the first predicate of each pattern) tell which
    // patterns matched. joined_set holds the same patterns in multi-line mode and is run once
    // over a body's values joined by '\n' (JsonBody::joined_values): a value matching a pattern
    // implies a match in the joined text, so when joined_set finds nothing no value can match
    // and the values are not tried one by one. Either Set is null when RE2 could not build it
    // (joined_set also when a pattern could behave differently in multi-line mode).
    std::vector<std::string> patterns;
    std::vector<std::vector<uint32_t>> pattern_preds;
    std::vector<uint32_t> pattern_regex; // predicate whose regexes[0] is the pattern
    std::unique_ptr<RE2::Set> value_set;
    std::unique_ptr<RE2::Set> joined_set;
    // `**` string predicates with `as: base64`. base64_joined_set holds their patterns in
    // multi-line mode and is run once over the decoded values of a body joined by '\n' (as
    // joined_set); only when it matches (or is null) are they tried value by value.
    std::vector<uint32_t> base64_preds;
    std::unique_ptr<RE2::Set> base64_joined_set;
    // Other `**` predicates with a transform (vm_*) and numeric ones: tried on every value.
    std::vector<uint32_t> any_preds;
    // `**.a.b` predicates by the last segment of their path ("b").
    struct Suffix {
        std::string last;
        std::vector<uint32_t> preds;
    };
    std::vector<Suffix> suffixes;
    uint64_t suffix_lengths = 0; // bit min(length, 63) for each suffixes[i].last
};

struct RuleSetImpl {
    std::vector<Rule> rules;
    std::vector<CompiledRule> compiled;
    std::vector<Predicate> predicates;
    std::vector<NumExpr> exprs;
    std::vector<Node> nodes;
    std::vector<uint32_t> children;
    std::array<FieldMatcher, kScalarFieldCount> matchers;
    std::vector<ScalarField> indexed_fields; // fields whose matcher is not empty
    std::vector<BodyScreen> screens;
    size_t max_set_patterns = 0;
    size_t error_count = 0;
    size_t file_count = 0;
};

// Per-thread state; see MatchScratch.
struct ScratchImpl {
    const RuleSetImpl* owner = nullptr;
    uint32_t epoch = 0;
    std::vector<uint32_t> pred_epoch;
    std::vector<int> set_hits;
    std::string lower;       // lowercased field value for literal lookup
    std::string field_text;  // derived scalar text (time)
    std::string transformed; // base64-decoded value
    std::string decoded;     // the base64-decoded values of a body, joined (BodyScreen)
    std::array<JsonBody, kBodyCount> bodies;
    std::array<uint32_t, kBodyCount> body_epoch{};
    std::vector<std::vector<double>> num_stack;
    std::vector<RuleHit> hits;
    // FieldMatcher::memo, per field: a direct-mapped cache of kMemoSlots values of at most
    // kMemoMaxValueBytes (keys in `keys`, slot i at i * kMemoMaxValueBytes) with the predicates
    // each marked; allocated when the field is first matched, then reused (a slot's `marks`
    // grows to the most marks a value put in it has had).
    static constexpr size_t kMemoSlots = 1024;
    static constexpr size_t kMemoMaxValueBytes = 256;
    struct MemoSlot {
        uint16_t length = 0;
        bool valid = false;
        std::vector<uint32_t> marks;
    };
    struct Memo {
        std::vector<MemoSlot> slots;
        std::string keys;
    };
    std::array<Memo, kScalarFieldCount> memo;
};

// RE2 options for rule patterns (case handled by inline flags in the pattern), with a memory
// budget per single regex or per field Set.
enum class PatternUse : uint8_t { kSingle, kSet };
RE2::Options PatternOptions(PatternUse use);

// Builds the any-of pattern of a string predicate from op, values and case flag.
std::string BuildPattern(StringOp op, const std::vector<std::string>& values, bool case_sensitive);

// Validates and compiles the regexes of a string predicate (pattern + regexes). On error returns
// false and sets `error` to a message naming the bad value.
bool CompileStringPredicate(Predicate& pred, std::string& error);

// Reads one rule file (any number of YAML documents; each a native `rules:` document or a Sigma
// rule) into drafts; errors are appended with file:line. `path_index` is stamped on the drafts.
void LoadRuleFile(const std::string& file, const std::string& text, size_t path_index,
                  std::vector<RuleDraft>& drafts, std::vector<LintMessage>& errors);

// Evaluation helpers (matcher.cpp).
bool EvalNode(const RuleSetImpl& set, uint32_t node, const Event& event, ScratchImpl& scratch);
void RunFieldMatchers(const RuleSetImpl& set, const Event& event, ScratchImpl& scratch);
void RunBodyScreens(const RuleSetImpl& set, const Event& event, ScratchImpl& scratch);
// Whether the screen can decide `pred` in its walk of the bodies (see BodyScreen).
bool Screenable(const RuleSetImpl& set, const Predicate& pred);

} // namespace minetrace::rules_internal
