// Sigma rules for `logsource: {product: azure, service: activitylogs}` mapped onto the
// normalized event. Every construct outside the supported subset is a lint error naming the rule
// and the construct; nothing is skipped silently. Supported: search identifiers as maps (AND of
// fields), lists of maps (OR) and keyword lists; modifiers contains, startswith, endswith, re
// (with i, m, s), all, cased, base64offset, exists, gt, gte, lt, lte; `*` / `?` wildcards; null
// values; conditions with and, or, not, parentheses, `1 of` / `any of` / `all of` (pattern or
// `them`), and a list of conditions (OR).
//
// Kept whole (about 780 lines, over the house's ~700): the converter is one recursive translation
// of a Sigma detection (search identifiers, modifiers, the condition grammar) into the compiled
// form, and its parts share the converter's state; splitting it would only spread that state.
#include "core/ascii.hpp"
#include "rules/loader_util.hpp"
#include "rules/signal_kind.hpp"

#include <map>

namespace minetrace::rules_internal {

bool IsSigmaLevel(std::string_view level) {
    return level == "informational" || level == "low" || level == "medium" || level == "high" ||
           level == "critical";
}

bool IsSigmaDocument(const YAML::Node& doc) {
    return doc.IsMap() && (doc["detection"] || doc["logsource"]);
}

namespace {

// Sigma field names (Event Hub / storage export, REST and Log Analytics spellings) onto the
// normalized field names. Looked up exactly first, then ignoring ASCII case.
struct FieldMapping {
    const char* sigma;
    const char* field;
};
constexpr FieldMapping kFieldMap[] = {
    {"operationName", "operation"},
    {"OperationNameValue", "operation"},
    {"operationName.value", "operation"},
    // Export records carry the operation name (original case) in properties.message.
    {"properties.message", "operation"},
    {"OperationName", "operation_display"},
    {"operationName.localizedValue", "operation_display"},
    {"category", "category"},
    {"CategoryValue", "category"},
    {"Category", "category"},
    {"category.value", "category"},
    {"properties.eventCategory", "category"},
    {"ResourceProviderValue", "resource_provider"},
    {"ResourceProvider", "resource_provider"},
    {"resourceProviderName", "resource_provider"},
    {"resourceProviderName.value", "resource_provider"},
    {"resourceId", "resource_id"},
    {"ResourceId", "resource_id"},
    {"_ResourceId", "resource_id"},
    {"properties.entity", "resource_id"},
    {"resourceGroupName", "resource_group"},
    {"ResourceGroup", "resource_group"},
    {"Resource", "resource_name"},
    {"resourceType", "resource_type"},
    {"resourceType.value", "resource_type"},
    {"subscriptionId", "subscription_id"},
    {"SubscriptionId", "subscription_id"},
    {"tenantId", "tenant_id"},
    {"caller", "caller.caller"},
    {"Caller", "caller.caller"},
    {"callerIpAddress", "caller_ip"},
    {"CallerIpAddress", "caller_ip"},
    {"httpRequest.clientIpAddress", "caller_ip"},
    {"resultType", "status"},
    {"status", "status"},
    {"status.value", "status"},
    {"ActivityStatusValue", "status"},
    {"ActivityStatus", "status"},
    {"resultSignature", "status_code"},
    {"subStatus", "status_code"},
    {"subStatus.value", "status_code"},
    {"ActivitySubstatusValue", "status_code"},
    {"properties.statusCode", "status_code"},
    {"correlationId", "correlation_id"},
    {"CorrelationId", "correlation_id"},
    {"operationId", "operation_id"},
    {"OperationId", "operation_id"},
    {"eventDataId", "event_data_id"},
    {"EventDataId", "event_data_id"},
    {"level", "level"},
    {"Level", "level"},
    {"properties.requestbody", "request"},
    {"properties.responseBody", "response"},
    {"properties.statusMessage", "status_message"},
    {"identity.authorization.action", "authorization.action"},
    {"identity.authorization.scope", "authorization.scope"},
    {"identity.authorization.evidence.role", "authorization.evidence_role"},
    {"identity.authorization.evidence.roleAssignmentId", "authorization.role_assignment_id"},
    {"identity.authorization.evidence.roleDefinitionId", "authorization.role_definition_id"},
    {"identity.authorization.evidence.principalId", "authorization.principal_id"},
    {"identity.authorization.evidence.principalType", "authorization.principal_type"},
    {"identity.claims.appid", "caller.app_id"},
    {"identity.claims.ipaddr", "caller.ip_claim"},
    {"identity.claims.http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "caller.upn"},
    {"identity.claims.http://schemas.microsoft.com/identity/claims/objectidentifier",
     "caller.object_id"},
    {"identity.claims.http://schemas.microsoft.com/identity/claims/tenantid",
     "caller.token_tenant"},
};

std::optional<std::string> MapSigmaField(std::string_view name) {
    for (const FieldMapping& m : kFieldMap) {
        if (name == m.sigma) return std::string(m.field);
    }
    for (const FieldMapping& m : kFieldMap) {
        if (EqualsIgnoreCase(name, m.sigma)) return std::string(m.field);
    }
    // Normalized names are accepted too, so responders can write Sigma against them.
    FieldRef ref;
    std::string ignored;
    if (ParseFieldRef(name, ref, ignored)) return std::string(name);
    return std::nullopt;
}

struct Token {
    enum class Kind : uint8_t { kWord, kOpen, kClose, kEnd };
    Kind kind = Kind::kEnd;
    std::string text;
};

class SigmaConverter {
  public:
    SigmaConverter(LoadContext& ctx, RuleDraft& draft, const YAML::Node& detection)
        : ctx_(ctx), draft_(draft), detection_(detection) {}

    bool Convert() {
        bool ok = true;
        for (auto it = detection_.begin(); it != detection_.end(); ++it) {
            std::optional<std::string> key = ScalarText(it->first);
            if (!key) {
                ctx_.Error(it->first, "detection keys must be names");
                ok = false;
                continue;
            }
            if (*key == "condition") continue;
            if (*key == "timeframe") {
                ctx_.Error(it->first, "unsupported Sigma construct 'timeframe' (correlation / "
                                      "aggregation over time is not supported)");
                ok = false;
                continue;
            }
            names_.push_back(*key);
            CondAst ast;
            if (BuildSelection(it->second, ast)) {
                built_.emplace(*key, std::move(ast));
            } else {
                ok = false;
            }
        }
        const YAML::Node& condition = detection_["condition"];
        if (!condition) {
            ctx_.Error(detection_, "detection has no condition");
            return false;
        }
        if (!ok) return false;
        condition_line_ = Line(condition);
        if (condition.IsSequence()) {
            // A list of conditions is their OR (older Sigma style).
            CondAst any;
            any.kind = CondAst::Kind::kAny;
            for (const YAML::Node& item : condition) {
                std::optional<std::string> text = ScalarText(item);
                if (!text) {
                    ctx_.Error(item, "condition list entries must be strings");
                    return false;
                }
                any.children.emplace_back();
                if (!ParseCondition(*text, any.children.back())) return false;
            }
            draft_.condition = std::move(any);
            return true;
        }
        std::optional<std::string> text = ScalarText(condition);
        if (!text) {
            ctx_.Error(condition, "condition must be a string");
            return false;
        }
        return ParseCondition(*text, draft_.condition);
    }

  private:
    // ----- search identifiers

    bool BuildSelection(const YAML::Node& node, CondAst& out) {
        out.line = Line(node);
        if (node.IsMap()) return BuildFieldMap(node, out);
        if (node.IsSequence()) {
            bool all_maps = true;
            bool all_scalars = true;
            for (const YAML::Node& item : node) {
                all_maps = all_maps && item.IsMap();
                all_scalars = all_scalars && item.IsScalar();
            }
            if (node.size() == 0) {
                ctx_.Error(node, "empty search identifier");
                return false;
            }
            if (all_maps) {
                out.kind = CondAst::Kind::kAny;
                bool ok = true;
                for (const YAML::Node& item : node) {
                    out.children.emplace_back();
                    ok = BuildFieldMap(item, out.children.back()) && ok;
                }
                return ok;
            }
            if (all_scalars) {
                std::vector<std::string> values;
                for (const YAML::Node& item : node) values.push_back(item.Scalar());
                FieldRef ref;
                ref.kind = FieldRef::Kind::kKeywords;
                ref.name = "keywords";
                return BuildStringPredicate(node, ref, values, StringOp::kContains, false, false,
                                            false, "", out);
            }
            ctx_.Error(node, "unsupported Sigma construct: a search identifier list mixing "
                             "maps and keywords");
            return false;
        }
        ctx_.Error(node, "unsupported Sigma construct: a search identifier must be a map or a "
                         "list");
        return false;
    }

    bool BuildFieldMap(const YAML::Node& node, CondAst& out) {
        out.kind = CondAst::Kind::kAll;
        out.line = Line(node);
        if (node.size() == 0) {
            ctx_.Error(node, "empty search identifier");
            return false;
        }
        bool ok = true;
        for (auto it = node.begin(); it != node.end(); ++it) {
            std::optional<std::string> key = ScalarText(it->first);
            if (!key) {
                ctx_.Error(it->first, "field names must be strings");
                ok = false;
                continue;
            }
            out.children.emplace_back();
            ok = BuildFieldItem(it->first, *key, it->second, out.children.back()) && ok;
        }
        return ok;
    }

    bool BuildFieldItem(const YAML::Node& key_node, const std::string& key, const YAML::Node& value,
                        CondAst& out) {
        out.line = Line(key_node);
        std::vector<std::string> parts;
        size_t start = 0;
        while (true) {
            size_t bar = key.find('|', start);
            parts.push_back(key.substr(start, bar - start));
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
        StringOp op = StringOp::kEquals;
        int ops = 0;
        bool match_all = false;
        bool cased = false;
        bool base64offset = false;
        bool is_regex = false;
        std::string regex_flags;
        std::string numeric;
        bool exists = false;
        bool modifiers_ok = true;
        for (size_t i = 1; i < parts.size(); ++i) {
            const std::string& m = parts[i];
            if (m == "contains") {
                op = StringOp::kContains;
                ++ops;
            } else if (m == "startswith") {
                op = StringOp::kStartsWith;
                ++ops;
            } else if (m == "endswith") {
                op = StringOp::kEndsWith;
                ++ops;
            } else if (m == "re") {
                op = StringOp::kRegex;
                is_regex = true;
                ++ops;
            } else if (is_regex && (m == "i" || m == "m" || m == "s")) {
                regex_flags += m;
            } else if (m == "all") {
                match_all = true;
            } else if (m == "cased") {
                cased = true;
            } else if (m == "base64offset") {
                base64offset = true;
            } else if (m == "exists") {
                exists = true;
            } else if (m == "gt" || m == "gte" || m == "lt" || m == "lte") {
                numeric = m;
            } else {
                ctx_.Error(key_node, "unsupported Sigma modifier '" + m + "' in '" + key + "'");
                modifiers_ok = false;
            }
        }
        if (!modifiers_ok) return false;
        if (ops > 1) {
            ctx_.Error(key_node, "unsupported Sigma construct: more than one of contains, "
                                 "startswith, endswith, re in '" +
                                     key + "'");
            return false;
        }
        if (base64offset && op != StringOp::kContains) {
            ctx_.Error(key_node, "unsupported Sigma construct: base64offset without contains in '" +
                                     key + "'");
            return false;
        }
        if (parts[0].empty()) {
            ctx_.Error(key_node, "unsupported Sigma construct: keyword modifiers without a field "
                                 "('" +
                                     key + "')");
            return false;
        }
        std::optional<std::string> mapped = MapSigmaField(parts[0]);
        if (!mapped) {
            ctx_.Error(key_node, "field '" + parts[0] +
                                     "' has no mapping onto the normalized activity-log event");
            return false;
        }
        FieldRef ref;
        std::string error;
        if (!ParseFieldRef(*mapped, ref, error)) {
            ctx_.Error(key_node, error);
            return false;
        }
        if (exists) return BuildExists(key_node, key, ref, value, out);
        if (!numeric.empty()) return BuildNumeric(key_node, key, ref, numeric, value, out);

        std::vector<std::string> values;
        bool has_null = false;
        if (value.IsSequence()) {
            for (const YAML::Node& item : value) {
                if (item.IsNull()) {
                    has_null = true;
                } else if (item.IsScalar()) {
                    values.push_back(item.Scalar());
                } else {
                    ctx_.Error(item,
                               "unsupported Sigma construct: nested value lists in '" + key + "'");
                    return false;
                }
            }
        } else if (!value.IsDefined() || value.IsNull()) {
            has_null = true;
        } else if (value.IsScalar()) {
            values.push_back(value.Scalar());
        } else {
            ctx_.Error(value, "unsupported Sigma construct: a map as the value of '" + key + "'");
            return false;
        }
        if (has_null && (op != StringOp::kEquals || match_all)) {
            ctx_.Error(value, "unsupported Sigma construct: null with modifiers in '" + key + "'");
            return false;
        }
        CondAst null_pred;
        if (has_null) {
            null_pred.kind = CondAst::Kind::kPred;
            null_pred.line = Line(value);
            null_pred.pred = std::make_unique<Predicate>();
            null_pred.pred->kind = Predicate::Kind::kExists;
            null_pred.pred->exists = false;
            null_pred.pred->field = ref;
            null_pred.pred->line = null_pred.line;
            if (values.empty()) {
                out = std::move(null_pred);
                return true;
            }
        }
        bool case_sensitive = cased || (is_regex && regex_flags.find('i') == std::string::npos);
        std::string prefix;
        if (regex_flags.find('m') != std::string::npos) prefix += "(?m)";
        if (regex_flags.find('s') != std::string::npos) prefix += "(?s)";
        CondAst pred;
        if (!BuildStringPredicate(value, ref, values, op, match_all, case_sensitive, base64offset,
                                  prefix, pred)) {
            return false;
        }
        if (!has_null) {
            out = std::move(pred);
            return true;
        }
        out.kind = CondAst::Kind::kAny;
        out.children.push_back(std::move(null_pred));
        out.children.push_back(std::move(pred));
        return true;
    }

    bool BuildExists(const YAML::Node& key_node, const std::string& key, const FieldRef& ref,
                     const YAML::Node& value, CondAst& out) {
        std::optional<std::string> text = ScalarText(value);
        if (!text || (*text != "true" && *text != "false")) {
            ctx_.Error(value, "exists modifier needs true or false in '" + key + "'");
            return false;
        }
        out.kind = CondAst::Kind::kPred;
        out.line = Line(key_node);
        out.pred = std::make_unique<Predicate>();
        out.pred->kind = Predicate::Kind::kExists;
        out.pred->field = ref;
        out.pred->exists = *text == "true";
        out.pred->line = out.line;
        return true;
    }

    bool BuildNumeric(const YAML::Node& key_node, const std::string& key, const FieldRef& ref,
                      const std::string& op, const YAML::Node& value, CondAst& out) {
        std::optional<std::string> text = ScalarText(value);
        double number = 0;
        if (!text || text->empty()) {
            ctx_.Error(value, "numeric modifier needs a number in '" + key + "'");
            return false;
        }
        try {
            size_t used = 0;
            number = std::stod(*text, &used);
            if (used != text->size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            ctx_.Error(value, "numeric modifier needs a number in '" + key + "'");
            return false;
        }
        if (ref.kind == FieldRef::Kind::kKeywords) {
            ctx_.Error(key_node, "keyword search cannot be compared numerically");
            return false;
        }
        out.kind = CondAst::Kind::kPred;
        out.line = Line(key_node);
        out.pred = std::make_unique<Predicate>();
        Predicate& p = *out.pred;
        p.kind = Predicate::Kind::kNumeric;
        p.line = out.line;
        p.field = ref;
        p.as = Transform::kNumber;
        p.rhs = number;
        p.cmp = op == "gt"    ? CmpOp::kGt
                : op == "gte" ? CmpOp::kGte
                : op == "lt"  ? CmpOp::kLt
                              : CmpOp::kLte;
        NumExpr expr;
        expr.kind = NumExpr::Kind::kField;
        expr.field = ref;
        expr.as = Transform::kNumber;
        p.expr = static_cast<uint32_t>(draft_.exprs.size());
        draft_.exprs.push_back(std::move(expr));
        return true;
    }

    // Sigma values: wildcards make the predicate a regex anchored like the operator.
    bool BuildStringPredicate(const YAML::Node& where, const FieldRef& ref,
                              const std::vector<std::string>& raw_values, StringOp op,
                              bool match_all, bool case_sensitive, bool base64offset,
                              const std::string& regex_prefix, CondAst& out) {
        out.kind = CondAst::Kind::kPred;
        out.line = Line(where);
        out.pred = std::make_unique<Predicate>();
        Predicate& p = *out.pred;
        p.kind = Predicate::Kind::kString;
        p.line = out.line;
        p.field = ref;
        p.case_sensitive = case_sensitive;
        p.match_all = match_all;
        p.base64offset = base64offset;
        bool wildcard = false;
        if (op != StringOp::kRegex) {
            for (const std::string& v : raw_values)
                wildcard = wildcard || rules_text::HasSigmaWildcard(v);
        }
        if (base64offset && wildcard) {
            ctx_.Error(where, "unsupported Sigma construct: wildcards with base64offset");
            return false;
        }
        if (op == StringOp::kRegex) {
            p.op = StringOp::kRegex;
            for (const std::string& v : raw_values) p.values.push_back(regex_prefix + v);
        } else if (wildcard) {
            p.op = StringOp::kRegex;
            for (const std::string& v : raw_values) {
                std::string body = rules_text::SigmaWildcardToRegex(v);
                if (op == StringOp::kEquals) body = "^(?:" + body + ")$";
                if (op == StringOp::kStartsWith) body = "^(?:" + body + ")";
                if (op == StringOp::kEndsWith) body = "(?:" + body + ")$";
                if (v.empty() && op == StringOp::kEquals) body = "^$";
                p.values.push_back(body);
            }
        } else {
            p.op = op;
            for (const std::string& v : raw_values)
                p.values.push_back(rules_text::SigmaUnescape(v));
        }
        std::string error;
        if (!CompileStringPredicate(p, error)) {
            ctx_.Error(where, error);
            return false;
        }
        return true;
    }

    // ----- condition expression

    bool Tokenize(const std::string& text, std::vector<Token>& out) {
        size_t i = 0;
        while (i < text.size()) {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
            } else if (c == '(') {
                out.push_back({Token::Kind::kOpen, "("});
                ++i;
            } else if (c == ')') {
                out.push_back({Token::Kind::kClose, ")"});
                ++i;
            } else if (c == '|') {
                ctx_.Error(condition_line_,
                           "unsupported Sigma construct: aggregation ('| count() ...') in "
                           "condition '" +
                               text + "'");
                return false;
            } else {
                size_t start = i;
                while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' &&
                       text[i] != '\r' && text[i] != '(' && text[i] != ')' && text[i] != '|') {
                    ++i;
                }
                out.push_back({Token::Kind::kWord, text.substr(start, i - start)});
            }
        }
        out.push_back({Token::Kind::kEnd, ""});
        return true;
    }

    bool ParseCondition(const std::string& text, CondAst& out) {
        tokens_.clear();
        pos_ = 0;
        condition_text_ = text;
        if (!Tokenize(text, tokens_)) return false;
        if (!ParseOr(out, 0)) return false;
        if (IsWord(tokens_[pos_], "near")) return Fail("unsupported Sigma construct 'near'");
        if (tokens_[pos_].kind != Token::Kind::kEnd) {
            return Fail("unexpected '" + tokens_[pos_].text + "'");
        }
        return true;
    }

    bool Fail(const std::string& what) {
        ctx_.Error(condition_line_, "condition '" + condition_text_ + "': " + what);
        return false;
    }

    static bool IsWord(const Token& t, std::string_view word) {
        return t.kind == Token::Kind::kWord && EqualsIgnoreCase(t.text, word);
    }

    bool ParseOr(CondAst& out, int depth) {
        if (depth > 64) return Fail("nested too deeply");
        CondAst first;
        if (!ParseAnd(first, depth)) return false;
        if (!IsWord(tokens_[pos_], "or")) {
            out = std::move(first);
            return true;
        }
        out = CondAst{};
        out.kind = CondAst::Kind::kAny;
        out.line = condition_line_;
        out.children.push_back(std::move(first));
        while (IsWord(tokens_[pos_], "or")) {
            ++pos_;
            out.children.emplace_back();
            if (!ParseAnd(out.children.back(), depth)) return false;
        }
        return true;
    }

    bool ParseAnd(CondAst& out, int depth) {
        CondAst first;
        if (!ParseNot(first, depth)) return false;
        if (!IsWord(tokens_[pos_], "and")) {
            out = std::move(first);
            return true;
        }
        out = CondAst{};
        out.kind = CondAst::Kind::kAll;
        out.line = condition_line_;
        out.children.push_back(std::move(first));
        while (IsWord(tokens_[pos_], "and")) {
            ++pos_;
            out.children.emplace_back();
            if (!ParseNot(out.children.back(), depth)) return false;
        }
        return true;
    }

    bool ParseNot(CondAst& out, int depth) {
        if (IsWord(tokens_[pos_], "not")) {
            ++pos_;
            out = CondAst{};
            out.kind = CondAst::Kind::kNot;
            out.line = condition_line_;
            out.children.emplace_back();
            return ParseNot(out.children.back(), depth + 1);
        }
        return ParsePrimary(out, depth);
    }

    bool ParsePrimary(CondAst& out, int depth) {
        const Token& t = tokens_[pos_];
        if (t.kind == Token::Kind::kOpen) {
            ++pos_;
            if (!ParseOr(out, depth + 1)) return false;
            if (tokens_[pos_].kind != Token::Kind::kClose) return Fail("missing ')'");
            ++pos_;
            return true;
        }
        if (t.kind != Token::Kind::kWord) {
            return Fail(t.kind == Token::Kind::kEnd ? "unexpected end"
                                                    : "unexpected '" + t.text + "'");
        }
        if (IsWord(t, "near")) return Fail("unsupported Sigma construct 'near'");
        if (IsWord(t, "and") || IsWord(t, "or")) return Fail("unexpected '" + t.text + "'");
        if (IsWord(tokens_[pos_ + 1], "of")) {
            bool all = IsWord(t, "all");
            if (!all && t.text != "1" && !IsWord(t, "any")) {
                return Fail("unsupported Sigma construct '" + t.text +
                            " of' (only '1 of', 'any of' and 'all of')");
            }
            pos_ += 2;
            const Token& target = tokens_[pos_];
            if (target.kind != Token::Kind::kWord) return Fail("'of' needs a name pattern");
            ++pos_;
            std::vector<std::string> matched;
            bool them = IsWord(target, "them");
            for (const std::string& name : names_) {
                if (them ? name.rfind('_', 0) != 0 : GlobMatch(target.text, name)) {
                    matched.push_back(name);
                }
            }
            if (matched.empty()) {
                return Fail("'" + target.text + "' matches no search identifier");
            }
            out = CondAst{};
            out.kind = all ? CondAst::Kind::kAll : CondAst::Kind::kAny;
            out.line = condition_line_;
            for (const std::string& name : matched) {
                out.children.emplace_back();
                if (!Reference(name, out.children.back())) return false;
            }
            return true;
        }
        ++pos_;
        return Reference(t.text, out);
    }

    static bool GlobMatch(std::string_view pattern, std::string_view name) {
        if (pattern.empty()) return name.empty();
        if (pattern[0] == '*') {
            for (size_t i = 0; i <= name.size(); ++i) {
                if (GlobMatch(pattern.substr(1), name.substr(i))) return true;
            }
            return false;
        }
        return !name.empty() && pattern[0] == name[0] &&
               GlobMatch(pattern.substr(1), name.substr(1));
    }

    bool Reference(const std::string& name, CondAst& out) {
        auto it = built_.find(name);
        if (it == built_.end()) {
            bool known = false;
            for (const std::string& n : names_) known = known || n == name;
            if (!known) return Fail("unknown search identifier '" + name + "'");
            // Used twice: build it again (the first use took the compiled form).
            std::vector<LintMessage> ignored;
            LoadContext quiet(ctx_.file(), ignored);
            SigmaConverter again(quiet, draft_, detection_);
            return again.BuildSelection(detection_[name], out);
        }
        out = std::move(it->second);
        built_.erase(it);
        return true;
    }

    LoadContext& ctx_;
    RuleDraft& draft_;
    const YAML::Node& detection_;
    std::vector<std::string> names_;
    std::map<std::string, CondAst> built_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    int condition_line_ = 0;
    std::string condition_text_;
};

} // namespace

void LoadSigmaDocument(LoadContext& ctx, const YAML::Node& doc, size_t path_index,
                       std::vector<RuleDraft>& drafts) {
    size_t errors_before = ctx.error_count();
    RuleDraft draft;
    Rule& rule = draft.rule;
    rule.is_sigma = true;
    rule.signal = std::string(signal_kind::kSigma);
    rule.source_file = ctx.file();
    rule.source_line = Line(doc);
    draft.path_index = path_index;

    std::optional<std::string> id = ScalarText(doc["id"]);
    std::optional<std::string> title = ScalarText(doc["title"]);
    if (id && !id->empty()) {
        rule.id = *id;
    } else {
        std::string stem = ctx.file();
        size_t slash = stem.find_last_of('/');
        if (slash != std::string::npos) stem = stem.substr(slash + 1);
        size_t dot = stem.find('.');
        rule.id = "sigma-" + stem.substr(0, dot);
    }
    ctx.rule_id = rule.id;
    if (!title || title->empty()) {
        ctx.Error(doc, "Sigma rule has no title");
    } else {
        rule.title = *title;
    }
    rule.description = ScalarText(doc["description"]).value_or("");
    if (doc["references"] && doc["references"].IsSequence()) {
        for (const YAML::Node& r : doc["references"]) {
            if (std::optional<std::string> text = ScalarText(r)) rule.references.push_back(*text);
        }
    }
    if (doc["tags"] && doc["tags"].IsSequence()) {
        for (const YAML::Node& t : doc["tags"]) {
            if (std::optional<std::string> text = ScalarText(t)) rule.tags.push_back(*text);
        }
    }
    rule.level = ScalarText(doc["level"]).value_or("medium");
    if (!IsSigmaLevel(rule.level)) {
        ctx.Error(doc["level"], "Sigma level '" + rule.level +
                                    "' is not informational, low, medium, high or critical");
    }
    if (doc["action"]) {
        ctx.Error(doc["action"], "unsupported Sigma construct: rule collections ('action: " +
                                     ScalarText(doc["action"]).value_or("?") + "')");
    }
    if (doc["correlation"]) {
        ctx.Error(doc["correlation"], "unsupported Sigma construct: correlation rules");
    }
    const YAML::Node& logsource = doc["logsource"];
    if (!logsource || !logsource.IsMap()) {
        ctx.Error(logsource ? logsource : doc, "Sigma rule has no logsource map");
    } else {
        std::string product = AsciiLowerCopy(ScalarText(logsource["product"]).value_or(""));
        std::string service = AsciiLowerCopy(ScalarText(logsource["service"]).value_or(""));
        std::optional<std::string> category = ScalarText(logsource["category"]);
        if (product != "azure" || service != "activitylogs" || category) {
            ctx.Error(logsource, "unsupported Sigma logsource (product: " + product +
                                     ", service: " + service +
                                     (category ? ", category: " + *category : "") +
                                     "); only product azure, service activitylogs is supported");
        }
    }
    const YAML::Node& detection = doc["detection"];
    if (!detection || !detection.IsMap()) {
        ctx.Error(detection ? detection : doc, "Sigma rule has no detection map");
    } else if (ctx.error_count() == errors_before) {
        SigmaConverter converter(ctx, draft, detection);
        converter.Convert();
    }
    if (ctx.error_count() == errors_before) drafts.push_back(std::move(draft));
}

} // namespace minetrace::rules_internal
