#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "provenance/analysis.hpp"
#include "provenance/investigation.hpp"

namespace minetrace::analysis {

// The caller of a parsed event, as a kept record names it (views into the event).
RetainedIdentity IdentityOf(const Caller& c) {
    RetainedIdentity who;
    who.caller = c.caller;
    who.upn = c.upn;
    who.object_id = c.object_id;
    who.app_id = c.app_id;
    who.appidacr = c.appidacr;
    who.principal_type = c.principal_type;
    who.token_tenant = c.token_tenant;
    who.idtyp = c.idtyp;
    who.mfa = c.mfa;
    who.managed_identity_resource_id = c.managed_identity_resource_id;
    who.ip_claim = c.ip_claim;
    who.unique_name = c.unique_name;
    who.email = c.email;
    who.idp = c.idp;
    return who;
}

namespace {

// A user's name: the upn claim; guests have none, so unique_name (without its "live.com#"
// prefix), email, then the caller field; never the client app's id.
std::string UserName(const RetainedIdentity& w) {
    if (!w.upn.empty()) return std::string(w.upn);
    if (!w.unique_name.empty()) {
        std::string_view name = w.unique_name;
        if (size_t hash = name.find('#'); hash != std::string_view::npos)
            name.remove_prefix(hash + 1);
        if (!name.empty()) return std::string(name);
    }
    if (!w.email.empty()) return std::string(w.email);
    return std::string(w.caller);
}

// The home tenant an idp claim names: the GUID of https://sts.windows.net/<GUID>/ (or
// login.microsoftonline.com/<GUID>/...), "live.com" for Microsoft accounts; "" otherwise.
std::string HomeTenantOf(std::string_view idp) {
    std::string lower = AsciiLowerCopy(TrimAsciiSpace(idp));
    if (lower.empty()) return "";
    if (lower == "live.com" || lower.find("live.com") != std::string::npos) return "live.com";
    for (std::string_view host : {"sts.windows.net/", "login.microsoftonline.com/"}) {
        size_t at = lower.find(host);
        if (at == std::string::npos) continue;
        std::string_view rest = std::string_view(lower).substr(at + host.size());
        std::string_view guid = rest.substr(0, rest.find('/'));
        if (IsGuidLike(guid)) return std::string(guid);
    }
    return "";
}

} // namespace

Principal PrincipalOf(const RetainedEvent& e) {
    const RetainedIdentity& w = e.who();
    Principal p;
    p.object_id = w.object_id;
    p.app_id = w.app_id;
    p.tenant_id = w.token_tenant;
    p.ip = e.caller_ip;
    if (!w.ip_claim.empty() && w.ip_claim != e.caller_ip) p.ip_claim = w.ip_claim;
    p.mfa = w.mfa;
    std::string type = AsciiLowerCopy(w.principal_type);
    // Evidence of a grant to a group names the group's type, not the caller's: the token's
    // identity type (idtyp) says what the caller is.
    if (type == "group") {
        std::string idtyp = AsciiLowerCopy(w.idtyp);
        type = idtyp == "user" || (idtyp.empty() && !w.upn.empty()) ? "user"
               : idtyp == "app"                                     ? "serviceprincipal"
                                                                    : "";
    }
    if (!w.managed_identity_resource_id.empty() || type == "managedidentity") {
        p.type = "managed_identity";
        p.name = w.app_id.empty() ? w.caller : w.app_id;
        p.identity_resource = AsciiLowerCopy(TrimAsciiSpace(w.managed_identity_resource_id));
    } else if (type == "serviceprincipal") {
        p.type = "service_principal";
        p.name = !w.app_id.empty() ? w.app_id : w.caller;
    } else if (type == "user" ||
               (type.empty() && (EqualsIgnoreCase(w.idtyp, "user") || !w.upn.empty() ||
                                 !w.unique_name.empty() || !w.email.empty()))) {
        p.type = "user";
        p.name = UserName(w);
    } else if (type == "application") {
        p.type = "application";
        p.name = w.caller;
    } else {
        p.type = "unknown";
        p.name = !w.upn.empty() ? w.upn : (!w.caller.empty() ? w.caller : w.app_id);
    }
    if (p.type == "service_principal" || p.type == "managed_identity") {
        if (w.appidacr == "0")
            p.credential = "public-client";
        else if (w.appidacr == "1")
            p.credential = "secret";
        else if (w.appidacr == "2")
            p.credential = "certificate";
    }
    if (!w.token_tenant.empty() && !e.tenant_id.empty() && w.token_tenant != e.tenant_id)
        p.foreign_tenant = true;
    // A B2B guest: the token is the resource tenant's, its identity provider another tenant's
    // (or a Microsoft account's).
    std::string home = HomeTenantOf(w.idp);
    if (!home.empty() && home != AsciiLowerCopy(w.token_tenant)) {
        p.foreign_tenant = true;
        p.home_tenant = std::move(home);
    }
    return p;
}

} // namespace minetrace::analysis

namespace minetrace {

std::string PrincipalKey(const RetainedEvent& e) {
    const RetainedIdentity& w = e.who();
    if (!w.object_id.empty()) return std::string(w.object_id);
    if (!w.upn.empty()) return AsciiLowerCopy(w.upn);
    return AsciiLowerCopy(w.caller);
}

} // namespace minetrace
