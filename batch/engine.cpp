#include "batch/engine.hpp"

#include <array>

namespace minetrace::batch {

namespace {

constexpr std::array<std::string_view, 5> kSeverityNames = {"informational", "low", "medium",
                                                            "high", "critical"};

} // namespace

std::string_view SeverityName(Severity severity) {
    return kSeverityNames[static_cast<size_t>(severity)];
}

bool ParseSeverity(std::string_view text, Severity& out) {
    if (text == "info") text = "informational";
    for (size_t i = 0; i < kSeverityNames.size(); ++i) {
        if (kSeverityNames[i] == text) {
            out = static_cast<Severity>(i);
            return true;
        }
    }
    return false;
}

} // namespace minetrace::batch
