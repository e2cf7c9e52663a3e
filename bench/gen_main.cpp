// minetrace-gen: writes a seeded synthetic Azure activity log of about --bytes bytes, for
// benchmarks. See bench/generator.hpp for what it contains and scripts/bench for its use.
//
//   minetrace-gen --bytes 1G [--seed 1] [--shape jsonl|rest-array] [--out FILE] [--stats FILE]
//   minetrace-gen --profile sweep|one-resource|callers|garbage --count N [--seed 1] [--out FILE]
//
// --profile writes one of bench/hostile.hpp's lopsided shapes instead (N records, or N bytes for
// garbage), with its stats {"profile", "seed", "count", "records", "bytes"}.
//
// The stats file (JSON) holds the record counts and the generator's own answer to the core
// question, which the benchmark uses to check every tool's answer.

#include "bench/generator.hpp"
#include "bench/hostile.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

using minetrace::bench::ActivityGenerator;
using minetrace::bench::GeneratorOptions;
using minetrace::bench::GeneratorStats;
using minetrace::bench::Shape;

constexpr const char* kUsage =
    "usage: minetrace-gen --bytes SIZE [--seed N] [--shape jsonl|rest-array] [--out FILE]\n"
    "                     [--mining-share FRACTION] [--stats FILE]\n"
    "       minetrace-gen --profile sweep|one-resource|callers|garbage --count N [--seed N]\n"
    "                     [--out FILE] [--stats FILE]\n"
    "  SIZE accepts K, M, G suffixes (powers of 1024). FILE - (default) is standard output.\n"
    "  The output ends after the first whole operation that reaches SIZE.\n";

// Parses "123", "64M", "1G" (binary units). False on anything else.
bool ParseSize(std::string_view text, uint64_t& out) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) return false;
    std::string_view suffix(end, static_cast<size_t>(text.data() + text.size() - end));
    uint64_t unit = 1;
    if (suffix == "K" || suffix == "k" || suffix == "KiB")
        unit = 1ULL << 10;
    else if (suffix == "M" || suffix == "m" || suffix == "MiB")
        unit = 1ULL << 20;
    else if (suffix == "G" || suffix == "g" || suffix == "GiB")
        unit = 1ULL << 30;
    else if (!suffix.empty())
        return false;
    if (value > UINT64_MAX / unit) return false;
    out = value * unit;
    return true;
}

// Writes all of `data`; false on an I/O error (errno set).
bool WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string StatsJson(const GeneratorStats& s, uint64_t bytes, const GeneratorOptions& o) {
    std::string out = "{";
    auto field = [&](const char* key, uint64_t value, bool last = false) {
        out += "\"";
        out += key;
        out += "\": ";
        out += std::to_string(value);
        out += last ? "" : ", ";
    };
    out += "\"shape\": \"";
    out += o.shape == Shape::kJsonLines ? "jsonl" : "rest-array";
    out += "\", ";
    field("seed", o.seed);
    field("bytes", bytes);
    field("records", s.records);
    field("operations", s.operations);
    field("mining_operations", s.mining_operations);
    field("core_records", s.core_records);
    field("core_resources", s.core_resources, true);
    out += "}\n";
    return out;
}

bool WriteStats(const std::string& path, const std::string& stats) {
    if (path.empty()) return std::fputs(stats.c_str(), stderr) >= 0;
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr || std::fputs(stats.c_str(), f) < 0 || std::fclose(f) != 0) {
        std::fprintf(stderr, "minetrace-gen: cannot write %s\n", path.c_str());
        return false;
    }
    return true;
}

