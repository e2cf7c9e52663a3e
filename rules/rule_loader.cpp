// Native YAML rule files (see rules/README.md) and the helpers shared with the Sigma loader.
//
// Kept whole (about 1,000 lines, over the house's ~700) for now: it is one reader of one format,
// top to bottom (shared helpers, examples, native rule documents: the three banners below), and
// every part reports through the same LoadContext. house-review.md 1.4 maps a split (yaml_helpers,
// field_ref, patterns, rule_examples, native_loader, rule_file); it waits for a change that needs
// one of the parts alone.
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "rules/loader_util.hpp"
#include "rules/signal_kind.hpp"

#include <charconv>
#include <cmath>
#include <set>

namespace minetrace::rules_internal {

// ---------------------------------------------------------------------------------------------
// Shared helpers

int Line(const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

std::optional<std::string> ScalarText(const YAML::Node& node) {
    if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
    return node.Scalar();
}

bool ParseFieldRef(std::string_view name, FieldRef& out, std::string& error) {
    out = FieldRef{};
    out.name = std::string(name);
    if (std::optional<ScalarField> scalar = LookupScalarField(name)) {
        out.kind = FieldRef::Kind::kScalar;
        out.scalar = *scalar;
        return true;
    }
    static constexpr std::string_view kPrefixes[] = {"partner.resource_new_value",
                                                     "partner.resource_old_value",
                                                     "partner.customized_data",
                                                     "status_message",
                                                     "request",
                                                     "response",
                                                     "bodies"};
    for (std::string_view prefix : kPrefixes) {
        if (name.size() <= prefix.size() + 1 || name.substr(0, prefix.size()) != prefix ||
            name[prefix.size()] != '.') {
            continue;
        }
        out.kind = FieldRef::Kind::kBody;
        out.body_mask = LookupBodyPrefix(prefix);
        std::string_view rest = name.substr(prefix.size() + 1);
        int deep = 0;
        while (true) {
            size_t dot = rest.find('.');
            std::string_view segment = rest.substr(0, dot);
            if (segment.empty()) {
                error = "field '" + std::string(name) + "': empty path segment";
                return false;
            }
            if (segment == "**") {
                ++deep;
                out.wildcard = true;
            } else if (segment == "*") {
                out.wildcard = true;
            } else if (segment.find('*') != std::string_view::npos) {
                error = "field '" + std::string(name) +
                        "': '*' must be a whole path segment ('*' or '**')";
                return false;
            }
            out.segments.push_back(AsciiLowerCopy(segment));
            if (dot == std::string_view::npos) break;
            rest = rest.substr(dot + 1);
        }
        if (deep > 2) {
            error = "field '" + std::string(name) + "': at most two '**' segments";
            return false;
        }
        if (out.segments.size() > 0xFFFF) {
            error = "field '" + std::string(name) + "': path too long";
            return false;
        }
        out.any_value = out.segments.size() == 1 && out.segments[0] == "**";
        out.segment_count = static_cast<uint16_t>(out.segments.size());
        bool tail_literal = out.segments.size() >= 2 && out.segments[0] == "**";
        for (size_t i = 1; tail_literal && i < out.segments.size(); ++i) {
            tail_literal = out.segments[i] != "*" && out.segments[i] != "**";
        }
        if (tail_literal) {
            out.deep_suffix = true;
            for (size_t i = 1; i < out.segments.size(); ++i) {
                if (i > 1) out.joined.push_back('\x1f');
                out.joined += out.segments[i];
            }
        } else if (!out.wildcard) {
            for (size_t i = 0; i < out.segments.size(); ++i) {
                if (i > 0) out.joined.push_back('\x1f');
                out.joined += out.segments[i];
            }
            out.hash = rules_text::Fnv1a(out.joined);
        }
        return true;
    }
    error = "unknown field '" + std::string(name) +
            "' (see rules/README.md for field names; JSON paths start with request., response., "
            "status_message., partner.resource_new_value., partner.resource_old_value., "
            "partner.customized_data. or bodies.)";
    return false;
}

namespace {

bool LooksLikeJsonNumber(std::string_view text) {
    size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    if (i >= text.size()) return false;
    if (text[i] == '0') {
        ++i;
    } else if (text[i] >= '1' && text[i] <= '9') {
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    } else {
        return false;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start) return false;
    }
    return i == text.size();
}

} // namespace

void AppendYamlAsJson(const YAML::Node& node, std::string& out) {
    if (!node.IsDefined() || node.IsNull()) {
        out += "null";
        return;
    }
    if (node.IsMap()) {
        out.push_back('{');
        bool first = true;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!first) out.push_back(',');
            first = false;
            AppendJsonString(out, it->first.IsScalar() ? it->first.Scalar() : std::string());
            out.push_back(':');
            AppendYamlAsJson(it->second, out);
        }
        out.push_back('}');
        return;
    }
    if (node.IsSequence()) {
        out.push_back('[');
        bool first = true;
        for (const YAML::Node& child : node) {
            if (!first) out.push_back(',');
            first = false;
            AppendYamlAsJson(child, out);
        }
        out.push_back(']');
        return;
    }
    const std::string& text = node.Scalar();
    if (node.Tag() != "!") { // plain (unquoted) scalar
        if (text == "true" || text == "false" || text == "null") {
            out += text;
            return;
        }
        if (LooksLikeJsonNumber(text)) {
            out += text;
            return;
        }
    }
    AppendJsonString(out, text);
}

