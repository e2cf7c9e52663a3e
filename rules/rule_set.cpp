#include "rules/rule_set.hpp"

#include "core/ascii.hpp"
#include "rules/compiled.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace minetrace {

using namespace rules_internal;

namespace {

constexpr size_t kMaxRuleFileBytes = 8u << 20;

struct RuleFile {
    std::string name;
    std::string text;
    size_t path_index = 0;
};

bool IsRuleFileName(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    return ext == ".yaml" || ext == ".yml";
}

bool ReadFile(const std::filesystem::path& path, std::string& out, std::string& error) {
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        error = "cannot read: " + ec.message();
        return false;
    }
    if (size > kMaxRuleFileBytes) {
        error = "rule file larger than 8 MiB";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return false;
    }
    out = buffer.str();
    return true;
}

void CollectFiles(const std::vector<std::string>& paths, std::vector<RuleFile>& files,
                  std::vector<LintMessage>& errors) {
    namespace fs = std::filesystem;
    for (size_t index = 0; index < paths.size(); ++index) {
        const std::string& root = paths[index];
        std::error_code ec;
        fs::file_status status = fs::status(root, ec);
        std::vector<fs::path> found;
        if (ec || !fs::exists(status)) {
            errors.push_back({root, 0, "", "rules path does not exist"});
            continue;
        }
        if (fs::is_directory(status)) {
            fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                                ec);
            for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                std::error_code type_ec;
                if (it->is_regular_file(type_ec) && IsRuleFileName(it->path())) {
                    found.push_back(it->path());
                }
            }
            if (ec) errors.push_back({root, 0, "", "cannot list directory: " + ec.message()});
            std::sort(found.begin(), found.end());
        } else {
            found.push_back(root);
        }
        for (const fs::path& path : found) {
            RuleFile file;
            file.name = path.string();
            file.path_index = index;
            std::string error;
            if (!ReadFile(path, file.text, error)) {
                errors.push_back({file.name, 0, "", error});
                continue;
            }
            files.push_back(std::move(file));
        }
    }
}

class Compiler {
  public:
    explicit Compiler(RuleSetImpl& impl) : impl_(impl) {}

    void AddRule(RuleDraft& draft) {
        uint32_t expr_base = static_cast<uint32_t>(impl_.exprs.size());
        for (NumExpr& expr : draft.exprs) {
            for (uint32_t& operand : expr.operands) operand += expr_base;
            impl_.exprs.push_back(std::move(expr));
        }
        CompiledRule compiled;
        compiled.root = Flatten(draft.condition, expr_base);
        if (draft.has_unavailable) {
            compiled.has_unavailable = true;
            compiled.unavailable_root = Flatten(draft.unavailable, expr_base);
        }
        std::optional<std::vector<uint32_t>> triggers = Necessary(compiled.root, false);
        if (!triggers || triggers->empty()) {
            // No field index can gate the rule: try the body screen's predicates, and hand the
            // screen those the rule then needs.
            triggers = Necessary(compiled.root, true);
            if (triggers && !triggers->empty()) {
                for (uint32_t pred : *triggers) {
                    if (!impl_.predicates[pred].set_indexed) RegisterScreen(pred);
                }
            }
        }
        if (triggers && !triggers->empty()) {
            compiled.gated = true;
            std::sort(triggers->begin(), triggers->end());
            triggers->erase(std::unique(triggers->begin(), triggers->end()), triggers->end());
            compiled.triggers = std::move(*triggers);
        }
        impl_.compiled.push_back(std::move(compiled));
        impl_.rules.push_back(std::move(draft.rule));
    }

