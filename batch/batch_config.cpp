#include "batch/batch_config.hpp"

#include "core/arm_id.hpp"
#include "core/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace minetrace::batch {

namespace fs = std::filesystem;

std::string FormatConfigError(const ConfigError& error) {
    std::string text = error.file;
    if (error.line > 0) {
        text += ':' + std::to_string(error.line);
        if (error.column > 0) text += ':' + std::to_string(error.column);
    }
    text += ": ";
    text += error.message;
    return text;
}

namespace {

struct Position {
    int line = 0;
    int column = 0;
};

Position At(const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    if (mark.line < 0) return {};
    return {mark.line + 1, mark.column + 1};
}

// The state of one validation: where errors go and how relative paths resolve.
class Checker {
  public:
    Checker(const fs::path& file, std::vector<ConfigError>& errors)
        : file_(file), base_(file.parent_path()), errors_(errors) {}

    void Error(Position at, std::string message) {
        errors_.push_back(ConfigError{file_.string(), at.line, at.column, std::move(message)});
    }
    void Error(const YAML::Node& node, std::string message) { Error(At(node), std::move(message)); }

    // The map's keys: each must be one of `known` and given once. Returns the values by key.
    std::map<std::string, YAML::Node> Members(const YAML::Node& map, std::string_view where,
                                              const std::vector<std::string_view>& known) {
        std::map<std::string, YAML::Node> members;
        std::map<std::string, int> first_line;
        for (auto it = map.begin(); it != map.end(); ++it) {
            // Copies: yaml-cpp's iterator hands out a temporary pair, so a reference into it
            // would dangle.
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (!key.IsScalar()) {
                Error(key, std::string(where) + ": a key must be a plain name");
                continue;
            }
            const std::string& name = key.Scalar();
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                std::string list;
                for (std::string_view k : known)
                    list += (list.empty() ? "" : ", ") + std::string(k);
                Error(key,
                      std::string(where) + ": unknown key '" + name + "' (expected " + list + ")");
                continue;
            }
            auto [seen, inserted] = first_line.emplace(name, At(key).line);
            if (!inserted) {
                Error(key, std::string(where) + ": key '" + name + "' given twice (first on line " +
                               std::to_string(seen->second) + ")");
                continue;
            }
            members.emplace(name, value);
        }
        return members;
    }

