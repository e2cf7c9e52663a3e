// Tests' access to a PrincipalTable: its rows as a vector, and a table built from rows (their
// finding members become the table's findings overlay).
#pragma once

#include "provenance/principal_table.hpp"

#include <vector>

namespace minetrace::test {

inline std::vector<PrincipalSummary> Rows(const PrincipalTable& table) {
    std::vector<PrincipalSummary> rows;
    table.ForEach([&](const PrincipalSummary& row) { rows.push_back(row); });
    return rows;
}

// `rows` in increasing key order; each row's addresses get time 0.
inline PrincipalTable TableOf(const std::vector<PrincipalSummary>& rows,
                              RetainedStoreOptions spill = {}) {
    PrincipalTable::Builder builder(spill);
    std::map<std::string, PrincipalTable::FindingTally, std::less<>> findings;
    for (const PrincipalSummary& row : rows) {
        std::vector<std::pair<std::string, int64_t>> ips;
        for (const std::string& ip : row.ips) ips.emplace_back(ip, 0);
        builder.Add(row, ips);
        if (row.has_findings || !row.created_by_type.empty()) {
            PrincipalTable::FindingTally& f = findings[row.key];
            f.created_by_type = row.created_by_type;
            f.created_by_size = row.created_by_size;
            f.created_by_region = row.created_by_region;
            f.worst = row.worst;
            f.has_findings = row.has_findings;
        }
    }
    PrincipalTable table = builder.Finish();
    table.SetFindings(std::move(findings));
    return table;
}

} // namespace minetrace::test