    // Sorts the literal tables and builds one RE2::Set per field.
    void Finish(std::vector<LintMessage>& errors) {
        for (size_t f = 0; f < kScalarFieldCount; ++f) {
            FieldMatcher& m = impl_.matchers[f];
            auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
            std::stable_sort(m.literals_ci.begin(), m.literals_ci.end(), by_key);
            std::stable_sort(m.literals_cs.begin(), m.literals_cs.end(), by_key);
            for (const auto& entry : m.literals_ci) {
                m.max_literal_ci = std::max(m.max_literal_ci, entry.first.size());
            }
            if (!m.patterns.empty()) {
                m.set =
                    std::make_unique<RE2::Set>(PatternOptions(PatternUse::kSet), RE2::UNANCHORED);
                bool ok = true;
                for (size_t i = 0; i < m.patterns.size(); ++i) {
                    std::string error;
                    if (m.set->Add(m.patterns[i], &error) < 0) {
                        ok = false;
                        ReportPatternError(errors, m.pattern_pred[i], error);
                    }
                    m.fallback.push_back(
                        std::make_unique<RE2>(m.patterns[i], PatternOptions(PatternUse::kSingle)));
                }
                if (ok && !m.set->Compile()) {
                    errors.push_back(
                        {"", 0, "",
                         "the patterns on field '" +
                             std::string(ScalarFieldName(static_cast<ScalarField>(f))) +
                             "' exceed RE2's memory budget"});
                    ok = false;
                }
                if (!ok) m.set.reset();
                impl_.max_set_patterns = std::max(impl_.max_set_patterns, m.patterns.size());
            }
            m.memo = !m.patterns.empty() && Repeating(static_cast<ScalarField>(f));
            if (!m.empty()) impl_.indexed_fields.push_back(static_cast<ScalarField>(f));
        }
        for (BodyScreen& screen : impl_.screens) BuildScreenSets(screen);
    }

  private:
    void ReportPatternError(std::vector<LintMessage>& errors, uint32_t pred,
                            const std::string& message) {
        const Predicate& p = impl_.predicates[pred];
        errors.push_back({pred_file_[pred], p.line, pred_rule_[pred],
                          "pattern rejected by RE2::Set: " + message});
    }

    uint32_t Flatten(CondAst& ast, uint32_t expr_base) {
        uint32_t index = static_cast<uint32_t>(impl_.nodes.size());
        impl_.nodes.emplace_back();
        Node node;
        switch (ast.kind) {
        case CondAst::Kind::kAll:
            node.kind = Node::Kind::kAll;
            break;
        case CondAst::Kind::kAny:
            node.kind = Node::Kind::kAny;
            break;
        case CondAst::Kind::kNot:
            node.kind = Node::Kind::kNot;
            break;
        case CondAst::Kind::kConst:
            node.kind = Node::Kind::kConst;
            node.value = ast.value;
            break;
        case CondAst::Kind::kPred: {
            node.kind = Node::Kind::kPred;
            Predicate& pred = *ast.pred;
            if (pred.kind == Predicate::Kind::kNumeric) pred.expr += expr_base;
            node.pred = static_cast<uint32_t>(impl_.predicates.size());
            impl_.predicates.push_back(std::move(pred));
            pred_file_.push_back(current_file_);
            pred_rule_.push_back(current_rule_);
            Register(node.pred);
            break;
        }
        }
        std::vector<uint32_t> kids;
        for (CondAst& child : ast.children) kids.push_back(Flatten(child, expr_base));
        node.first_child = static_cast<uint32_t>(impl_.children.size());
        node.child_count = static_cast<uint32_t>(kids.size());
        impl_.children.insert(impl_.children.end(), kids.begin(), kids.end());
        impl_.nodes[index] = node;
        return index;
    }

    // Puts a string predicate on scalar fields into the per-field literal table or RE2::Set.
    void Register(uint32_t index) {
        Predicate& p = impl_.predicates[index];
        if (p.kind != Predicate::Kind::kString || p.as != Transform::kNone || p.match_all ||
            p.match_absent || p.regexes.empty()) {
            return;
        }
        std::vector<ScalarField> fields;
        if (p.field.kind == FieldRef::Kind::kScalar && p.field.scalar != ScalarField::kTime) {
            fields.push_back(p.field.scalar);
        } else if (p.field.kind == FieldRef::Kind::kKeywords) {
            fields = KeywordFields();
        } else {
            return;
        }
        p.set_indexed = true;
        bool literal = p.op == StringOp::kEquals && !p.base64offset;
        for (const std::string& v : p.values) literal = literal && rules_text::IsAscii(v);
        for (ScalarField field : fields) {
            FieldMatcher& m = impl_.matchers[static_cast<size_t>(field)];
            if (literal) {
                for (const std::string& v : p.values) {
                    if (p.case_sensitive) {
                        m.literals_cs.emplace_back(v, index);
                    } else {
                        m.literals_ci.emplace_back(AsciiLowerCopy(v), index);
                    }
                }
            } else {
                m.patterns.push_back(p.pattern);
                m.pattern_pred.push_back(index);
            }
        }
    }

