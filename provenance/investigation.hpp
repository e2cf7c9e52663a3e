// Investigation: the serial sink that keeps what provenance needs from the event stream, and the
// analysis that turns it into findings after the last batch.
//
// During ingest (Consume, on the pipeline's serial sink thread) it copies only the events worth
// keeping: events that matched a rule, deletes and role grants, and Partner Center records; for
// every event it updates small per-principal and per-subscription aggregates. So memory grows
// with the number of relevant records, not with the input.
//
// Analyze() (after ingest, single-threaded) folds phases into operations, builds each
// resource's lifecycle, attributes creators, follows role grants (authorized_by), attaches
// preparation, rates severity and builds the timeline. Its result is deterministic: it depends
// only on the input, never on thread count or batch boundaries.
#pragma once

#include "core/arena.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/model.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace minetrace {

// Pass the Investigation both as a consumer and as a preparer (IngestOptions::preparers): the
// per-event work (which events to keep, their SHA-256, per-principal tallies) then runs in the
// parallel stage and Consume only merges. Without the preparer registration Consume does that
// work itself, serially.
class Investigation : public BatchConsumer, public BatchPreparer {
  public:
    // `paths` are the input files in pipeline order; `rules[i]` describes rule index i.
    Investigation(std::vector<std::string> paths, std::vector<RuleInfo> rules);
    ~Investigation() override;

    void Consume(const Batch& batch) override;
    std::unique_ptr<BatchNotes> Prepare(const Batch& batch) const override;

    InvestigationResult Analyze() const;

    size_t retained_count() const { return retained_.size(); }

  private:
    struct PrincipalAggregate {
        Principal identity;
        int64_t first_seen_us = INT64_MAX;
        int64_t last_seen_us = INT64_MIN;
        uint64_t events = 0;
        uint64_t failures = 0;
        std::set<std::string> ips;
    };

    struct Notes;
    // Stores `text` once for the whole run; equal texts share storage. `hash` must be
    // std::hash<std::string_view> of `text` (Prepare computes it in the parallel stage).
    std::string_view Intern(std::string_view text);
    std::string_view Intern(std::string_view text, size_t hash);
    // Stores `text` (bodies: large and rarely repeated) without looking for an equal one.
    std::string_view Keep(std::string_view text);

    std::vector<std::string> paths_;
    std::vector<RuleInfo> rules_;
    std::vector<std::unique_ptr<RetainedEvent>> retained_;
    Arena pool_;
    struct InternedText {
        mutable std::string_view text; // repointed at the pool copy on insertion only
        size_t hash;
        bool operator==(const InternedText& o) const { return hash == o.hash && text == o.text; }
    };
    struct InternedTextHash {
        size_t operator()(const InternedText& t) const { return t.hash; }
    };
    std::unordered_set<InternedText, InternedTextHash> interned_;
    // Hash and equality over interned views: equal texts share storage, so the pointers decide.
    struct InternedGroupHash {
        size_t operator()(const RetainedIdentity& g) const;
        size_t operator()(const RetainedFacts& g) const;
    };
    struct InternedGroupEqual {
        bool operator()(const RetainedIdentity& a, const RetainedIdentity& b) const;
        bool operator()(const RetainedFacts& a, const RetainedFacts& b) const;
    };
    // Node-based sets: the elements never move, so events point at them.
    std::unordered_set<RetainedIdentity, InternedGroupHash, InternedGroupEqual> identities_;
    std::unordered_set<RetainedFacts, InternedGroupHash, InternedGroupEqual> facts_;
    std::deque<RetainedPartner> partners_;
    std::map<std::string, PrincipalAggregate> principals_;
    std::set<std::string> subscriptions_seen_;
    std::map<std::string, std::string> subscription_tenants_;
    uint64_t sequence_ = 0;
};

// The principal key used across outputs: object id, else UPN, else the caller, lowercased.
std::string PrincipalKey(const RetainedEvent& event);

// Built-in Azure role names by role definition GUID (Owner, Contributor, ...); empty if unknown.
std::string_view BuiltInRoleName(std::string_view role_definition_guid);

} // namespace minetrace