    std::optional<std::string> Text(const YAML::Node& node, std::string_view what) {
        if (!node.IsScalar() || node.Scalar().empty()) {
            Error(node, std::string(what) + ": must be a non-empty text");
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<unsigned> Number(const YAML::Node& node, std::string_view what, unsigned min,
                                   unsigned max) {
        std::string range = std::to_string(min) + " to " + std::to_string(max);
        if (!node.IsScalar()) {
            Error(node, std::string(what) + ": must be a whole number from " + range);
            return std::nullopt;
        }
        const std::string& text = node.Scalar();
        unsigned value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
            text.find_first_not_of("0123456789") != std::string::npos || value < min ||
            value > max) {
            Error(node, std::string(what) + ": must be a whole number from " + range + " (got '" +
                            text + "')");
            return std::nullopt;
        }
        return value;
    }

    // A path relative to the config file's folder, made absolute and lexically normal.
    fs::path Resolve(const std::string& text) const {
        fs::path path(text);
        if (path.is_relative()) path = base_ / path;
        path = path.lexically_normal();
        // "dir/" normalizes to "dir/" (an empty last element): drop it so names compare equal.
        if (!path.has_filename() && path.has_parent_path() && path != path.root_path())
            path = path.parent_path();
        return path;
    }

    std::optional<fs::path> PathValue(const YAML::Node& node, std::string_view what) {
        std::optional<std::string> text = Text(node, what);
        if (!text) return std::nullopt;
        if (text->find('\0') != std::string::npos) {
            Error(node, std::string(what) + ": holds a NUL character");
            return std::nullopt;
        }
        return Resolve(*text);
    }

    // A list of paths; an empty list is an error when `required`.
    std::optional<std::vector<fs::path>> PathList(const YAML::Node& node, std::string_view what,
                                                  bool required, std::vector<Position>* where) {
        if (!node.IsSequence()) {
            Error(node, std::string(what) + ": must be a list of paths");
            return std::nullopt;
        }
        if (required && node.size() == 0) {
            Error(node, std::string(what) + ": must name at least one file or folder");
            return std::nullopt;
        }
        std::vector<fs::path> paths;
        bool ok = true;
        for (const YAML::Node& item : node) {
            std::optional<fs::path> path = PathValue(item, what);
            if (!path) {
                ok = false;
                continue;
            }
            paths.push_back(*path);
            if (where != nullptr) where->push_back(At(item));
        }
        if (!ok) return std::nullopt;
        return paths;
    }

    std::optional<std::vector<std::string>> Languages(const YAML::Node& node) {
        if (!node.IsSequence() || node.size() == 0) {
            Error(node, "languages: must be a list of en and/or ja");
            return std::nullopt;
        }
        std::vector<std::string> languages;
        bool ok = true;
        for (const YAML::Node& item : node) {
            if (!item.IsScalar() || (item.Scalar() != "en" && item.Scalar() != "ja")) {
                Error(item, "languages: each must be en or ja");
                ok = false;
            } else if (std::find(languages.begin(), languages.end(), item.Scalar()) !=
                       languages.end()) {
                Error(item, "languages: " + item.Scalar() + " given twice");
                ok = false;
            } else {
                languages.push_back(item.Scalar());
            }
        }
        if (!ok) return std::nullopt;
        return languages;
    }

    const fs::path& file() const { return file_; }

  private:
    fs::path file_;
    fs::path base_;
    std::vector<ConfigError>& errors_;
};

struct Defaults {
    unsigned look_back_days = kDefaultLookBackDays;
    std::vector<std::string> languages = {"en", "ja"};
    std::vector<fs::path> rules;
};

bool ValidName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (!alnum(name[0])) return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

// A folder the run reads or writes, for the overlap checks.
struct Root {
    enum Kind { kState, kOut, kInput } kind;
    size_t case_index = 0;
    Position at;
    std::string key; // resolved through symlinks, with a trailing '/'
};

std::string OverlapKey(const fs::path& path) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(path, ec);
    if (ec) resolved = path;
    std::string key = resolved.string();
    if (key.empty() || key.back() != '/') key += '/';
    return key;
}

// Every pair of roots where one lies inside the other (or both are one folder) and that pair
// must not: output folders of two cases, an output folder and any input, the state directory
// and anything else. Inputs inside inputs are fine (a file is read once).
void CheckOverlaps(Checker& check, const BatchConfig& config, Position state_at,
                   const std::vector<std::vector<Position>>& input_at,
                   const std::vector<Position>& out_at) {
    std::vector<Root> roots;
    if (!config.state_dir.empty())
        roots.push_back({Root::kState, 0, state_at, OverlapKey(config.state_dir)});
    for (size_t c = 0; c < config.cases.size(); ++c) {
        const CaseConfig& one = config.cases[c];
        if (!one.out.empty()) roots.push_back({Root::kOut, c, out_at[c], OverlapKey(one.out)});
        for (size_t i = 0; i < one.inputs.size() && i < input_at[c].size(); ++i)
            roots.push_back({Root::kInput, c, input_at[c][i], OverlapKey(one.inputs[i])});
    }
    // With a trailing '/', every folder inside K sorts right after K (and after nothing else
    // that does not start with K), so the pairs are found scanning forward from each root.
    std::stable_sort(roots.begin(), roots.end(),
                     [](const Root& a, const Root& b) { return a.key < b.key; });
    auto describe = [&](const Root& r) {
        const CaseConfig& one = config.cases[r.case_index];
        std::string name = one.name.empty() ? "on line " + std::to_string(one.line) : one.name;
        switch (r.kind) {
        case Root::kState:
            return std::string("the state_dir");
        case Root::kOut:
            return "the out folder of case '" + name + "'";
        case Root::kInput:
            return "an input of case '" + name + "'";
        }
        return std::string();
    };
    for (size_t i = 0; i < roots.size(); ++i) {
        for (size_t j = i + 1; j < roots.size() && roots[j].key.starts_with(roots[i].key); ++j) {
            const Root& outer = roots[i];
            const Root& inner = roots[j];
            if (outer.kind == Root::kInput && inner.kind == Root::kInput) continue;
            bool same = outer.key == inner.key;
            // Report at the later of the two in the file, naming the other's line.
            bool inner_later = std::pair(inner.at.line, inner.at.column) >=
                               std::pair(outer.at.line, outer.at.column);
            const Root& here = inner_later ? inner : outer;
            const Root& other = inner_later ? outer : inner;
            std::string message;
            if (same)
                message = describe(here) + " is the same folder as " + describe(other);
            else if (inner_later)
                message = describe(here) + " lies inside " + describe(other);
            else
                message = describe(here) + " holds " + describe(other);
            message += " (line " + std::to_string(other.at.line) + ")";
            if (outer.kind == Root::kInput || inner.kind == Root::kInput)
                message += ": a run would read its own outputs or state";
            else
                message += ": each case needs a folder of its own";
            check.Error(here.at, message);
        }
    }
}

