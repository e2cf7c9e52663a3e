#include "parsers/record_parser.hpp"

#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/phase.hpp"
#include "core/timestamp.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <simdjson.h>
#include <utility>

namespace minetrace {

static_assert(RecordParser::kJsonPadding >= simdjson::SIMDJSON_PADDING,
              "batch buffers must carry simdjson's padding");

std::string_view ToString(QuarantineReason reason) {
    switch (reason) {
    case QuarantineReason::kInvalidJson:
        return "invalid-json";
    case QuarantineReason::kInvalidCsv:
        return "invalid-csv";
    case QuarantineReason::kBadTimestamp:
        return "bad-timestamp";
    case QuarantineReason::kMissingFields:
        return "missing-fields";
    case QuarantineReason::kUnrecognizedRecord:
        return "unrecognized-record";
    case QuarantineReason::kTruncated:
        return "truncated";
    case QuarantineReason::kRecordTooLarge:
        return "record-too-large";
    case QuarantineReason::kTooDeep:
        return "too-deep";
    }
    return "unknown";
}

namespace {

namespace od = simdjson::ondemand;

// Normalizes into a fixed buffer without allocating (the per-key hot path). Returns an empty view
// when the normalized key is longer than the buffer. The buffer needs no initialization.
template <size_t N>
std::string_view NormalizeKeyInto(std::string_view key, std::array<char, N>& buffer) {
    if (key.size() >= 3 && static_cast<unsigned char>(key[0]) == 0xEF &&
        static_cast<unsigned char>(key[1]) == 0xBB && static_cast<unsigned char>(key[2]) == 0xBF)
        key.remove_prefix(3);
    size_t n = 0;
    for (char c : key) {
        if (c == '[') break; // "TimeGenerated [UTC]"
        if (c == '_' || c == '-' || c == ' ' || c == '\t' || c == '"') continue;
        if (n == buffer.size()) return {}; // longer than any key we map
        buffer[n++] = AsciiLower(c);
    }
    return {buffer.data(), n};
}

// A normalized key name and what it means to one walk (0: nothing).
struct KeyName {
    std::string_view name;
    uint8_t id;
};

// No key any walk maps normalizes to more than this, so keys are normalized into a buffer of
// this size: a longer key cannot match (NormalizeKeyInto returns an empty view for it).
constexpr size_t kMaxMappedKey = 32;
using KeyBuffer = std::array<char, kMaxMappedKey>;

// Bytes that NormalizeKeyInto drops or stops at, and the first byte of a UTF-8 BOM: a key
// without them normalizes to its ASCII-lowercased self.
constexpr std::array<bool, 256> kNormalizingBytes = [] {
    std::array<bool, 256> bytes{};
    for (unsigned char c : {'_', '-', ' ', '\t', '"', '['}) bytes[c] = true;
    bytes[0xEF] = true;
    return bytes;
}();

inline uint64_t Load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline uint32_t Load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// True when text[0, size) holds a backslash, i.e. a JSON string with escapes. Short texts (most
// keys and values) are checked 8 bytes at a time inline, longer ones by memchr.
inline bool HasBackslash(const char* text, size_t size) {
    if (size >= 32) return std::memchr(text, '\\', size) != nullptr;
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    auto any = [&](size_t at) {
        uint64_t v = Load64(text + at) ^ (kOnes * '\\');
        return ((v - kOnes) & ~v & kHigh) != 0; // a zero byte: a backslash
    };
    if (size >= 8) {
        for (size_t at = 0; at + 8 < size; at += 8)
            if (any(at)) return true;
        return any(size - 8);
    }
    for (size_t i = 0; i < size; ++i)
        if (text[i] == '\\') return true;
    return false;
}

// False only when `key` has none of kNormalizingBytes. Checks 8 bytes at a time for a superset:
// bytes below '0' (space, tab, '"', '-', also '.' '/' '$'), '[' to '_', and non-ASCII bytes; a
// key flagged by the superset is only normalized exactly, so letters and digits are what count.
inline bool MayNormalizeDifferently(std::string_view key) {
    const char* p = key.data();
    const size_t n = key.size();
    if (n < 8) {
        for (size_t i = 0; i < n; ++i)
            if (kNormalizingBytes[static_cast<unsigned char>(p[i])]) return true;
        return false;
    }
    auto flagged = [](uint64_t x) {
        constexpr uint64_t kOnes = 0x0101010101010101ULL;
        constexpr uint64_t kHigh = 0x8080808080808080ULL;
        const uint64_t below_digits = (x - kOnes * '0') & ~x & kHigh; // some byte < '0'
        const uint64_t offset = x | kHigh; // per byte, no borrow: see AsciiUpperBytes
        const uint64_t brackets = (offset - kOnes * '[') & ~(offset - kOnes * ('_' + 1)) & ~x;
        return ((below_digits | brackets | x) & kHigh) != 0;
    };
    for (size_t at = 0; at + 8 < n; at += 8)
        if (flagged(Load64(p + at))) return true;
    return flagged(Load64(p + n - 8));
}

// Normalized key -> id. Lookups go straight to the names of the key's length and compare them
// ASCII-case-insensitively a word at a time, so the spellings logs use (`resourceId`,
// `callerIpAddress`, claim URIs' last segments) match without being normalized first; only
// keys that normalization would change otherwise (`_`, `-`, spaces, `[`, a BOM) are normalized.
template <size_t N> class KeyTable {
  public:
    constexpr explicit KeyTable(const std::array<KeyName, N>& names) {
        std::array<KeyName, N> sorted = names;
        std::sort(sorted.begin(), sorted.end(), [](const KeyName& a, const KeyName& b) {
            return a.name.size() < b.name.size() ||
                   (a.name.size() == b.name.size() && a.name < b.name);
        });
        for (size_t i = 0; i < N; ++i) {
            Entry& e = entries_[i];
            const std::string_view name = sorted[i].name;
            e.size = static_cast<uint8_t>(name.size() <= kMaxMappedKey ? name.size() : 0);
            e.id = sorted[i].id;
            for (size_t j = 0; j < e.size; ++j) {
                e.name[j] = name[j];
                e.fold[j] = (name[j] >= 'a' && name[j] <= 'z') ? '\x20' : '\0';
            }
            valid_ = valid_ && !name.empty() && name.size() <= kMaxMappedKey && e.id != 0 &&
                     (i == 0 || sorted[i - 1].name != name); // one meaning per name
            for (char c : name)
                valid_ = valid_ && c == AsciiLower(c) &&
                         !kNormalizingBytes[static_cast<unsigned char>(c)];
        }
        valid_ = valid_ && N < 256;
        size_t i = 0;
        for (size_t length = 0; length < first_.size(); ++length) {
            while (i < N && entries_[i].size < length) ++i;
            first_[length] = static_cast<uint8_t>(i);
        }
    }

    constexpr bool Valid() const { return valid_; }

    // The id of a key as written in a log, 0 when the table does not map it.
    uint8_t FindKey(std::string_view key) const {
        if (key.size() <= kMaxMappedKey) {
            if (uint8_t id = FindAs(key, true)) return id;
        }
        if (!MayNormalizeDifferently(key)) return 0;
        KeyBuffer buffer;
        return FindNormalized(NormalizeKeyInto(key, buffer));
    }

    // The id of an already normalized key, 0 when the table does not map it.
    uint8_t FindNormalized(std::string_view key) const {
        return key.size() <= kMaxMappedKey ? FindAs(key, false) : 0;
    }

  private:
    struct Entry {
        char name[kMaxMappedKey]{};
        char fold[kMaxMappedKey]{}; // 0x20 under letters: OR-ing it ASCII-lowercases them
        uint8_t size = 0;
        uint8_t id = 0;
    };

    // key.size() <= kMaxMappedKey. With `fold`, key letters match either case.
    uint8_t FindAs(std::string_view key, bool fold) const {
        const size_t n = key.size();
        const char* k = key.data();
        for (size_t i = first_[n], end = first_[n + 1]; i < end; ++i) {
            const Entry& e = entries_[i];
            if ((k[0] | (fold ? e.fold[0] : '\0')) != e.name[0]) continue;
            if (Equals(k, n, e, fold)) return e.id;
        }
        return 0;
    }

    static bool Equals(const char* k, size_t n, const Entry& e, bool fold) {
        if (n >= 8) {
            auto word = [&](size_t at) {
                return (Load64(k + at) | (fold ? Load64(e.fold + at) : 0)) == Load64(e.name + at);
            };
            for (size_t at = 0; at + 8 < n; at += 8)
                if (!word(at)) return false;
            return word(n - 8);
        }
        if (n >= 4) {
            auto word = [&](size_t at) {
                return (Load32(k + at) | (fold ? Load32(e.fold + at) : 0)) == Load32(e.name + at);
            };
            return word(0) && word(n - 4);
        }
        for (size_t i = 0; i < n; ++i)
            if (static_cast<char>(k[i] | (fold ? e.fold[i] : '\0')) != e.name[i]) return false;
        return true;
    }

    std::array<Entry, N> entries_{};
    std::array<uint8_t, kMaxMappedKey + 2> first_{}; // names of length L: [first_[L], first_[L+1])
    bool valid_ = true;
};

template <typename Id, size_t N>
constexpr KeyTable<N> MakeKeyTable(const std::pair<std::string_view, Id> (&names)[N]) {
    std::array<KeyName, N> entries{};
    for (size_t i = 0; i < N; ++i)
        entries[i] = {names[i].first, static_cast<uint8_t>(names[i].second)};
    return KeyTable<N>(entries);
}

// What a top-level key means, across every shape.
enum class Slot : uint8_t {
    kNone,
    kTime,
    kOperationName, // string (export, LA legacy localized text) or LocalizableString (REST/SDK)
    kOperationNameValue,
    kStatus, // string or LocalizableString
    kResultType,
    kActivityStatusValue,
    kActivityStatus,
    kSubStatus, // string or LocalizableString
    kResultSignature,
    kActivitySubstatusValue,
    kActivitySubstatus,
    kCategory, // string or LocalizableString
    kCategoryValue,
    kResourceId,
    kResourceType, // string or LocalizableString (also Partner Center's resourceType)
    kResourceGroup,
    kSubscriptionId,
    kTenantId,
    kCorrelationId,
    kOperationId,
    kEventDataId,
    kCaller,
    kCallerIp,
    kHttpRequest,
    kIdentity,
    kClaims,
    kAuthorization,
    kProperties,
    kLevel,
    kTableType,
    kHierarchy,
    // Partner Center audit records.
    kCustomerId,
    kCustomerName,
    kPartnerId,
    kUserPrincipalName,
    kApplicationId,
    kOperationType,
    kOperationStatus,
    kResourceNewValue,
    kResourceOldValue,
    kCustomizedData,
    kRecordId,
    // Markers of other record kinds.
    kActivityDisplayName,
    kActivityDateTime,
    kCreatedDateTime,
    kUsageStartTime,
    kTotalCost,
    kAppDisplayName,
    kCostColumn,
    kWrapperArray,
    kEnvelope,     // log / event / _source / record: a record inside a tool's envelope
    kApiResponses, // responses: an Azure REST API example document // records / value / items /
                   // tables: the record is a container
};

constexpr std::pair<std::string_view, Slot> kTopLevelNames[] = {
    {"time", Slot::kTime},
    {"eventtimestamp", Slot::kTime},
    {"timegenerated", Slot::kTime},
    {"operationdate", Slot::kTime},
    {"operationname", Slot::kOperationName},
    {"operationnamevalue", Slot::kOperationNameValue},
    {"status", Slot::kStatus},
    {"resulttype", Slot::kResultType},
    {"activitystatusvalue", Slot::kActivityStatusValue},
    {"activitystatus", Slot::kActivityStatus},
    {"substatus", Slot::kSubStatus},
    {"resultsignature", Slot::kResultSignature},
    {"activitysubstatusvalue", Slot::kActivitySubstatusValue},
    {"activitysubstatus", Slot::kActivitySubstatus},
    {"category", Slot::kCategory},
    {"categoryvalue", Slot::kCategoryValue},
    {"resourceid", Slot::kResourceId},
    {"resourceuri", Slot::kResourceId},
    {"resourcetype", Slot::kResourceType},
    {"resourcegroupname", Slot::kResourceGroup},
    {"resourcegroup", Slot::kResourceGroup},
    {"subscriptionid", Slot::kSubscriptionId},
    {"tenantid", Slot::kTenantId},
    {"correlationid", Slot::kCorrelationId},
    {"operationid", Slot::kOperationId},
    {"eventdataid", Slot::kEventDataId},
    {"caller", Slot::kCaller},
    {"calleripaddress", Slot::kCallerIp},
    {"httprequest", Slot::kHttpRequest},
    {"identity", Slot::kIdentity},
    {"claims", Slot::kClaims},
    {"claimsd", Slot::kClaims},
    {"authorization", Slot::kAuthorization},
    {"authorizationd", Slot::kAuthorization},
    {"properties", Slot::kProperties},
    {"propertiesd", Slot::kProperties},
    {"level", Slot::kLevel},
    {"type", Slot::kTableType},
    {"$table", Slot::kTableType},
    {"hierarchy", Slot::kHierarchy},
    {"customerid", Slot::kCustomerId},
    {"customername", Slot::kCustomerName},
    {"partnerid", Slot::kPartnerId},
    {"userprincipalname", Slot::kUserPrincipalName},
    {"applicationid", Slot::kApplicationId},
    {"operationtype", Slot::kOperationType},
    {"operationstatus", Slot::kOperationStatus},
    {"resourcenewvalue", Slot::kResourceNewValue},
    {"resourceoldvalue", Slot::kResourceOldValue},
    {"customizeddata", Slot::kCustomizedData},
    {"id", Slot::kRecordId},
    {"activitydisplayname", Slot::kActivityDisplayName},
    {"activitydatetime", Slot::kActivityDateTime},
    {"createddatetime", Slot::kCreatedDateTime},
    {"usagestarttime", Slot::kUsageStartTime},
    {"totalcost", Slot::kTotalCost},
    {"costinbillingcurrency", Slot::kCostColumn},
    {"metercategory", Slot::kCostColumn},
    {"billingaccountid", Slot::kCostColumn},
    {"appdisplayname", Slot::kAppDisplayName},
    {"records", Slot::kWrapperArray},
    {"value", Slot::kWrapperArray},
    {"items", Slot::kWrapperArray},
    {"tables", Slot::kWrapperArray},
    {"log", Slot::kEnvelope},
    {"event", Slot::kEnvelope},
    {"source", Slot::kEnvelope}, // _source
    {"record", Slot::kEnvelope},
    {"responses", Slot::kApiResponses},
};
constexpr auto kTopLevelSlots = MakeKeyTable(kTopLevelNames);
static_assert(kTopLevelSlots.Valid());
static_assert(static_cast<uint8_t>(Slot::kNone) == 0, "KeyTable::Find returns 0 for no match");

// Slot of a normalized key (CSV headers, Log Analytics columns).
Slot LookupSlot(std::string_view normalized) {
    return static_cast<Slot>(kTopLevelSlots.FindNormalized(normalized));
}

// Keys of the claims object (the last segment of claim URIs), normalized.
enum class ClaimKey : uint8_t {
    kNone,
    kUpn,
    kName,
    kObjectId,
    kTenantId,
    kAppId,
    kAppIdAcr,
    kIpAddr,
    kIdTyp,
    kAmr,
    kMiRid,
    kUti,
};
constexpr std::pair<std::string_view, ClaimKey> kClaimNames[] = {
    {"upn", ClaimKey::kUpn},         {"name", ClaimKey::kName},
    {"uniquename", ClaimKey::kName}, {"objectidentifier", ClaimKey::kObjectId},
    {"oid", ClaimKey::kObjectId},    {"tenantid", ClaimKey::kTenantId},
    {"tid", ClaimKey::kTenantId},    {"appid", ClaimKey::kAppId},
    {"azp", ClaimKey::kAppId},       {"appidacr", ClaimKey::kAppIdAcr},
    {"azpacr", ClaimKey::kAppIdAcr}, {"ipaddr", ClaimKey::kIpAddr},
    {"idtyp", ClaimKey::kIdTyp},     {"authnmethodsreferences", ClaimKey::kAmr},
    {"amr", ClaimKey::kAmr},         {"xmsmirid", ClaimKey::kMiRid},
    {"uti", ClaimKey::kUti},
};
constexpr auto kClaimKeys = MakeKeyTable(kClaimNames);
static_assert(kClaimKeys.Valid());

// Keys of `authorization` and of its `evidence`, normalized.
enum class AuthorizationKey : uint8_t {
    kNone,
    kAction,
    kScope,
    kRole,
    kEvidence,
    kRoleAssignmentId,
    kRoleAssignmentScope,
    kRoleDefinitionId,
    kPrincipalId,
    kPrincipalType,
};
constexpr std::pair<std::string_view, AuthorizationKey> kAuthorizationNames[] = {
    {"action", AuthorizationKey::kAction},
    {"scope", AuthorizationKey::kScope},
    {"role", AuthorizationKey::kRole},
    {"evidence", AuthorizationKey::kEvidence},
    {"roleassignmentid", AuthorizationKey::kRoleAssignmentId},
    {"roleassignmentscope", AuthorizationKey::kRoleAssignmentScope},
    {"roledefinitionid", AuthorizationKey::kRoleDefinitionId},
    {"principalid", AuthorizationKey::kPrincipalId},
    {"principaltype", AuthorizationKey::kPrincipalType},
};
constexpr auto kAuthorizationKeys = MakeKeyTable(kAuthorizationNames);
static_assert(kAuthorizationKeys.Valid());

// Keys of `properties`, normalized.
enum class PropertyKey : uint8_t {
    kNone,
    kRequestBody,
    kResponseBody,
    kStatusCode,
    kStatusMessage,
    kEntity,
    kMessage,
    kHierarchy,
    kOperationId,
    kEventCategory,
};
constexpr std::pair<std::string_view, PropertyKey> kPropertyNames[] = {
    {"requestbody", PropertyKey::kRequestBody},
    {"responsebody", PropertyKey::kResponseBody},
    {"statuscode", PropertyKey::kStatusCode},
    {"statusmessage", PropertyKey::kStatusMessage},
    {"entity", PropertyKey::kEntity},
    {"message", PropertyKey::kMessage},
    {"hierarchy", PropertyKey::kHierarchy},
    {"operationid", PropertyKey::kOperationId},
    {"eventcategory", PropertyKey::kEventCategory},
};
constexpr auto kPropertyKeys = MakeKeyTable(kPropertyNames);
static_assert(kPropertyKeys.Valid());

// Keys of `httpRequest`, `identity` and LocalizableString objects, normalized.
constexpr uint8_t kHttpClientIp = 1;
constexpr std::pair<std::string_view, uint8_t> kHttpRequestNames[] = {
    {"clientipaddress", kHttpClientIp}};
constexpr auto kHttpRequestKeys = MakeKeyTable(kHttpRequestNames);
static_assert(kHttpRequestKeys.Valid());

constexpr uint8_t kIdentityClaims = 1;
constexpr uint8_t kIdentityAuthorization = 2;
constexpr std::pair<std::string_view, uint8_t> kIdentityNames[] = {
    {"claims", kIdentityClaims}, {"authorization", kIdentityAuthorization}};
constexpr auto kIdentityKeys = MakeKeyTable(kIdentityNames);
static_assert(kIdentityKeys.Valid());

constexpr uint8_t kLocalizableValue = 1;
constexpr uint8_t kLocalizableLocalized = 2;
constexpr std::pair<std::string_view, uint8_t> kLocalizableNames[] = {
    {"value", kLocalizableValue}, {"localizedvalue", kLocalizableLocalized}};
constexpr auto kLocalizableKeys = MakeKeyTable(kLocalizableNames);
static_assert(kLocalizableKeys.Valid());

// TrimAsciiSpace, inline for the common text that has nothing to trim.
constexpr bool IsTrimmedSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
inline std::string_view Trim(std::string_view text) {
    if (text.empty() || (!IsTrimmedSpace(text.front()) && !IsTrimmedSpace(text.back())))
        return text;
    return TrimAsciiSpace(text);
}

// Everything a record says, collected in one pass before its kind is decided. Views point into
// the record or the arena.
struct RawFields {
    std::string_view time;
    std::string_view operation_name;       // string form
    std::string_view operation_name_value; // LocalizableString value / OperationNameValue
    std::string_view operation_localized;
    std::string_view status_value;
    std::string_view result_type;
    std::string_view activity_status_value;
    std::string_view activity_status;
    std::string_view sub_status;
    std::string_view result_signature;
    std::string_view activity_substatus;
    std::string_view category;
    std::string_view resource_id;
    std::string_view resource_type;
    std::string_view resource_group;
    std::string_view subscription_id;
    std::string_view tenant_id;
    std::string_view correlation_id;
    std::string_view operation_id;
    std::string_view event_data_id;
    std::string_view caller;
    std::string_view caller_ip;
    std::string_view http_client_ip;
    std::string_view level;
    std::string_view table_type;
    std::string_view hierarchy;
    std::string_view identity_text;
    // properties.*
    std::string_view request_body;
    std::string_view response_body;
    std::string_view status_code;
    std::string_view status_message;
    std::string_view entity;
    std::string_view message;
    std::string_view property_operation_id;
    std::string_view property_event_category;
    // Partner Center.
    std::string_view customer_id;
    std::string_view customer_name;
    std::string_view partner_id;
    std::string_view user_principal_name;
    std::string_view application_id;
    std::string_view operation_type;
    std::string_view operation_status;
    std::string_view resource_new_value;
    std::string_view resource_old_value;
    std::string_view customized_data;
    std::string_view record_id;