RE2::Options PatternOptions(PatternUse use) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_never_capture(true);
    options.set_case_sensitive(true); // case is set per pattern with (?i:...)
    // The budget bounds each matcher's compiled program and DFA cache; past it RE2 falls back to
    // slower but correct matching (single regexes) or reports out-of-memory (Sets, which the
    // matcher then replaces with the single regexes).
    options.set_max_mem(use == PatternUse::kSet ? (32 << 20) : (4 << 20));
    return options;
}

std::string BuildPattern(StringOp op, const std::vector<std::string>& values, bool case_sensitive) {
    std::string alts;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) alts.push_back('|');
        if (op == StringOp::kRegex) {
            alts += "(?:" + values[i] + ")";
        } else {
            alts += rules_text::QuoteRegex(values[i]);
        }
    }
    std::string group = (case_sensitive ? "(?:" : "(?i:") + alts + ")";
    switch (op) {
    case StringOp::kEquals:
        return "^" + group + "$";
    case StringOp::kStartsWith:
        return "^" + group;
    case StringOp::kEndsWith:
        return group + "$";
    case StringOp::kContains:
    case StringOp::kRegex:
        return group;
    }
    return group;
}

namespace {

// Pattern for `values` plus, for base64offset, the case-sensitive encoded variants.
std::string PatternWithVariants(const Predicate& pred, const std::vector<std::string>& values,
                                const std::vector<std::string>& variants) {
    std::string pattern = BuildPattern(pred.op, values, pred.case_sensitive);
    if (!variants.empty()) pattern = "(?:" + pattern + ")|" + BuildPattern(pred.op, variants, true);
    return pattern;
}

} // namespace

bool CompileStringPredicate(Predicate& pred, std::string& error) {
    RE2::Options options = PatternOptions(PatternUse::kSingle);
    std::vector<std::string> values;
    for (const std::string& v : pred.values) {
        if (v.empty() && pred.op == StringOp::kEquals) {
            pred.match_absent = true;
            continue;
        }
        if (v.empty()) {
            error = "empty value (matches everything); use exists: true instead";
            return false;
        }
        if (pred.op == StringOp::kRegex) {
            RE2 single(v, options);
            if (!single.ok()) {
                error = "regex '" + v + "' does not compile: " + single.error();
                return false;
            }
        }
        values.push_back(v);
    }
    pred.values = values;
    pred.regexes.clear();
    if (values.empty()) return true; // only "": true when absent
    auto compile = [&](const std::string& pattern) -> bool {
        auto re = std::make_unique<RE2>(pattern, options);
        if (!re->ok()) {
            error = "pattern does not compile: " + re->error();
            return false;
        }
        pred.regexes.push_back(std::move(re));
        return true;
    };
    std::vector<std::string> variants;
    if (pred.match_all) {
        for (const std::string& v : values) {
            std::vector<std::string> one = {v};
            std::vector<std::string> v_variants;
            if (pred.base64offset) v_variants = rules_text::Base64OffsetVariants(v);
            if (!compile(PatternWithVariants(pred, one, v_variants))) return false;
        }
        pred.pattern.clear();
        return true;
    }
    if (pred.base64offset) {
        for (const std::string& v : values) {
            for (std::string& variant : rules_text::Base64OffsetVariants(v)) {
                variants.push_back(std::move(variant));
            }
        }
    }
    pred.pattern = PatternWithVariants(pred, values, variants);
    return compile(pred.pattern);
}

// ---------------------------------------------------------------------------------------------
// Examples

