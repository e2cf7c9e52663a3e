#include "app/cli.hpp"

#include "app/batch_engine.hpp"
#include "app/investigate_job.hpp"
#include "batch/batch_command.hpp"
#include "core/escape.hpp"
#include "core/output_set.hpp"
#include "core/version.hpp"
#include "pipeline/accounting.hpp"
#include "pipeline/event_json.hpp"
#include "pipeline/ingest.hpp"
#include "pipeline/progress.hpp"
#include "provenance/rules_glue.hpp"
#include "report/terminal.hpp"
#include "rules/rules_command.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sys/ioctl.h>
#include <unistd.h>

namespace minetrace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// "4096", "512K", "32M", "1G" (binary units, case-insensitive); nullopt if malformed or
// larger than 1 TiB.
std::optional<uint64_t> ParseByteSize(std::string_view text) {
    uint64_t value = 0;
    size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        value = value * 10 + static_cast<uint64_t>(text[i] - '0');
        if (value > (uint64_t{1} << 40)) return std::nullopt;
    }
    if (i == 0) return std::nullopt;
    std::string_view unit = text.substr(i);
    int shift = 0;
    if (unit == "k" || unit == "K")
        shift = 10;
    else if (unit == "m" || unit == "M")
        shift = 20;
    else if (unit == "g" || unit == "G")
        shift = 30;
    else if (!unit.empty())
        return std::nullopt;
    if (value > ((uint64_t{1} << 40) >> shift)) return std::nullopt;
    return value << shift;
}

// Number options as typed. Boost's own parser takes "-1" for an unsigned as its wrapped-around
// maximum (then a huge allocation or worse), so these parse the text themselves: a Count is
// decimal digits only, a Size also takes a K/M/G suffix; each is checked against its option's
// range (InRange) after parsing. Either error is a usage error (exit 2).
struct Count {
    uint64_t value = 0;
};
struct Size {
    uint64_t value = 0;
};

void validate(boost::any& v, const std::vector<std::string>& values, Count*, int) {
    po::validators::check_first_occurrence(v);
    const std::string& text = po::validators::get_single_string(values);
    std::optional<uint64_t> n = ParseByteSize(text);
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (!n || !digits) throw po::invalid_option_value(text);
    v = Count{*n};
}

void validate(boost::any& v, const std::vector<std::string>& values, Size*, int) {
    po::validators::check_first_occurrence(v);
    const std::string& text = po::validators::get_single_string(values);
    std::optional<uint64_t> n = ParseByteSize(text);
    if (!n) throw po::invalid_option_value(text);
    v = Size{*n};
}

template <typename Number>
std::function<void(const Number&)> InRange(const char* option, uint64_t min, uint64_t max) {
    return [option, min, max](const Number& n) {
        if (n.value < min || n.value > max)
            throw po::error(std::string("the argument for option '--") + option +
                            "' must be between " + std::to_string(min) + " and " +
                            std::to_string(max) + " (got " + std::to_string(n.value) + ")");
    };
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

constexpr const char* kUsage =
    R"(minetrace: find who created crypto-mining resources in Azure, when,
from where, and with whose rights, from exported Activity Logs and Partner Center audit records.

Usage:
  minetrace investigate PATH... --out DIR [options]   find and attribute mining resources
  minetrace events PATH... [--out FILE] [options]     normalized events as JSON Lines
  minetrace ingest PATH... --segment FILE [options]   the ingest alone, kept as a segment
  minetrace analyze SEGMENT... --out DIR [options]    investigate's outputs from segments
  minetrace rules lint|test|list [--rules DIR]...     check, test or list the detection rules
  minetrace batch --config FILE [--now T] [--wait S]  the nightly run over many cases
  minetrace --version | --help

PATH is a file, a directory (read recursively), or - for standard input. Formats are detected
from content: activity-log exports (JSON Lines, {"records":[...]}), REST/CLI JSON arrays and
{"value":[...]} pages, Python SDK JSON, Log Analytics query JSON and portal CSV, Partner Center
audit records; plain, gzip or zstd.

Exit codes: 0 clean, 1 internal failure, 2 usage/configuration error,
            3 done but some input was unreadable or quarantined.
            batch also: 4 new findings, 5 new findings and input problems,
            75 another run holds the state directory (docs/nightly.md).
)";