    Caller claims;
    Authorization authorization;

    // Raw views (into the record) of objects that may hold records; see kEnvelope.
    std::array<std::string_view, 8> envelope_inner{};
    size_t envelope_count = 0;

    bool snake_case_time = false;    // `event_timestamp`: the Python SDK shape
    bool log_analytics_keys = false; // TimeGenerated / ActivityStatus*: a Log Analytics row
    bool has_activity_display_name = false;
    bool has_activity_date_time = false;
    bool has_created_date_time = false;
    bool has_usage_start_time = false;
    bool has_total_cost = false;
    bool has_app_display_name = false;
    bool has_cost_column = false;
    bool has_wrapper_array = false;
    bool claims_done = false;
    bool authorization_done = false;
    bool properties_done = false;
    bool http_done = false;
};

void SetIfEmpty(std::string_view& slot, std::string_view value) {
    if (slot.empty()) slot = value;
}

// Ignored kinds (stable names in the manifest).
constexpr std::string_view kIgnoredEntraSignin = "entra-signin";
constexpr std::string_view kIgnoredEntraAudit = "entra-audit";
constexpr std::string_view kIgnoredEntraOther = "entra-other";
constexpr std::string_view kIgnoredResourceLog = "resource-log";
constexpr std::string_view kIgnoredPartnerUtilization = "partner-center-utilization";
constexpr std::string_view kIgnoredPartnerUsage = "partner-center-usage";
constexpr std::string_view kIgnoredCostExport = "cost-export";
constexpr std::string_view kIgnoredLogAnalyticsOther = "log-analytics-other-table";

// Categories of the activity log itself (current and legacy log-profile spellings).
bool IsActivityCategory(std::string_view category) {
    static constexpr std::array<std::string_view, 11> kCategories = {
        "administrative", "servicehealth",  "resourcehealth", "alert",
        "autoscale",      "recommendation", "security",       "policy",
        "write",          "delete",         "action"};
    for (auto c : kCategories)
        if (EqualsIgnoreCase(category, c)) return true;
    return false;
}

std::string_view EntraKindOfCategory(std::string_view category) {
    if (ContainsIgnoreCase(category, "signin")) return kIgnoredEntraSignin;
    if (EqualsIgnoreCase(category, "AuditLogs") || EqualsIgnoreCase(category, "ProvisioningLogs"))
        return kIgnoredEntraAudit;
    static constexpr std::array<std::string_view, 9> kOther = {"RiskyUsers",
                                                               "UserRiskEvents",
                                                               "RiskyServicePrincipals",
                                                               "ServicePrincipalRiskEvents",
                                                               "MicrosoftGraphActivityLogs",
                                                               "NetworkAccessTrafficLogs",
                                                               "EnrichedOffice365AuditLogs",
                                                               "B2CRequestLogs",
                                                               "ADFSSignInLogs"};
    for (auto c : kOther)
        if (EqualsIgnoreCase(category, c)) return kIgnoredEntraOther;
    return {};
}

// The table of a Log Analytics row decides its kind.
std::string_view IgnoredKindOfTable(std::string_view table) {
    if (ContainsIgnoreCase(table, "signin")) return kIgnoredEntraSignin;
    if (EqualsIgnoreCase(table, "AuditLogs")) return kIgnoredEntraAudit;
    if (StartsWithIgnoreCase(table, "AAD")) return kIgnoredEntraOther;
    return kIgnoredLogAnalyticsOther;
}

bool LooksLikeArmOperation(std::string_view op) {
    // provider/type[/...]/verb, e.g. Microsoft.Compute/virtualMachines/write
    return op.find('/') != std::string_view::npos && op.find(' ') == std::string_view::npos &&
           op.find('.') != std::string_view::npos;
}

// Derives subscription, resource group and type from an ARM id such as
// /subscriptions/S/resourceGroups/RG/providers/NS/T1/N1/T2/N2 (type NS/T1/T2). A nested
// `/providers/` (extension resources) restarts the type at the last provider.
struct ArmIdParts {
    std::string_view subscription;
    std::string_view resource_group;
    std::string_view provider_namespace;
    std::array<std::string_view, 8> types{};
    size_t type_count = 0;
    bool resource_group_only = false;
    bool subscription_only = false;
};

ArmIdParts ParseArmId(std::string_view id) {
    ArmIdParts parts;
    std::array<std::string_view, 64> segments{};
    size_t count = 0;
    size_t pos = 0;
    while (pos < id.size() && count < segments.size()) {
        size_t slash = id.find('/', pos);
        if (slash == std::string_view::npos) slash = id.size();
        if (slash > pos) segments[count++] = id.substr(pos, slash - pos);
        pos = slash + 1;
    }
    size_t i = 0;
    if (i + 1 < count && EqualsIgnoreCase(segments[i], "subscriptions")) {
        parts.subscription = segments[i + 1];
        i += 2;
        if (i == count) parts.subscription_only = true;
    }
    if (i + 1 < count && EqualsIgnoreCase(segments[i], "resourcegroups")) {
        parts.resource_group = segments[i + 1];
        i += 2;
        if (i == count) parts.resource_group_only = true;
    }
    while (i < count) {
        if (EqualsIgnoreCase(segments[i], "providers") && i + 1 < count) {
            parts.provider_namespace = segments[i + 1];
            parts.type_count = 0;
            i += 2;
            continue;
        }
        if (!parts.provider_namespace.empty() && parts.type_count < parts.types.size())
            parts.types[parts.type_count++] = segments[i];
        i += 2; // type, name
    }
    return parts;
}

std::string_view StoreLowerJoined(Arena& arena, const ArmIdParts& parts) {
    size_t size = parts.provider_namespace.size();
    for (size_t i = 0; i < parts.type_count; ++i) size += 1 + parts.types[i].size();
    char* out = arena.Allocate(size);
    size_t n = 0;
    auto append = [&](std::string_view s) {
        for (char c : s) out[n++] = AsciiLower(c);
    };
    append(parts.provider_namespace);
    for (size_t i = 0; i < parts.type_count; ++i) {
        out[n++] = '/';
        append(parts.types[i]);
    }
    return {out, n};
}

bool IsGuidLike(std::string_view text) {
    if (text.size() != 36) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

// "OK (HTTP Status Code: 200)" -> "OK"; "Succeeded.Created" -> "Created".
std::string_view StatusCodeOf(std::string_view text) {
    text = TrimAsciiSpace(text);
    size_t paren = text.find(" (");
    if (paren != std::string_view::npos) text = text.substr(0, paren);
    return TrimAsciiSpace(text);
}

} // namespace

std::string NormalizeKey(std::string_view key) {
    std::array<char, 96> buffer{};
    std::string_view normalized = NormalizeKeyInto(key, buffer);
    if (normalized.empty() && !key.empty()) {
        // Longer than the fixed buffer: fall back to an allocating copy.
        std::string out;
        for (char c : key) {
            if (c == '[') break;
            if (c == '_' || c == '-' || c == ' ' || c == '\t' || c == '"') continue;
            out.push_back(AsciiLower(c));
        }
        return out;
    }
    return std::string(normalized);
}

struct RecordParser::Impl {
    od::parser primary;
    od::parser nested;
    std::string nested_buffer;
    bool in_nested = false;

