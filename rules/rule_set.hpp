// RuleSet: the compiled rules (native YAML packs and Sigma rules) and the per-event matcher.
//
// Loading compiles every pattern once and collects every error (file:line) rather than stopping
// at the first. Matching first runs, per scalar field, one sorted-literal lookup and one RE2::Set
// holding every pattern of every rule on that field (so each field is scanned once per event),
// then decides the body predicates of rules that have no such field condition in one walk of each
// body (the body screen), then evaluates only the rules whose necessary conditions were hit
// (rules without such a condition are always evaluated). JSON bodies are parsed at most once per
// event, by the screen or when a rule being evaluated reads them. Fields whose values repeat
// (operation, resource_id, ...) cache their field-matcher results per value in the scratch.
//
// Thread-safety: a RuleSet is immutable after Load and may be shared by any number of threads;
// copies share the compiled rules. Each thread needs its own MatchScratch. Matching never throws
// and does not allocate once the scratch buffers have grown to the largest event seen (one
// exception: a field with more than 24 regex-type patterns, where RE2::Set::Match allocates
// inside RE2 for values that match one of them; the per-field value caches are allocated when
// the field is first matched and a cache slot's list of hits grows to its largest).
#pragma once

#include "core/event.hpp"
#include "rules/rule.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minetrace {

namespace rules_internal {
struct RuleSetImpl;
struct ScratchImpl;
} // namespace rules_internal

// Per-thread matching state: RE2::Set result buffers, the JSON body parsers and their cache.
class MatchScratch {
  public:
    ~MatchScratch();
    MatchScratch(const MatchScratch&) = delete;
    MatchScratch& operator=(const MatchScratch&) = delete;

  private:
    friend class RuleSet;
    explicit MatchScratch(std::unique_ptr<rules_internal::ScratchImpl> impl);
    std::unique_ptr<rules_internal::ScratchImpl> impl_;
};

// A rule file given as text (tests, embedded packs): its display name and YAML content.
struct RuleSource {
    std::string name;
    std::string text;
};

class RuleSet {
  public:
    RuleSet(); // an empty, valid set

    // Loads every *.yaml / *.yml file under each entry of `paths` (a directory, searched
    // recursively in byte order of file names, or a single file), in the order given: pass the
    // shipped pack directory first, then the --rules directories. A rule whose id was already
    // loaded from an EARLIER path replaces that rule (Rule::replaces says which); the same id
    // twice within one path is an error. Files holding a Sigma rule (`logsource` + `detection`)
    // are loaded as Sigma. Errors are appended to `errors`; ok() is false when there were any,
    // but the rules that did compile are still available (for `rules list` / `rules lint`).
    static RuleSet Load(const std::vector<std::string>& paths, std::vector<LintMessage>& errors);

    // As Load, from in-memory files; each RuleSource counts as its own path.
    static RuleSet LoadSources(const std::vector<RuleSource>& sources,
                               std::vector<LintMessage>& errors);

    bool ok() const;
    size_t size() const;
    const Rule& rule(uint32_t index) const;
    std::optional<uint32_t> Find(std::string_view id) const;
    size_t file_count() const; // rule files read

    std::unique_ptr<MatchScratch> NewScratch() const;

    // Appends the indexes of the rules matching `event`, ascending. `scratch` must come from
    // NewScratch() of this RuleSet (or a copy of it).
    void Match(const Event& event, MatchScratch& scratch, std::vector<uint32_t>& out) const;
    // As above, with the "content unavailable" flag of each hit.
    void Match(const Event& event, MatchScratch& scratch, std::vector<RuleHit>& out) const;

  private:
    std::shared_ptr<const rules_internal::RuleSetImpl> impl_;
};

} // namespace minetrace