struct CommonOptions {
    std::vector<std::string> paths;
    Count threads{0};
    Size batch_bytes{2u << 20};
    Size max_record_bytes{64u << 20};
    Count max_expansion_ratio{1000};
    bool quiet = false;
    bool no_progress = false;
    bool no_color = false;
    std::vector<std::string> rule_dirs;
    bool no_default_rules = false;
    Count max_quarantine{QuarantineLimits{}.total};
    Count max_quarantine_per_file{QuarantineLimits{}.per_file};
    QuarantineLimits quarantine_limits() const {
        return {max_quarantine_per_file.value, max_quarantine.value};
    }
};

po::options_description CommonDescription(CommonOptions& o) {
    po::options_description d("Input options");
    d.add_options()("threads,j",
                    po::value(&o.threads)
                        ->default_value(o.threads, "0")
                        ->notifier(InRange<Count>("threads", 0, 1024)),
                    "worker threads, 0 to 1024 (0: all cores)")(
        "max-record-bytes",
        po::value(&o.max_record_bytes)
            ->default_value(o.max_record_bytes, "64M")
            ->notifier(InRange<Size>("max-record-bytes", 1u << 10, uint64_t{4} << 30)),
        "longest record accepted, 1K to 4G; longer ones are quarantined")(
        "max-expansion-ratio",
        po::value(&o.max_expansion_ratio)
            ->default_value(o.max_expansion_ratio, "1000")
            ->notifier(InRange<Count>("max-expansion-ratio", 2, 1000000)),
        "decompression-bomb guard: decompressed/compressed ratio (after the first 64 MiB), 2 to "
        "1000000")("batch-bytes",
                   po::value(&o.batch_bytes)
                       ->default_value(o.batch_bytes, "2M")
                       ->notifier(InRange<Size>("batch-bytes", 4u << 10, 1u << 30)),
                   "content bytes per pipeline batch, 4K to 1G")(
        "max-quarantine",
        po::value(&o.max_quarantine)
            ->default_value(o.max_quarantine, std::to_string(o.max_quarantine.value))
            ->notifier(InRange<Count>("max-quarantine", 0, uint64_t{1} << 40)),
        "quarantined records written to the quarantine file in all; the rest are counted only")(
        "max-quarantine-per-file",
        po::value(&o.max_quarantine_per_file)
            ->default_value(o.max_quarantine_per_file,
                            std::to_string(o.max_quarantine_per_file.value))
            ->notifier(InRange<Count>("max-quarantine-per-file", 0, uint64_t{1} << 40)),
        "quarantined records written to the quarantine file per input file")(
        "quiet,q", po::bool_switch(&o.quiet), "no summary or progress bar on stderr")(
        "no-progress", po::bool_switch(&o.no_progress), "no progress bar on stderr")(
        "no-color", po::bool_switch(&o.no_color), "no colours on stdout (also: NO_COLOR=1)")(
        "rules", po::value(&o.rule_dirs)->composing(),
        "more rule files or directories (YAML packs or Sigma rules); repeatable")(
        "no-default-rules", po::bool_switch(&o.no_default_rules), "do not load the shipped packs");
    return d;
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

// Loads the rules; prints every error (file:line) and returns false when any rule is broken, so
// a run never starts with a rule silently missing.
bool LoadRules(const CommonOptions& common, RuleSet& rules, std::vector<std::string>& sources,
               std::ostream& err) {
    sources = RuleLocations(common.rule_dirs, !common.no_default_rules);
    std::vector<LintMessage> errors;
    rules = RuleSet::Load(sources, errors);
    for (const LintMessage& m : errors) {
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, m.file + ":" + std::to_string(m.line) + ": " + m.rule_id + ": " +
                                     m.message);
        err << line << "\n";
    }
    if (errors.empty() && rules.size() == 0) {
        err << "minetrace: no detection rules loaded (no shipped packs found and no --rules)\n";
        return false;
    }
    return errors.empty();
}

IngestOptions MakeIngestOptions(const CommonOptions& common) {
    IngestOptions options;
    options.threads = static_cast<unsigned>(common.threads.value); // ranges: CommonDescription
    options.reader.batch_bytes = common.batch_bytes.value;
    options.reader.max_record_bytes = common.max_record_bytes.value;
    options.reader.limits.max_expansion_ratio = common.max_expansion_ratio.value;
    return options;
}

