// CreationIndex: the creation contexts resolved in one depth-first walk, the same whether its
// stores stay in memory or spill, and read back by forward cursors.
#include "provenance/creation_index.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace minetrace;
using namespace minetrace::analysis;

namespace {

const std::string kRg = "/subscriptions/s1/resourcegroups/rg";

CreationIndex::Write At(int64_t first_write_us, int64_t created_us, std::string_view correlation,
                        WriteAnswer answer = WriteAnswer::kUnknown) {
    CreationIndex::Write w;
    w.first_write_us = first_write_us;
    w.created_us = created_us;
    w.correlation_id = correlation;
    w.first_answer = answer;
    return w;
}

std::map<std::string, CreationContext>
Resolve(const std::vector<std::string>& order,
        const std::map<std::string, CreationIndex::Write>& all, size_t budget,
        std::vector<std::string> ask) {
    RetainedStoreOptions spill;
    spill.budget_bytes = budget;
    CreationIndex index(spill);
    for (const std::string& id : order) index.Add(id, all.at(id));
    // One deployment in the log: correlation "dep", requested at 100, itself a resource.
    index.Resolve([](std::string_view correlation, std::string_view resource, int64_t at) {
        return correlation == "dep" && resource != "/deployment" && at >= 100;
    });
    std::sort(ask.begin(), ask.end());
    std::map<std::string, CreationContext> got;
    CreationIndex::Cursor cursor = index.Read();
    for (const std::string& id : ask) got[id] = cursor.At(id);
    return got;
}

} // namespace

TEST_CASE("Creation index: contexts by deployment and by container, siblings that sort between "
          "a container and its contents, at any budget",
          "[provenance][creations]") {
    std::map<std::string, CreationIndex::Write> all = {
        // The group was created in the log at 50 (its own 201 answer).
        {kRg, At(50, 50, "c-rg", WriteAnswer::kCreated)},
        // "rg-2" sorts between "rg" and "rg/..." in byte order; it exists before the logs.
        {kRg + "-2", At(10, -1, "c-rg2", WriteAnswer::kOk)},
        {kRg + "-2/providers/microsoft.compute/virtualmachines/vm0", At(60, -1, "c0")},
        // A top-level VM first written after its group's creation: created by context.
        {kRg + "/providers/microsoft.compute/virtualmachines/vm1", At(70, -1, "c1")},
        // Its extension, after the VM's (context-proven) creation: created too.
        {kRg + "/providers/microsoft.compute/virtualmachines/vm1/extensions/x", At(80, -1, "c2")},
        // First written before its group was created: nothing proven.
        {kRg + "/providers/microsoft.compute/virtualmachines/early", At(40, -1, "c3")},
        // Inside a deployment of the log (answered neither OK nor 201).
        {"/subscriptions/s2/resourcegroups/other/providers/microsoft.compute/virtualmachines/d",
         At(120, -1, "dep")},
        // Inside the deployment too, but answered 200 OK: a redeployment, nothing proven.
        {"/subscriptions/s2/resourcegroups/other/providers/microsoft.compute/virtualmachines/o",
         At(130, -1, "dep", WriteAnswer::kOk)},
    };
    std::vector<std::string> ids;
    for (const auto& [id, w] : all) ids.push_back(id);
    std::vector<std::string> ask = ids;
    ask.push_back("/subscriptions/s9/none");
    for (size_t budget : {size_t{64} << 20, size_t{4096}}) {
        // Added in reverse order: the index sorts them.
        std::vector<std::string> reversed(ids.rbegin(), ids.rend());
        auto got = Resolve(reversed, all, budget, ask);
        CHECK(got[kRg] == CreationContext::kNone); // its own answer, not its context
        CHECK(got[kRg + "-2"] == CreationContext::kNone);
        CHECK(got[kRg + "-2/providers/microsoft.compute/virtualmachines/vm0"] ==
              CreationContext::kNone);
        CHECK(got[kRg + "/providers/microsoft.compute/virtualmachines/vm1"] ==
              CreationContext::kParent);
        CHECK(got[kRg + "/providers/microsoft.compute/virtualmachines/vm1/extensions/x"] ==
              CreationContext::kParent);
        CHECK(got[kRg + "/providers/microsoft.compute/virtualmachines/early"] ==
              CreationContext::kNone);
        CHECK(got["/subscriptions/s2/resourcegroups/other/providers/microsoft.compute/"
                  "virtualmachines/d"] == CreationContext::kDeployment);
        CHECK(got["/subscriptions/s2/resourcegroups/other/providers/microsoft.compute/"
                  "virtualmachines/o"] == CreationContext::kNone);
        CHECK(got["/subscriptions/s9/none"] == CreationContext::kNone);
    }
}

TEST_CASE("Creation index: many proven resources spill and are read across blocks in order",
          "[provenance][creations]") {
    std::map<std::string, CreationIndex::Write> all;
    all[kRg] = At(1, 1, "rg", WriteAnswer::kCreated);
    // 30,000 VMs created in the created group: past a 1 MiB read block of contexts.
    for (int i = 0; i < 30000; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "/providers/microsoft.compute/virtualmachines/vm%06d", i);
        all[kRg + name] = At(10 + i, -1, "c");
    }
    std::vector<std::string> ids;
    for (const auto& [id, w] : all) ids.push_back(id);
    for (size_t budget : {size_t{64} << 20, size_t{8192}}) {
        auto got = Resolve(ids, all, budget, ids);
        size_t parent = 0;
        for (const auto& [id, context] : got) parent += context == CreationContext::kParent;
        CHECK(parent == 30000);
        CHECK(got[kRg] == CreationContext::kNone);
    }
}