    // Fields whose values repeat from event to event, where FieldMatcher::memo pays off: all but
    // the body texts (rarely repeated, mostly longer than the memo takes) and per-event ids.
    static bool Repeating(ScalarField field) {
        switch (field) {
        case ScalarField::kTime:
        case ScalarField::kEventDataId:
        case ScalarField::kRequestText:
        case ScalarField::kResponseText:
        case ScalarField::kStatusMessageText:
        case ScalarField::kPartnerResourceNewValueText:
        case ScalarField::kPartnerResourceOldValueText:
        case ScalarField::kPartnerCustomizedDataText:
            return false;
        default:
            return true;
        }
    }

    // Makes a Screenable predicate set-indexed and adds it to the screen of its body mask.
    void RegisterScreen(uint32_t index) {
        Predicate& p = impl_.predicates[index];
        p.set_indexed = true;
        const FieldRef& field =
            p.kind == Predicate::Kind::kNumeric ? impl_.exprs[p.expr].field : p.field;
        auto it = std::find_if(impl_.screens.begin(), impl_.screens.end(),
                               [&](const BodyScreen& s) { return s.body_mask == field.body_mask; });
        if (it == impl_.screens.end()) {
            impl_.screens.emplace_back();
            impl_.screens.back().body_mask = field.body_mask;
            it = impl_.screens.end() - 1;
        }
        BodyScreen& screen = *it;
        if (field.any_value) {
            if (p.kind == Predicate::Kind::kString && p.as == Transform::kBase64) {
                screen.base64_preds.push_back(index);
                return;
            }
            if (p.kind != Predicate::Kind::kString || p.as != Transform::kNone) {
                screen.any_preds.push_back(index);
                return;
            }
            auto pattern = std::find(screen.patterns.begin(), screen.patterns.end(), p.pattern);
            if (pattern != screen.patterns.end()) {
                screen.pattern_preds[static_cast<size_t>(pattern - screen.patterns.begin())]
                    .push_back(index);
                return;
            }
            screen.patterns.push_back(p.pattern);
            screen.pattern_preds.push_back({index});
            screen.pattern_regex.push_back(index);
            return;
        }
        size_t sep = field.joined.rfind('\x1f');
        std::string last = sep == std::string::npos ? field.joined : field.joined.substr(sep + 1);
        screen.suffix_lengths |= uint64_t{1} << std::min<size_t>(last.size(), 63);
        auto suffix =
            std::find_if(screen.suffixes.begin(), screen.suffixes.end(),
                         [&](const BodyScreen::Suffix& entry) { return entry.last == last; });
        if (suffix == screen.suffixes.end()) {
            screen.suffixes.push_back({last, {}});
            suffix = screen.suffixes.end() - 1;
        }
        suffix->preds.push_back(index);
    }

