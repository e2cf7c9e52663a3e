// What the provenance passes share inside provenance/: the per-thread scratch, the body facts a
// kept record carries, principal identity, the compute types and roles the rules look at.
// Private to provenance/ (investigation.hpp is the public face).
#pragma once

#include "core/event.hpp"
#include "core/flat_index.hpp"
#include "core/sha256.hpp"
#include "provenance/body.hpp"
#include "provenance/model.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <tbb/enumerable_thread_specific.h>
#include <vector>

namespace minetrace::analysis {

// The body facts a kept record carries, in RetainedFacts' order (see FactField).
enum Fact : size_t {
    kLocation,
    kVmSize,
    kPriority,
    kMaxPrice,
    kCapacity,
    kTargetDedicatedNodes,
    kTargetLowPriorityNodes,
    kImage,
    kPublisher,
    kExtensionType,
    kGrantPrincipalId,
    kGrantPrincipalType,
    kGrantRoleDefinitionId,
    kGrantScope,
    kChangeTicket,
    kFactCount
};

// The RetainedFacts member that holds each Fact.
template <typename Facts> auto& FactField(Facts& r, Fact fact) {
    decltype(&r.location) fields[kFactCount] = {&r.location,
                                                &r.vm_size,
                                                &r.priority,
                                                &r.max_price,
                                                &r.capacity,
                                                &r.target_dedicated_nodes,
                                                &r.target_low_priority_nodes,
                                                &r.image,
                                                &r.publisher,
                                                &r.extension_type,
                                                &r.grant_principal_id,
                                                &r.grant_principal_type,
                                                &r.grant_role_definition_id,
                                                &r.grant_scope,
                                                &r.change_ticket};
    return *fields[fact];
}

// The scratch the ingest and analysis work reuses from record to record, so that in steady state
// it allocates only for values longer than any before (capacities stay) and keeps one EVP context
// and one JSON parser per thread.
// Thread-safety contract: an AnalysisScratch is used by one task at a time. A task takes the
// calling thread's one (ScratchPool::local()) when it starts, passes it down by reference, and
// does not keep it past its end nor wait on other tasks while using it (a thread that waits may
// run another task that takes the same scratch). Members hold no state between uses: each user
// clears what it reads.
struct AnalysisScratch {
    // Ingest (Investigation::Prepare, EncodeKept, ReadBodyFacts).
    FlatIndex principal_index, subscription_index;
    Sha256 sha; // Finish resets it
    std::array<std::string, kFactCount> facts;
    std::vector<RuleRef> rules;
    std::string found;
    // Both sides: body reading (ReadBodyFacts, CommandsOf).
    BodyReader reader;
    // Analysis (FoldOperations).
    std::vector<const RetainedEvent*> sorted;
};

// One AnalysisScratch per thread, created on a thread's first use and kept until the pool ends.
struct ScratchPool : tbb::enumerable_thread_specific<AnalysisScratch> {};

// Reads the facts the analysis needs from one record's bodies into `v` (each empty on entry).
// The request body is read first; within a body the first path listed for a fact wins.
// Thread-safe with a scratch of its own (see AnalysisScratch).
void ReadBodyFacts(const Event& e, std::array<std::string, kFactCount>& v,
                   AnalysisScratch& scratch);

// The caller of a parsed event, as a kept record names it (views into the event).
RetainedIdentity IdentityOf(const Caller& c);
Principal PrincipalOf(const RetainedEvent& e);

// Compute types (lowercased ARM types) that count as compute for relevance and severity.
bool IsComputeType(std::string_view type);
// Compute whose creation regions count toward a region sweep.
bool IsSweptType(std::string_view type);

// Roles that allow creating compute (or granting that right); custom roles count too.
bool IsPrivilegedRole(const Grant& grant);

} // namespace minetrace::analysis
