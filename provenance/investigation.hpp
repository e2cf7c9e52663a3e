// Investigation: the serial sink that keeps what provenance needs from the event stream, and the
// analysis that turns it into findings after the last batch.
//
// During ingest it keeps only the records worth keeping (records that matched a rule, the
// phases of compute writes and deletes, deployments and role grants, Partner Center records),
// in their byte form in a RetainedStore grouped by resource: in memory up to a budget, in a
// temporary file beyond it. For every event it updates small per-principal and per-subscription
// aggregates. So memory does not grow with the input: only the aggregates (per principal, per
// subscription) and the findings themselves are held.
//
// Analyze() reads the store resource by resource in a few passes: cross-resource indexes
// (grants, deployments, preparation, regions per principal), then each resource's lifecycle,
// attribution, chain of rights, preparation and severity, then what the principals behind high
// findings did around them. Its result is deterministic: it depends only on the input, never on
// thread count, batch boundaries or the memory budget.
#pragma once

#include "pipeline/ingest.hpp"
#include "pipeline/replayable.hpp"
#include "provenance/duplicate_index.hpp"
#include "provenance/model.hpp"
#include "provenance/principal_tallies.hpp"
#include "provenance/retained_store.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace minetrace {

namespace analysis {
struct ScratchPool;
}

// Pass the Investigation both as a consumer and as a preparer (IngestOptions::preparers): the
// per-event work (which events to keep, their SHA-256 and byte form, per-principal tallies) then
// runs in the parallel stage and Consume only merges. Without the preparer registration Consume
// does that work itself, serially.
class Investigation : public ReplayableConsumer, public BatchPreparer {
  public:
    // `paths` are the input files in pipeline order; `rules[i]` describes rule index i.
    Investigation(std::vector<std::string> paths, std::vector<RuleInfo> rules,
                  const RetainedStoreOptions& store = {});
    ~Investigation() override;

    void Consume(const Batch& batch) override;
    std::unique_ptr<BatchNotes> Prepare(const Batch& batch) const override;
    void Replay(std::string_view digest, uint32_t file_id) override;
    // Only digests are wanted (an ingest into a segment): Consume writes them and keeps
    // nothing itself (no kept records, tallies or identities), so Analyze must not be called.
    void SetRecordOnly(bool record_only) { record_only_ = record_only; }

    // After the last batch, once: the per-principal tallies are sealed into the result's table.
    // A second call throws std::logic_error.
    InvestigationResult Analyze();

    uint64_t retained_count() const { return store_.records() + partner_records_.records(); }

    // Later copies of events seen earlier in the input (event_identity.hpp), by file id (empty
    // for files without any) and in all; set by the first Analyze. The principals' event and
    // failure counts leave them out.
    const std::vector<uint64_t>& duplicates_per_file() const { return duplicates_.per_file; }
    uint64_t duplicates() const { return duplicates_.duplicates; }
    const RetainedStore& store() const { return store_; }

  private:
    struct Notes;

    // Resolves the duplicates, once.
    void ResolveDuplicates();
    // What Consume and Replay apply, one part at a time.
    void AddSubscription(std::string_view id, std::string_view tenant);
    void AddKept(bool partner, std::string_view key, std::string_view bytes);

    std::vector<std::string> paths_;
    std::vector<RuleInfo> rules_;
    RetainedStoreOptions spill_options_;
    RetainedStore store_;           // ARM records, by lowercased resource id
    RetainedStore partner_records_; // Partner Center records, in input order
    PrincipalTallies principals_;
    std::set<std::string, std::less<>> subscriptions_seen_;
    std::map<std::string, std::string, std::less<>> subscription_tenants_;
    uint64_t sequence_ = 0;
    std::vector<uint32_t> ordinal_of_; // Consume's scratch
    PrincipalTallies::Share share_;    // Consume's scratch
    DuplicateIndex identities_;
    uint64_t identity_sequence_ = 0;
    bool duplicates_resolved_ = false;
    bool analyzed_ = false; // Analyze runs once (std::logic_error after)
    bool record_only_ = false;
    DuplicateIndex::Result duplicates_;
    // Per-thread scratch for Prepare (which runs in parallel) and the analysis passes.
    std::unique_ptr<analysis::ScratchPool> scratches_;
};

// The principal key used across outputs: object id, else UPN, else the caller, lowercased.
std::string PrincipalKey(const RetainedEvent& event);

// Built-in Azure role names by role definition GUID (Owner, Contributor, ...); empty if unknown.
std::string_view BuiltInRoleName(std::string_view role_definition_guid);

} // namespace minetrace
