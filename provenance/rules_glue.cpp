#include "provenance/rules_glue.hpp"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace minetrace {

namespace fs = std::filesystem;

namespace {

struct Scratch : MatcherScratch {
    std::unique_ptr<MatchScratch> rules;
    std::vector<RuleHit> hits;
};

std::string ExecutableDir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

} // namespace

std::string DefaultRulesDir() {
    if (const char* env = std::getenv("MINETRACE_RULES_DIR"); env && *env) return env;
    std::error_code ec;
    std::string exe_dir = ExecutableDir();
    if (!exe_dir.empty()) {
        fs::path installed = fs::path(exe_dir) / ".." / "share" / "minetrace" / "rules";
        if (fs::is_directory(installed, ec)) return fs::weakly_canonical(installed, ec).string();
    }
#ifdef MINETRACE_SOURCE_RULES_DIR
    if (fs::is_directory(MINETRACE_SOURCE_RULES_DIR, ec)) return MINETRACE_SOURCE_RULES_DIR;
#endif
    return "";
}

std::vector<std::string> RuleLocations(const std::vector<std::string>& extra, bool use_default) {
    std::vector<std::string> paths;
    if (use_default) {
        std::string dir = DefaultRulesDir();
        if (!dir.empty()) paths.push_back(dir);
    }
    paths.insert(paths.end(), extra.begin(), extra.end());
    return paths;
}

std::unique_ptr<MatcherScratch> RuleSetMatcher::NewScratch() const {
    auto scratch = std::make_unique<Scratch>();
    scratch->rules = rules_.NewScratch();
    return scratch;
}

void RuleSetMatcher::Match(const Event& event, MatcherScratch& scratch,
                           std::vector<uint32_t>& out) const {
    auto& s = static_cast<Scratch&>(scratch);
    s.hits.clear();
    rules_.Match(event, *s.rules, s.hits);
    for (const RuleHit& hit : s.hits)
        out.push_back(hit.rule | (hit.content_unavailable ? kRuleHitContentUnavailable : 0));
}

std::vector<RuleInfo> DescribeRules(const RuleSet& rules) {
    std::vector<RuleInfo> out;
    out.reserve(rules.size());
    for (uint32_t i = 0; i < rules.size(); ++i) {
        const Rule& r = rules.rule(i);
        out.push_back({r.id, r.title, r.signal, r.content_note, r.level});
    }
    return out;
}

} // namespace minetrace