    // Whether `pattern` matching a text implies that "(?m:" + pattern + ")" matches any text
    // containing it between line breaks (or text ends): true unless it uses \A or \z, or
    // clears a flag (which could switch multi-line mode off).
    static bool MultilineSafe(const std::string& pattern) {
        for (size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] == '\\') {
                if (i + 1 < pattern.size() && (pattern[i + 1] == 'A' || pattern[i + 1] == 'z')) {
                    return false;
                }
                ++i;
                continue;
            }
            if (pattern[i] == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
                for (size_t j = i + 2; j < pattern.size() && pattern[j] != ':' && pattern[j] != ')';
                     ++j) {
                    if (pattern[j] == '-') return false;
                }
            }
        }
        return true;
    }

    // The screen's Sets. A Set RE2 cannot build is left out (the screen then tries the single
    // regexes on every value): the patterns compiled on their own, so this is not an error.
    void BuildScreenSets(BodyScreen& screen) const {
        auto build = [&](const std::vector<std::string>& patterns, bool multiline) {
            auto set =
                std::make_unique<RE2::Set>(PatternOptions(PatternUse::kSet), RE2::UNANCHORED);
            for (const std::string& pattern : patterns) {
                if (multiline && !MultilineSafe(pattern)) return std::unique_ptr<RE2::Set>();
                std::string text = multiline ? "(?m:" + pattern + ")" : pattern;
                std::string error;
                if (set->Add(text, &error) < 0) return std::unique_ptr<RE2::Set>();
            }
            if (patterns.empty() || !set->Compile()) return std::unique_ptr<RE2::Set>();
            return set;
        };
        screen.value_set = build(screen.patterns, false);
        screen.joined_set = build(screen.patterns, true);
        std::vector<std::string> base64;
        for (uint32_t pred : screen.base64_preds) base64.push_back(impl_.predicates[pred].pattern);
        screen.base64_joined_set = build(base64, true);
    }

    // Set-indexed predicates at least one of which must hit for the node to be true; nullopt
    // when no such set exists (the node must always be evaluated). With `screen`, predicates
    // the body screen could decide count as set-indexed too.
    std::optional<std::vector<uint32_t>> Necessary(uint32_t index, bool screen) const {
        const Node& node = impl_.nodes[index];
        switch (node.kind) {
        case Node::Kind::kPred: {
            const Predicate& p = impl_.predicates[node.pred];
            if (p.set_indexed || (screen && Screenable(impl_, p))) {
                return std::vector<uint32_t>{node.pred};
            }
            return std::nullopt;
        }
        case Node::Kind::kAll: {
            std::optional<std::vector<uint32_t>> best;
            for (uint32_t i = 0; i < node.child_count; ++i) {
                auto child = Necessary(impl_.children[node.first_child + i], screen);
                if (child && (!best || child->size() < best->size())) best = std::move(child);
            }
            return best;
        }
        case Node::Kind::kAny: {
            std::vector<uint32_t> all;
            for (uint32_t i = 0; i < node.child_count; ++i) {
                auto child = Necessary(impl_.children[node.first_child + i], screen);
                if (!child) return std::nullopt;
                all.insert(all.end(), child->begin(), child->end());
            }
            return all;
        }
        case Node::Kind::kNot:
        case Node::Kind::kConst:
            return std::nullopt;
        }
        return std::nullopt;
    }

  public:
    std::string current_file_;
    std::string current_rule_;

  private:
    RuleSetImpl& impl_;
    std::vector<std::string> pred_file_;
    std::vector<std::string> pred_rule_;
};

std::shared_ptr<const RuleSetImpl> Build(std::vector<RuleFile>& files,
                                         std::vector<LintMessage>& errors, size_t errors_before) {
    auto impl = std::make_shared<RuleSetImpl>();
    impl->file_count = files.size();
    std::vector<RuleDraft> drafts;
    for (const RuleFile& file : files) {
        LoadRuleFile(file.name, file.text, file.path_index, drafts, errors);
    }
    // Later paths replace earlier rules of the same id, in the earlier rule's position.
    std::vector<RuleDraft> ordered;
    std::map<std::string, size_t> position;
    for (RuleDraft& draft : drafts) {
        auto it = position.find(draft.rule.id);
        if (it == position.end()) {
            position.emplace(draft.rule.id, ordered.size());
            ordered.push_back(std::move(draft));
            continue;
        }
        RuleDraft& earlier = ordered[it->second];
        std::string where =
            earlier.rule.source_file + ":" + std::to_string(earlier.rule.source_line);
        if (earlier.path_index == draft.path_index) {
            errors.push_back({draft.rule.source_file, draft.rule.source_line, draft.rule.id,
                              "duplicate rule id (first defined at " + where + ")"});
            continue;
        }
        draft.rule.replaces = where;
        earlier = std::move(draft);
    }
    Compiler compiler(*impl);
    for (RuleDraft& draft : ordered) {
        if (draft.disabled) continue;
        compiler.current_file_ = draft.rule.source_file;
        compiler.current_rule_ = draft.rule.id;
        compiler.AddRule(draft);
    }
    compiler.Finish(errors);
    impl->error_count = errors.size() - errors_before;
    return impl;
}

} // namespace

