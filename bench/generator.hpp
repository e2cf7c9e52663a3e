// ActivityGenerator: a seeded, fast generator of realistic Azure activity-log records for
// benchmarks. It writes the storage-export JSON Lines shape (one compact record a line, UPPER-case
// resourceId and operationName, identity.claims with the real claim URIs, identity.authorization
// with evidence) or the REST shape (`az monitor activity-log list`: one pretty-printed array of
// EventData objects). Operations have Start/Accept/Success (or Failure) phases that share a
// correlation id; Success records arrive a few operations later, as in real exports.
//
// A small share of the operations is crypto-mining activity: GPU VM / scale set / Batch pool /
// container group writes, CustomScript extensions running xmrig against a stratum pool, GPU quota
// increases. The generator counts, by construction, the answer to the benchmark's core question
// (see CoreQuestion below), so every tool's answer can be checked against it.
//
// Determinism: the output is a pure function of (seed, shape, byte budget); both shapes of one
// seed carry the same operations in the same order (the byte budget cuts them at different
// places). Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace minetrace::bench {

enum class Shape : uint8_t { kJsonLines, kRestArray };

// The core question every benchmarked tool answers: records whose lowercased operation is one of
// kCoreOperations and whose request or response body matches kCoreRegex (case-insensitive).
// "Creations" are the distinct lowercased resource ids among those records.
inline constexpr std::string_view kCoreOperations[] = {
    "microsoft.compute/virtualmachines/write",
    "microsoft.compute/virtualmachinescalesets/write",
    "microsoft.compute/virtualmachines/extensions/write",
    "microsoft.compute/virtualmachinescalesets/extensions/write",
    "microsoft.batch/batchaccounts/pools/write",
    "microsoft.containerinstance/containergroups/write",
};
inline constexpr std::string_view kCoreRegex =
    "standard_?n[cdgv]|xmrig|stratum\\+|nicehash|ethminer|lolminer|nbminer|t-rex|phoenixminer";

struct GeneratorOptions {
    uint64_t seed = 1;
    Shape shape = Shape::kJsonLines;
    double mining_share = 0.005; // share of operations that are mining activity
};

struct GeneratorStats {
    uint64_t records = 0;
    uint64_t operations = 0;
    uint64_t mining_operations = 0; // every mining operation, quota increases included
    uint64_t core_records = 0;      // records answering the core question
    uint64_t core_resources = 0;    // distinct resources among them
};

class ActivityGenerator {
  public:
    explicit ActivityGenerator(const GeneratorOptions& options);
    ~ActivityGenerator();
    ActivityGenerator(const ActivityGenerator&) = delete;
    ActivityGenerator& operator=(const ActivityGenerator&) = delete;

    // Appends the text that opens the output (the array's "[" for the REST shape).
    void Begin(std::string& out);
    // Generates one operation and appends every record now due (this operation's early phases,
    // earlier operations' late phases). May append nothing.
    void Step(std::string& out);
    // Appends every record still pending and the text that closes the output.
    void Finish(std::string& out);

    const GeneratorStats& stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Appends `us` as Azure writes times: RFC 3339 with 7 fraction digits and Z
// (2026-10-13T11:20:15.7920000Z). For the generators' post-1970 times.
void AppendTime(std::string& out, int64_t us);

} // namespace minetrace::bench