bool ParseExample(LoadContext& ctx, const YAML::Node& node, RuleExample& example) {
    example.line = Line(node);
    if (!node.IsMap()) {
        ctx.Error(node, "an example must be a map of field names to values");
        return false;
    }
    auto built = std::make_shared<ExampleEvent>();
    bool ok = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::optional<std::string> key = ScalarText(it->first);
        // A copy: `it->second` lives in a temporary proxy of yaml-cpp's iterator.
        const YAML::Node value = it->second;
        if (!key) {
            ctx.Error(it->first, "example keys must be field names");
            ok = false;
            continue;
        }
        if (*key == "_content_unavailable") {
            std::optional<std::string> text = ScalarText(value);
            if (!text || (*text != "true" && *text != "false")) {
                ctx.Error(value, "_content_unavailable must be true or false");
                ok = false;
                continue;
            }
            example.content_unavailable = *text == "true";
            continue;
        }
        std::optional<ScalarField> field = LookupScalarField(*key);
        if (!field) {
            std::string hint;
            FieldRef ref;
            std::string ignored;
            if (ParseFieldRef(*key, ref, ignored)) {
                hint = " (give the whole body, e.g. `request: {properties: {...}}`)";
            }
            ctx.Error(it->first, "example: unknown field '" + *key + "'" + hint);
            ok = false;
            continue;
        }
        bool json_member = *field == ScalarField::kRequestText ||
                           *field == ScalarField::kResponseText ||
                           *field == ScalarField::kStatusMessageText ||
                           *field == ScalarField::kPartnerResourceNewValueText ||
                           *field == ScalarField::kPartnerResourceOldValueText ||
                           *field == ScalarField::kPartnerCustomizedDataText;
        std::string error;
        if (*field == ScalarField::kPartnerSubscriptionIds && value.IsSequence()) {
            for (const YAML::Node& id : value) {
                std::optional<std::string> text = ScalarText(id);
                if (!text || !built->Set(*key, *text, error)) {
                    ctx.Error(id, "example: partner.subscription_ids must be a list of ids");
                    ok = false;
                }
            }
            continue;
        }
        std::string text;
        if (value.IsMap() || value.IsSequence()) {
            if (!json_member) {
                ctx.Error(value, "example: field '" + *key + "' takes a single value");
                ok = false;
                continue;
            }
            AppendYamlAsJson(value, text);
        } else if (std::optional<std::string> scalar = ScalarText(value)) {
            text = *scalar;
        } else {
            continue; // null: field absent
        }
        if (!built->Set(*key, text, error)) {
            ctx.Error(value, "example: " + error);
            ok = false;
        }
    }
    example.event = std::move(built);
    return ok;
}

// ---------------------------------------------------------------------------------------------
// Native rule documents

namespace {

bool ParseNumber(const YAML::Node& node, double& out) {
    std::optional<std::string> text = ScalarText(node);
    if (!text || text->empty()) return false;
    std::string_view view = *text;
    if (view.front() == '+') view.remove_prefix(1);
    auto result = std::from_chars(view.data(), view.data() + view.size(), out);
    return result.ec == std::errc() && result.ptr == view.data() + view.size() &&
           std::isfinite(out);
}

bool ParseBool(const YAML::Node& node, bool& out) {
    std::optional<std::string> text = ScalarText(node);
    if (!text) return false;
    if (*text == "true") {
        out = true;
        return true;
    }
    if (*text == "false") {
        out = false;
        return true;
    }
    return false;
}

std::optional<Transform> ParseTransform(std::string_view name) {
    if (name == "number") return Transform::kNumber;
    if (name == "vcpus") return Transform::kVcpus;
    if (name == "active_vcpus") return Transform::kActiveVcpus;
    if (name == "vm_family") return Transform::kVmFamily;
    if (name == "vm_class") return Transform::kVmClass;
    if (name == "vm_accelerator") return Transform::kVmAccelerator;
    if (name == "base64") return Transform::kBase64;
    return std::nullopt;
}

bool IsNumericTransform(Transform t) {
    return t == Transform::kNumber || t == Transform::kVcpus || t == Transform::kActiveVcpus;
}

class NativeRuleParser {
  public:
    NativeRuleParser(LoadContext& ctx, RuleDraft& draft) : ctx_(ctx), draft_(draft) {}

