// The detections (detections.hpp): pass 2 turns the rule hits of every resource it does not rate
// into detections; once they are all in, each gets its timeline row.
#include "core/arm_id.hpp"
#include "provenance/analyzer.hpp"
#include "provenance/principal_wording.hpp"

namespace minetrace::analysis {

std::vector<Detection> Analyzer::DetectionsOf(const ResourceGroup& group) const {
    std::vector<Detection> out;
    for (const auto& op : group.ops)
        for (const RetainedEvent* e : op->events) {
            if (e->rules.empty()) continue;
            // Built once per record: its rules share it.
            auto who = std::make_shared<const Principal>(PrincipalOf(*e));
            if (who->name.empty() && who->object_id.empty()) who.reset();
            EvidenceRef ref = Evidence(*e);
            for (const RuleRef& hit : e->rules) {
                const RuleInfo* rule = Rule(hit.rule);
                if (!rule) continue;
                Detection d;
                d.time_us = e->time_us;
                d.rule_id = rule->id;
                d.rule_title = rule->title;
                d.level = rule->level;
                d.signal = rule->signal;
                d.content_unavailable = hit.content_unavailable;
                d.operation = e->operation;
                d.phase = ToString(e->phase);
                d.status = e->status;
                d.status_code = e->status_code;
                d.resource_id = e->resource_id_lower;
                d.resource_type = e->resource_type;
                d.subscription_id = e->subscription_id;
                d.correlation_id = e->correlation_id;
                d.principal = who;
                d.caller_ip = e->caller_ip;
                d.file = ref.file;
                d.file_id = e->file_id;
                d.line = ref.line;
                d.offset = ref.offset;
                d.length = ref.length;
                d.sha256 = ref.sha256;
                d.copies = e->copies;
                out.push_back(std::move(d));
            }
        }
    return out;
}

namespace {

// The timeline row of one detection: who did what to which resource, and the rule that saw it.
TimelineEntry DetectionEntry(const Detection& d) {
    TimelineEntry t;
    t.time_us = d.time_us;
    t.data_type = "azure:arm:operation";
    t.timestamp_desc = "Record time (detection)";
    std::string who = d.principal ? DescribePrincipal(*d.principal) : "(no caller)";
    std::string_view target =
        d.resource_id.empty() ? std::string_view("(no resource)") : LastSegment(d.resource_id);
    t.message = who + " " + d.operation + " on " + std::string(target) + " [" + d.phase +
                "]: " + d.rule_title + " (" + d.rule_id + ", " + d.level + ")";
    t.fields["operation"] = d.operation;
    t.fields["resource_id"] = d.resource_id;
    t.fields["resource_type"] = d.resource_type;
    t.fields["subscription_id"] = d.subscription_id;
    t.fields["correlation_id"] = d.correlation_id;
    t.fields["status"] = d.phase;
    t.fields["status_code"] = d.status_code;
    t.fields["caller"] = d.principal ? d.principal->name : "";
    t.fields["caller_type"] = d.principal ? d.principal->type : "";
    t.fields["caller_object_id"] = d.principal ? d.principal->object_id : "";
    t.fields["caller_ip"] = d.caller_ip;
    t.fields["role"] = "detection";
    t.fields["rules"] = d.rule_id;
    t.fields["rule_title"] = d.rule_title;
    t.fields["level"] = d.level;
    t.fields["source_file"] = d.file;
    t.fields["record_offset"] = std::to_string(d.offset);
    t.fields["record_line"] = std::to_string(d.line);
    t.fields["record_sha256"] = ToHex(d.sha256);
    return t;
}

} // namespace

void Analyzer::AddDetectionTimeline() {
    size_t position = 0;
    result_.detections.ForEach([&](const Detection& d) {
        // After every finding's rows among rows of the same time and message (MentionOrder).
        TimelineEntry entry = DetectionEntry(d);
        if (!d.copies.empty()) entry.fields["record_copies"] = CopiesText(d.copies);
        result_.timeline.Add(std::move(entry),
                             MentionOrder(result_.resources.size(), true, position++));
    });
}

} // namespace minetrace::analysis
