// Per-event evaluation of compiled rules. Never throws; no allocation once the scratch buffers
// have grown (see rule_set.hpp).
#include "core/ascii.hpp"
#include "rules/compiled.hpp"
#include "rules/vm_size.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

namespace minetrace::rules_internal {

namespace {

bool ParseNumberText(std::string_view text, double& out) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.size() > 64) return false;
    auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc() && result.ptr == text.data() + text.size() &&
           std::isfinite(out);
}

// One value a predicate reads (a field's value or a body entry), with each transform computed
// at most once: the body screen tests many predicates against one value.
class TransformedValue {
  public:
    TransformedValue(JsonType type, std::string_view text, ScratchImpl& s)
        : type_(type), text_(text), s_(s) {}

    JsonType type() const { return type_; }

    // The text a string predicate with transform `as` compares; false when the value has no
    // such form (not a VM size, not base64).
    bool String(Transform as, std::string_view& out) {
        switch (as) {
        case Transform::kNone:
            out = text_;
            return true;
        case Transform::kVmFamily:
        case Transform::kVmClass:
        case Transform::kVmAccelerator:
            if (!Vm()) return false;
            out = as == Transform::kVmFamily  ? vm_.family
                  : as == Transform::kVmClass ? ToString(vm_.vm_class)
                                              : vm_.accelerator;
            return !out.empty();
        case Transform::kBase64:
            if (base64_state_ == 0) {
                s_.transformed.clear();
                base64_state_ = rules_text::DecodeBase64(text_, s_.transformed) ? 1 : 2;
            }
            out = s_.transformed;
            return base64_state_ == 1;
        default:
            return false;
        }
    }

    // The number a numeric predicate with transform `as` compares; false when there is none.
    bool Number(Transform as, double& out) {
        if (as == Transform::kVcpus || as == Transform::kActiveVcpus) {
            if (!Vm()) return false;
            out = as == Transform::kVcpus ? vm_.vcpus : vm_.active_vcpus;
            return true;
        }
        if (number_state_ == 0) number_state_ = ParseNumberText(text_, number_) ? 1 : 2;
        out = number_;
        return number_state_ == 1;
    }

  private:
    bool Vm() {
        if (vm_state_ == 0) vm_state_ = ParseVmSize(text_, vm_) ? 1 : 2;
        return vm_state_ == 1;
    }

    JsonType type_;
    std::string_view text_;
    ScratchImpl& s_;
    int vm_state_ = 0; // 0 not tried, 1 parsed, 2 not a size
    VmSize vm_;
    int base64_state_ = 0;
    int number_state_ = 0;
    double number_ = 0;
};

JsonBody& GetBody(ScratchImpl& s, BodyId body, std::string_view text) {
    size_t index = static_cast<size_t>(body);
    if (s.body_epoch[index] != s.epoch) {
        s.bodies[index].Parse(text);
        s.body_epoch[index] = s.epoch;
    }
    return s.bodies[index];
}

// Calls fn(text, body) for each non-empty body of `mask`, parsed once per event (GetBody);
// stops when fn returns true, and then returns true.
template <typename Fn>
bool ForEachBody(uint32_t mask, const Event& event, ScratchImpl& s, Fn&& fn) {
    for (size_t b = 0; b < kBodyCount; ++b) {
        if ((mask & (1u << b)) == 0) continue;
        BodyId id = static_cast<BodyId>(b);
        std::string_view text = BodyText(event, id);
        if (!text.empty() && fn(text, GetBody(s, id, text))) return true;
    }
    return false;
}

bool PathMatches(const FieldRef& ref, const JsonBody& body, const JsonBody::Entry& entry) {
    if (ref.any_value) return true;
    if (ref.deep_suffix) {
        // `**.a.b`: the path is "a\x1fb" or ends with "\x1fa\x1fb".
        std::string_view path = body.path(entry);
        const std::string& tail = ref.joined;
        if (path.size() < tail.size() ||
            path.compare(path.size() - tail.size(), tail.size(), tail) != 0) {
            return false;
        }
        return path.size() == tail.size() || path[path.size() - tail.size() - 1] == '\x1f';
    }
    if (ref.wildcard) return MatchPathPattern(ref.segments, body.path(entry), entry.segments);
    return entry.path_hash == ref.hash && entry.segments == ref.segment_count &&
           body.path(entry) == ref.joined;
}