    bool ParseCondition(const YAML::Node& node, CondAst& out, int depth) {
        out.line = Line(node);
        if (depth > 32) {
            ctx_.Error(node, "condition nested too deeply (limit 32)");
            return false;
        }
        if (!node.IsMap()) {
            ctx_.Error(node, "a condition must be a map: {all: [...]}, {any: [...]}, "
                             "{none: [...]}, {not: {...}} or a predicate {field: ..., <op>: ...}");
            return false;
        }
        for (const char* combinator : {"all", "any", "none", "not"}) {
            if (!node[combinator]) continue;
            if (node.size() != 1) {
                ctx_.Error(node, std::string("'") + combinator +
                                     "' must be the only key of its condition map");
                return false;
            }
            const YAML::Node& body = node[combinator];
            if (std::string_view(combinator) == "not") {
                out.kind = CondAst::Kind::kNot;
                out.children.emplace_back();
                return ParseCondition(body, out.children.back(), depth + 1);
            }
            if (!body.IsSequence() || body.size() == 0) {
                ctx_.Error(body, std::string("'") + combinator +
                                     "' takes a non-empty list of conditions");
                return false;
            }
            CondAst list;
            list.kind =
                std::string_view(combinator) == "all" ? CondAst::Kind::kAll : CondAst::Kind::kAny;
            list.line = out.line;
            bool ok = true;
            for (const YAML::Node& child : body) {
                list.children.emplace_back();
                ok = ParseCondition(child, list.children.back(), depth + 1) && ok;
            }
            if (std::string_view(combinator) == "none") {
                out.kind = CondAst::Kind::kNot;
                out.children.push_back(std::move(list));
            } else {
                out = std::move(list);
            }
            return ok;
        }
        out.kind = CondAst::Kind::kPred;
        out.pred = std::make_unique<Predicate>();
        return ParsePredicate(node, *out.pred);
    }

  private:
    bool ParsePredicate(const YAML::Node& node, Predicate& pred) {
        pred.line = Line(node);
        static const std::set<std::string> kKeys = {"field",
                                                    "sum",
                                                    "product",
                                                    "as",
                                                    "equals",
                                                    "contains",
                                                    "startswith",
                                                    "endswith",
                                                    "regex",
                                                    "gt",
                                                    "gte",
                                                    "lt",
                                                    "lte",
                                                    "eq",
                                                    "ne",
                                                    "exists",
                                                    "case_sensitive",
                                                    "match",
                                                    "base64offset",
                                                    "default",
                                                    "aggregate"};
        bool ok = true;
        std::vector<std::string> ops;
        for (auto it = node.begin(); it != node.end(); ++it) {
            std::optional<std::string> key = ScalarText(it->first);
            if (!key || kKeys.count(*key) == 0) {
                ctx_.Error(it->first, "unknown predicate key '" + key.value_or("?") + "'");
                ok = false;
                continue;
            }
            if (*key == "equals" || *key == "contains" || *key == "startswith" ||
                *key == "endswith" || *key == "regex" || *key == "gt" || *key == "gte" ||
                *key == "lt" || *key == "lte" || *key == "eq" || *key == "ne" || *key == "exists") {
                ops.push_back(*key);
            }
        }
        if (!ok) return false;
        if (ops.size() != 1) {
            ctx_.Error(node, ops.empty()
                                 ? "predicate has no operator (equals, contains, startswith, "
                                   "endswith, regex, gt, gte, lt, lte, eq, ne, exists)"
                                 : "predicate has more than one operator; combine them with all:");
            return false;
        }
        const std::string& op = ops[0];
        int sources = (node["field"] ? 1 : 0) + (node["sum"] ? 1 : 0) + (node["product"] ? 1 : 0);
        if (sources != 1) {
            ctx_.Error(node, "predicate needs exactly one of field, sum, product");
            return false;
        }
        bool numeric =
            op == "gt" || op == "gte" || op == "lt" || op == "lte" || op == "eq" || op == "ne";
        if (!node["field"] && !numeric) {
            ctx_.Error(node, "sum and product only work with gt, gte, lt, lte, eq, ne");
            return false;
        }
        if (node["field"]) {
            std::optional<std::string> name = ScalarText(node["field"]);
            std::string error;
            if (!name) {
                ctx_.Error(node["field"], "field must be a field name");
                return false;
            }
            if (!ParseFieldRef(*name, pred.field, error)) {
                ctx_.Error(node["field"], error);
                return false;
            }
        }
        if (node["as"]) {
            std::optional<std::string> name = ScalarText(node["as"]);
            std::optional<Transform> t = name ? ParseTransform(*name) : std::nullopt;
            if (!t) {
                ctx_.Error(node["as"], "as: expected number, vcpus, active_vcpus, vm_family, "
                                       "vm_class, vm_accelerator or base64");
                return false;
            }
            pred.as = *t;
        }
        auto reject = [&](const char* key, const char* why) {
            if (!node[key]) return true;
            ctx_.Error(node[key], std::string(key) + " " + why);
            return false;
        };
        if (op == "exists") {
            ok = reject("as", "does not apply to exists") &&
                 reject("case_sensitive", "does not apply to exists") &&
                 reject("match", "does not apply to exists") &&
                 reject("base64offset", "does not apply to exists") &&
                 reject("default", "does not apply to exists") &&
                 reject("aggregate", "does not apply to exists");
            if (!ok) return false;
            pred.kind = Predicate::Kind::kExists;
            if (!ParseBool(node["exists"], pred.exists)) {
                ctx_.Error(node["exists"], "exists must be true or false");
                return false;
            }
            return true;
        }
        if (numeric) return ParseNumeric(node, op, pred);
        return ParseString(node, op, pred);
    }

