#include "rules/vm_size.hpp"

#include <catch2/catch.hpp>

using namespace minetrace;

namespace {

VmSize Parse(std::string_view text) {
    VmSize size;
    REQUIRE(ParseVmSize(text, size));
    return size;
}

} // namespace

TEST_CASE("VmSize: GPU, FPGA and HPC families by parsed family, not substrings", "[rules]") {
    struct Case {
        const char* name;
        VmClass cls;
        uint32_t vcpus;
    };
    const Case cases[] = {
        {"Standard_NC24ads_A100_v4", VmClass::kGpu, 24},
        {"Standard_NC4as_T4_v3", VmClass::kGpu, 4},
        {"Standard_NC6s_v3", VmClass::kGpu, 6},
        {"Standard_NC6", VmClass::kGpu, 6},
        {"Standard_NCC40ads_H100_v5", VmClass::kGpu, 40},
        {"Standard_ND96isr_H100_v5", VmClass::kGpu, 96},
        {"Standard_ND96isr_MI300X_v5", VmClass::kGpu, 96},
        {"Standard_ND40rs_v2", VmClass::kGpu, 40},
        {"Standard_NV6ads_A10_v5", VmClass::kGpu, 6},
        {"Standard_NV36ads_A10_v5", VmClass::kGpu, 36},
        {"Standard_NG32ads_V620_v1", VmClass::kGpu, 32},
        {"standard_nc12", VmClass::kGpu, 12},
        {"STANDARD_NC6S_V3", VmClass::kGpu, 6},
        {"Standard_NP10s", VmClass::kFpga, 10},
        {"Standard_HB176rs_v4", VmClass::kHpc, 176},
        {"Standard_HB120-96rs_v3", VmClass::kHpc, 120},
        {"Standard_HC44rs", VmClass::kHpc, 44},
        {"Standard_HX176rs", VmClass::kHpc, 176},
        {"Standard_H16r", VmClass::kHpc, 16},
        {"Standard_D48s_v5", VmClass::kCpu, 48},
        {"Standard_E64s_v5", VmClass::kCpu, 64},
        {"Standard_E104i_v5", VmClass::kCpu, 104},
        {"Standard_M416ms_v2", VmClass::kCpu, 416},
        {"Standard_L80s_v3", VmClass::kCpu, 80},
        {"Standard_DS3_v2", VmClass::kCpu, 3},
        {"Standard_GS5", VmClass::kCpu, 5},
        {"Standard_B1ls", VmClass::kCpu, 1},
        {"Basic_A2", VmClass::kCpu, 2},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        VmSize size = Parse(c.name);
        CHECK(size.vm_class == c.cls);
        CHECK(size.vcpus == c.vcpus);
    }
}

TEST_CASE("VmSize: family, features, accelerator, version and constrained cores", "[rules]") {
    VmSize a100 = Parse("Standard_NC24ads_A100_v4");
    CHECK(a100.tier == "Standard");
    CHECK(a100.family == "NC");
    CHECK(a100.features == "ads");
    CHECK(a100.accelerator == "A100");
    CHECK(a100.version == 4);
    CHECK(a100.active_vcpus == 24);

    VmSize constrained = Parse("Standard_E64-16s_v5");
    CHECK(constrained.family == "E");
    CHECK(constrained.vcpus == 64);
    CHECK(constrained.active_vcpus == 16);
    CHECK(constrained.version == 5);

    VmSize promo = Parse("Standard_NC6_Promo");
    CHECK(promo.vm_class == VmClass::kGpu);
    CHECK(promo.accelerator.empty());

    CHECK(ToString(VmClass::kGpu) == "gpu");
    CHECK(ToString(VmClass::kHpc) == "hpc");
}

TEST_CASE("VmSize: rejects text that is not a size name", "[rules]") {
    VmSize size;
    for (const char* text :
         {"", "Standard_", "NC24ads_A100_v4", "H100", "D4", "Premium_LRS", "Standard_LRS",
          "Standard_NC", "Standard_NC24 ", "Standard_NC24ads_A100_v4_", "Standard_E16-32s_v5",
          "Standard_NC999999", "Standard_D2s v3", "[parameters('vmSize')]", "P3v3",
          "standard_nc24ads_a100_v4/extra"}) {
        INFO(text);
        CHECK_FALSE(ParseVmSize(text, size));
    }
}
