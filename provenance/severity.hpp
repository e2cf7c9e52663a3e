// The severity policy (README "Severity"): what a finding's facts make of it. Data in, verdict
// out: RateFinding reads nothing but its argument, so it is tested from a table
// (tests/unit/provenance/severity_test.cpp). The analyzer gathers the facts (rating.cpp).
#pragma once

#include "provenance/model.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

// How the grant behind a finding reads in its own context (Analyzer::WeighGrant): a role given
// shortly before is preparation unless it reads as onboarding. `onboarding` holds when a user of
// the tenant who authenticated with MFA, not the grantee, made it and at least two of: it came
// from an address the granter had used a day or more before, a change ticket names it (the
// grant's description or the resource's tags), the grantee creates the same type again in 2+
// later weeks. `seen` says what the weighing found, `missing` what kept it from onboarding.
struct GrantContext {
    bool onboarding = false;
    std::vector<std::string> seen;
    std::vector<std::string> missing;
};

// Everything the severity rules look at. Views: they live as long as the finding they describe.
struct FindingFacts {
    std::span<const std::string> signals;        // the finding's rule signals, sorted, distinct
    std::string_view resource_type;              // lowercased ARM type
    std::string_view status;                     // created | failed | deleted
    std::string_view status_code;                // of the resource's first operation, "" if none
    const std::string* vm_size = nullptr;        // details["vm_size"], if any
    std::span<const Precursor> preparation;      // attached preparation (AttachPreparation)
    const Grant* authorized_by = nullptr;        // the chain of rights, if any
    const GrantContext* grant_context = nullptr; // its weighing, if any
    int64_t created_at_us = -1;
    bool sweep = false;        // compute in kSweepRegions+ regions within a day by the creator
    bool miner_parent = false; // a miner was installed on it through an extension or run command
    // The creator; for a resource with no creation in the log (pre_existing), the actor of the
    // decisive act (`act`, at created_at_us).
    const Principal* created_by = nullptr;
    bool pre_existing = false;
    std::string_view act;
};

struct Verdict {
    Severity severity = Severity::kLow;
    std::vector<std::string> reasons; // plain language, in the order the rules apply
};

Verdict RateFinding(const FindingFacts& facts);

// Whether a rated finding is reported: medium or high, or low compute still worth a look
// (GPU/HPC, very large or uncapped Spot sizes, miner content).
bool IsNotable(Severity severity, std::span<const std::string> signals);

// A low finding whose creator (`created`; else its actor) is behind high findings becomes
// medium; false if it stays.
bool Implicate(Severity& severity, std::vector<std::string>& reasons, const Principal& creator,
               bool created = true);

// The role grant that enabled a principal behind high findings (pass 3): high. `granter` is who
// made the grant (the grant's creator), if known.
Verdict RateEnablingGrant(const Grant& grant, const Principal* granter);

// A supporting resource (network, disk, group, deployment) created (or, `created` false, changed)
// by a principal behind high findings (pass 3): medium.
Verdict RateSupporting(const Principal& principal, bool created);

} // namespace minetrace