    bool ParseString(const YAML::Node& node, const std::string& op, Predicate& pred) {
        bool ok = true;
        if (node["default"] || node["aggregate"]) {
            ctx_.Error(node, "default and aggregate only apply to numeric comparisons");
            return false;
        }
        if (IsNumericTransform(pred.as)) {
            ctx_.Error(node["as"], "as: this transform yields a number; compare it with gt, gte, "
                                   "lt, lte, eq or ne");
            return false;
        }
        pred.kind = Predicate::Kind::kString;
        if (op == "equals") pred.op = StringOp::kEquals;
        if (op == "contains") pred.op = StringOp::kContains;
        if (op == "startswith") pred.op = StringOp::kStartsWith;
        if (op == "endswith") pred.op = StringOp::kEndsWith;
        if (op == "regex") pred.op = StringOp::kRegex;
        const YAML::Node& values = node[op];
        if (values.IsSequence()) {
            if (values.size() == 0) {
                ctx_.Error(values, op + " needs at least one value");
                return false;
            }
            for (const YAML::Node& v : values) {
                std::optional<std::string> text = ScalarText(v);
                if (!text) {
                    ctx_.Error(v, op + " values must be strings");
                    ok = false;
                    continue;
                }
                pred.values.push_back(*text);
            }
        } else if (std::optional<std::string> text = ScalarText(values)) {
            pred.values.push_back(*text);
        } else {
            ctx_.Error(values, op + " needs a string or a list of strings");
            return false;
        }
        if (!ok) return false;
        if (node["case_sensitive"] && !ParseBool(node["case_sensitive"], pred.case_sensitive)) {
            ctx_.Error(node["case_sensitive"], "case_sensitive must be true or false");
            return false;
        }
        if (node["match"]) {
            std::optional<std::string> mode = ScalarText(node["match"]);
            if (!mode || (*mode != "any" && *mode != "all")) {
                ctx_.Error(node["match"], "match must be any or all");
                return false;
            }
            pred.match_all = *mode == "all";
        }
        if (node["base64offset"]) {
            if (!ParseBool(node["base64offset"], pred.base64offset)) {
                ctx_.Error(node["base64offset"], "base64offset must be true or false");
                return false;
            }
            if (pred.base64offset && pred.op != StringOp::kContains) {
                ctx_.Error(node["base64offset"], "base64offset only applies to contains");
                return false;
            }
        }
        std::string error;
        if (!CompileStringPredicate(pred, error)) {
            ctx_.Error(node[op], error);
            return false;
        }
        return true;
    }