    Arena* arena = nullptr;
    RawFields fields;

    // ---- escapes -------------------------------------------------------------------------

    // The record being parsed, and where its first backslash at or after `escape_from` is
    // (`escape_at`, the record size when there is none). On-Demand reads a record front to back,
    // so one scan of the record, done piecewise, answers whether each key and string holds an
    // escape: most strings lie before the next backslash and need no look at their bytes.
    const char* doc_begin = nullptr;
    size_t doc_size = 0;
    size_t escape_from = 0;
    size_t escape_at = 0;

    void StartDocument(std::string_view doc) {
        doc_begin = doc.data();
        doc_size = doc.size();
        escape_from = 0;
        const void* hit = std::memchr(doc.data(), '\\', doc.size());
        escape_at = hit == nullptr ? doc.size()
                                   : static_cast<size_t>(static_cast<const char*>(hit) - doc_begin);
    }

    // True when text[0, size) holds a backslash, i.e. a JSON string with escapes.
    bool HasEscape(const char* text, size_t size) {
        const auto begin = reinterpret_cast<std::uintptr_t>(doc_begin);
        const auto at = reinterpret_cast<std::uintptr_t>(text);
        if (at < begin || at - begin > doc_size || size > doc_size - (at - begin))
            return HasBackslash(text, size); // not the record (a nested document)
        const size_t offset = at - begin;
        if (offset < escape_from) return HasBackslash(text, size); // behind the scan
        if (escape_at < offset) {
            const void* hit = std::memchr(text, '\\', doc_size - offset);
            escape_at = hit == nullptr
                            ? doc_size
                            : static_cast<size_t>(static_cast<const char*>(hit) - doc_begin);
            escape_from = offset;
        }
        return escape_at < offset + size;
    }