MatchScratch::MatchScratch(std::unique_ptr<ScratchImpl> impl) : impl_(std::move(impl)) {}
MatchScratch::~MatchScratch() = default;

RuleSet::RuleSet() : impl_(std::make_shared<RuleSetImpl>()) {}

RuleSet RuleSet::Load(const std::vector<std::string>& paths, std::vector<LintMessage>& errors) {
    size_t errors_before = errors.size();
    std::vector<RuleFile> files;
    CollectFiles(paths, files, errors);
    RuleSet set;
    set.impl_ = Build(files, errors, errors_before);
    return set;
}

RuleSet RuleSet::LoadSources(const std::vector<RuleSource>& sources,
                             std::vector<LintMessage>& errors) {
    size_t errors_before = errors.size();
    std::vector<RuleFile> files;
    for (size_t i = 0; i < sources.size(); ++i)
        files.push_back({sources[i].name, sources[i].text, i});
    RuleSet set;
    set.impl_ = Build(files, errors, errors_before);
    return set;
}

bool RuleSet::ok() const {
    return impl_->error_count == 0;
}
size_t RuleSet::size() const {
    return impl_->rules.size();
}
const Rule& RuleSet::rule(uint32_t index) const {
    return impl_->rules.at(index);
}
size_t RuleSet::file_count() const {
    return impl_->file_count;
}

std::optional<uint32_t> RuleSet::Find(std::string_view id) const {
    for (size_t i = 0; i < impl_->rules.size(); ++i) {
        if (impl_->rules[i].id == id) return static_cast<uint32_t>(i);
    }
    return std::nullopt;
}

std::unique_ptr<MatchScratch> RuleSet::NewScratch() const {
    auto s = std::make_unique<ScratchImpl>();
    s->owner = impl_.get();
    s->pred_epoch.assign(impl_->predicates.size(), 0);
    s->set_hits.reserve(impl_->max_set_patterns);
    s->num_stack.resize(16);
    s->lower.reserve(256);
    return std::unique_ptr<MatchScratch>(new MatchScratch(std::move(s)));
}

void RuleSet::Match(const Event& event, MatchScratch& scratch, std::vector<RuleHit>& out) const {
    ScratchImpl& s = *scratch.impl_;
    const RuleSetImpl& set = *impl_;
    if (s.owner != &set) {
        // A scratch from another RuleSet: re-size it for this one rather than misbehave.
        s.owner = &set;
        s.pred_epoch.assign(set.predicates.size(), 0);
        s.body_epoch.fill(0);
        s.epoch = 0;
        for (ScratchImpl::Memo& memo : s.memo) {
            for (ScratchImpl::MemoSlot& slot : memo.slots) slot.valid = false;
        }
    }
    if (++s.epoch == 0) {
        std::fill(s.pred_epoch.begin(), s.pred_epoch.end(), 0);
        s.body_epoch.fill(0);
        s.epoch = 1;
    }
    RunFieldMatchers(set, event, s);
    RunBodyScreens(set, event, s);
    for (size_t r = 0; r < set.compiled.size(); ++r) {
        const CompiledRule& rule = set.compiled[r];
        if (rule.gated) {
            bool hit = false;
            for (uint32_t t : rule.triggers) {
                if (s.pred_epoch[t] == s.epoch) {
                    hit = true;
                    break;
                }
            }
            if (!hit) continue;
        }
        if (!EvalNode(set, rule.root, event, s)) continue;
        RuleHit result;
        result.rule = static_cast<uint32_t>(r);
        result.content_unavailable =
            rule.has_unavailable && EvalNode(set, rule.unavailable_root, event, s);
        out.push_back(result);
    }
}

void RuleSet::Match(const Event& event, MatchScratch& scratch, std::vector<uint32_t>& out) const {
    std::vector<RuleHit>& hits = scratch.impl_->hits;
    hits.clear();
    Match(event, scratch, hits);
    for (const RuleHit& hit : hits) out.push_back(hit.rule);
}

} // namespace minetrace
