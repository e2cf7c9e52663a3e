#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "provenance/analysis.hpp"
#include "provenance/body.hpp"

#include <algorithm>

namespace minetrace::analysis {

namespace {

bool IsAsciiDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The first ticket-like token of a text: 2 to 8 letters, an optional '-' or '_', then 3 or more
// digits, standing alone ("approved under CHG0041234" -> "CHG0041234"); "" if none.
std::string_view TicketToken(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (!IsAsciiLetter(text[i]) ||
            (i > 0 && (IsAsciiLetter(text[i - 1]) || IsAsciiDigit(text[i - 1]))))
            continue;
        size_t j = i;
        while (j < text.size() && IsAsciiLetter(text[j])) ++j;
        if (j - i < 2 || j - i > 8) continue;
        size_t digits = j + (j < text.size() && (text[j] == '-' || text[j] == '_'));
        size_t end = digits;
        while (end < text.size() && IsAsciiDigit(text[end])) ++end;
        if (end - digits < 3 ||
            (end < text.size() && (IsAsciiLetter(text[end]) || IsAsciiDigit(text[end]))))
            continue;
        return text.substr(i, end - i);
    }
    return {};
}

// A change ticket the body names (RetainedFacts::change_ticket); `found` is scratch.
void ReadChangeTicket(const Event& e, simdjson::dom::element body, std::string& out,
                      std::string& found) {
    static constexpr std::string_view kTagKeys[] = {"change",
                                                    "changeticket",
                                                    "change_ticket",
                                                    "change-ticket",
                                                    "changerequest",
                                                    "change_request",
                                                    "change-request",
                                                    "ticket",
                                                    "cr",
                                                    "rfc"};
    for (std::string_view key : kTagKeys) {
        const std::string_view path[] = {"tags", key};
        if (!BodyReader::Find(body, path, found)) continue;
        // A ticket has a number; "none" or "n/a" is no ticket.
        if (std::none_of(found.begin(), found.end(), IsAsciiDigit)) continue;
        out.assign(found, 0, std::min<size_t>(found.size(), 64));
        return;
    }
    if (e.operation != "microsoft.authorization/roleassignments/write") return;
    const std::string_view path[] = {"properties", "description"};
    if (!BodyReader::Find(body, path, found)) return;
    out = TicketToken(found);
}

} // namespace

// See analysis.hpp. In steady state it allocates only for values longer than `v`'s strings have
// held before.
void ReadBodyFacts(const Event& e, std::array<std::string, kFactCount>& v,
                   AnalysisScratch& scratch) {
    using Path = std::initializer_list<std::string_view>;
    struct Lookup {
        Fact fact;
        Path path;
    };
    static const Lookup kLookups[] = {
        {kLocation, {"location"}},
        {kVmSize, {"properties", "hardwareprofile", "vmsize"}},
        {kVmSize, {"properties", "vmsize"}},
        {kVmSize, {"sku", "name"}},
        {kPriority, {"properties", "priority"}},
        {kPriority, {"properties", "virtualmachineprofile", "priority"}},
        {kMaxPrice, {"properties", "billingprofile", "maxprice"}},
        {kMaxPrice, {"properties", "virtualmachineprofile", "billingprofile", "maxprice"}},
        {kCapacity, {"sku", "capacity"}},
        {kPublisher, {"properties", "publisher"}},
        {kExtensionType, {"properties", "type"}},
    };
    static const Lookup kGrantLookups[] = {
        {kGrantPrincipalId, {"properties", "principalid"}},
        {kGrantPrincipalType, {"properties", "principaltype"}},
        {kGrantRoleDefinitionId, {"properties", "roledefinitionid"}},
        {kGrantScope, {"properties", "scope"}},
    };
    // Compute whose size and count sit elsewhere: Azure ML computes nest their own properties
    // ({properties: {properties: {vmSize, vmPriority, scaleSettings}}}); AKS pools name count,
    // vmSize and scaleSetPriority (alone, or as the cluster's agentPoolProfiles[]). Read only for
    // those types, so no other body's `count` becomes a capacity.
    static const Lookup kMachineLearning[] = {
        {kVmSize, {"properties", "properties", "vmsize"}},
        {kPriority, {"properties", "properties", "vmpriority"}},
        {kCapacity, {"properties", "properties", "scalesettings", "maxnodecount"}},
    };
    static const Lookup kKubernetes[] = {
        {kVmSize, {"properties", "agentpoolprofiles", "vmsize"}},
        {kPriority, {"properties", "scalesetpriority"}},
        {kPriority, {"properties", "agentpoolprofiles", "scalesetpriority"}},
        {kCapacity, {"properties", "count"}},
        {kCapacity, {"properties", "agentpoolprofiles", "count"}},
    };
    const bool machine_learning = e.resource_type.starts_with("microsoft.machinelearningservices/");
    const bool kubernetes = e.resource_type.starts_with("microsoft.containerservice/");
    static constexpr std::string_view kAnywhere[] = {"targetdedicatednodes",
                                                     "targetlowprioritynodes", "image"};
    BodyReader& reader = scratch.reader;
    std::string& found = scratch.found;
    auto look = [&](simdjson::dom::element body, const Lookup& l) {
        std::string& slot = v[l.fact];
        if (!slot.empty() || !BodyReader::Find(body, {l.path.begin(), l.path.size()}, found))
            return;
        slot.swap(found);
    };
    for (std::string_view text : {e.request_body, e.response_body}) {
        if (text.empty()) continue;
        auto body = reader.Parse(text);
        if (!body) continue;
        if (machine_learning)
            for (const Lookup& l : kMachineLearning) look(*body, l);
        if (kubernetes)
            for (const Lookup& l : kKubernetes) look(*body, l);
        for (const Lookup& l : kLookups) look(*body, l);
        std::string* const anywhere[] = {&v[kTargetDedicatedNodes], &v[kTargetLowPriorityNodes],
                                         &v[kImage]};
        BodyReader::FindAnywhere(*body, kAnywhere, anywhere);
        if (e.operation == "microsoft.authorization/roleassignments/write" &&
            text.data() == e.request_body.data())
            for (const Lookup& l : kGrantLookups) look(*body, l);
        if (v[kChangeTicket].empty()) ReadChangeTicket(e, *body, v[kChangeTicket], found);
    }
    AsciiLowerInPlace(v[kLocation]);
    AsciiLowerInPlace(v[kGrantPrincipalId]);
    // The role's GUID: the last segment of its id, cut in place.
    std::string& role = v[kGrantRoleDefinitionId];
    std::string_view guid = LastSegment(role);
    auto begin = static_cast<size_t>(guid.data() - role.data());
    role.resize(begin + guid.size());
    role.erase(0, begin);
    AsciiLowerInPlace(role);
}

} // namespace minetrace::analysis