    // The key of `field`: the bytes as written when they hold no escape (no copy, the common
    // case), else unescaped. Only whitespace and ':' lie between the key's closing quote and
    // its value.
    simdjson::error_code FieldKey(od::field& field, std::string_view& key) {
        const char* begin = field.key().raw();
        const char* end = field.value().raw_json_token().data();
        do --end;
        while (*end != '"');
        size_t size = static_cast<size_t>(end - begin);
        if (!HasEscape(begin, size)) {
            key = {begin, size};
            return simdjson::SUCCESS;
        }
        return field.unescaped_key().get(key);
    }

    // ---- value helpers -------------------------------------------------------------------

    // Views into the record stay valid as long as the Event (the batch keeps the record), so
    // they are kept as they are; views into the nested document (a buffer reused for the next
    // one) or into simdjson's string buffer are copied into the arena.
    std::string_view Keep(std::string_view text) const {
        return in_nested ? arena->Store(text) : text;
    }

    // Lowercased as StoreLower does, without a copy when the text has no uppercase letter (the
    // text must outlive the Event: a view into the record or the arena, never a scratch buffer).
    std::string_view Lower(std::string_view text) const {
        return HasAsciiUpper(text) ? arena->StoreLower(text) : text;
    }

    // The value as text: strings unescaped, objects/arrays as raw JSON, numbers/booleans as
    // their token, null as empty. The text is kept (see Keep) unless `transient`, when it is
    // only valid until the parser reads the next string. False on a JSON error.
    bool Text(od::value& value, std::string_view& out, bool transient = false) {
        od::json_type type;
        if (value.type().get(type)) return false;
        switch (type) {
        case od::json_type::string: {
            // The token runs from the opening quote to the next structural character; a string
            // without a backslash is its own unescaped text.
            std::string_view token = value.raw_json_token();
            size_t end = token.size();
            while (end > 1 && token[end - 1] != '"') --end; // whitespace after the string
            if (end >= 2) {
                std::string_view raw = token.substr(1, end - 2);
                if (!HasEscape(raw.data(), raw.size())) {
                    out = transient ? raw : Keep(raw);
                    return true;
                }
            }
            std::string_view s;
            if (value.get_string().get(s)) return false;
            out = transient ? s : arena->Store(s);
            return true;
        }
        case od::json_type::object: {
            od::object object;
            if (value.get_object().get(object)) return false;
            std::string_view raw;
            if (object.raw_json().get(raw)) return false;
            out = transient ? raw : Keep(raw);
            return true;
        }
        case od::json_type::array: {
            od::array array;
            if (value.get_array().get(array)) return false;
            std::string_view raw;
            if (array.raw_json().get(raw)) return false;
            out = transient ? raw : Keep(raw);
            return true;
        }
        case od::json_type::null: {
            bool is_null = false;
            if (value.is_null().get(is_null)) return false;
            out = {};
            return true;
        }
        default: {
            std::string_view token = Trim(value.raw_json_token());
            out = transient ? token : Keep(token);
            return true;
        }
        }
    }

    bool TrimmedText(od::value& value, std::string_view& out) {
        if (!Text(value, out)) return false;
        out = Trim(out);
        return true;
    }

    // Runs `walk(object)` over JSON text held in a string (e.g. LA `Properties`, CSV cells).
    // Invalid or non-object text is ignored: these are optional enrichments of a record that is
    // otherwise readable.
    template <typename Walk> void WithNestedObject(std::string_view text, Walk&& walk) {
        text = TrimAsciiSpace(text);
        if (in_nested || text.empty() || text.front() != '{') return;
        nested_buffer.assign(text.data(), text.size());
        nested_buffer.append(simdjson::SIMDJSON_PADDING, '\0');
        od::document doc;
        if (nested.iterate(nested_buffer.data(), text.size(), nested_buffer.size()).get(doc))
            return;
        od::object object;
        if (doc.get_object().get(object)) return;
        in_nested = true;
        walk(object);
        in_nested = false;
    }

    // ---- nested objects ------------------------------------------------------------------

    bool WalkClaims(od::object object) {
        Caller& c = fields.claims;
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            // Claim URIs: only the last segment names the claim.
            size_t slash = key.rfind('/');
            if (slash != std::string_view::npos) key = key.substr(slash + 1);
            std::string_view* target = nullptr;
            switch (static_cast<ClaimKey>(kClaimKeys.FindKey(key))) {
            case ClaimKey::kNone:
                continue;
            case ClaimKey::kUpn:
                target = &c.upn;
                break;
            case ClaimKey::kName:
                target = &c.name;
                break;
            case ClaimKey::kObjectId:
                target = &c.object_id;
                break;
            case ClaimKey::kTenantId:
                target = &c.token_tenant;
                break;
            case ClaimKey::kAppId:
                target = &c.app_id;
                break;
            case ClaimKey::kAppIdAcr:
                target = &c.appidacr;
                break;
            case ClaimKey::kIpAddr:
                target = &c.ip_claim;
                break;
            case ClaimKey::kIdTyp:
                target = &c.idtyp;
                break;
            case ClaimKey::kAmr:
                target = &c.amr;
                break;
            case ClaimKey::kMiRid:
                target = &c.managed_identity_resource_id;
                break;
            case ClaimKey::kUti:
                target = &c.token_id;
                break;
            }
            if (!target->empty()) continue;
            if (!TrimmedText(field.value(), *target)) return false;
        }
        fields.claims_done = true;
        return true;
    }