// Calls fn(type, text) for every value `ref` names; stops when fn returns true.
template <typename Fn>
bool ForEachValue(const FieldRef& ref, const Event& event, ScratchImpl& s, Fn&& fn) {
    switch (ref.kind) {
    case FieldRef::Kind::kScalar:
        return ForEachScalarValue(event, ref.scalar, s.field_text,
                                  [&](std::string_view v) { return fn(JsonType::kString, v); });
    case FieldRef::Kind::kKeywords:
        for (ScalarField field : KeywordFields()) {
            if (ForEachScalarValue(event, field, s.field_text,
                                   [&](std::string_view v) { return fn(JsonType::kString, v); })) {
                return true;
            }
        }
        return false;
    case FieldRef::Kind::kBody:
        return ForEachBody(ref.body_mask, event, s, [&](std::string_view text, JsonBody& body) {
            // Not JSON: `**` still searches the raw text so content is not missed.
            if (!body.valid()) return ref.any_value && fn(JsonType::kString, text);
            for (const JsonBody::Entry& entry : body.entries()) {
                if (PathMatches(ref, body, entry) && fn(entry.type, body.value(entry))) return true;
            }
            return false;
        });
    }
    return false;
}

bool IsContainer(JsonType type) {
    return type == JsonType::kObject || type == JsonType::kArray;
}

bool MatchString(const Predicate& p, std::string_view value) {
    re2::StringPiece text(value.data(), value.size());
    if (p.match_all) {
        for (const auto& re : p.regexes) {
            if (!RE2::PartialMatch(text, *re)) return false;
        }
        return !p.regexes.empty();
    }
    return !p.regexes.empty() && RE2::PartialMatch(text, *p.regexes[0]);
}

double Apply(NumExpr::Kind kind, double a, double b) {
    return kind == NumExpr::Kind::kSum ? a + b : a * b;
}

void EvalExpr(const RuleSetImpl& set, uint32_t index, size_t depth, const Event& event,
              ScratchImpl& s, std::vector<double>& out) {
    out.clear();
    const NumExpr& expr = set.exprs[index];
    switch (expr.kind) {
    case NumExpr::Kind::kConst:
        out.push_back(expr.constant);
        return;
    case NumExpr::Kind::kField:
        ForEachValue(expr.field, event, s, [&](JsonType type, std::string_view v) {
            double number = 0;
            if (!IsContainer(type) && TransformedValue(type, v, s).Number(expr.as, number))
                out.push_back(number);
            return false;
        });
        if (out.empty() && expr.has_default) out.push_back(expr.default_value);
        return;
    case NumExpr::Kind::kSum:
    case NumExpr::Kind::kProduct: {
        if (depth + 1 >= s.num_stack.size()) return; // deeper than the loader allows
        std::vector<double>& tmp = s.num_stack[depth + 1];
        bool first = true;
        for (uint32_t operand : expr.operands) {
            if (first) {
                EvalExpr(set, operand, depth + 1, event, s, out);
                first = false;
                continue;
            }
            EvalExpr(set, operand, depth + 1, event, s, tmp);
            if (out.empty() || tmp.empty()) {
                out.clear();
                return;
            }
            // Element-wise with broadcasting of single values; lists of different lengths
            // cannot be paired, so their maxima are combined (an upper bound).
            if (tmp.size() == 1) {
                for (double& x : out) x = Apply(expr.kind, x, tmp[0]);
            } else if (out.size() == 1) {
                double x = out[0];
                out.assign(tmp.begin(), tmp.end());
                for (double& y : out) y = Apply(expr.kind, x, y);
            } else if (out.size() == tmp.size()) {
                for (size_t i = 0; i < out.size(); ++i) out[i] = Apply(expr.kind, out[i], tmp[i]);
            } else {
                double a = *std::max_element(out.begin(), out.end());
                double b = *std::max_element(tmp.begin(), tmp.end());
                out.clear();
                out.push_back(Apply(expr.kind, a, b));
            }
        }
        return;
    }
    }
}

bool Compare(CmpOp op, double a, double b) {
    switch (op) {
    case CmpOp::kGt:
        return a > b;
    case CmpOp::kGte:
        return a >= b;
    case CmpOp::kLt:
        return a < b;
    case CmpOp::kLte:
        return a <= b;
    case CmpOp::kEq:
        return a == b;
    case CmpOp::kNe:
        return a != b;
    }
    return false;
}

