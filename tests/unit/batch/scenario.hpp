// A two-case nightly setup for the runner tests: a config file under a fresh folder, input
// folders that grow night by night as storage blobs do, and one call to run a night.
#pragma once

#include "batch/batch_config.hpp"
#include "batch/run_output.hpp"
#include "batch/runner.hpp"
#include "unit/batch/batch_test_util.hpp"
#include "unit/batch/fake_engine.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace minetrace::batch::test {

inline constexpr const char* kContosoTenant = "0f6e8a3c-1111-2222-3333-444455556666";
inline constexpr const char* kFabrikamTenant = "11111111-2222-3333-4444-555555555555";

struct NightResult {
    int exit_code = 0;
    std::string out;
    std::string err;
    BatchOutcome outcome;
};

class Scenario {
  public:
    explicit Scenario(const std::string& name, unsigned look_back_days = 90, bool memory = false) {
        root = FreshDir(name, memory);
        std::string text =
            "state_dir: state\ndefaults:\n  look_back_days: " + std::to_string(look_back_days) +
            "\n  languages: [en]\ncases:\n";
        text += "  - name: contoso\n    tenant_id: " + std::string(kContosoTenant) +
                "\n    inputs: [in/contoso]\n    out: out/contoso\n";
        text += "  - name: fabrikam\n    tenant_id: " + std::string(kFabrikamTenant) +
                "\n    inputs: [in/fabrikam, in/fabrikam-extra.json]\n    out: out/fabrikam\n";
        WriteFile(root / "nightly.yaml", text);
        std::vector<ConfigError> errors;
        config = LoadBatchConfig(root / "nightly.yaml", errors);
        REQUIRE(errors.empty());
        fs::create_directories(root / "in/contoso");
        fs::create_directories(root / "in/fabrikam");
        WriteFile(root / "in/fabrikam-extra.json", "");
    }
    ~Scenario() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }

    // A storage-export blob path of the case for an hour of a day.
    fs::path Blob(const std::string& case_name, int day, int hour) const {
        char name[64];
        std::snprintf(name, sizeof name, "d=%02d/h=%02d/PT1H.json", day, hour);
        return root / "in" / case_name / name;
    }

    NightResult Run(Engine& engine, int night, const RunOptions* base = nullptr) const {
        RunOptions options = base ? *base : RunOptions{};
        options.now_us = Night(night);
        std::ostringstream out, err;
        NightResult r;
        r.outcome = RunBatch(config, engine, options, out, err);
        r.exit_code = r.outcome.exit_code;
        r.out = out.str();
        r.err = err.str();
        return r;
    }

    fs::path Out(const std::string& case_name) const { return root / "out" / case_name; }
    fs::path RunDir(const std::string& case_name, int night) const {
        return Out(case_name) / RunStamp(Night(night));
    }

    fs::path root;
    BatchConfig config;
};

// The summary line of a case from a run's stdout.
inline std::string SummaryOf(const NightResult& r, const std::string& case_name) {
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("case=" + case_name + " ")) return line;
    return "";
}

} // namespace minetrace::batch::test