    bool WalkEvidence(od::object object) {
        Authorization& a = fields.authorization;
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            std::string_view* target = nullptr;
            switch (static_cast<AuthorizationKey>(kAuthorizationKeys.FindKey(key))) {
            case AuthorizationKey::kRole:
                target = &a.evidence_role;
                break;
            case AuthorizationKey::kRoleAssignmentId:
                target = &a.role_assignment_id;
                break;
            case AuthorizationKey::kRoleAssignmentScope:
                target = &a.role_assignment_scope;
                break;
            case AuthorizationKey::kRoleDefinitionId:
                target = &a.role_definition_id;
                break;
            case AuthorizationKey::kPrincipalId:
                target = &a.principal_id;
                break;
            case AuthorizationKey::kPrincipalType:
                target = &a.principal_type;
                break;
            default:
                continue;
            }
            if (!target->empty()) continue;
            if (!TrimmedText(field.value(), *target)) return false;
        }
        return true;
    }

    bool WalkAuthorizationObject(od::object object) {
        Authorization& a = fields.authorization;
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            std::string_view* target = nullptr;
            od::value& value = field.value();
            switch (static_cast<AuthorizationKey>(kAuthorizationKeys.FindKey(key))) {
            case AuthorizationKey::kEvidence: {
                od::json_type type;
                if (value.type().get(type)) return false;
                if (type == od::json_type::object) {
                    od::object evidence;
                    if (value.get_object().get(evidence)) return false;
                    if (!WalkEvidence(evidence)) return false;
                }
                continue;
            }
            case AuthorizationKey::kAction:
                target = &a.action;
                break;
            case AuthorizationKey::kScope:
                target = &a.scope;
                break;
            case AuthorizationKey::kRole:
                target = &a.role;
                break;
            default:
                continue;
            }
            if (!target->empty()) continue;
            if (!TrimmedText(value, *target)) return false;
        }
        fields.authorization_done = true;
        return true;
    }

    // `authorization` is an object, an array of objects (newer categories), or JSON text.
    bool WalkAuthorization(od::value& value) {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type == od::json_type::object) {
            od::object object;
            if (value.get_object().get(object)) return false;
            return WalkAuthorizationObject(object);
        }
        if (type == od::json_type::array) {
            od::array array;
            if (value.get_array().get(array)) return false;
            for (auto element : array) {
                od::object object;
                if (element.get_object().get(object)) return false;
                return WalkAuthorizationObject(object);
            }
            return true;
        }
        std::string_view text;
        if (!Text(value, text, true)) return false;
        WithNestedObject(text, [&](od::object object) { WalkAuthorizationObject(object); });
        return true;
    }

    bool WalkProperties(od::object object) {
        RawFields& f = fields;
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            std::string_view* target = nullptr;
            bool trim = true; // bodies and messages are kept as written
            switch (static_cast<PropertyKey>(kPropertyKeys.FindKey(key))) {
            case PropertyKey::kNone:
                continue;
            case PropertyKey::kRequestBody:
                target = &f.request_body;
                trim = false;
                break;
            case PropertyKey::kResponseBody:
                target = &f.response_body;
                trim = false;
                break;
            case PropertyKey::kStatusCode:
                target = &f.status_code;
                break;
            case PropertyKey::kStatusMessage:
                target = &f.status_message;
                trim = false;
                break;
            case PropertyKey::kEntity:
                target = &f.entity;
                break;
            case PropertyKey::kMessage:
                target = &f.message;
                break;
            case PropertyKey::kHierarchy:
                target = &f.hierarchy;
                break;
            case PropertyKey::kOperationId:
                target = &f.property_operation_id;
                break;
            case PropertyKey::kEventCategory:
                target = &f.property_event_category;
                break;
            }
            if (!target->empty()) continue;
            if (!Text(field.value(), *target)) return false;
            if (trim) *target = Trim(*target);
        }
        fields.properties_done = true;
        return true;
    }

    bool WalkHttpRequest(od::object object) {
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            if (kHttpRequestKeys.FindKey(key) == 0) continue;
            if (!TrimmedText(field.value(), fields.http_client_ip)) return false;
        }
        fields.http_done = true;
        return true;
    }

    bool WalkIdentity(od::object object) {
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            uint8_t k = kIdentityKeys.FindKey(key);
            if (k == kIdentityClaims) {
                if (!ObjectOrText(field.value(), &Impl::WalkClaims)) return false;
            } else if (k == kIdentityAuthorization) {
                if (!WalkAuthorization(field.value())) return false;
            }
        }
        return true;
    }

    // Applies `walk` to an object value, or to JSON text held in a string value.
    bool ObjectOrText(od::value& value, bool (Impl::*walk)(od::object)) {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type == od::json_type::object) {
            od::object object;
            if (value.get_object().get(object)) return false;
            return (this->*walk)(object);
        }
        std::string_view text;
        if (!Text(value, text, true)) return false;
        WithNestedObject(text, [&](od::object object) { (this->*walk)(object); });
        return true;
    }

    // LocalizableString {value, localizedValue} or a plain string.
    bool Localizable(od::value& value, std::string_view& out_value,
                     std::string_view* out_localized) {
        od::json_type type;
        if (value.type().get(type)) return false;
        if (type != od::json_type::object) return TrimmedText(value, out_value);
        od::object object;
        if (value.get_object().get(object)) return false;
        for (auto result : object) {
            if (result.error()) return false;
            od::field& field = result.value_unsafe();
            std::string_view key;
            if (FieldKey(field, key)) return false;
            uint8_t k = kLocalizableKeys.FindKey(key);
            if (k == kLocalizableValue) {
                if (!TrimmedText(field.value(), out_value)) return false;
            } else if (k == kLocalizableLocalized && out_localized != nullptr) {
                if (!TrimmedText(field.value(), *out_localized)) return false;
            }
        }
        return true;
    }

    // ---- top level -----------------------------------------------------------------------

    // Handles one top-level key/value; false on a JSON error.
    bool TopField(Slot slot, od::value& value) {
        RawFields& f = fields;
        switch (slot) {
        case Slot::kNone:
            return true;
        case Slot::kOperationName: {
            std::string_view v;
            std::string_view localized;
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type == od::json_type::object) {
                if (!Localizable(value, v, &localized)) return false;
                SetIfEmpty(f.operation_name_value, v);
                SetIfEmpty(f.operation_localized, localized);
            } else {
                if (!TrimmedText(value, v)) return false;
                SetIfEmpty(f.operation_name, v);
            }
            return true;
        }
        case Slot::kStatus:
            return Localizable(value, f.status_value, nullptr);
        case Slot::kSubStatus:
            return Localizable(value, f.sub_status, nullptr);
        case Slot::kCategory:
            return Localizable(value, f.category, nullptr);
        case Slot::kResourceType:
            return Localizable(value, f.resource_type, nullptr);
        case Slot::kHttpRequest:
            return f.http_done ? true : ObjectOrText(value, &Impl::WalkHttpRequest);
        case Slot::kClaims:
            return f.claims_done ? true : ObjectOrText(value, &Impl::WalkClaims);
        case Slot::kAuthorization:
            return f.authorization_done ? true : WalkAuthorization(value);
        case Slot::kProperties:
            return f.properties_done ? true : ObjectOrText(value, &Impl::WalkProperties);
        case Slot::kIdentity: {
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type == od::json_type::object) {
                od::object object;
                if (value.get_object().get(object)) return false;
                return WalkIdentity(object);
            }
            return TrimmedText(value, f.identity_text);
        }
        case Slot::kWrapperArray: {
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type == od::json_type::array) f.has_wrapper_array = true;
            return true;
        }
        case Slot::kEnvelope: {
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type != od::json_type::object || in_nested) return true;
            od::object object;
            std::string_view raw;
            if (value.get_object().get(object) || object.raw_json().get(raw)) return false;
            if (f.envelope_count < f.envelope_inner.size())
                f.envelope_inner[f.envelope_count++] = raw;
            return true;
        }
        case Slot::kApiResponses: {
            // {"200": {"body": {...}}, "201": {...}}: every response body.
            od::json_type type;
            if (value.type().get(type)) return false;
            if (type != od::json_type::object || in_nested) return true;
            od::object responses;
            if (value.get_object().get(responses)) return false;
            for (auto response : responses) {
                od::object object;
                if (response.value().get_object().get(object)) continue;
                for (auto part : object) {
                    std::string_view key;
                    if (part.unescaped_key().get(key)) return false;
                    if (!EqualsIgnoreCase(key, "body")) continue;
                    od::object body;
                    std::string_view raw;
                    if (part.value().get_object().get(body) || body.raw_json().get(raw)) continue;
                    if (f.envelope_count < f.envelope_inner.size())
                        f.envelope_inner[f.envelope_count++] = raw;
                }
            }
            return true;
        }
        case Slot::kCustomizedData:
            return Text(value, f.customized_data);
        case Slot::kResourceNewValue:
            return Text(value, f.resource_new_value);
        case Slot::kResourceOldValue:
            return Text(value, f.resource_old_value);
        default:
            break;
        }
        std::string_view text;
        if (!TrimmedText(value, text)) return false;
        return TopText(slot, text);
    }

    // Handles one top-level field given as text (CSV cells, and scalar JSON values).
    bool TopText(Slot slot, std::string_view text) {
        RawFields& f = fields;
        switch (slot) {
        case Slot::kNone:
            break;
        case Slot::kTime:
            SetIfEmpty(f.time, text);
            break;
        case Slot::kOperationName:
            SetIfEmpty(f.operation_name, text);
            break;
        case Slot::kOperationNameValue:
            SetIfEmpty(f.operation_name_value, text);
            break;
        case Slot::kStatus:
            SetIfEmpty(f.status_value, text);
            break;
        case Slot::kResultType:
            SetIfEmpty(f.result_type, text);
            break;
        case Slot::kActivityStatusValue:
            SetIfEmpty(f.activity_status_value, text);
            break;
        case Slot::kActivityStatus:
            SetIfEmpty(f.activity_status, text);
            break;
        case Slot::kSubStatus:
            SetIfEmpty(f.sub_status, text);
            break;
        case Slot::kResultSignature:
            SetIfEmpty(f.result_signature, text);
            break;
        case Slot::kActivitySubstatusValue:
        case Slot::kActivitySubstatus:
            SetIfEmpty(f.activity_substatus, text);
            break;
        case Slot::kCategory:
        case Slot::kCategoryValue:
            SetIfEmpty(f.category, text);
            break;
        case Slot::kResourceId:
            SetIfEmpty(f.resource_id, text);
            break;
        case Slot::kResourceType:
            SetIfEmpty(f.resource_type, text);
            break;
        case Slot::kResourceGroup:
            SetIfEmpty(f.resource_group, text);
            break;
        case Slot::kSubscriptionId:
            SetIfEmpty(f.subscription_id, text);
            break;
        case Slot::kTenantId:
            SetIfEmpty(f.tenant_id, text);
            break;
        case Slot::kCorrelationId:
            SetIfEmpty(f.correlation_id, text);
            break;
        case Slot::kOperationId:
            SetIfEmpty(f.operation_id, text);
            break;
        case Slot::kEventDataId:
            SetIfEmpty(f.event_data_id, text);
            break;
        case Slot::kCaller:
            SetIfEmpty(f.caller, text);
            break;
        case Slot::kCallerIp:
            SetIfEmpty(f.caller_ip, text);
            break;
        case Slot::kLevel:
            SetIfEmpty(f.level, text);
            break;
        case Slot::kTableType:
            SetIfEmpty(f.table_type, text);
            break;
        case Slot::kHierarchy:
            SetIfEmpty(f.hierarchy, text);
            break;
        case Slot::kIdentity:
            SetIfEmpty(f.identity_text, text);
            break;
        case Slot::kCustomerId:
            SetIfEmpty(f.customer_id, text);
            break;
        case Slot::kCustomerName:
            SetIfEmpty(f.customer_name, text);
            break;
        case Slot::kPartnerId:
            SetIfEmpty(f.partner_id, text);
            break;
        case Slot::kUserPrincipalName:
            SetIfEmpty(f.user_principal_name, text);
            break;
        case Slot::kApplicationId:
            SetIfEmpty(f.application_id, text);
            break;
        case Slot::kOperationType:
            SetIfEmpty(f.operation_type, text);
            break;
        case Slot::kOperationStatus:
            SetIfEmpty(f.operation_status, text);
            break;
        case Slot::kResourceNewValue:
            SetIfEmpty(f.resource_new_value, text);
            break;
        case Slot::kResourceOldValue:
            SetIfEmpty(f.resource_old_value, text);
            break;
        case Slot::kCustomizedData:
            SetIfEmpty(f.customized_data, text);
            break;
        case Slot::kRecordId:
            SetIfEmpty(f.record_id, text);
            break;
        case Slot::kActivityDisplayName:
            f.has_activity_display_name = !text.empty();
            break;
        case Slot::kActivityDateTime:
            f.has_activity_date_time = !text.empty();
            break;
        case Slot::kCreatedDateTime:
            f.has_created_date_time = !text.empty();
            break;
        case Slot::kUsageStartTime:
            f.has_usage_start_time = !text.empty();
            break;
        case Slot::kTotalCost:
            f.has_total_cost = !text.empty();
            break;
        case Slot::kAppDisplayName:
            f.has_app_display_name = !text.empty();
            break;
        case Slot::kCostColumn:
            f.has_cost_column = true;
            break;
        case Slot::kHttpRequest:
            if (!f.http_done) WithNestedObject(text, [&](od::object o) { WalkHttpRequest(o); });
            break;
        case Slot::kClaims:
            if (!f.claims_done) WithNestedObject(text, [&](od::object o) { WalkClaims(o); });
            break;
        case Slot::kAuthorization:
            if (!f.authorization_done)
                WithNestedObject(text, [&](od::object o) { WalkAuthorizationObject(o); });
            break;
        case Slot::kProperties:
            if (!f.properties_done)
                WithNestedObject(text, [&](od::object o) { WalkProperties(o); });
            break;
        case Slot::kWrapperArray:
        case Slot::kEnvelope:
        case Slot::kApiResponses:
            break;
        }
        return true;
    }

    // ---- kind decision and normalization -------------------------------------------------

    ParseOutcome Quarantine(QuarantineReason reason, std::string detail) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kQuarantined;
        out.reason = reason;
        out.detail = std::move(detail);
        return out;
    }

    static ParseOutcome Ignored(std::string_view kind) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kIgnored;
        out.ignored_kind = kind;
        return out;
    }

    ParseOutcome Finish(Event& event, bool from_table) {
        RawFields& f = fields;
        if (f.has_wrapper_array && f.time.empty() && f.operation_name.empty() &&
            f.operation_name_value.empty() && f.operation_type.empty()) {
            ParseOutcome out;
            out.outcome = RecordOutcome::kWrapper;
            return out;
        }
        if (!f.operation_type.empty() && (!f.time.empty() || !f.customer_id.empty()))
            return FinishPartnerCenter(event);
        if (f.has_usage_start_time) return Ignored(kIgnoredPartnerUtilization);
        if (f.has_cost_column) return Ignored(kIgnoredCostExport);
        if (f.has_total_cost && f.operation_name.empty() && f.operation_name_value.empty())
            return Ignored(kIgnoredPartnerUsage);
        if (f.has_activity_display_name || f.has_activity_date_time)
            return Ignored(kIgnoredEntraAudit);
        if (f.has_created_date_time && f.has_app_display_name && f.operation_name.empty())
            return Ignored(kIgnoredEntraSignin);

        SourceKind kind;
        if (!f.table_type.empty()) {
            if (!EqualsIgnoreCase(f.table_type, "AzureActivity"))
                return Ignored(IgnoredKindOfTable(f.table_type));
            kind = SourceKind::kActivityLogAnalytics;
        } else if (from_table || f.log_analytics_keys) {
            kind = SourceKind::kActivityLogAnalytics;
        } else if (f.snake_case_time) {
            kind = SourceKind::kActivitySdk;
        } else if (!f.status_value.empty() || !f.operation_name_value.empty()) {
            kind = SourceKind::kActivityRest;
        } else if (!f.operation_name.empty() || !f.result_type.empty()) {
            kind = SourceKind::kActivityExport;
        } else if (IsActivityCategory(f.category) && !f.time.empty()) {
            // The activity envelope without an operation: quarantined below, precisely.
            kind = SourceKind::kActivityExport;
        } else if (f.envelope_count > 0) {
            ParseOutcome out;
            out.outcome = RecordOutcome::kEnvelope;
            out.inner.assign(f.envelope_inner.begin(), f.envelope_inner.begin() + f.envelope_count);
            return out;
        } else {
            return Quarantine(QuarantineReason::kUnrecognizedRecord,
                              "no known key set (not an activity-log, Partner Center, Entra or "
                              "usage record)");
        }

        // Category: Entra and resource-log categories share the export envelope.
        std::string_view category = f.category.empty() ? f.property_event_category : f.category;
        if (!category.empty() && !IsActivityCategory(category)) {
            std::string_view entra = EntraKindOfCategory(category);
            if (!entra.empty()) return Ignored(entra);
            return Ignored(kIgnoredResourceLog);
        }

        // Operation: the ARM operation value; legacy LA rows only have localized text, then
        // properties.message or the authorized action carry the value.
        std::string_view operation = f.operation_name_value;
        std::string_view display = f.operation_localized;
        if (operation.empty()) {
            if (kind == SourceKind::kActivityLogAnalytics &&
                !LooksLikeArmOperation(f.operation_name)) {
                display = f.operation_name;
            } else {
                operation = f.operation_name;
            }
        }
        if (operation.empty() && LooksLikeArmOperation(f.message)) operation = f.message;
        if (operation.empty() && LooksLikeArmOperation(f.authorization.action))
            operation = f.authorization.action;
        if (category.empty() && !LooksLikeArmOperation(operation)) {
            // No category and no ARM operation: a resource log or sign-in in export dress.
            if (ContainsIgnoreCase(f.operation_name, "sign-in"))
                return Ignored(kIgnoredEntraSignin);
            return Ignored(kIgnoredResourceLog);
        }
        if (operation.empty())
            return Quarantine(QuarantineReason::kMissingFields,
                              "activity record without an operation name");
        if (f.time.empty()) return Quarantine(QuarantineReason::kMissingFields, "no event time");
        auto time = ParseTimestamp(f.time);
        if (!time) {
            return Quarantine(QuarantineReason::kBadTimestamp,
                              "unparseable time \"" + std::string(f.time.substr(0, 64)) + "\"");
        }

        Arena& a = *arena;
        event.kind = kind;
        event.time_us = time->unix_us;
        event.time_zone_assumed = time->zone_assumed ? Tristate::kYes : Tristate::kNo;
        event.operation = Lower(operation);
        event.operation_display = display;
        event.category = category;
        event.level = f.level;

        // Phase, from the most specific status spelling present.
        std::string_view status = f.status_value;
        if (status.empty()) status = f.activity_status_value;
        if (status.empty()) status = f.activity_status;
        if (status.empty()) status = f.result_type;
        if (status.empty()) status = f.result_signature;
        event.status = status;
        event.phase = ParsePhase(status);

        std::string_view status_code = f.status_code;
        if (status_code.empty()) status_code = StatusCodeOf(f.sub_status);
        if (status_code.empty()) status_code = StatusCodeOf(f.activity_substatus);
        if (status_code.empty() && !f.result_signature.empty()) {
            size_t dot = f.result_signature.find('.');
            if (dot != std::string_view::npos)
                status_code = TrimAsciiSpace(f.result_signature.substr(dot + 1));
        }
        event.status_code = status_code;

        std::string_view resource_id = f.resource_id.empty() ? f.entity : f.resource_id;
        event.resource_id = resource_id;
        event.resource_id_lower = Lower(resource_id);
        ArmIdParts parts = ParseArmId(resource_id);
        std::string_view subscription = f.subscription_id;
        if (subscription.empty()) subscription = parts.subscription;
        event.subscription_id = Lower(subscription);
        event.resource_group =
            Lower(f.resource_group.empty() ? parts.resource_group : f.resource_group);
        if (!parts.provider_namespace.empty()) {
            event.resource_type = StoreLowerJoined(a, parts);
        } else if (parts.resource_group_only) {
            event.resource_type = "microsoft.resources/resourcegroups";
        } else if (parts.subscription_only) {
            event.resource_type = "microsoft.resources/subscriptions";
        } else if (!f.resource_type.empty()) {
            event.resource_type = Lower(f.resource_type);
        } else {
            size_t slash = event.operation.rfind('/');
            if (slash != std::string_view::npos)
                event.resource_type = event.operation.substr(0, slash);
        }

        // Tenant of the resource: an explicit tenantId (except LA, where TenantId is the
        // workspace), else the hierarchy's root, else the token's tenant.
        std::string_view tenant;
        if (kind != SourceKind::kActivityLogAnalytics) tenant = f.tenant_id;
        if (tenant.empty() && !f.hierarchy.empty()) {
            size_t slash = f.hierarchy.find('/');
            std::string_view root = f.hierarchy.substr(0, slash);
            if (IsGuidLike(root)) tenant = root;
        }
        if (tenant.empty()) tenant = f.claims.token_tenant;
        event.tenant_id = Lower(tenant);

        event.correlation_id = Lower(f.correlation_id);
        std::string_view operation_id =
            f.operation_id.empty() ? f.property_operation_id : f.operation_id;
        event.operation_id = Lower(operation_id);
        event.event_data_id = Lower(f.event_data_id);

        FinishCaller(event);
        event.caller_ip = f.caller_ip.empty() ? f.http_client_ip : f.caller_ip;
        event.authorization = f.authorization;
        event.request_body = f.request_body;
        event.response_body = f.response_body;
        event.status_message = f.status_message;
        return {};
    }

    void FinishCaller(Event& event) {
        RawFields& f = fields;
        Caller c = f.claims;
        c.caller = f.caller.empty() ? f.identity_text : f.caller;
        c.object_id = Lower(c.object_id);
        c.app_id = Lower(c.app_id);
        c.token_tenant = Lower(c.token_tenant);
        if (!c.amr.empty())
            c.mfa = ContainsIgnoreCase(c.amr, "mfa") ? Tristate::kYes : Tristate::kNo;
        if (!f.authorization.principal_type.empty()) {
            c.principal_type = f.authorization.principal_type;
        } else if (!c.managed_identity_resource_id.empty()) {
            c.principal_type = "ManagedIdentity";
        } else if (EqualsIgnoreCase(c.idtyp, "app")) {
            c.principal_type = "ServicePrincipal";
        } else if (!c.upn.empty() || EqualsIgnoreCase(c.idtyp, "user") ||
                   c.caller.find('@') != std::string_view::npos) {
            c.principal_type = "User";
        } else if (IsGuidLike(c.caller) && c.upn.empty()) {
            c.principal_type = "ServicePrincipal";
        }
        if (c.upn.empty() && c.caller.find('@') != std::string_view::npos &&
            c.principal_type == "User")
            c.upn = c.caller;
        event.caller = c;
    }

    ParseOutcome FinishPartnerCenter(Event& event) {
        RawFields& f = fields;
        Arena& a = *arena;
        if (f.time.empty()) return Quarantine(QuarantineReason::kMissingFields, "no operationDate");
        auto time = ParseTimestamp(f.time);
        if (!time) {
            return Quarantine(QuarantineReason::kBadTimestamp,
                              "unparseable operationDate \"" + std::string(f.time.substr(0, 64)) +
                                  "\"");
        }
        event.kind = SourceKind::kPartnerCenterAudit;
        event.time_us = time->unix_us;
        event.time_zone_assumed = time->zone_assumed ? Tristate::kYes : Tristate::kNo;
        event.operation = a.StoreLower(f.operation_type);
        event.resource_type = a.StoreLower(f.resource_type);
        event.status = f.operation_status;
        event.phase = ParsePhase(f.operation_status);
        event.tenant_id = a.StoreLower(f.customer_id);
        event.correlation_id = a.StoreLower(f.correlation_id);
        event.caller.caller = f.user_principal_name;
        if (f.user_principal_name.find('@') != std::string_view::npos) {
            event.caller.upn = f.user_principal_name;
            event.caller.principal_type = "User";
        } else if (!f.user_principal_name.empty()) {
            event.caller.principal_type = "Application";
        }
        event.caller.app_id = f.application_id;
        PartnerCenterFields& p = event.partner;
        p.customer_name = f.customer_name;
        p.partner_id = a.StoreLower(f.partner_id);
        p.record_id = f.record_id;
        p.resource_new_value = f.resource_new_value;
        p.resource_old_value = f.resource_old_value;
        p.customized_data = f.customized_data;

        std::string_view order_id;
        auto add_subscription = [&](std::string_view id) {
            id = TrimAsciiSpace(id);
            if (id.empty()) return;
            std::string_view lowered = a.StoreLower(id);
            if (std::find(p.subscription_ids.begin(), p.subscription_ids.end(), lowered) ==
                p.subscription_ids.end())
                p.subscription_ids.push_back(lowered);
        };
        // customizedData: [{"key":"SubscriptionId-0","value":"..."}, {"key":"OrderId",...}]
        if (!f.customized_data.empty() && f.customized_data.front() == '[') {
            std::string wrapped = "{\"list\":";
            wrapped.append(f.customized_data);
            wrapped.push_back('}');
            WithNestedObject(wrapped, [&](od::object root) {
                for (auto field : root) {
                    od::array list;
                    if (field.value().get_array().get(list)) return;
                    for (auto element : list) {
                        od::object pair;
                        if (element.get_object().get(pair)) return;
                        std::string_view key;
                        std::string_view value;
                        for (auto kv : pair) {
                            std::string_view k;
                            if (kv.unescaped_key().get(k)) return;
                            od::value v;
                            if (kv.value().get(v)) return;
                            std::string_view text;
                            if (!Text(v, text)) return;
                            if (EqualsIgnoreCase(k, "key"))
                                key = text;
                            else if (EqualsIgnoreCase(k, "value"))
                                value = text;
                        }
                        if (StartsWithIgnoreCase(key, "SubscriptionId"))
                            add_subscription(value);
                        else if (EqualsIgnoreCase(key, "OrderId") && order_id.empty())
                            order_id = value;
                    }
                }
            });
        }
        // resourceNewValue: PascalCase JSON text; orders list LineItems[].SubscriptionId.
        if (!f.resource_new_value.empty()) {
            bool is_order = EqualsIgnoreCase(f.resource_type, "order");
            bool is_subscription = EqualsIgnoreCase(f.resource_type, "subscription");
            WithNestedObject(f.resource_new_value, [&](od::object root) {
                for (auto field : root) {
                    std::string_view key;
                    if (field.unescaped_key().get(key)) return;
                    od::value value;
                    if (field.value().get(value)) return;
                    if (EqualsIgnoreCase(key, "Id")) {
                        std::string_view id;
                        if (!TrimmedText(value, id)) return;
                        if (is_order && order_id.empty()) order_id = id;
                        if (is_subscription) add_subscription(id);
                    } else if (EqualsIgnoreCase(key, "OrderId") && order_id.empty()) {
                        if (!TrimmedText(value, order_id)) return;
                    } else if (EqualsIgnoreCase(key, "LineItems")) {
                        od::array items;
                        if (value.get_array().get(items)) continue;
                        for (auto item : items) {
                            od::object line;
                            if (item.get_object().get(line)) return;
                            for (auto lf : line) {
                                std::string_view lk;
                                if (lf.unescaped_key().get(lk)) return;
                                if (!EqualsIgnoreCase(lk, "SubscriptionId")) continue;
                                od::value lv;
                                if (lf.value().get(lv)) return;
                                std::string_view id;
                                if (!TrimmedText(lv, id)) return;
                                add_subscription(id);
                            }
                        }
                    }
                }
            });
        }
        p.order_id = a.StoreLower(order_id);
        if (!p.subscription_ids.empty()) event.subscription_id = p.subscription_ids.front();
        return {};
    }

    void Reset(Arena& target_arena) {
        arena = &target_arena;
        fields = RawFields{};
        doc_begin = nullptr;
        doc_size = 0;
        escape_from = 0;
        escape_at = 0;
    }
};