// --profile: one of bench/hostile.hpp's shapes to `fd`.
int WriteProfile(int fd, const std::string& out_path, const std::string& stats_path,
                 minetrace::bench::Hostile profile, uint64_t count, uint64_t seed) {
    uint64_t written = 0;
    uint64_t records = minetrace::bench::WriteHostile(profile, count, seed, [&](std::string& text) {
        if (!WriteAll(fd, text)) {
            std::fprintf(stderr, "minetrace-gen: write failed: %s\n", std::strerror(errno));
            std::exit(1);
        }
        written += text.size();
    });
    if (fd != 1 && close(fd) != 0) {
        std::fprintf(stderr, "minetrace-gen: closing %s failed: %s\n", out_path.c_str(),
                     std::strerror(errno));
        return 1;
    }
    std::string stats = "{\"profile\": \"" + std::string(minetrace::bench::ToString(profile)) +
                        "\", \"seed\": " + std::to_string(seed) +
                        ", \"count\": " + std::to_string(count) +
                        ", \"records\": " + std::to_string(records) +
                        ", \"bytes\": " + std::to_string(written) + "}\n";
    return WriteStats(stats_path, stats) ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    GeneratorOptions options;
    uint64_t budget = 0;
    bool have_budget = false;
    std::string out_path = "-";
    std::string stats_path;
    minetrace::bench::Hostile profile{};
    bool hostile = false;
    uint64_t count = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "minetrace-gen: %s needs a value\n%s", argv[i], kUsage);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--bytes") {
            have_budget = ParseSize(value(), budget);
            if (!have_budget) {
                std::fprintf(stderr, "minetrace-gen: bad --bytes\n");
                return 2;
            }
        } else if (arg == "--seed") {
            std::string_view v = value();
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), options.seed);
            if (ec != std::errc() || end != v.data() + v.size()) {
                std::fprintf(stderr, "minetrace-gen: bad --seed\n");
                return 2;
            }
        } else if (arg == "--shape") {
            std::string_view v = value();
            if (v == "jsonl")
                options.shape = Shape::kJsonLines;
            else if (v == "rest-array")
                options.shape = Shape::kRestArray;
            else {
                std::fprintf(stderr, "minetrace-gen: --shape is jsonl or rest-array\n");
                return 2;
            }
        } else if (arg == "--mining-share") {
            std::string v(value());
            char* end = nullptr;
            options.mining_share = std::strtod(v.c_str(), &end);
            if (end == v.c_str() || *end != '\0' || !(options.mining_share >= 0) ||
                options.mining_share > 1) {
                std::fprintf(stderr, "minetrace-gen: --mining-share is in [0, 1]\n");
                return 2;
            }
        } else if (arg == "--profile") {
            hostile = minetrace::bench::ParseHostile(value(), profile);
            if (!hostile) {
                std::fprintf(stderr, "minetrace-gen: unknown --profile\n%s", kUsage);
                return 2;
            }
        } else if (arg == "--count") {
            if (!ParseSize(value(), count) || count == 0) {
                std::fprintf(stderr, "minetrace-gen: bad --count\n");
                return 2;
            }
        } else if (arg == "--out" || arg == "-o") {
            out_path = value();
        } else if (arg == "--stats") {
            stats_path = value();
        } else {
            std::fprintf(stderr, "minetrace-gen: unknown argument %s\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (hostile ? count == 0 : !have_budget) {
        std::fputs(kUsage, stderr);
        return 2;
    }

    int fd = 1;
    if (out_path != "-") {
        fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            std::fprintf(stderr, "minetrace-gen: cannot write %s: %s\n", out_path.c_str(),
                         std::strerror(errno));
            return 1;
        }
    }

    if (hostile) return WriteProfile(fd, out_path, stats_path, profile, count, options.seed);

    ActivityGenerator generator(options);
    constexpr size_t kFlushBytes = 4u << 20;
    std::string buffer;
    buffer.reserve(kFlushBytes + (1u << 20));
    uint64_t written = 0;
    auto flush = [&]() {
        if (!WriteAll(fd, buffer)) {
            std::fprintf(stderr, "minetrace-gen: write failed: %s\n", std::strerror(errno));
            std::exit(1);
        }
        written += buffer.size();
        buffer.clear();
    };
    generator.Begin(buffer);
    while (written + buffer.size() < budget) {
        generator.Step(buffer);
        if (buffer.size() >= kFlushBytes) flush();
    }
    generator.Finish(buffer);
    flush();
    if (fd != 1 && close(fd) != 0) {
        std::fprintf(stderr, "minetrace-gen: closing %s failed: %s\n", out_path.c_str(),
                     std::strerror(errno));
        return 1;
    }

    std::string stats = StatsJson(generator.stats(), written, options);
    if (!stats_path.empty()) {
        FILE* f = std::fopen(stats_path.c_str(), "w");
        if (f == nullptr || std::fputs(stats.c_str(), f) < 0 || std::fclose(f) != 0) {
            std::fprintf(stderr, "minetrace-gen: cannot write %s\n", stats_path.c_str());
            return 1;
        }
    } else {
        std::fputs(stats.c_str(), stderr);
    }
    return 0;
}
