// PrincipalTable: every principal of the input with its tallies (principals.jsonl's rows), sealed
// and read-only, held as byte form (core/byte_form.hpp) in memory up to a budget and in an
// unlinked temporary file beyond it, so that a million callers do not take a million objects on
// the heap. Rows are in key order; a sparse index (every kIndexStride-th key) finds a row with
// one small read.
//
// What the findings add to a principal (has_findings, worst, created_by_*) is an overlay set
// after the analysis (SetFindings): at most one entry per creator of a finding.
//
// Thread-safety: built by one thread (Builder), then every const member may be called from any
// number of threads at once (reads are pread or from an immutable buffer). Copies share the rows.
#pragma once

#include "provenance/retained_store.hpp"
#include "provenance/severity_level.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

// Who a principal is, as its first event in the input shows it.
struct PrincipalIdentity {
    std::string name; // UPN for users; app id for service principals; the caller otherwise
    std::string type; // user | service_principal | managed_identity | application | unknown
    std::string object_id;
    std::string app_id;
    std::string tenant_id; // the token's tenant
    bool foreign_tenant = false;
};

struct PrincipalSummary {
    std::string key; // object id, else UPN, else caller
    PrincipalIdentity identity;
    int64_t first_seen_us = 0;
    int64_t last_seen_us = 0;
    uint64_t events = 0;
    uint64_t failures = 0;
    std::set<std::string, std::less<>> ips;
    std::map<std::string, uint64_t> created_by_type;
    std::map<std::string, uint64_t> created_by_size;
    std::map<std::string, uint64_t> created_by_region;
    Severity worst = Severity::kLow;
    bool has_findings = false;
};

class PrincipalTable {
  public:
    // What the findings say of one principal (PrincipalSummary's last members).
    struct FindingTally {
        std::map<std::string, uint64_t> created_by_type;
        std::map<std::string, uint64_t> created_by_size;
        std::map<std::string, uint64_t> created_by_region;
        Severity worst = Severity::kLow;
        bool has_findings = false;
    };

    // Appends rows in strictly increasing key order (std::logic_error otherwise); `spill` says
    // past which size and where the rows go to a file. Not thread-safe.
    class Builder {
      public:
        explicit Builder(RetainedStoreOptions spill = {});
        ~Builder();
        Builder(const Builder&) = delete;
        Builder& operator=(const Builder&) = delete;
        // `ips`: the addresses with when each was first used, by address (sorted, distinct).
        void Add(const PrincipalSummary& row,
                 const std::vector<std::pair<std::string, int64_t>>& ips);
        PrincipalTable Finish();

      private:
        struct State;
        std::unique_ptr<State> state_;
    };

    PrincipalTable();

    size_t size() const;
    bool empty() const { return size() == 0; }

    // Every row in key order, with the findings' overlay applied. The row is valid during the
    // visit only.
    void ForEach(const std::function<void(const PrincipalSummary&)>& visit) const;

    // When the principal with `key` (PrincipalKey) first used address `ip`, -1 when the table
    // does not hold that address for it.
    int64_t AddressFirstUsed(std::string_view key, std::string_view ip) const;

    // Sets what the findings say, by principal key; keys without a row are ignored.
    void SetFindings(std::map<std::string, FindingTally, std::less<>> tallies);

    uint64_t bytes() const; // of the rows' byte form
    bool spilled() const;   // the rows are in a file

  private:
    struct Rows;
    std::shared_ptr<const Rows> rows_;
    std::shared_ptr<const std::map<std::string, FindingTally, std::less<>>> findings_;
};

} // namespace minetrace