RecordParser::RecordParser() : impl_(std::make_unique<Impl>()) {}
RecordParser::~RecordParser() = default;

namespace {
// On-Demand parses lazily: after the top-level value is consumed, any further token means the
// record held more than one JSON value.
bool HasTrailingContent(od::document& doc) {
    const char* location = nullptr;
    return doc.current_location().get(location) == simdjson::SUCCESS;
}

std::string JsonErrorDetail(simdjson::error_code error) {
    return std::string("JSON error: ") + simdjson::error_message(error);
}
} // namespace

ParseOutcome RecordParser::ParseJsonObject(std::string_view record, Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    od::document doc;
    auto error =
        impl.primary.iterate(record.data(), record.size(), record.size() + kJsonPadding).get(doc);
    impl.StartDocument(record);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    od::json_type type;
    error = doc.type().get(type);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    if (type != od::json_type::object) {
        // Valid JSON of the wrong type is unrecognized; text that only starts like JSON is not.
        bool valid = false;
        switch (type) {
        case od::json_type::array: {
            od::array array;
            std::string_view raw;
            valid = !doc.get_array().get(array) && !array.raw_json().get(raw);
            break;
        }
        case od::json_type::string: {
            std::string_view text;
            valid = !doc.get_string().get(text);
            break;
        }
        case od::json_type::number: {
            od::number number;
            valid = !doc.get_number().get(number);
            break;
        }
        case od::json_type::boolean: {
            bool flag = false;
            valid = !doc.get_bool().get(flag);
            break;
        }
        case od::json_type::null: {
            bool is_null = false;
            valid = !doc.is_null().get(is_null) && is_null;
            break;
        }
        default:
            break;
        }
        if (!valid || HasTrailingContent(doc))
            return impl.Quarantine(QuarantineReason::kInvalidJson, "not a JSON value");
        return impl.Quarantine(QuarantineReason::kUnrecognizedRecord,
                               "a JSON value that is not an object");
    }
    od::object object;
    error = doc.get_object().get(object);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    for (auto result : object) {
        error = result.error();
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        od::field& field = result.value_unsafe();
        std::string_view key;
        error = impl.FieldKey(field, key);
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        Slot slot = static_cast<Slot>(kTopLevelSlots.FindKey(key));
        if (slot == Slot::kNone) continue;
        if (slot == Slot::kTime) {
            if (key.find('_') != std::string_view::npos) impl.fields.snake_case_time = true;
            if (EqualsIgnoreCase(key, "TimeGenerated")) impl.fields.log_analytics_keys = true;
        } else if (slot == Slot::kActivityStatus || slot == Slot::kActivityStatusValue ||
                   slot == Slot::kOperationNameValue) {
            impl.fields.log_analytics_keys = true;
        }
        if (!impl.TopField(slot, field.value()))
            return impl.Quarantine(QuarantineReason::kInvalidJson,
                                   "JSON error in \"" + std::string(key.substr(0, 64)) + "\"");
    }
    // On-Demand parses lazily: make sure the whole record was well-formed.
    if (HasTrailingContent(doc))
        return impl.Quarantine(QuarantineReason::kInvalidJson, "trailing content after the record");
    return impl.Finish(event, false);
}

