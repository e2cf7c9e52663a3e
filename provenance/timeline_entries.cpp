#include "core/arm_id.hpp"
#include "core/timestamp.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/outputs.hpp"
#include "provenance/principal_wording.hpp"

namespace minetrace::analysis {

// The timeline entry of one operation, mentioned in the role given ("resource" with its finding,
// "precursor", "grant"). Thread-safe.
TimelineEntry Analyzer::OperationEntry(const Operation& operation, const std::string& role,
                                       const ResourceFinding* finding) const {
    const Operation* op = &operation;
    const RetainedEvent& req = *op->request;
    Principal who = PrincipalOf(req);
    TimelineEntry t;
    t.time_us = op->request_us;
    t.data_type = "azure:arm:operation";
    std::string verb = op->verb == "write" ? "wrote" : op->verb == "delete" ? "deleted" : "ran";
    if (op->verb == "write" && finding && finding->created_at_us == op->request_us)
        verb = "created";
    std::string outcome = std::string(ToString(op->final_phase));
    t.timestamp_desc = "Request time (" + role + ")";
    t.message =
        DescribePrincipal(who) + " " + verb + " " + ShortResourceType(op->resource_type) + " " +
        std::string(
            LastSegment(req.resource_id.empty() ? op->resource_id_lower : req.resource_id)) +
        " [" + outcome + (op->status_code.empty() ? "" : " " + std::string(op->status_code)) + "]";
    if (finding) {
        auto size = finding->details.find("vm_size");
        if (size != finding->details.end() && verb == "created") t.message += " " + size->second;
        auto region = finding->details.find("location");
        if (region != finding->details.end()) t.message += " in " + region->second;
    }
    t.fields["operation"] = op->operation;
    t.fields["resource_id"] = op->resource_id_lower;
    t.fields["resource_type"] = op->resource_type;
    t.fields["subscription_id"] = req.subscription_id;
    t.fields["correlation_id"] = op->correlation_id;
    t.fields["status"] = outcome;
    t.fields["status_code"] = op->status_code;
    t.fields["caller"] = who.name;
    t.fields["caller_type"] = who.type;
    t.fields["caller_object_id"] = who.object_id;
    t.fields["caller_ip"] = who.ip;
    t.fields["role"] = role;
    if (op->completion_us >= 0) t.fields["completed_at"] = FormatRfc3339Micros(op->completion_us);
    if (finding) t.fields["severity"] = std::string(ToString(finding->severity));
    std::string rules;
    for (uint32_t r : op->rules)
        if (const RuleInfo* info = Rule(r)) rules += (rules.empty() ? "" : ",") + info->id;
    t.fields["rules"] = rules;
    AddEvidenceFields(t, req);
    return t;
}

// The Partner Center records' timeline entries, after every finding's (MentionOrder).
void Analyzer::AddPartnerTimeline() {
    size_t position = 0;
    ForEachPartnerRecord([&](const RetainedEvent* e) {
        TimelineEntry t;
        t.time_us = e->time_us;
        t.data_type = "azure:partner-center:audit";
        t.timestamp_desc = "Partner Center operation";
        t.message =
            std::string(e->who().upn.empty() ? e->who().caller : e->who().upn) + " " +
            std::string(e->operation) + " (" + std::string(e->status) + ") for customer " +
            std::string(e->pc().customer_name.empty() ? e->tenant_id : e->pc().customer_name);
        if (!e->pc().subscription_ids.empty()) {
            t.message += ", subscription";
            for (std::string_view s : e->pc().subscription_ids) t.message += " " + std::string(s);
        }
        t.fields["operation"] = e->operation;
        t.fields["resource_type"] = e->resource_type;
        t.fields["customer_id"] = e->tenant_id;
        t.fields["customer_name"] = e->pc().customer_name;
        t.fields["partner_id"] = e->pc().partner_id;
        t.fields["caller"] = e->who().upn.empty() ? e->who().caller : e->who().upn;
        t.fields["order_id"] = e->pc().order_id;
        std::string subs;
        for (std::string_view s : e->pc().subscription_ids)
            subs += (subs.empty() ? "" : ",") + std::string(s);
        t.fields["subscription_id"] = subs;
        t.fields["status"] = e->status;
        std::string rules;
        for (const RuleRef& r : e->rules)
            if (const RuleInfo* info = Rule(r.rule)) rules += (rules.empty() ? "" : ",") + info->id;
        t.fields["rules"] = rules;
        AddEvidenceFields(t, *e);
        result_.timeline.Add(t, MentionOrder(result_.resources.size(), false, position++));
    });
}

} // namespace minetrace::analysis
