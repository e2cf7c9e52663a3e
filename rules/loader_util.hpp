// Internal: helpers shared by the native YAML loader and the Sigma loader.
#pragma once

#include "rules/compiled.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace minetrace::rules_internal {

// 1-based line of a node; 0 when yaml-cpp has no position for it.
int Line(const YAML::Node& node);

// Collects errors for one file; `rule_id` names the rule being read (may be empty).
class LoadContext {
  public:
    LoadContext(std::string file, std::vector<LintMessage>& errors)
        : file_(std::move(file)), errors_(errors) {}

    void Error(int line, std::string message) {
        errors_.push_back(LintMessage{file_, line, rule_id, std::move(message)});
    }
    void Error(const YAML::Node& node, std::string message) {
        Error(Line(node), std::move(message));
    }
    size_t error_count() const { return errors_.size(); }
    const std::string& file() const { return file_; }

    std::string rule_id;

  private:
    std::string file_;
    std::vector<LintMessage>& errors_;
};

// The text of a scalar node; nullopt for maps, sequences and null nodes.
std::optional<std::string> ScalarText(const YAML::Node& node);

// Parses a rule field name (scalar field, or body prefix + '.' + path). False with `error` set
// when the name is unknown or the path is malformed.
bool ParseFieldRef(std::string_view name, FieldRef& out, std::string& error);

// Serializes a YAML node as JSON text: maps and sequences as objects and arrays, quoted scalars
// as strings, plain scalars as JSON numbers / true / false / null when they spell one.
void AppendYamlAsJson(const YAML::Node& node, std::string& out);

// Parses one example event map into `example` (should_match is set by the caller).
bool ParseExample(LoadContext& ctx, const YAML::Node& node, RuleExample& example);

void LoadNativeDocument(LoadContext& ctx, const YAML::Node& doc, size_t path_index,
                        std::vector<RuleDraft>& drafts);
bool IsSigmaDocument(const YAML::Node& doc);
void LoadSigmaDocument(LoadContext& ctx, const YAML::Node& doc, size_t path_index,
                       std::vector<RuleDraft>& drafts);

// True for the five Sigma levels (informational, low, medium, high, critical). The level is the
// Sigma rule's own metadata: it is validated and listed, and changes no severity.
bool IsSigmaLevel(std::string_view level);

} // namespace minetrace::rules_internal