ParseOutcome RecordParser::ParseTableRow(std::string_view row, const ColumnKeys& columns,
                                         Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    od::document doc;
    auto error = impl.primary.iterate(row.data(), row.size(), row.size() + kJsonPadding).get(doc);
    impl.StartDocument(row);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    od::array cells;
    error = doc.get_array().get(cells);
    if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
    size_t index = 0;
    for (auto cell : cells) {
        od::value value;
        error = cell.get(value);
        if (error) return impl.Quarantine(QuarantineReason::kInvalidJson, JsonErrorDetail(error));
        if (index < columns.keys.size()) {
            Slot slot = LookupSlot(columns.keys[index]);
            if (slot != Slot::kNone && !impl.TopField(slot, value))
                return impl.Quarantine(QuarantineReason::kInvalidJson,
                                       "JSON error in column " + columns.keys[index]);
        }
        ++index;
    }
    if (HasTrailingContent(doc))
        return impl.Quarantine(QuarantineReason::kInvalidJson, "trailing content after the row");
    if (index != columns.keys.size()) {
        return impl.Quarantine(QuarantineReason::kInvalidJson,
                               "row has " + std::to_string(index) + " cells for " +
                                   std::to_string(columns.keys.size()) + " columns");
    }
    return impl.Finish(event, true);
}