    bool ParseNumeric(const YAML::Node& node, const std::string& op, Predicate& pred) {
        pred.kind = Predicate::Kind::kNumeric;
        if (node["case_sensitive"] || node["match"] || node["base64offset"]) {
            ctx_.Error(node, "case_sensitive, match and base64offset only apply to string "
                             "comparisons");
            return false;
        }
        if (op == "gt") pred.cmp = CmpOp::kGt;
        if (op == "gte") pred.cmp = CmpOp::kGte;
        if (op == "lt") pred.cmp = CmpOp::kLt;
        if (op == "lte") pred.cmp = CmpOp::kLte;
        if (op == "eq") pred.cmp = CmpOp::kEq;
        if (op == "ne") pred.cmp = CmpOp::kNe;
        if (!ParseNumber(node[op], pred.rhs)) {
            ctx_.Error(node[op], op + " needs a number");
            return false;
        }
        if (node["aggregate"]) {
            std::optional<std::string> name = ScalarText(node["aggregate"]);
            static const std::pair<const char*, Aggregate> kAggregates[] = {
                {"any", Aggregate::kAny}, {"all", Aggregate::kAll}, {"sum", Aggregate::kSum},
                {"max", Aggregate::kMax}, {"min", Aggregate::kMin}, {"count", Aggregate::kCount}};
            bool found = false;
            for (const auto& [label, value] : kAggregates) {
                if (name && *name == label) {
                    pred.aggregate = value;
                    found = true;
                }
            }
            if (!found) {
                ctx_.Error(node["aggregate"], "aggregate must be any, all, sum, max, min or count");
                return false;
            }
        }
        if (node["field"]) {
            if (pred.as == Transform::kNone) pred.as = Transform::kNumber;
            if (!IsNumericTransform(pred.as)) {
                ctx_.Error(node["as"], "as: numeric comparisons need number, vcpus or "
                                       "active_vcpus");
                return false;
            }
            if (pred.field.kind == FieldRef::Kind::kKeywords) {
                ctx_.Error(node["field"], "keyword search cannot be compared numerically");
                return false;
            }
            NumExpr expr;
            expr.kind = NumExpr::Kind::kField;
            expr.field = pred.field;
            expr.as = pred.as;
            if (node["default"]) {
                if (!ParseNumber(node["default"], expr.default_value)) {
                    ctx_.Error(node["default"], "default needs a number");
                    return false;
                }
                expr.has_default = true;
            }
            pred.expr = static_cast<uint32_t>(draft_.exprs.size());
            draft_.exprs.push_back(std::move(expr));
            return true;
        }
        if (node["as"] || node["default"]) {
            ctx_.Error(node, "as and default belong on the operands of sum / product");
            return false;
        }
        std::optional<uint32_t> index =
            ParseExpr(node["sum"] ? node["sum"] : node["product"],
                      node["sum"] ? NumExpr::Kind::kSum : NumExpr::Kind::kProduct, 0);
        if (!index) return false;
        pred.expr = *index;
        return true;
    }

    std::optional<uint32_t> ParseExpr(const YAML::Node& list, NumExpr::Kind kind, int depth) {
        if (depth > 8) {
            ctx_.Error(list, "sum / product nested too deeply (limit 8)");
            return std::nullopt;
        }
        if (!list.IsSequence() || list.size() < 2) {
            ctx_.Error(list, "sum and product take a list of at least two operands");
            return std::nullopt;
        }
        NumExpr expr;
        expr.kind = kind;
        for (const YAML::Node& operand : list) {
            std::optional<uint32_t> index = ParseOperand(operand, depth);
            if (!index) return std::nullopt;
            expr.operands.push_back(*index);
        }
        draft_.exprs.push_back(std::move(expr));
        return static_cast<uint32_t>(draft_.exprs.size() - 1);
    }

    std::optional<uint32_t> ParseOperand(const YAML::Node& node, int depth) {
        NumExpr expr;
        if (node.IsScalar()) {
            expr.kind = NumExpr::Kind::kConst;
            if (!ParseNumber(node, expr.constant)) {
                ctx_.Error(node, "operand must be a number or a map with field / sum / product");
                return std::nullopt;
            }
        } else if (node.IsMap() && (node["sum"] || node["product"])) {
            if (node.size() != 1) {
                ctx_.Error(node, "a sum / product operand takes no other keys");
                return std::nullopt;
            }
            return ParseExpr(node["sum"] ? node["sum"] : node["product"],
                             node["sum"] ? NumExpr::Kind::kSum : NumExpr::Kind::kProduct,
                             depth + 1);
        } else if (node.IsMap() && node["field"]) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                std::optional<std::string> key = ScalarText(it->first);
                if (!key || (*key != "field" && *key != "as" && *key != "default")) {
                    ctx_.Error(it->first, "operand keys are field, as and default");
                    return std::nullopt;
                }
            }
            expr.kind = NumExpr::Kind::kField;
            std::string error;
            std::optional<std::string> name = ScalarText(node["field"]);
            if (!name || !ParseFieldRef(*name, expr.field, error)) {
                ctx_.Error(node["field"], name ? error : "field must be a field name");
                return std::nullopt;
            }
            if (node["as"]) {
                std::optional<std::string> t = ScalarText(node["as"]);
                std::optional<Transform> transform = t ? ParseTransform(*t) : std::nullopt;
                if (!transform || !IsNumericTransform(*transform)) {
                    ctx_.Error(node["as"], "as: operands need number, vcpus or active_vcpus");
                    return std::nullopt;
                }
                expr.as = *transform;
            }
            if (node["default"]) {
                if (!ParseNumber(node["default"], expr.default_value)) {
                    ctx_.Error(node["default"], "default needs a number");
                    return std::nullopt;
                }
                expr.has_default = true;
            }
        } else {
            ctx_.Error(node, "operand must be a number or a map with field / sum / product");
            return std::nullopt;
        }
        draft_.exprs.push_back(std::move(expr));
        return static_cast<uint32_t>(draft_.exprs.size() - 1);
    }

    LoadContext& ctx_;
    RuleDraft& draft_;
};