Defaults ReadDefaults(Checker& check, const YAML::Node& node, BatchConfig& config) {
    Defaults defaults;
    if (!node.IsMap()) {
        check.Error(node, "defaults: must be a map (look_back_days, languages, rules, threads)");
        return defaults;
    }
    auto members =
        check.Members(node, "defaults", {"look_back_days", "languages", "rules", "threads"});
    if (members.count("look_back_days")) {
        if (auto days = check.Number(members["look_back_days"], "defaults.look_back_days", 1,
                                     kMaxLookBackDays))
            defaults.look_back_days = *days;
    }
    if (members.count("languages")) {
        if (auto languages = check.Languages(members["languages"])) defaults.languages = *languages;
    }
    if (members.count("rules")) {
        if (auto rules = check.PathList(members["rules"], "defaults.rules", false, nullptr))
            defaults.rules = *rules;
    }
    if (members.count("threads")) {
        if (auto threads = check.Number(members["threads"], "defaults.threads", 0, 1024))
            config.threads = *threads;
    }
    return defaults;
}

void ReadCases(Checker& check, const YAML::Node& node, const Defaults& defaults,
               BatchConfig& config, std::vector<std::vector<Position>>& input_at,
               std::vector<Position>& out_at) {
    if (!node.IsSequence() || node.size() == 0) {
        check.Error(node, "cases: must be a list of at least one case");
        return;
    }
    std::map<std::string, int> names; // lowercased: folders named after cases must not collide
    for (const YAML::Node& item : node) {
        if (!item.IsMap()) {
            check.Error(item, "cases: each case must be a map (name, tenant_id, inputs, out, ...)");
            continue;
        }
        CaseConfig one;
        one.line = At(item).line;
        one.look_back_days = defaults.look_back_days;
        one.languages = defaults.languages;
        one.rules = defaults.rules;
        std::vector<Position> inputs_at;
        Position one_out_at = At(item);
        auto members = check.Members(
            item, "case",
            {"name", "tenant_id", "inputs", "out", "look_back_days", "languages", "rules"});
        for (std::string_view required : {"name", "tenant_id", "inputs", "out"})
            if (!members.count(std::string(required)))
                check.Error(item, "case: '" + std::string(required) + "' is required");

        if (members.count("name")) {
            const YAML::Node& name = members["name"];
            if (auto text = check.Text(name, "name")) {
                if (!ValidName(*text)) {
                    check.Error(name, "name: '" + *text +
                                          "' must be 1 to 64 letters, digits, '.', '_' or '-', "
                                          "starting with a letter or digit (it names a folder)");
                } else {
                    auto [seen, inserted] = names.emplace(AsciiLowerCopy(*text), At(name).line);
                    if (!inserted)
                        check.Error(name, "name: case '" + *text + "' given twice (first on line " +
                                              std::to_string(seen->second) +
                                              "; names are compared ignoring case)");
                    one.name = *text;
                }
            }
        }
        if (members.count("tenant_id")) {
            const YAML::Node& tenant = members["tenant_id"];
            if (auto text = check.Text(tenant, "tenant_id")) {
                if (!IsGuidLike(*text))
                    check.Error(tenant, "tenant_id: '" + *text +
                                            "' is not a GUID (8-4-4-4-12 hexadecimal digits)");
                else
                    one.tenant_id = AsciiLowerCopy(*text);
            }
        }
        if (members.count("inputs")) {
            if (auto inputs = check.PathList(members["inputs"], "inputs", true, &inputs_at))
                one.inputs = *inputs;
        }
        if (members.count("out")) {
            one_out_at = At(members["out"]);
            if (auto out = check.PathValue(members["out"], "out")) one.out = *out;
        }
        if (members.count("look_back_days")) {
            if (auto days =
                    check.Number(members["look_back_days"], "look_back_days", 1, kMaxLookBackDays))
                one.look_back_days = *days;
        }
        if (members.count("languages")) {
            if (auto languages = check.Languages(members["languages"])) one.languages = *languages;
        }
        if (members.count("rules")) {
            if (auto rules = check.PathList(members["rules"], "rules", false, nullptr))
                one.rules.insert(one.rules.end(), rules->begin(), rules->end());
        }
        if (one.inputs.empty()) inputs_at.clear();
        config.cases.push_back(std::move(one));
        input_at.push_back(std::move(inputs_at));
        out_at.push_back(one_out_at);
    }
}

} // namespace