// The progress bar, only for long runs on a terminal: stderr must be a TTY (and the real
// stderr, not a test's stream) and neither --quiet nor --no-progress given. Null otherwise.
std::unique_ptr<ProgressMeter> MakeProgress(const CommonOptions& common,
                                            const std::vector<std::string>& files,
                                            std::ostream& err) {
    if (common.quiet || common.no_progress || &err != &std::cerr || !isatty(STDERR_FILENO))
        return nullptr;
    unsigned width = 80;
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) width = size.ws_col;
    return std::make_unique<ProgressMeter>(err, ProgressMeter::FileSizes(files), width);
}

// Runs the pipeline with the progress bar (when enabled) as the last consumer, and erases the
// bar before anything else is printed, also when the run fails.
void RunIngestWithProgress(const std::vector<std::string>& files, const IngestOptions& options,
                           std::vector<BatchConsumer*> consumers, const CommonOptions& common,
                           std::ostream& err) {
    std::unique_ptr<ProgressMeter> progress = MakeProgress(common, files, err);
    if (progress) consumers.push_back(progress.get());
    RunIngest(files, options, consumers);
    if (progress) progress->Finish();
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
        "quarantine", po::value(&quarantine_path),
        "write quarantined records here (JSON Lines)")("help,h", "this help");
    po::variables_map vm;
    if (!Parse(args, options, common.paths, err, vm)) return kExitUsage;
    if (vm.count("help")) {
        out << "minetrace events PATH... [options]\n" << options;
        return kExitClean;
    }
    ExpandedInputs inputs;
    if (!ResolveInputs(common, inputs, err)) return kExitUsage;

    // An output file that is one of the inputs would be truncated before it is read.
    for (const std::string* path : {&out_path, &quarantine_path}) {
        if (path->empty() || *path == "-") continue;
        for (const std::string& input : inputs.given)
            if (input != "-" && IsInside(*path, input)) {
                std::string shown;
                AppendTerminalSafe(shown, *path);
                err << "minetrace: the output " << shown << " is one of the inputs\n";
                return kExitUsage;
            }
    }
    // Each output file is written to a temporary beside it and renamed into place when complete
    // (output_set.hpp): never through a planted symlink, never half-written under its name.
    auto pending = [&](const std::string& path) -> std::unique_ptr<PendingOutput> {
        fs::path p(path);
        fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
        try {
            return std::make_unique<PendingOutput>(dir, p.filename().string());
        } catch (const std::runtime_error&) {
            std::string shown;
            AppendTerminalSafe(shown, path);
            err << "minetrace: cannot write " << shown << "\n";
            return nullptr;
        }
    };
    std::unique_ptr<PendingOutput> file_out, quarantine_file;
    std::ostream* events_out = &out;
    if (!out_path.empty() && out_path != "-") {
        if (!(file_out = pending(out_path))) return kExitUsage;
        events_out = &file_out->stream();
    }
    std::ostream* quarantine_stream = nullptr;
    if (!quarantine_path.empty()) {
        if (!(quarantine_file = pending(quarantine_path))) return kExitUsage;
        quarantine_stream = &quarantine_file->stream();
    }
    RuleSet rules;
    std::vector<std::string> rule_sources;
    if (!LoadRules(common, rules, rule_sources, err)) return kExitUsage;
    RuleSetMatcher matcher(rules);
    std::vector<std::string> rule_ids;
    for (const RuleInfo& info : DescribeRules(rules)) rule_ids.push_back(info.id);

    Accounting accounting(inputs.files, quarantine_stream, common.quarantine_limits());
    EventJsonWriter writer(*events_out, inputs.files, rule_ids);
    IngestOptions ingest = MakeIngestOptions(common);
    ingest.matcher = &matcher;
    RunIngestWithProgress(inputs.files, ingest, {&accounting, &writer}, common, err);
    events_out->flush();
    if (!*events_out) throw std::runtime_error("writing events failed");
    if (file_out) file_out->Finish();
    if (quarantine_file) quarantine_file->Finish();
    for (const std::string& e : inputs.errors) err << "minetrace: " << e << "\n";
    ReportFileErrors(accounting, err);
    if (!common.quiet) err << "minetrace: " << accounting.Summary() << "\n";
    return ExitCodeFor(accounting, inputs);
}

