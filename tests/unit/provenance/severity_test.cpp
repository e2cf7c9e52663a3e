// The severity policy as a table (README "Severity"): each row is one finding's facts and the
// verdict they must give, severity and reasons, in order.
#include "provenance/severity.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using namespace minetrace;

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000 * 1000;
constexpr int64_t kCreatedAt = 100 * kDay;
constexpr const char* kVm = "microsoft.compute/virtualmachines";
constexpr const char* kOwnerGuid = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
constexpr const char* kReaderGuid = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

enum class Who { kMfaUser, kUserNoMfa, kServicePrincipal, kForeignMfaUser, kNone };

struct GrantRow {
    const char* role;
    const char* role_definition_id;
    int64_t days_before;
};

struct Row {
    const char* name = "";
    std::vector<std::string> signals = {};
    const char* type = kVm;
    const char* status = "created";
    std::vector<const char*> preparation = {}; // precursor signals
    std::optional<GrantRow> grant = std::nullopt;
    std::optional<GrantContext> context = std::nullopt; // the grant's weighing
    bool sweep = false;
    bool miner_parent = false;
    Who who = Who::kMfaUser;
    const char* status_code = "";
    Severity severity = Severity::kLow;
    std::vector<std::string> reasons = {};
};

Principal Creator(Who who) {
    Principal p;
    p.object_id = "11111111-2222-3333-4444-555555555555";
    p.tenant_id = "home";
    switch (who) {
    case Who::kMfaUser:
    case Who::kNone:
        p.type = "user", p.name = "alice@contoso.com", p.mfa = Tristate::kYes;
        break;
    case Who::kUserNoMfa:
        p.type = "user", p.name = "bob@contoso.com", p.mfa = Tristate::kNo;
        break;
    case Who::kServicePrincipal:
        p.type = "service_principal", p.name = "app-1";
        break;
    case Who::kForeignMfaUser:
        p.type = "user", p.name = "eve@partner.com", p.mfa = Tristate::kYes;
        p.tenant_id = "partner", p.foreign_tenant = true;
        break;
    }
    return p;
}

const std::string kGpu = "GPU/HPC compute (Standard_NC24)";
const std::string kGpuPrep = kGpu + " with preparation signals";
const std::string kGpuLoneMfa =
    kGpu + " created by an MFA-authenticated user with no preparation signal";
const std::string kGpuLone = kGpu + " with no preparation signal";
const std::string kQuota = "a quota increase requested by the same principal beforehand";
const std::string kOwnerFresh =
    "the creator received the Owner role shortly before (from admin@contoso.com)";
const std::string kSweep = "compute created in 3+ regions within a day by the same principal";
const std::string kSpot = "Spot/low-priority capacity with no price cap";
const std::string kFailedBefore = "failed creation attempts by the same principal beforehand";
const std::string kRegistered = "resource providers registered by the same principal beforehand";
const std::string kMiner = "miner content in its configuration (command line, image or script)";
const std::string kMinerParent = "a miner was installed on it through an extension or run command";
const std::string kComputePrep = "compute created with preparation signals";
const std::string kComputeLone = "compute created with no preparation signal";
const std::string kForeign = "created by a principal from another tenant (partner, GDAP or guest)";

} // namespace

