#include "rules/vm_size.hpp"

#include "core/ascii.hpp"
#include "rules/text.hpp"

#include <array>

namespace minetrace {

std::string_view ToString(VmClass value) {
    switch (value) {
    case VmClass::kCpu:
        return "cpu";
    case VmClass::kGpu:
        return "gpu";
    case VmClass::kFpga:
        return "fpga";
    case VmClass::kHpc:
        return "hpc";
    }
    return "cpu";
}

namespace {

bool IsAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

// GPU accelerator suffixes of current and retired sizes (NVIDIA and AMD).
constexpr std::array<std::string_view, 16> kGpuAccelerators = {
    "t4",   "a10",  "a100", "h100", "h200", "gb200", "mi300x", "mi200",
    "v620", "v100", "k80",  "m60",  "p40",  "p100",  "a10g",   "l40s"};

bool ParseNumber(std::string_view text, size_t& pos, uint32_t& out) {
    size_t start = pos;
    uint32_t value = 0;
    while (pos < text.size() && IsDigit(text[pos]) && pos - start < 5) {
        value = value * 10 + static_cast<uint32_t>(text[pos] - '0');
        ++pos;
    }
    if (pos == start || (pos < text.size() && IsDigit(text[pos]))) return false;
    out = value;
    return true;
}

} // namespace

bool ParseVmSize(std::string_view text, VmSize& out) {
    out = VmSize{};
    size_t underscore = text.find('_');
    if (underscore == std::string_view::npos) return false;
    std::string_view tier = text.substr(0, underscore);
    if (!EqualsIgnoreCase(tier, "standard") && !EqualsIgnoreCase(tier, "basic")) {
        return false;
    }
    out.tier = tier;
    size_t pos = underscore + 1;
    size_t family_start = pos;
    while (pos < text.size() && IsAlpha(text[pos])) ++pos;
    if (pos == family_start || pos - family_start > 4) return false;
    out.family = text.substr(family_start, pos - family_start);
    if (!ParseNumber(text, pos, out.vcpus)) return false;
    out.active_vcpus = out.vcpus;
    if (pos < text.size() && text[pos] == '-') {
        ++pos;
        if (!ParseNumber(text, pos, out.active_vcpus)) return false;
        if (out.active_vcpus > out.vcpus) return false;
    }
    size_t features_start = pos;
    while (pos < text.size() && IsAlpha(text[pos])) ++pos;
    out.features = text.substr(features_start, pos - features_start);
    // Suffix parts: accelerator names, a version (v2, v5), "Promo", "cc"; each alphanumeric.
    while (pos < text.size()) {
        if (text[pos] != '_') return false;
        ++pos;
        size_t part_start = pos;
        while (pos < text.size() && (IsAlpha(text[pos]) || IsDigit(text[pos]))) ++pos;
        std::string_view part = text.substr(part_start, pos - part_start);
        if (part.empty() || part.size() > 8) return false;
        if ((part[0] == 'v' || part[0] == 'V') && part.size() >= 2) {
            size_t digits = 1;
            uint32_t version = 0;
            while (digits < part.size() && IsDigit(part[digits])) {
                version = version * 10 + static_cast<uint32_t>(part[digits] - '0');
                ++digits;
            }
            if (digits == part.size()) {
                out.version = version;
                continue;
            }
        }
        if (out.accelerator.empty()) {
            for (std::string_view known : kGpuAccelerators) {
                if (EqualsIgnoreCase(part, known)) {
                    out.accelerator = part;
                    break;
                }
            }
        }
    }
    char first = AsciiLower(out.family[0]);
    char second = out.family.size() > 1 ? AsciiLower(out.family[1]) : '\0';
    if (first == 'n' && (second == 'c' || second == 'd' || second == 'g' || second == 'v')) {
        out.vm_class = VmClass::kGpu;
    } else if (first == 'n' && second == 'p') {
        out.vm_class = VmClass::kFpga;
    } else if (first == 'h' &&
               (second == '\0' || second == 'b' || second == 'c' || second == 'x')) {
        out.vm_class = VmClass::kHpc;
    } else if (!out.accelerator.empty()) {
        out.vm_class = VmClass::kGpu;
    }
    return true;
}

} // namespace minetrace