ParseOutcome RecordParser::ParseCsvRow(const std::vector<std::string_view>& cells,
                                       const ColumnKeys& header, Arena& arena, Event& event) {
    Impl& impl = *impl_;
    impl.Reset(arena);
    if (cells.size() > header.keys.size()) {
        return impl.Quarantine(QuarantineReason::kInvalidCsv,
                               "row has " + std::to_string(cells.size()) + " cells for " +
                                   std::to_string(header.keys.size()) + " header columns");
    }
    for (size_t i = 0; i < cells.size(); ++i) {
        Slot slot = LookupSlot(header.keys[i]);
        if (slot == Slot::kNone) continue;
        impl.TopText(slot, TrimAsciiSpace(cells[i]));
    }
    ParseOutcome outcome = impl.Finish(event, true);
    if (header.times_are_utc) event.time_zone_assumed = Tristate::kNo;
    return outcome;
}

bool RecordParser::ParseColumns(std::string_view columns_json, ColumnKeys& out) {
    Impl& impl = *impl_;
    out.keys.clear();
    std::string buffer(columns_json);
    buffer.append(simdjson::SIMDJSON_PADDING, '\0');
    od::document doc;
    if (impl.nested.iterate(buffer.data(), columns_json.size(), buffer.size()).get(doc))
        return false;
    od::array columns;
    if (doc.get_array().get(columns)) return false;
    for (auto column : columns) {
        od::object object;
        if (column.get_object().get(object)) return false;
        std::string name;
        for (auto field : object) {
            std::string_view key;
            if (field.unescaped_key().get(key)) return false;
            if (!EqualsIgnoreCase(key, "name") && !EqualsIgnoreCase(key, "ColumnName")) continue;
            std::string_view value;
            if (field.value().get_string().get(value)) return false;
            name = NormalizeKey(value);
        }
        out.keys.push_back(std::move(name));
    }
    return true;
}

} // namespace minetrace