bool ValidId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        char c = id[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.' && c != ':'))) return false;
    }
    return true;
}

// Why a native rule's signal is refused; empty when it is a kind the analysis knows.
std::string SignalProblem(std::string_view signal) {
    if (signal_kind::IsNative(signal)) return {};
    if (signal == signal_kind::kSigma) return "signal 'sigma' is reserved for Sigma rules";
    std::string known;
    for (std::string_view kind : signal_kind::kNative) {
        if (!known.empty()) known += ", ";
        known += kind;
    }
    return "unknown signal '" + std::string(signal) + "' (known: " + known +
           "; see rules/README.md, Signals)";
}

bool ReadStringList(LoadContext& ctx, const YAML::Node& node, const char* key,
                    std::vector<std::string>& out) {
    if (!node) return true;
    if (!node.IsSequence()) {
        ctx.Error(node, std::string(key) + " must be a list of strings");
        return false;
    }
    for (const YAML::Node& item : node) {
        std::optional<std::string> text = ScalarText(item);
        if (!text) {
            ctx.Error(item, std::string(key) + " must be a list of strings");
            return false;
        }
        out.push_back(*text);
    }
    return true;
}

void LoadNativeRule(LoadContext& ctx, const YAML::Node& node, size_t path_index,
                    std::vector<RuleDraft>& drafts) {
    ctx.rule_id.clear();
    if (!node.IsMap()) {
        ctx.Error(node, "each entry of rules: must be a map");
        return;
    }
    size_t errors_before = ctx.error_count();
    RuleDraft draft;
    Rule& rule = draft.rule;
    rule.source_file = ctx.file();
    rule.source_line = Line(node);
    draft.path_index = path_index;

    std::optional<std::string> id = ScalarText(node["id"]);
    if (!id || !ValidId(*id)) {
        ctx.Error(node["id"] ? node["id"] : node,
                  id ? "id '" + *id + "' is not valid (letters, digits, - _ . :)"
                     : "rule has no id");
    } else {
        rule.id = *id;
        ctx.rule_id = *id;
    }
    static const std::set<std::string> kKeys = {
        "id",           "title",    "description", "references",
        "tags",         "signal",   "condition",   "content_unavailable",
        "content_note", "examples", "enabled",     "level"};
    if (node["enabled"]) {
        std::optional<std::string> enabled = ScalarText(node["enabled"]);
        if (!enabled || (*enabled != "true" && *enabled != "false")) {
            ctx.Error(node["enabled"], "enabled must be true or false");
            return;
        }
        if (*enabled == "false") {
            // A switch-off entry: only the id matters; the rule (and any earlier rule with the
            // same id) is left out of the set.
            draft.disabled = true;
            if (ctx.error_count() == errors_before) drafts.push_back(std::move(draft));
            return;
        }
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::optional<std::string> key = ScalarText(it->first);
        if (key && *key == "weight") {
            ctx.Error(it->first, "weight was removed from the rule format: it never changed "
                                 "severity, which follows from the signals (README, Severity); "
                                 "delete the line");
        } else if (!key || kKeys.count(*key) == 0) {
            ctx.Error(it->first, "unknown rule key '" + key.value_or("?") + "'");
        }
    }
    for (const char* key : {"title", "description"}) {
        std::optional<std::string> text = ScalarText(node[key]);
        if (!text || text->empty()) {
            ctx.Error(node[key] ? node[key] : node, std::string("rule has no ") + key);
        } else if (std::string_view(key) == "title") {
            rule.title = *text;
        } else {
            rule.description = *text;
        }
    }
    ReadStringList(ctx, node["references"], "references", rule.references);
    ReadStringList(ctx, node["tags"], "tags", rule.tags);
    std::optional<std::string> signal = ScalarText(node["signal"]);
    std::string signal_problem = signal ? SignalProblem(*signal) : "rule has no signal";
    if (!signal_problem.empty()) {
        ctx.Error(node["signal"] ? node["signal"] : node, std::move(signal_problem));
    } else {
        rule.signal = *signal;
    }

    if (node["level"]) {
        rule.level = ScalarText(node["level"]).value_or("");
        if (!IsSigmaLevel(rule.level))
            ctx.Error(node["level"], "level '" + rule.level +
                                         "' is not informational, low, medium, high or critical");
    } else if (!rule.signal.empty()) {
        rule.level = std::string(signal_kind::DefaultLevel(rule.signal));
    }

    NativeRuleParser parser(ctx, draft);
    if (!node["condition"]) {
        ctx.Error(node, "rule has no condition");
    } else {
        parser.ParseCondition(node["condition"], draft.condition, 0);
    }
    if (node["content_unavailable"]) {
        draft.has_unavailable = true;
        const YAML::Node& cu = node["content_unavailable"];
        if (cu.IsScalar() && cu.Scalar() == "true") {
            draft.unavailable.kind = CondAst::Kind::kConst;
            draft.unavailable.value = true;
        } else {
            parser.ParseCondition(cu, draft.unavailable, 0);
        }
        std::optional<std::string> note = ScalarText(node["content_note"]);
        if (!note || note->empty()) {
            ctx.Error(cu, "content_unavailable needs a content_note saying what is missing");
        } else {
            rule.content_note = *note;
        }
    } else if (node["content_note"]) {
        ctx.Error(node["content_note"], "content_note without content_unavailable");
    }

    const YAML::Node& examples = node["examples"];
    size_t positives = 0;
    size_t negatives = 0;
    if (examples && !examples.IsMap()) {
        ctx.Error(examples, "examples must be a map with match: and no_match: lists");
    } else if (examples) {
        for (auto it = examples.begin(); it != examples.end(); ++it) {
            std::optional<std::string> key = ScalarText(it->first);
            if (!key || (*key != "match" && *key != "no_match")) {
                ctx.Error(it->first, "examples keys are match and no_match");
                continue;
            }
            if (!it->second.IsSequence()) {
                ctx.Error(it->second, "examples." + *key + " must be a list of events");
                continue;
            }
            const YAML::Node list = it->second; // not a reference: see ParseExample
            for (const YAML::Node& item : list) {
                RuleExample example;
                example.should_match = *key == "match";
                // Counted even when malformed: its own error is reported already.
                (example.should_match ? positives : negatives)++;
                if (ParseExample(ctx, item, example)) rule.examples.push_back(std::move(example));
            }
        }
    }
    if (positives == 0 || negatives == 0) {
        ctx.Error(examples ? examples : node,
                  "rule needs at least one match and one no_match example");
    }
    if (ctx.error_count() == errors_before) drafts.push_back(std::move(draft));
}

} // namespace