// investigate PATH... --out DIR; with `analyze`, the paths are segments (analyze SEGMENT...).
int RunInvestigate(const std::vector<std::string>& args, const std::vector<std::string>& argv,
                   std::ostream& out, std::ostream& err, bool analyze = false) {
    CommonOptions common;
    std::string out_dir;
    std::string lang = "both";
    InvestigateConfig config;
    std::string spill_after = std::to_string(config.store.budget_bytes >> 20) + "M";
    po::options_description options = CommonDescription(common);
    options.add_options()("out,o", po::value(&out_dir), "output directory (created if needed)")(
        "force", po::bool_switch(&config.force),
        "replace an earlier run's results in --out (other files there are left alone)")(
        "lang", po::value(&lang)->default_value("both"), "response pack language: en, ja or both")(
        "spill-dir", po::value(&config.store.spill_dir),
        "where kept records go past --spill-after (default $TMPDIR, else /tmp); the file is "
        "unlinked at once")("spill-after", po::value(&spill_after)->default_value(spill_after),
                            "bytes of kept records held in memory before they are spilled to a "
                            "file (suffixes K, M, G: binary units)")("help,h", "this help");
    po::variables_map vm;
    if (!Parse(args, options, common.paths, err, vm)) return kExitUsage;
    const char* name = analyze ? "analyze" : "investigate";
    if (vm.count("help")) {
        out << (analyze ? "minetrace analyze SEGMENT... --out DIR [options]\n"
                        : "minetrace investigate PATH... --out DIR [options]\n")
            << options;
        return kExitClean;
    }
    if (out_dir.empty()) {
        err << "minetrace: " << name << " needs --out DIR\n";
        return kExitUsage;
    }
    std::optional<uint64_t> budget = ParseByteSize(spill_after);
    if (!budget || *budget == 0) {
        err << "minetrace: --spill-after must be a size such as 512K, 32M or 1G\n";
        return kExitUsage;
    }
    config.store.budget_bytes = static_cast<size_t>(*budget);
    config.languages.clear();
    if (lang == "en" || lang == "both") config.languages.push_back(Language::kEnglish);
    if (lang == "ja" || lang == "both") config.languages.push_back(Language::kJapanese);
    if (config.languages.empty()) {
        err << "minetrace: --lang must be en, ja or both\n";
        return kExitUsage;
    }
    if (analyze) {
        if (common.paths.empty()) {
            err << "minetrace: analyze needs at least one SEGMENT\n";
            return kExitUsage;
        }
        config.segments.assign(common.paths.begin(), common.paths.end());
    } else if (!ResolveInputs(common, config.inputs, err)) {
        return kExitUsage;
    }
    config.out_dir = out_dir;
    config.rule_sources = RuleLocations(common.rule_dirs, !common.no_default_rules);
    config.ingest = MakeIngestOptions(common);
    config.quarantine = common.quarantine_limits();
    config.command_line = argv;
    std::unique_ptr<ProgressMeter> progress = MakeProgress(common, config.inputs.files, err);
    config.progress = progress.get();
    if (std::getenv("MINETRACE_TIMINGS") != nullptr) config.timings = &err;

    auto outcome = std::make_unique<InvestigateOutcome>(RunInvestigation(config));
    for (const std::string& e : outcome->config_errors) {
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, e);
        err << line << "\n";
    }
    if (!outcome->ran()) return kExitUsage;
    for (const std::string& note : outcome->output_notes) {
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, note);
        err << line << "\n";
    }

    // The answer first, on stdout: the top findings, one line each.
    bool color = UseColor(&out == &std::cout && isatty(STDOUT_FILENO), common.no_color,
                          std::getenv("NO_COLOR"));
    WriteInvestigateSummary(out, *outcome->result, out_dir, outcome->report_files, color);

    const Accounting& accounting = *outcome->accounting;
    for (const std::string& e : outcome->input_errors) err << "minetrace: " << e << "\n";
    ReportFileErrors(accounting, err);
    if (!common.quiet) err << "minetrace: " << accounting.Summary() << "\n";
    int code = outcome->clean() ? kExitClean : kExitDataIssues;
    // Sanitizer builds free everything, so leak checking still sees the rest.
    if (!kSanitized) outcome->ReleaseWithoutFreeing();
    return code;
}

