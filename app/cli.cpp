#include "app/cli.hpp"

#include "core/escape.hpp"
#include "core/timestamp.hpp"
#include "core/version.hpp"
#include "pipeline/accounting.hpp"
#include "pipeline/event_json.hpp"
#include "pipeline/ingest.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace minetrace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage = R"(minetrace: find who created crypto-mining resources in Azure, when,
from where, and with whose rights, from exported Activity Logs and Partner Center audit records.

Usage:
  minetrace investigate PATH... --out DIR [options]   ingest, account, write reports to DIR
  minetrace events PATH... [--out FILE] [options]     normalized events as JSON Lines
  minetrace --version | --help

PATH is a file, a directory (read recursively), or - for standard input. Formats are detected
from content: activity-log exports (JSON Lines, {"records":[...]}), REST/CLI JSON arrays and
{"value":[...]} pages, Python SDK JSON, Log Analytics query JSON and portal CSV, Partner Center
audit records; plain, gzip or zstd.

Exit codes: 0 clean, 1 internal failure, 2 usage/configuration error,
            3 done but some input was unreadable or quarantined.
)";

struct CommonOptions {
    std::vector<std::string> paths;
    unsigned threads = 0;
    size_t batch_bytes = 2u << 20;
    size_t max_record_bytes = 64u << 20;
    uint64_t max_expansion_ratio = 1000;
    bool quiet = false;
};

po::options_description CommonDescription(CommonOptions& o) {
    po::options_description d("Input options");
    d.add_options()("threads,j", po::value(&o.threads)->default_value(0),
                    "worker threads (0: all cores)")(
        "max-record-bytes", po::value(&o.max_record_bytes)->default_value(64u << 20),
        "longest record accepted; longer ones are quarantined")(
        "max-expansion-ratio", po::value(&o.max_expansion_ratio)->default_value(1000),
        "decompression-bomb guard: decompressed/compressed ratio (after the first 64 MiB)")(
        "batch-bytes", po::value(&o.batch_bytes)->default_value(2u << 20),
        "content bytes per pipeline batch")("quiet,q", po::bool_switch(&o.quiet),
                                            "no summary on stderr");
    return d;
}

std::string UtcNow() {
    auto now = std::chrono::system_clock::now();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    return FormatRfc3339Micros(us);
}

std::string HostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

// Parses `args` (without the subcommand) against `options`, with PATH... positional.
// Returns false (after printing the reason) on a usage error.
bool Parse(const std::vector<std::string>& args, const po::options_description& options,
           std::vector<std::string>& paths, std::ostream& err, po::variables_map& vm) {
    po::options_description all;
    all.add(options);
    all.add_options()("paths", po::value(&paths)->multitoken(), "input paths");
    po::positional_options_description positional;
    positional.add("paths", -1);
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        err << "minetrace: " << e.what() << "\n";
        return false;
    }
    return true;
}

// Resolves the input paths; returns false after printing when one does not exist.
bool ResolveInputs(const CommonOptions& common, ExpandedInputs& inputs, std::ostream& err) {
    if (common.paths.empty()) {
        err << "minetrace: no input PATH given\n";
        return false;
    }
    inputs = ExpandInputs(common.paths);
    for (const std::string& missing : inputs.missing) {
        std::string shown;
        AppendTerminalSafe(shown, missing);
        err << "minetrace: no such file or directory: " << shown << "\n";
    }
    return inputs.missing.empty();
}

IngestOptions MakeIngestOptions(const CommonOptions& common) {
    IngestOptions options;
    options.threads = common.threads;
    options.reader.batch_bytes = std::max<size_t>(common.batch_bytes, 4096);
    options.reader.max_record_bytes = std::max<size_t>(common.max_record_bytes, 1024);
    options.reader.limits.max_expansion_ratio = common.max_expansion_ratio;
    return options;
}

void ReportFileErrors(const Accounting& accounting, std::ostream& err) {
    for (const FileAccount& f : accounting.files()) {
        if (f.summary.error.empty()) continue;
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, f.summary.path);
        line += ": ";
        AppendTerminalSafe(line, f.summary.error);
        err << line << "\n";
    }
}

int ExitCodeFor(const Accounting& accounting, const ExpandedInputs& inputs) {
    return accounting.clean() && inputs.errors.empty() ? kExitClean : kExitDataIssues;
}