bool EvalPredicate(const RuleSetImpl& set, uint32_t index, const Event& event, ScratchImpl& s) {
    const Predicate& p = set.predicates[index];
    if (p.set_indexed) return s.pred_epoch[index] == s.epoch;
    switch (p.kind) {
    case Predicate::Kind::kExists: {
        bool found =
            ForEachValue(p.field, event, s, [](JsonType, std::string_view) { return true; });
        return found == p.exists;
    }
    case Predicate::Kind::kString: {
        bool present = false;
        bool matched = ForEachValue(p.field, event, s, [&](JsonType type, std::string_view v) {
            if (IsContainer(type)) return false;
            std::string_view value;
            if (!TransformedValue(type, v, s).String(p.as, value)) return false;
            present = true;
            return MatchString(p, value);
        });
        return matched || (p.match_absent && !present);
    }
    case Predicate::Kind::kNumeric: {
        std::vector<double>& values = s.num_stack[0];
        EvalExpr(set, p.expr, 0, event, s, values);
        switch (p.aggregate) {
        case Aggregate::kAny:
            return std::any_of(values.begin(), values.end(),
                               [&](double v) { return Compare(p.cmp, v, p.rhs); });
        case Aggregate::kAll:
            return !values.empty() && std::all_of(values.begin(), values.end(), [&](double v) {
                return Compare(p.cmp, v, p.rhs);
            });
        case Aggregate::kSum: {
            double sum = 0;
            for (double v : values) sum += v;
            return !values.empty() && Compare(p.cmp, sum, p.rhs);
        }
        case Aggregate::kMax:
            return !values.empty() &&
                   Compare(p.cmp, *std::max_element(values.begin(), values.end()), p.rhs);
        case Aggregate::kMin:
            return !values.empty() &&
                   Compare(p.cmp, *std::min_element(values.begin(), values.end()), p.rhs);
        case Aggregate::kCount:
            return Compare(p.cmp, static_cast<double>(values.size()), p.rhs);
        }
        return false;
    }
    }
    return false;
}

// `recorded` (when not null) collects the marked predicates for FieldMatcher::memo.
void Mark(ScratchImpl& s, uint32_t pred, std::vector<uint32_t>* recorded = nullptr) {
    s.pred_epoch[pred] = s.epoch;
    if (recorded != nullptr) recorded->push_back(pred);
}

bool Marked(const ScratchImpl& s, uint32_t pred) {
    return s.pred_epoch[pred] == s.epoch;
}

// Up to this many patterns on one field, the patterns that matched a value the Set accepted are
// found with the individual RE2s (allocation-free) rather than the Set's index vector.
constexpr size_t kIndividualPatternLimit = 24;

template <typename Vec>
void LookupLiteral(const Vec& literals, std::string_view key, ScratchImpl& s,
                   std::vector<uint32_t>* recorded) {
    auto lower = std::lower_bound(
        literals.begin(), literals.end(), key,
        [](const auto& entry, std::string_view k) { return std::string_view(entry.first) < k; });
    for (auto it = lower; it != literals.end() && it->first == key; ++it) {
        Mark(s, it->second, recorded);
    }
}

void MatchFieldValue(const FieldMatcher& m, std::string_view value, ScratchImpl& s,
                     std::vector<uint32_t>* recorded) {
    if (!m.literals_ci.empty() && value.size() <= m.max_literal_ci) {
        s.lower.clear();
        AppendAsciiLower(s.lower, value);
        LookupLiteral(m.literals_ci, s.lower, s, recorded);
    }
    if (!m.literals_cs.empty()) LookupLiteral(m.literals_cs, value, s, recorded);
    if (!m.set) return;
    re2::StringPiece text(value.data(), value.size());
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    bool fallback = false;
    // One Set scan answers "does any pattern match" (the common case is no). Which patterns
    // matched is then asked of the individual RE2s when there are few of them: RE2::Set::Match
    // with an index vector allocates inside RE2 on every call.
    if (m.set->Match(text, nullptr, &info)) {
        s.set_hits.clear();
        if (m.fallback.size() <= kIndividualPatternLimit) {
            fallback = true;
        } else if (m.set->Match(text, &s.set_hits, &info)) {
            for (int hit : s.set_hits) {
                if (hit >= 0 && static_cast<size_t>(hit) < m.pattern_pred.size()) {
                    Mark(s, m.pattern_pred[static_cast<size_t>(hit)], recorded);
                }
            }
        } else {
            fallback = true;
        }
    } else if (info.kind != RE2::Set::kNoError) {
        fallback = true;
    }
    if (fallback) {
        for (size_t i = 0; i < m.fallback.size(); ++i) {
            if (RE2::PartialMatch(text, *m.fallback[i])) Mark(s, m.pattern_pred[i], recorded);
        }
    }
}