BatchConfig ParseBatchConfig(const std::string& text, const fs::path& file,
                             std::vector<ConfigError>& errors) {
    BatchConfig config;
    config.file = fs::absolute(file).lexically_normal();
    Checker check(config.file, errors);
    size_t first_error = errors.size();
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        check.Error(e.mark.line >= 0 ? Position{e.mark.line + 1, e.mark.column + 1} : Position{},
                    "YAML syntax error: " + e.msg);
        return config;
    }
    docs.erase(std::remove_if(docs.begin(), docs.end(),
                              [](const YAML::Node& d) { return !d.IsDefined() || d.IsNull(); }),
               docs.end());
    if (docs.empty()) {
        check.Error(Position{}, "the config is empty (it needs state_dir and cases)");
        return config;
    }
    if (docs.size() > 1) check.Error(docs[1], "the config must be one YAML document");
    const YAML::Node& root = docs[0];
    if (!root.IsMap()) {
        check.Error(root, "the config must be a map with state_dir, defaults and cases");
        return config;
    }
    try {
        auto members = check.Members(root, "config", {"state_dir", "defaults", "cases"});
        Position state_at = At(root);
        if (!members.count("state_dir"))
            check.Error(root, "config: 'state_dir' is required");
        else if (auto dir = check.PathValue(members["state_dir"], "state_dir")) {
            config.state_dir = *dir;
            state_at = At(members["state_dir"]);
        }
        Defaults defaults;
        if (members.count("defaults")) defaults = ReadDefaults(check, members["defaults"], config);
        std::vector<std::vector<Position>> input_at;
        std::vector<Position> out_at;
        if (!members.count("cases"))
            check.Error(root, "config: 'cases' is required");
        else
            ReadCases(check, members["cases"], defaults, config, input_at, out_at);
        CheckOverlaps(check, config, state_at, input_at, out_at);
    } catch (const YAML::Exception& e) {
        check.Error(e.mark.line >= 0 ? Position{e.mark.line + 1, e.mark.column + 1} : Position{},
                    e.msg);
    }
    std::stable_sort(errors.begin() + static_cast<std::ptrdiff_t>(first_error), errors.end(),
                     [](const ConfigError& a, const ConfigError& b) {
                         return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                     });
    return config;
}

BatchConfig LoadBatchConfig(const fs::path& file, std::vector<ConfigError>& errors) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        errors.push_back(ConfigError{file.string(), 0, 0, "cannot read the config file"});
        return {};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ParseBatchConfig(text.str(), file, errors);
}

} // namespace minetrace::batch
