// Azure VM size names (Standard_NC24ads_A100_v4, Standard_HB176rs_v4, Standard_M416ms_v2,
// Standard_E64-32s_v3, Basic_A2) parsed into family, vCPU count and accelerator, so rules can
// ask "GPU family?" or "at least 64 vCPUs?" instead of hunting substrings (a substring list both
// misses sizes, e.g. NC4as_T4_v3, and hits unrelated ones, e.g. D48s_v5 for token "48").
//
// Pure and thread-safe; views in VmSize point into the parsed text.
#pragma once

#include <cstdint>
#include <string_view>

namespace minetrace {

enum class VmClass : uint8_t {
    kCpu,  // general purpose, compute, memory and storage optimized
    kGpu,  // N-series with C/D/G/V (NC, NCC, ND, NG, NV) or a GPU accelerator suffix
    kFpga, // NP
    kHpc,  // H, HB, HC, HX (InfiniBand HPC)
};

std::string_view ToString(VmClass value); // "cpu" | "gpu" | "fpga" | "hpc"

struct VmSize {
    std::string_view tier;        // "Standard" or "Basic", as written
    std::string_view family;      // letters before the vCPU count, as written ("NC", "DS", "M")
    uint32_t vcpus = 0;           // the headline vCPU count (what the size is billed for)
    uint32_t active_vcpus = 0;    // constrained-core sizes (E64-32s_v3): 32; otherwise = vcpus
    std::string_view features;    // lowercase letters after the count ("ads", "rs", "ms")
    std::string_view accelerator; // a known accelerator suffix ("A100", "T4", "MI300X"), or empty
    uint32_t version = 0;         // the _vN suffix, 0 when absent
    VmClass vm_class = VmClass::kCpu;
};

// Accepts `<Tier>_<Family><vCPUs>[-<active>][<features>][_<suffix>...]` with Tier Standard or
// Basic (any case). The tier prefix is required: without it short words ("H1", "D4") would parse
// as sizes when rules scan every string of a template. Returns false for anything else.
bool ParseVmSize(std::string_view text, VmSize& out);

} // namespace minetrace
