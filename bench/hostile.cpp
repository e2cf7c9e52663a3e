#include "bench/hostile.hpp"

#include "bench/generator.hpp"

#include <cstdio>

namespace minetrace::bench {

namespace {

constexpr size_t kFlushBytes = 4u << 20;
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
// 2026-03-02T00:00:00Z, a Monday.
constexpr int64_t kStartUs = 1772409600LL * 1000000;
constexpr std::string_view kTenant = "7d1c2e4a-0b6f-4c1e-9a55-3f0c6b2d8e11";
constexpr std::string_view kSubscription = "4F3A9C2E-1B7D-4E8A-9C61-2D5B8E0F7A34";

uint64_t SplitMix(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A GUID-shaped text made from two numbers (distinct numbers give distinct GUIDs).
std::string Guid(uint64_t a, uint64_t b) {
    char text[40];
    std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
                  static_cast<unsigned long long>(a & 0xffffffffULL),
                  static_cast<unsigned long long>((a >> 32) & 0xffffULL),
                  static_cast<unsigned long long>((a >> 48) & 0xfffULL),
                  static_cast<unsigned long long>(b & 0xfffULL),
                  static_cast<unsigned long long>((b >> 12) & 0xffffffffffffULL));
    return text;
}

struct Caller {
    std::string object_id;
    std::string upn;
    std::string ip;
};

Caller CallerOf(uint64_t n) {
    char ip[32];
    std::snprintf(
        ip, sizeof ip, "10.%llu.%llu.%llu", static_cast<unsigned long long>(n >> 16 & 255),
        static_cast<unsigned long long>(n >> 8 & 255), static_cast<unsigned long long>(n & 255));
    return {Guid(0xca11e7ULL + n, n), "user" + std::to_string(n) + "@contoso.example", ip};
}

std::string VmId(std::string_view group, uint64_t n) {
    return "/SUBSCRIPTIONS/" + std::string(kSubscription) + "/RESOURCEGROUPS/" +
           std::string(group) + "/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM-" +
           std::to_string(n);
}

// One storage-export Success record; `body` is the request body's JSON text, already escaped
// for a JSON string, or empty.
void AppendRecord(std::string& out, int64_t at_us, std::string_view resource_id,
                  std::string_view operation, const Caller& who, std::string_view correlation,
                  std::string_view status, std::string_view body) {
    out += "{\"time\":\"";
    AppendTime(out, at_us);
    out += "\",\"resourceId\":\"";
    out += resource_id;
    out += "\",\"operationName\":\"";
    out += operation;
    out += "\",\"category\":\"Administrative\",\"resultType\":\"Success\",\"resultSignature\":"
           "\"Succeeded.";
    out += status;
    out += "\",\"durationMs\":1200,\"callerIpAddress\":\"";
    out += who.ip;
    out += "\",\"correlationId\":\"";
    out += correlation;
    out += "\",\"identity\":{\"claims\":{\"aud\":\"https://management.core.windows.net/\","
           "\"appid\":\"04b07795-8ddb-461a-bbee-02f9e1bf7b46\",\"idtyp\":\"user\",\"ipaddr\":\"";
    out += who.ip;
    out += "\",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"";
    out += who.object_id;
    out += "\",\"http://schemas.microsoft.com/identity/claims/tenantid\":\"";
    out += kTenant;
    out += "\",\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\":\"";
    out += who.upn;
    out += "\",\"http://schemas.microsoft.com/claims/authnmethodsreferences\":\"pwd,mfa\"}},"
           "\"level\":\"Information\",\"location\":\"global\",\"properties\":{\"statusCode\":\"";
    out += status;
    out += "\"";
    if (!body.empty()) {
        out += ",\"requestbody\":\"";
        out += body;
        out += "\"";
    }
    out += "},\"tenantId\":\"";
    out += kTenant;
    out += "\"}\n";
}

std::string CpuVmBody(std::string_view region) {
    return "{\\\"location\\\":\\\"" + std::string(region) +
           "\\\",\\\"properties\\\":{\\\"hardwareProfile\\\":{\\\"vmSize\\\":"
           "\\\"Standard_D4s_v5\\\"}}}";
}

} // namespace

bool ParseHostile(std::string_view name, Hostile& out) {
    for (Hostile p : {Hostile::kSweep, Hostile::kOneResource, Hostile::kCallers, Hostile::kGarbage})
        if (name == ToString(p)) {
            out = p;
            return true;
        }
    return false;
}

std::string_view ToString(Hostile profile) {
    switch (profile) {
    case Hostile::kSweep:
        return "sweep";
    case Hostile::kOneResource:
        return "one-resource";
    case Hostile::kCallers:
        return "callers";
    case Hostile::kGarbage:
        return "garbage";
    }
    return "";
}

uint64_t WriteHostile(Hostile profile, uint64_t count, uint64_t seed,
                      const std::function<void(std::string&)>& flush) {
    std::string out;
    out.reserve(kFlushBytes + (64u << 10));
    uint64_t rng = seed;
    uint64_t lines = 0;
    auto step = [&]() {
        ++lines;
        if (out.size() >= kFlushBytes) {
            flush(out);
            out.clear();
        }
    };
    switch (profile) {
    case Hostile::kSweep: {
        const Caller who = CallerOf(7);
        const std::string bodies[] = {CpuVmBody("eastus"), CpuVmBody("westus"),
                                      CpuVmBody("westeurope")};
        for (uint64_t i = 0; i < count; ++i) {
            // Spread over 23 hours, so that every creation's day either side holds them all.
            int64_t at = kStartUs + static_cast<int64_t>(i * (kMicrosPerDay / 24 * 23 / count));
            size_t region = i < count * 6 / 10 ? 0 : i < count * 99 / 100 ? 1 : 2;
            AppendRecord(out, at, VmId("RG-SWEEP", i), "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
                         who, Guid(SplitMix(rng), i), "Created", bodies[region]);
            step();
        }
        break;
    }
    case Hostile::kOneResource: {
        const std::string id = VmId("RG-ONE", 1);
        constexpr std::string_view kOps[] = {"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION",
                                             "MICROSOFT.COMPUTE/VIRTUALMACHINES/RESTART/ACTION",
                                             "MICROSOFT.COMPUTE/VIRTUALMACHINES/DEALLOCATE/ACTION"};
        Caller callers[50];
        for (uint64_t c = 0; c < 50; ++c) callers[c] = CallerOf(100 + c);
        const std::string body = CpuVmBody("eastus");
        for (uint64_t i = 0; i < count; ++i) {
            int64_t at = kStartUs + static_cast<int64_t>(i * (30 * kMicrosPerDay / count));
            uint64_t r = SplitMix(rng);
            if (i == 0)
                AppendRecord(out, at, id, "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", callers[0],
                             Guid(r, i), "Created", body);
            else
                AppendRecord(out, at, id, kOps[r % 3], callers[(r >> 8) % 50], Guid(r, i), "OK",
                             "");
            step();
        }
        break;
    }
    case Hostile::kCallers: {
        for (uint64_t i = 0; i < count; ++i) {
            int64_t at = kStartUs + static_cast<int64_t>(i * (7 * kMicrosPerDay / count));
            AppendRecord(out, at, VmId("RG-CALLERS", i % 1000),
                         "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION", CallerOf(1000 + i),
                         Guid(SplitMix(rng), i), "OK", "");
            step();
        }
        break;
    }
    case Hostile::kGarbage: {
        // A valid record first (so the file reads as JSON Lines) and every 1000th line; the
        // rest start with a letter and hold JSON punctuation.
        static constexpr char kJunk[] = "abcdefghijklmnopqrstuvwxyz0123456789{}[]:,\" ";
        const std::string body = CpuVmBody("eastus");
        uint64_t bytes = 0;
        for (uint64_t i = 0; bytes < count; ++i) {
            size_t before = out.size();
            uint64_t r = SplitMix(rng);
            if (i % 1000 == 0) {
                AppendRecord(out, kStartUs + static_cast<int64_t>(i) * 1000000,
                             VmId("RG-GARBAGE", i / 1000),
                             "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", CallerOf(7), Guid(r, i),
                             "Created", body);
            } else {
                size_t length = 1 + r % 60;
                out += kJunk[(r >> 8) % 26];
                for (size_t k = 1; k < length; ++k) {
                    r = r * 6364136223846793005ULL + 1442695040888963407ULL;
                    out += kJunk[(r >> 33) % (sizeof kJunk - 1)];
                }
                out += '\n';
            }
            bytes += out.size() - before;
            step();
        }
        break;
    }
    }
    flush(out);
    return lines;
}

} // namespace minetrace::bench
