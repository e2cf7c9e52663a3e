// Segments: for any partition of the input files, analyze(ingest(part 1), ..., ingest(part k))
// writes what investigate(all) writes (the command line and the manifest's `run` aside), at any
// thread count and batch size; damaged, truncated, foreign-version segments and segments of
// other rules are refused before anything is written.
#include "app/investigate_job.hpp"
#include "core/byte_form.hpp"
#include "core/sha256.hpp"
#include "unit/test_util.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using namespace minetrace;
using minetrace::test::ReadFile;
using minetrace::test::WriteFile;

namespace {

const std::string kScenarios = std::string(MINETRACE_FIXTURES_DIR) + "/scenarios/";
const std::vector<std::string> kOutputs = {
    "resources.jsonl", "subscriptions.jsonl", "principals.jsonl", "detections.jsonl",
    "timeline.jsonl",  "timeline.csv",        "quarantine.jsonl", "report.md",
    "report.html",     "containment.sh",      "next-steps.md",    "support-request.txt"};

// Every file of the intrusion and overlap scenarios (the overlap's exports repeat events),
// with their expected.json files (unrecognized content: a file error to carry over too).
std::vector<std::string> AllFiles() {
    std::vector<std::string> files;
    for (const char* scenario : {"intrusion", "overlap"})
        for (const auto& entry : fs::recursive_directory_iterator(kScenarios + scenario))
            if (entry.is_regular_file()) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

InvestigateConfig Config(const fs::path& out, unsigned threads, size_t batch_bytes) {
    InvestigateConfig config;
    config.out_dir = out;
    config.force = true;
    config.rule_sources = {MINETRACE_RULES_DIR};
    config.ingest.threads = threads;
    config.ingest.reader.batch_bytes = batch_bytes;
    return config;
}

void Ingest(const std::vector<std::string>& files, const fs::path& segment, unsigned threads,
            size_t batch_bytes) {
    SegmentIngestConfig config;
    config.inputs = ExpandInputs(files);
    config.segment = segment;
    config.rule_sources = {MINETRACE_RULES_DIR};
    config.ingest.threads = threads;
    config.ingest.reader.batch_bytes = batch_bytes;
    SegmentIngestOutcome outcome = RunSegmentIngest(config);
    REQUIRE(outcome.ran());
}

std::string WithoutRun(std::string manifest) {
    manifest.resize(manifest.find("\"run\":"));
    size_t line = manifest.find("  \"command_line\":");
    manifest.erase(line, manifest.find('\n', line) - line);
    return manifest;
}

fs::path Scratch(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("minetrace-segment-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void RewriteTrailerDigest(const fs::path& segment) {
    std::string bytes = ReadFile(segment);
    const size_t trailer = 8 + 32 + std::strlen("SEGMENT-END\n");
    Sha256 sha;
    sha.Update(std::string_view(bytes).substr(0, bytes.size() - trailer));
    Sha256Digest digest = sha.Finish();
    std::memcpy(bytes.data() + bytes.size() - trailer + 8, digest.data(), 32);
    WriteFile(segment, bytes);
}

} // namespace

TEST_CASE("Segments: any partition of the inputs, analyzed, gives investigate's outputs",
          "[app][segment]") {
    const fs::path dir = Scratch("partition");
    const std::vector<std::string> files = AllFiles();
    REQUIRE(files.size() > 20);
    InvestigateConfig all = Config(dir / "all", 2, 1u << 20);
    all.inputs = ExpandInputs(files);
    InvestigateOutcome expected = RunInvestigation(all);
    REQUIRE(expected.ran());
    REQUIRE(expected.accounting->duplicates() > 0); // the overlap's copies are deduplicated

    struct Case {
        uint32_t seed;
        size_t parts;
        unsigned threads;
        size_t batch_bytes;
    };
    for (const Case& c : {Case{1, 1, 1, 1u << 20}, Case{2, 2, 2, 4096}, Case{3, 3, 1, 65536},
                          Case{4, 5, 2, 1u << 20}}) {
        CAPTURE(c.seed, c.parts, c.threads, c.batch_bytes);
        std::mt19937 rng(c.seed);
        std::vector<std::vector<std::string>> parts(c.parts);
        for (const std::string& f : files) parts[rng() % c.parts].push_back(f);
        // Segments list their files in any order: shuffle each part.
        InvestigateConfig analyze = Config(dir / ("seg-" + std::to_string(c.seed)), c.threads, 0);
        for (size_t p = 0; p < parts.size(); ++p) {
            std::shuffle(parts[p].begin(), parts[p].end(), rng);
            if (parts[p].empty()) continue;
            fs::path segment = dir / ("part-" + std::to_string(c.seed) + "-" + std::to_string(p));
            Ingest(parts[p], segment, c.threads, c.batch_bytes);
            analyze.segments.push_back(segment);
        }
        std::shuffle(analyze.segments.begin(), analyze.segments.end(), rng);
        InvestigateOutcome got = RunInvestigation(analyze);
        REQUIRE(got.ran());
        CHECK(got.clean() == expected.clean());
        for (const std::string& name : kOutputs)
            CHECK(ReadFile(analyze.out_dir / name) == ReadFile(all.out_dir / name));
        CHECK(WithoutRun(ReadFile(analyze.out_dir / "manifest.json")) ==
              WithoutRun(ReadFile(all.out_dir / "manifest.json")));
    }

    // The same file in two segments is read once.
    InvestigateConfig twice = Config(dir / "twice", 2, 0);
    std::vector<std::string> first(files.begin(), files.begin() + files.size() / 2 + 3);
    std::vector<std::string> second(files.begin() + files.size() / 2, files.end());
    Ingest(first, dir / "first", 2, 1u << 20);
    Ingest(second, dir / "second", 2, 1u << 20);
    twice.segments = {dir / "first", dir / "second"};
    REQUIRE(RunInvestigation(twice).ran());
    for (const std::string& name : kOutputs)
        CHECK(ReadFile(twice.out_dir / name) == ReadFile(all.out_dir / name));
}

TEST_CASE("Segments: damaged, truncated, foreign-version and other-rules segments are refused "
          "before anything is written",
          "[app][segment]") {
    const fs::path dir = Scratch("refused");
    const std::vector<std::string> files = {kScenarios + "intrusion/export-jsonl"};
    Ingest(files, dir / "good", 1, 1u << 20);
    const std::string good = ReadFile(dir / "good");
    auto refused = [&](const std::string& bytes, const std::string& why) {
        WriteFile(dir / "bad", bytes);
        InvestigateConfig config = Config(dir / "out", 1, 0);
        config.segments = {dir / "bad"};
        InvestigateOutcome outcome = RunInvestigation(config);
        REQUIRE_FALSE(outcome.ran());
        REQUIRE(outcome.config_errors.size() == 1);
        CHECK_THAT(outcome.config_errors[0], Catch::Contains(why));
        CHECK_FALSE(fs::exists(dir / "out"));
    };
    std::string flipped = good;
    flipped[good.size() / 2] ^= 0x20;
    refused(flipped, "damaged");
    refused(good.substr(0, good.size() - 5), "truncated");
    refused(good.substr(0, good.size() / 3), "truncated");
    refused(std::string(200, 'x'), "not a minetrace segment");
    std::string version = good;
    version[std::strlen("MINETRACE-SEGMENT\n")] = 9;
    WriteFile(dir / "version", version);
    RewriteTrailerDigest(dir / "version");
    refused(ReadFile(dir / "version"), "format version 9");

    // Other rules: one more rule than the shipped packs.
    fs::path rules = dir / "rules";
    fs::create_directories(rules);
    fs::copy(MINETRACE_RULES_DIR, rules, fs::copy_options::recursive);
    InvestigateConfig config = Config(dir / "out", 1, 0);
    config.rule_sources = {rules.string()};
    std::string pack = ReadFile(fs::path(MINETRACE_RULES_DIR) / "spot.yaml");
    size_t id = pack.find("id: ");
    REQUIRE(id != std::string::npos);
    pack.insert(id + 4, "x-");
    WriteFile(rules / "spot.yaml", pack);
    config.segments = {dir / "good"};
    InvestigateOutcome outcome = RunInvestigation(config);
    REQUIRE_FALSE(outcome.ran());
    CHECK_THAT(outcome.config_errors.front(), Catch::Contains("other rules"));

    // The good one analyzes.
    InvestigateConfig fine = Config(dir / "out", 1, 0);
    fine.segments = {dir / "good"};
    CHECK(RunInvestigation(fine).ran());
}
