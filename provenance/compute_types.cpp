#include "provenance/analysis.hpp"

#include <set>
#include <string>

namespace minetrace::analysis {

bool IsComputeType(std::string_view type) {
    static const std::set<std::string, std::less<>> kTypes = {
        "microsoft.compute/virtualmachines",
        "microsoft.compute/virtualmachinescalesets",
        "microsoft.batch/batchaccounts",
        "microsoft.batch/batchaccounts/pools",
        "microsoft.containerinstance/containergroups",
        "microsoft.containerservice/managedclusters",
        "microsoft.containerservice/managedclusters/agentpools",
        "microsoft.machinelearningservices/workspaces/computes",
        "microsoft.app/containerapps",
        "microsoft.app/jobs",
        "microsoft.web/serverfarms",
        "microsoft.compute/virtualmachines/extensions",
        "microsoft.compute/virtualmachinescalesets/extensions",
        "microsoft.compute/virtualmachines/runcommands"};
    return kTypes.count(type) > 0;
}

// Compute whose creation regions count toward a region sweep.
bool IsSweptType(std::string_view type) {
    return type == "microsoft.compute/virtualmachines" ||
           type == "microsoft.compute/virtualmachinescalesets" ||
           type == "microsoft.batch/batchaccounts/pools" ||
           type == "microsoft.containerinstance/containergroups";
}

} // namespace minetrace::analysis