// As MatchFieldValue, answered from (and recorded into) the scratch's memo for the field. The
// marks depend on the value alone, so replaying them is exact.
void MatchFieldValueMemo(const FieldMatcher& m, ScalarField field, std::string_view value,
                         ScratchImpl& s) {
    if (value.size() > ScratchImpl::kMemoMaxValueBytes) {
        MatchFieldValue(m, value, s, nullptr);
        return;
    }
    ScratchImpl::Memo& memo = s.memo[static_cast<size_t>(field)];
    if (memo.slots.empty()) {
        memo.slots.resize(ScratchImpl::kMemoSlots);
        memo.keys.resize(ScratchImpl::kMemoSlots * ScratchImpl::kMemoMaxValueBytes);
    }
    size_t index = std::hash<std::string_view>{}(value) & (ScratchImpl::kMemoSlots - 1);
    ScratchImpl::MemoSlot& slot = memo.slots[index];
    char* key = memo.keys.data() + index * ScratchImpl::kMemoMaxValueBytes;
    if (slot.valid && std::string_view(key, slot.length) == value) {
        for (uint32_t pred : slot.marks) Mark(s, pred);
        return;
    }
    slot.marks.clear();
    MatchFieldValue(m, value, s, &slot.marks);
    std::copy(value.begin(), value.end(), key);
    slot.length = static_cast<uint16_t>(value.size());
    slot.valid = true;
}

// As EvalPredicate's callbacks for one value: true when `p` holds for it.
bool Holds(const RuleSetImpl& set, const Predicate& p, TransformedValue& value) {
    if (IsContainer(value.type())) return false;
    if (p.kind == Predicate::Kind::kString) {
        std::string_view text;
        if (!value.String(p.as, text)) return false;
        return MatchString(p, text);
    }
    double number = 0;
    return value.Number(set.exprs[p.expr].as, number) && Compare(p.cmp, number, p.rhs);
}

// The `**` string patterns of `screen` on one value.
void ScreenPatterns(const RuleSetImpl& set, const BodyScreen& screen, std::string_view value,
                    ScratchImpl& s) {
    re2::StringPiece text(value.data(), value.size());
    if (screen.value_set) {
        RE2::Set::ErrorInfo info{RE2::Set::kNoError};
        if (!screen.value_set->Match(text, nullptr, &info) && info.kind == RE2::Set::kNoError) {
            return;
        }
    }
    for (size_t i = 0; i < screen.patterns.size(); ++i) {
        const std::vector<uint32_t>& preds = screen.pattern_preds[i];
        bool all_marked = true;
        for (uint32_t pred : preds) all_marked = all_marked && Marked(s, pred);
        if (all_marked) continue;
        const Predicate& p = set.predicates[screen.pattern_regex[i]];
        if (RE2::PartialMatch(text, *p.regexes[0])) {
            for (uint32_t pred : preds) Mark(s, pred);
        }
    }
}

// The `**` predicates of `screen` on one value (patterns and base64 ones only when asked).
void ScreenAnyValue(const RuleSetImpl& set, const BodyScreen& screen, TransformedValue& value,
                    std::string_view text, bool patterns, bool base64, ScratchImpl& s) {
    if (patterns) ScreenPatterns(set, screen, text, s);
    auto run = [&](const std::vector<uint32_t>& preds) {
        for (uint32_t pred : preds) {
            if (!Marked(s, pred) && Holds(set, set.predicates[pred], value)) Mark(s, pred);
        }
    };
    if (base64) run(screen.base64_preds);
    run(screen.any_preds);
}

// Whether `set` (multi-line patterns) may match one of the values of `body`, decoded from base64
// when `decode`: false only when it surely matches none of them.
bool JoinedMayMatch(const RE2::Set& set, const JsonBody& body, bool decode, ScratchImpl& s) {
    std::string_view joined = body.joined_values();
    if (decode) {
        s.decoded.clear();
        for (const JsonBody::Entry& entry : body.entries()) {
            if (IsContainer(entry.type)) continue;
            if (rules_text::DecodeBase64(body.value(entry), s.decoded)) s.decoded.push_back('\n');
        }
        joined = s.decoded;
    }
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    return set.Match(re2::StringPiece(joined.data(), joined.size()), nullptr, &info) ||
           info.kind != RE2::Set::kNoError;
}

const FieldRef& PredicateField(const RuleSetImpl& set, const Predicate& p) {
    return p.kind == Predicate::Kind::kNumeric ? set.exprs[p.expr].field : p.field;
}

} // namespace