// ingest PATH... --segment FILE: the ingest of investigate, kept as a segment for analyze.
int RunSegment(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommonOptions common;
    SegmentIngestConfig config;
    std::string segment;
    std::string spill_after = std::to_string(config.store.budget_bytes >> 20) + "M";
    po::options_description options = CommonDescription(common);
    options.add_options()("segment", po::value(&segment), "the segment file to write")(
        "spill-dir", po::value(&config.store.spill_dir),
        "where kept records go past --spill-after (default $TMPDIR, else /tmp)")(
        "spill-after", po::value(&spill_after)->default_value(spill_after),
        "bytes of kept records held in memory before they are spilled")("help,h", "this help");
    po::variables_map vm;
    if (!Parse(args, options, common.paths, err, vm)) return kExitUsage;
    if (vm.count("help")) {
        out << "minetrace ingest PATH... --segment FILE [options]\n" << options;
        return kExitClean;
    }
    if (segment.empty()) {
        err << "minetrace: ingest needs --segment FILE\n";
        return kExitUsage;
    }
    std::optional<uint64_t> budget = ParseByteSize(spill_after);
    if (!budget || *budget == 0) {
        err << "minetrace: --spill-after must be a size such as 512K, 32M or 1G\n";
        return kExitUsage;
    }
    config.store.budget_bytes = static_cast<size_t>(*budget);
    if (!ResolveInputs(common, config.inputs, err)) return kExitUsage;
    config.segment = segment;
    config.rule_sources = RuleLocations(common.rule_dirs, !common.no_default_rules);
    config.ingest = MakeIngestOptions(common);
    std::unique_ptr<ProgressMeter> progress = MakeProgress(common, config.inputs.files, err);
    config.progress = progress.get();
    SegmentIngestOutcome outcome = RunSegmentIngest(config);
    for (const std::string& e : outcome.config_errors) {
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, e);
        err << line << "\n";
    }
    if (!outcome.ran()) return kExitUsage;
    for (const std::string& e : outcome.input_errors) {
        std::string line = "minetrace: ";
        AppendTerminalSafe(line, e);
        err << line << "\n";
    }
    ReportFileErrors(*outcome.accounting, err);
    if (!common.quiet) err << "minetrace: " << outcome.accounting->Summary() << "\n";
    return outcome.clean() ? kExitClean : kExitDataIssues;
}

int RunRules(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || (args[0] != "lint" && args[0] != "test" && args[0] != "list")) {
        err << "minetrace: usage: minetrace rules lint|test|list [--rules DIR]... "
               "[--no-default-rules]\n";
        return kExitUsage;
    }
    std::vector<std::string> dirs;
    bool no_default = false;
    po::options_description options("Rule options");
    options.add_options()("rules", po::value(&dirs)->composing(), "rule files or directories")(
        "no-default-rules", po::bool_switch(&no_default), "do not load the shipped packs");
    po::variables_map vm;
    try {
        std::vector<std::string> rest(args.begin() + 1, args.end());
        po::store(po::command_line_parser(rest).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        err << "minetrace: " << e.what() << "\n";
        return kExitUsage;
    }
    std::vector<std::string> paths = RuleLocations(dirs, !no_default);
    if (paths.empty()) {
        err << "minetrace: no rules to load (no shipped packs found and no --rules)\n";
        return kExitUsage;
    }
    if (args[0] == "lint") return RunRulesLint(paths, out, err);
    if (args[0] == "test") return RunRulesTest(paths, out, err);
    return RunRulesList(paths, out, err);
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
    if (command == "ingest") return RunSegment(rest, out, err);
    if (command == "analyze") return RunInvestigate(rest, argv, out, err, true);
    if (command == "rules") return RunRules(rest, out, err);
    if (command == "batch") {
        std::unique_ptr<batch::Engine> engine = MakeBatchEngine();
        return batch::RunBatchCommand(rest, engine.get(), out, err);
    }
    std::string shown;
    AppendTerminalSafe(shown, command);
    err << "minetrace: unknown command '" << shown << "'\n\n" << kUsage;
    return kExitUsage;
}

} // namespace minetrace
