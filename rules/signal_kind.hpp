// The signal kinds: the one list of names a rule's `signal:` may hold. The analysis (provenance/)
// and the report decide relevance, severity, preparation and labels by these names, so a pack
// naming anything else would load, match and change nothing; the loader rejects it instead
// (rules/README.md "Signals" says what each kind makes the analysis do).
//
// Compare against these constants, not against string literals, so a rename is one edit here.
// constexpr data; thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace minetrace::signal_kind {

// Compute created, started or updated (VMs, scale sets, Batch, AKS, ML, containers, App
// Service, template deployments); compute scaled to 64+ vCPUs.
inline constexpr std::string_view kComputeCreate = "compute-create";
inline constexpr std::string_view kComputeScale = "compute-scale";
// Sizes: GPU / FPGA / HPC families; very large CPU sizes and plans.
inline constexpr std::string_view kGpuSku = "gpu-sku";
inline constexpr std::string_view kLargeSku = "large-sku";
// Spot capacity with no maximum price, low-priority nodes.
inline constexpr std::string_view kSpotUnlimited = "spot-unlimited";
// Miner software, pool URLs or domains, wallets, miner images in request or response content.
inline constexpr std::string_view kMinerContent = "miner-content";
// Code run on compute (run command, extensions, boot scripts, start tasks, runbooks); GPU and
// InfiniBand driver extensions.
inline constexpr std::string_view kExecution = "execution";
inline constexpr std::string_view kGpuDriver = "gpu-driver";
// Preparation for a later creation (the report's "preparation" entries).
inline constexpr std::string_view kQuotaIncrease = "quota-increase";
inline constexpr std::string_view kRpRegistration = "rp-registration";
inline constexpr std::string_view kResourceGroupCreate = "resource-group-create";
// A refused or failed compute write. The analysis also gives this name to any failed write it
// counts as preparation, matched or not.
inline constexpr std::string_view kFailedAttempt = "failed-attempt";
// Role assignments and role definitions.
inline constexpr std::string_view kPrivilegeGrant = "privilege-grant";
// Partner Center actions; changes by a caller from another tenant; subscription changes.
inline constexpr std::string_view kPartnerAction = "partner-action";
inline constexpr std::string_view kCrossTenant = "cross-tenant";
inline constexpr std::string_view kSubscriptionChange = "subscription-change";
// Logging, alerting or Defender turned down.
inline constexpr std::string_view kDefenseEvasion = "defense-evasion";
// The signal of every Sigma rule, set by the Sigma loader; a native rule may not name it.
inline constexpr std::string_view kSigma = "sigma";

// What a native rule's `signal:` may name: every kind above but kSigma.
inline constexpr std::array<std::string_view, 17> kNative = {
    kComputeCreate,       kComputeScale,  kGpuSku,         kLargeSku,      kSpotUnlimited,
    kMinerContent,        kExecution,     kGpuDriver,      kQuotaIncrease, kRpRegistration,
    kResourceGroupCreate, kFailedAttempt, kPrivilegeGrant, kPartnerAction, kCrossTenant,
    kSubscriptionChange,  kDefenseEvasion};

constexpr bool IsNative(std::string_view name) {
    for (std::string_view kind : kNative)
        if (kind == name) return true;
    return false;
}

// The level (Sigma's five: informational, low, medium, high, critical) of a native rule that
// states none: how much a lone hit of this kind deserves a responder's look when no compute
// finding rates it (detections.jsonl, the reports' "Other detections"). It changes no severity.
constexpr std::string_view DefaultLevel(std::string_view signal) {
    if (signal == kMinerContent || signal == kDefenseEvasion) return "high";
    if (signal == kRpRegistration || signal == kResourceGroupCreate || signal == kFailedAttempt)
        return "low";
    return "medium";
}

} // namespace minetrace::signal_kind