TEST_CASE("RateFinding follows the README's severity rules", "[provenance][severity]") {
    // clang-format off
    const std::vector<Row> rows = {
        // High: miner content, on the resource or installed on it.
        {.name = "miner content", .signals = {"miner-content"}, .severity = Severity::kHigh,
         .reasons = {kMiner}},
        {.name = "miner installed through an extension", .signals = {"compute-create"},
         .miner_parent = true, .severity = Severity::kHigh, .reasons = {kMinerParent, kComputeLone}},
        // High: GPU/HPC compute with each preparation signal.
        {.name = "GPU + quota increase", .signals = {"gpu-sku"}, .preparation = {"quota-increase"},
         .severity = Severity::kHigh, .reasons = {kGpuPrep, kQuota}},
        {.name = "GPU + fresh Owner grant", .signals = {"gpu-sku"},
         .grant = GrantRow{"Owner", kOwnerGuid, 1}, .severity = Severity::kHigh,
         .reasons = {kGpuPrep, kOwnerFresh}},
        // A fresh grant is weighed in its own context: onboarding is no preparation, and the
        // reason says what tipped it either way.
        {.name = "GPU + fresh Owner grant that reads as onboarding", .signals = {"gpu-sku"},
         .grant = GrantRow{"Owner", kOwnerGuid, 1},
         .context = GrantContext{true, {"granted by admin with MFA", "under change ticket CHG1"},
                                 {"no weekly repetition afterwards"}},
         .who = Who::kServicePrincipal, .severity = Severity::kMedium,
         .reasons = {kGpuLone, kOwnerFresh + "; weighed as onboarding, not preparation: granted "
                                             "by admin with MFA and under change ticket CHG1"}},
        {.name = "GPU + fresh Owner grant that does not", .signals = {"gpu-sku"},
         .grant = GrantRow{"Owner", kOwnerGuid, 1},
         .context = GrantContext{false, {"from a known address"},
                                 {"the granter authenticated without MFA", "no change ticket",
                                  "no weekly repetition afterwards"}},
         .who = Who::kServicePrincipal, .severity = Severity::kHigh,
         .reasons = {kGpuPrep, kOwnerFresh + "; counted as preparation: the granter authenticated "
                                             "without MFA, no change ticket and no weekly "
                                             "repetition afterwards (though from a known "
                                             "address)"}},
        {.name = "GPU + region sweep", .signals = {"gpu-sku"}, .sweep = true,
         .severity = Severity::kHigh, .reasons = {kGpuPrep, kSweep}},
        {.name = "GPU + uncapped Spot", .signals = {"gpu-sku", "spot-unlimited"},
         .severity = Severity::kHigh, .reasons = {kGpuPrep, kSpot}},
        {.name = "GPU + failed attempts", .signals = {"gpu-sku"},
         .preparation = {"failed-attempt"}, .severity = Severity::kHigh,
         .reasons = {kGpuPrep, kFailedBefore}},
        {.name = "large SKU + quota increase", .signals = {"large-sku"},
         .preparation = {"quota-increase"}, .severity = Severity::kHigh,
         .reasons = {kGpuPrep, kQuota}},
        {.name = "GPU + fresh custom role", .signals = {"gpu-sku"},
         .grant = GrantRow{"0badc0de-0000-0000-0000-000000000000",
                           "0badc0de-0000-0000-0000-000000000000", 2},
         .severity = Severity::kHigh,
         .reasons = {kGpuPrep, "the creator received the 0badc0de-0000-0000-0000-000000000000 role "
                               "shortly before (from admin@contoso.com)"}},
        // Medium: GPU with no such signal (unless a lone MFA user's).
        {.name = "lone GPU VM, user without MFA", .signals = {"gpu-sku"}, .who = Who::kUserNoMfa,
         .severity = Severity::kMedium, .reasons = {kGpuLone}},
        {.name = "lone GPU VM, service principal", .signals = {"gpu-sku"},
         .who = Who::kServicePrincipal, .severity = Severity::kMedium, .reasons = {kGpuLone}},
        {.name = "GPU + provider registration only (routine)", .signals = {"gpu-sku"},
         .preparation = {"rp-registration"}, .who = Who::kServicePrincipal,
         .severity = Severity::kMedium, .reasons = {kGpuLone, kRegistered}},
        // Low: a lone GPU VM by an MFA-authenticated user.
        {.name = "lone MFA GPU VM is low", .signals = {"gpu-sku"}, .severity = Severity::kLow,
         .reasons = {kGpuLoneMfa}},
        {.name = "onboarding grant (30 days before) is not fresh", .signals = {"gpu-sku"},
         .grant = GrantRow{"Owner", kOwnerGuid, 30}, .severity = Severity::kLow,
         .reasons = {kGpuLoneMfa}},
        {.name = "fresh Reader grant gives no right to create", .signals = {"gpu-sku"},
         .grant = GrantRow{"Reader", kReaderGuid, 1}, .severity = Severity::kLow,
         .reasons = {kGpuLoneMfa}},
        // Medium: ordinary compute with preparation signals.
        {.name = "CPU compute + quota increase", .signals = {"compute-create"},
         .preparation = {"quota-increase"}, .severity = Severity::kMedium,
         .reasons = {kComputePrep, kQuota}},
        {.name = "CPU compute + uncapped Spot", .signals = {"spot-unlimited"},
         .severity = Severity::kMedium, .reasons = {kComputePrep, kSpot}},
        {.name = "CPU compute + fresh Owner grant", .signals = {},
         .grant = GrantRow{"Owner", kOwnerGuid, 3}, .severity = Severity::kMedium,
         .reasons = {kComputePrep, kOwnerFresh}},
        // Low: ordinary compute otherwise (a sweep counts for GPU only).
        {.name = "CPU compute, nothing else", .signals = {"compute-create"},
         .severity = Severity::kLow, .reasons = {kComputeLone}},
        {.name = "CPU compute + region sweep stays low", .signals = {"compute-create"},
         .sweep = true, .severity = Severity::kLow, .reasons = {kComputeLone, kSweep}},
        {.name = "not compute, no signal", .signals = {},
         .type = "microsoft.storage/storageaccounts", .severity = Severity::kLow, .reasons = {}},
        // Medium: anything by a foreign-tenant principal.
        {.name = "foreign tenant, CPU compute", .signals = {"compute-create"},
         .who = Who::kForeignMfaUser, .severity = Severity::kMedium,
         .reasons = {kComputeLone, kForeign}},
        {.name = "foreign tenant MFA user's lone GPU VM is not trusted", .signals = {"gpu-sku"},
         .who = Who::kForeignMfaUser, .severity = Severity::kMedium,
         .reasons = {kGpuLone, kForeign}},
        {.name = "foreign tenant, not compute", .signals = {},
         .type = "microsoft.network/virtualnetworks", .who = Who::kForeignMfaUser,
         .severity = Severity::kMedium, .reasons = {kForeign}},
        // Deployments carry what they create: at most medium, unless miner content.
        {.name = "deployment of GPU with quota is capped", .signals = {"gpu-sku"},
         .type = "microsoft.resources/deployments", .preparation = {"quota-increase"},
         .severity = Severity::kMedium, .reasons = {kGpuPrep, kQuota}},
        {.name = "deployment with miner content", .signals = {"miner-content"},
         .type = "microsoft.resources/deployments", .severity = Severity::kHigh,
         .reasons = {kMiner}},
        // Failed attempts: medium for compute, at most medium otherwise.
        {.name = "failed GPU creation with quota", .signals = {"gpu-sku"}, .status = "failed",
         .preparation = {"quota-increase"}, .status_code = "QuotaExceeded",
         .severity = Severity::kMedium,
         .reasons = {kGpuPrep, kQuota, "the creation failed (QuotaExceeded)"}},
        {.name = "failed lone MFA GPU VM is medium", .signals = {"gpu-sku"}, .status = "failed",
         .severity = Severity::kMedium, .reasons = {kGpuLoneMfa, "the creation failed"}},
        {.name = "failed CPU compute", .signals = {"compute-create"}, .status = "failed",
         .severity = Severity::kMedium, .reasons = {kComputeLone, "the creation failed"}},
        {.name = "failed, not compute", .signals = {}, .type = "microsoft.storage/storageaccounts",
         .status = "failed", .status_code = "Conflict", .severity = Severity::kLow,
         .reasons = {"the creation failed (Conflict)"}},
        {.name = "failed miner stays at most medium", .signals = {"miner-content"},
         .status = "failed", .severity = Severity::kMedium,
         .reasons = {kMiner, "the creation failed"}},
    };
    // clang-format on
    REQUIRE(rows.size() >= 20);
    for (const Row& row : rows) {
        SECTION(row.name) {
            Principal creator = Creator(row.who);
            std::vector<Precursor> preparation;
            for (const char* signal : row.preparation) {
                Precursor p;
                p.signal = signal;
                preparation.push_back(p);
            }
            Grant grant;
            if (row.grant) {
                grant.role = row.grant->role;
                grant.role_definition_id = row.grant->role_definition_id;
                grant.at_us = kCreatedAt - row.grant->days_before * kDay;
                grant.granted_by.type = "user";
                grant.granted_by.name = "admin@contoso.com";
            }
            const std::string vm_size = "Standard_NC24";
            FindingFacts facts;
            facts.signals = row.signals;
            facts.resource_type = row.type;
            facts.status = row.status;
            facts.status_code = row.status_code;
            facts.vm_size = &vm_size;
            facts.preparation = preparation;
            facts.authorized_by = row.grant ? &grant : nullptr;
            facts.grant_context = row.context ? &*row.context : nullptr;
            facts.created_at_us = kCreatedAt;
            facts.sweep = row.sweep;
            facts.miner_parent = row.miner_parent;
            facts.created_by = row.who == Who::kNone ? nullptr : &creator;
            Verdict verdict = RateFinding(facts);
            CHECK(ToString(verdict.severity) == ToString(row.severity));
            CHECK(verdict.reasons == row.reasons);
        }
    }
}

