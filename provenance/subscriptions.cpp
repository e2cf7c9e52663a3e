#include "provenance/analyzer.hpp"

namespace minetrace::analysis {

void Analyzer::ForEachPartnerRecord(const std::function<void(const RetainedEvent*)>& visit) {
    partner_records_.ForEachChunk(kAnalysisChunk, kAnalysisChunkBytes,
                                  [&](const StoredChunk& chunk) {
                                      DecodedEvent decoded;
                                      for (const StoredRecord& record : chunk.records) {
                                          DecodeRetained(record.bytes, record.sequence, decoded);
                                          visit(&decoded.event);
                                      }
                                  });
}

void Analyzer::BuildSubscriptions() {
    std::map<std::string, SubscriptionFinding> subs;
    ForEachPartnerRecord([&](const RetainedEvent* e) {
        if (e->operation != "create_order" && e->operation != "update_subscription" &&
            e->operation != "create_subscription")
            return;
        if (e->phase == Phase::kFailed) return;
        for (std::string_view id : e->pc().subscription_ids) {
            SubscriptionFinding& s = subs[std::string(id)];
            if (s.created_at_us >= 0 && s.created_at_us <= e->time_us) continue;
            s.subscription_id = id;
            s.customer_id = e->tenant_id;
            s.customer_name = e->pc().customer_name;
            s.created_by = !e->who().upn.empty() ? e->who().upn : e->who().caller;
            s.created_at_us = e->time_us;
            s.order_id = e->pc().order_id;
            s.partner_id = e->pc().partner_id;
            s.evidence = Evidence(*e);
        }
    });
    for (const auto& [id, tenant] : subscription_tenants_) {
        SubscriptionFinding& s = subs[id];
        s.subscription_id = id;
        if (s.customer_id.empty()) s.customer_id = tenant;
    }
    for (auto& [id, s] : subs) result_.subscriptions.push_back(std::move(s));
}

} // namespace minetrace::analysis
