#include "batch/batch_command.hpp"

#include "batch/batch_config.hpp"
#include "batch/runner.hpp"
#include "core/escape.hpp"
#include "core/timestamp.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <ostream>

namespace minetrace::batch {

namespace po = boost::program_options;

namespace {

constexpr int64_t kSecondUs = 1000000;
constexpr unsigned kMaxWaitSeconds = 7 * 86400;

int64_t WholeSeconds(int64_t us) {
    return us - ((us % kSecondUs) + kSecondUs) % kSecondUs;
}

void PrintLine(std::ostream& err, const std::string& text) {
    std::string line = "minetrace batch: ";
    AppendTerminalSafe(line, text);
    err << line << "\n";
}

} // namespace

int RunBatchCommand(const std::vector<std::string>& args, Engine* engine, std::ostream& out,
                    std::ostream& err) {
    std::string config_path, now_text, wait_text = "0";
    bool check_only = false;
    po::options_description options("minetrace batch options");
    options.add_options()("config", po::value(&config_path), "the YAML config (required)")(
        "now", po::value(&now_text), "the run's time instead of the clock (RFC 3339, UTC)")(
        "wait", po::value(&wait_text)->default_value("0"),
        "seconds to wait for another run holding the state directory")(
        "check", po::bool_switch(&check_only), "check the config only")("help,h", "this help");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        PrintLine(err, e.what());
        return kBatchUsage;
    }
    if (vm.count("help")) {
        out << "minetrace batch --config FILE [--now TIME] [--wait SECONDS] [--check]\n" << options;
        return kBatchNothingNew;
    }
    if (config_path.empty()) {
        PrintLine(err, "--config FILE is required");
        return kBatchUsage;
    }
    RunOptions run;
    if (!now_text.empty()) {
        std::optional<ParsedTime> now = ParseTimestamp(now_text);
        if (!now) {
            PrintLine(err,
                      "--now must be a time such as 2026-10-12T02:00:00Z (got '" + now_text + "')");
            return kBatchUsage;
        }
        run.now_us = WholeSeconds(now->unix_us);
    } else {
        auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        run.now_us = WholeSeconds(
            std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
    }
    if (wait_text.empty() || wait_text.find_first_not_of("0123456789") != std::string::npos ||
        wait_text.size() > 7 || std::stoul(wait_text) > kMaxWaitSeconds) {
        PrintLine(err, "--wait must be whole seconds from 0 to " + std::to_string(kMaxWaitSeconds) +
                           " (got '" + wait_text + "')");
        return kBatchUsage;
    }
    run.wait_seconds = static_cast<double>(std::stoul(wait_text));

    std::vector<ConfigError> errors;
    BatchConfig config = LoadBatchConfig(config_path, errors);
    for (const ConfigError& e : errors) PrintLine(err, FormatConfigError(e));
    if (!errors.empty()) {
        PrintLine(err, std::to_string(errors.size()) + (errors.size() == 1 ? " error" : " errors") +
                           " in the config; nothing was run");
        return kBatchUsage;
    }
    if (engine == nullptr) {
        PrintLine(err, "this build has no batch engine (batch/engine.hpp over the segments of "
                       "ingest --segment / analyze); the config is valid, but cannot be run");
        return check_only ? kBatchNothingNew : kBatchInternal;
    }
    if (check_only) {
        bool ok = true;
        for (const CaseConfig& one : config.cases) {
            EngineOptions engine_options{config.threads, one.languages, one.rules};
            for (const std::string& e : engine->Check(engine_options)) {
                PrintLine(err, "case " + one.name + ": " + e);
                ok = false;
            }
        }
        if (ok)
            out << "config " << config.file.string() << ": " << config.cases.size()
                << (config.cases.size() == 1 ? " case" : " cases") << ", valid\n";
        return ok ? kBatchNothingNew : kBatchUsage;
    }
    return RunBatch(config, *engine, run, out, err).exit_code;
}

} // namespace minetrace::batch