void LoadNativeDocument(LoadContext& ctx, const YAML::Node& doc, size_t path_index,
                        std::vector<RuleDraft>& drafts) {
    if (!doc.IsMap() || !doc["rules"]) {
        ctx.Error(doc, "not a rule file: expected a map with a rules: list (native format) or "
                       "a Sigma rule (logsource: + detection:)");
        return;
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        std::optional<std::string> key = ScalarText(it->first);
        if (!key || (*key != "rules" && *key != "pack" && *key != "description")) {
            ctx.Error(it->first, "unknown top-level key '" + key.value_or("?") +
                                     "' (expected rules, pack, description)");
        }
    }
    const YAML::Node& rules = doc["rules"];
    if (!rules.IsSequence()) {
        ctx.Error(rules, "rules: must be a list of rules");
        return;
    }
    for (const YAML::Node& node : rules) {
        try {
            LoadNativeRule(ctx, node, path_index, drafts);
        } catch (const YAML::Exception& e) {
            ctx.Error(e.mark.line >= 0 ? e.mark.line + 1 : Line(node), e.msg);
        }
    }
    ctx.rule_id.clear();
}

void LoadRuleFile(const std::string& file, const std::string& text, size_t path_index,
                  std::vector<RuleDraft>& drafts, std::vector<LintMessage>& errors) {
    LoadContext ctx(file, errors);
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        ctx.Error(e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML syntax error: " + e.msg);
        return;
    }
    size_t non_empty = 0;
    for (const YAML::Node& doc : docs) {
        if (!doc.IsDefined() || doc.IsNull()) continue;
        ++non_empty;
        try {
            if (IsSigmaDocument(doc)) {
                LoadSigmaDocument(ctx, doc, path_index, drafts);
            } else {
                LoadNativeDocument(ctx, doc, path_index, drafts);
            }
        } catch (const YAML::Exception& e) {
            ctx.Error(e.mark.line >= 0 ? e.mark.line + 1 : Line(doc), e.msg);
        }
        ctx.rule_id.clear();
    }
    if (non_empty == 0) ctx.Error(0, "file holds no rules");
}

} // namespace minetrace::rules_internal