int RunEvents(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommonOptions common;
    std::string out_path;
    std::string quarantine_path;
    po::options_description options = CommonDescription(common);
    options.add_options()("out,o", po::value(&out_path), "write events here instead of stdout")(
        "quarantine", po::value(&quarantine_path), "write quarantined records here (JSON Lines)")(
        "help,h", "this help");
    po::variables_map vm;
    if (!Parse(args, options, common.paths, err, vm)) return kExitUsage;
    if (vm.count("help")) {
        out << "minetrace events PATH... [options]\n" << options;
        return kExitClean;
    }
    ExpandedInputs inputs;
    if (!ResolveInputs(common, inputs, err)) return kExitUsage;

    std::ofstream file_out;
    std::ostream* events_out = &out;
    if (!out_path.empty() && out_path != "-") {
        file_out.open(out_path, std::ios::binary | std::ios::trunc);
        if (!file_out) {
            err << "minetrace: cannot write " << out_path << "\n";
            return kExitUsage;
        }
        events_out = &file_out;
    }
    std::ofstream quarantine_out;
    if (!quarantine_path.empty()) {
        quarantine_out.open(quarantine_path, std::ios::binary | std::ios::trunc);
        if (!quarantine_out) {
            err << "minetrace: cannot write " << quarantine_path << "\n";
            return kExitUsage;
        }
    }
    Accounting accounting(inputs.files, quarantine_path.empty() ? nullptr : &quarantine_out);
    EventJsonWriter writer(*events_out, inputs.files, {});
    RunIngest(inputs.files, MakeIngestOptions(common), {&accounting, &writer});
    events_out->flush();
    if (!*events_out) throw std::runtime_error("writing events failed");
    for (const std::string& e : inputs.errors) err << "minetrace: " << e << "\n";
    ReportFileErrors(accounting, err);
    if (!common.quiet) err << "minetrace: " << accounting.Summary() << "\n";
    return ExitCodeFor(accounting, inputs);
}

int RunInvestigate(const std::vector<std::string>& args, const std::vector<std::string>& argv,
                   std::ostream& out, std::ostream& err) {
    CommonOptions common;
    std::string out_dir;
    po::options_description options = CommonDescription(common);
    options.add_options()("out,o", po::value(&out_dir), "output directory (created if needed)")(
        "help,h", "this help");
    po::variables_map vm;
    if (!Parse(args, options, common.paths, err, vm)) return kExitUsage;
    if (vm.count("help")) {
        out << "minetrace investigate PATH... --out DIR [options]\n" << options;
        return kExitClean;
    }
    if (out_dir.empty()) {
        err << "minetrace: investigate needs --out DIR\n";
        return kExitUsage;
    }
    ExpandedInputs inputs;
    if (!ResolveInputs(common, inputs, err)) return kExitUsage;
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) {
        err << "minetrace: cannot create " << out_dir << ": " << ec.message() << "\n";
        return kExitUsage;
    }
    const fs::path dir(out_dir);
    std::ofstream quarantine_out(dir / "quarantine.jsonl", std::ios::binary | std::ios::trunc);
    if (!quarantine_out) throw std::runtime_error("cannot write quarantine.jsonl");

    RunInfo run;
    run.command_line = argv;
    run.input_errors = inputs.errors;
    run.started_at = UtcNow();
    run.host = HostName();
    run.threads = ResolveThreads(common.threads);
    auto started = std::chrono::steady_clock::now();

    Accounting accounting(inputs.files, &quarantine_out);
    RunIngest(inputs.files, MakeIngestOptions(common), {&accounting});

    run.finished_at = UtcNow();
    run.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    quarantine_out.flush();
    if (!quarantine_out) throw std::runtime_error("writing quarantine.jsonl failed");
    std::ofstream manifest(dir / "manifest.json", std::ios::binary | std::ios::trunc);
    accounting.WriteManifest(manifest, run);
    manifest.flush();
    if (!manifest) throw std::runtime_error("writing manifest.json failed");

    for (const std::string& e : inputs.errors) err << "minetrace: " << e << "\n";
    ReportFileErrors(accounting, err);
    if (!common.quiet) err << "minetrace: " << accounting.Summary() << "\n";
    return ExitCodeFor(accounting, inputs);
}

} // namespace

int RunCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
    if (argv.size() < 2) {
        err << kUsage;
        return kExitUsage;
    }
    const std::string& command = argv[1];
    std::vector<std::string> rest(argv.begin() + 2, argv.end());
    if (command == "--version" || command == "version") {
        out << "minetrace " << kVersion << "\n";
        return kExitClean;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        out << kUsage;
        return kExitClean;
    }
    if (command == "events") return RunEvents(rest, out, err);
    if (command == "investigate") return RunInvestigate(rest, argv, out, err);
    std::string shown;
    AppendTerminalSafe(shown, command);
    err << "minetrace: unknown command '" << shown << "'\n\n" << kUsage;
    return kExitUsage;
}

} // namespace minetrace