TEST_CASE("pass 3 verdicts: the enabling grant is high, supporting resources medium",
          "[provenance][severity]") {
    Grant grant;
    grant.role = "Owner";
    grant.principal_id = "victim-sp";
    Principal granter;
    granter.name = "admin@contoso.com";
    granter.type = "user";
    granter.mfa = Tristate::kNo;
    Verdict v = RateEnablingGrant(grant, &granter);
    CHECK(v.severity == Severity::kHigh);
    CHECK(v.reasons == std::vector<std::string>{
                           "granted the Owner role to victim-sp, who then created high-severity "
                           "resources",
                           "the grant was made without MFA"});
    granter.mfa = Tristate::kYes;
    CHECK(RateEnablingGrant(grant, &granter).reasons.size() == 1);

    Principal sp;
    sp.name = "app-1";
    sp.type = "service_principal";
    Verdict s = RateSupporting(sp, true);
    CHECK(s.severity == Severity::kMedium);
    CHECK(s.reasons ==
          std::vector<std::string>{"supporting resource created by app-1 (service "
                                   "principal), who is behind high-severity resources"});
    // A write that does not prove a creation: the supporting resource existed before the logs.
    CHECK(RateSupporting(sp, false).reasons ==
          std::vector<std::string>{"supporting resource (existing before the logs) changed by "
                                   "app-1 (service principal), who is behind high-severity "
                                   "resources"});
}

TEST_CASE("a low finding by a principal behind high findings becomes medium; what is reported",
          "[provenance][severity]") {
    Principal p;
    p.name = "eve@contoso.com";
    p.type = "user";
    Severity severity = Severity::kLow;
    std::vector<std::string> reasons;
    CHECK(Implicate(severity, reasons, p));
    CHECK(severity == Severity::kMedium);
    CHECK(reasons == std::vector<std::string>{
                         "created by eve@contoso.com, who is behind high-severity resources"});
    CHECK_FALSE(Implicate(severity, reasons, p)); // already medium: unchanged
    CHECK(reasons.size() == 1);

    const std::vector<std::string> cpu = {"compute-create"}, gpu = {"gpu-sku"};
    CHECK_FALSE(IsNotable(Severity::kLow, cpu));
    CHECK(IsNotable(Severity::kLow, gpu));
    CHECK(IsNotable(Severity::kMedium, cpu));
}