bool Screenable(const RuleSetImpl& set, const Predicate& p) {
    const FieldRef& field = PredicateField(set, p);
    if (field.kind != FieldRef::Kind::kBody || !(field.any_value || field.deep_suffix)) {
        return false;
    }
    switch (p.kind) {
    case Predicate::Kind::kString:
        return !p.match_all && !p.match_absent && !p.regexes.empty() &&
               (p.as == Transform::kNone || p.as == Transform::kBase64 ||
                p.as == Transform::kVmFamily || p.as == Transform::kVmClass ||
                p.as == Transform::kVmAccelerator);
    case Predicate::Kind::kNumeric: {
        const NumExpr& expr = set.exprs[p.expr];
        return p.aggregate == Aggregate::kAny && expr.kind == NumExpr::Kind::kField &&
               !expr.has_default;
    }
    case Predicate::Kind::kExists:
        return false;
    }
    return false;
}

void RunFieldMatchers(const RuleSetImpl& set, const Event& event, ScratchImpl& s) {
    for (ScalarField field : set.indexed_fields) {
        const FieldMatcher& m = set.matchers[static_cast<size_t>(field)];
        ForEachScalarValue(event, field, s.field_text, [&](std::string_view value) {
            if (m.memo) {
                MatchFieldValueMemo(m, field, value, s);
            } else {
                MatchFieldValue(m, value, s, nullptr);
            }
            return false;
        });
    }
}

void RunBodyScreens(const RuleSetImpl& set, const Event& event, ScratchImpl& s) {
    for (const BodyScreen& screen : set.screens) {
        ForEachBody(screen.body_mask, event, s, [&](std::string_view text, JsonBody& body) {
            if (!body.valid()) {
                // As ForEachValue: `**` sees the raw text of a body that is not JSON.
                TransformedValue value(JsonType::kString, text, s);
                ScreenAnyValue(set, screen, value, text, !screen.patterns.empty(),
                               !screen.base64_preds.empty(), s);
                return false;
            }
            bool patterns = !screen.patterns.empty();
            if (patterns && screen.joined_set) {
                patterns = JoinedMayMatch(*screen.joined_set, body, false, s);
            }
            bool base64 = !screen.base64_preds.empty();
            if (base64 && screen.base64_joined_set) {
                base64 = JoinedMayMatch(*screen.base64_joined_set, body, true, s);
            }
            if (!patterns && !base64 && screen.any_preds.empty() && screen.suffixes.empty()) {
                return false;
            }
            for (const JsonBody::Entry& entry : body.entries()) {
                if (IsContainer(entry.type)) continue;
                std::string_view v = body.value(entry);
                TransformedValue value(entry.type, v, s);
                ScreenAnyValue(set, screen, value, v, patterns, base64, s);
                if (screen.suffixes.empty()) continue;
                std::string_view path = body.path(entry);
                size_t sep = path.rfind('\x1f');
                std::string_view last = sep == std::string_view::npos ? path : path.substr(sep + 1);
                if ((screen.suffix_lengths & (uint64_t{1} << std::min<size_t>(last.size(), 63))) ==
                    0) {
                    continue;
                }
                for (const BodyScreen::Suffix& suffix : screen.suffixes) {
                    if (suffix.last != last) continue;
                    for (uint32_t pred : suffix.preds) {
                        const Predicate& p = set.predicates[pred];
                        if (!Marked(s, pred) && PathMatches(PredicateField(set, p), body, entry) &&
                            Holds(set, p, value)) {
                            Mark(s, pred);
                        }
                    }
                }
            }
            return false;
        });
    }
}

bool EvalNode(const RuleSetImpl& set, uint32_t index, const Event& event, ScratchImpl& scratch) {
    const Node& node = set.nodes[index];
    switch (node.kind) {
    case Node::Kind::kConst:
        return node.value;
    case Node::Kind::kPred:
        return EvalPredicate(set, node.pred, event, scratch);
    case Node::Kind::kNot:
        return !EvalNode(set, set.children[node.first_child], event, scratch);
    case Node::Kind::kAll:
        for (uint32_t i = 0; i < node.child_count; ++i) {
            if (!EvalNode(set, set.children[node.first_child + i], event, scratch)) return false;
        }
        return true;
    case Node::Kind::kAny:
        for (uint32_t i = 0; i < node.child_count; ++i) {
            if (EvalNode(set, set.children[node.first_child + i], event, scratch)) return true;
        }
        return false;
    }
    return false;
}

} // namespace minetrace::rules_internal
