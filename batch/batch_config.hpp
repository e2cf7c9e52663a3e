// The `minetrace batch --config FILE` configuration: a state directory, defaults, and the cases
// (one customer each) a nightly run processes. Documented for users in docs/nightly.md.
//
//   state_dir: /var/lib/minetrace            # required
//   defaults:                                # optional; every key optional
//     look_back_days: 90                     # 1..3650
//     languages: [en, ja]                    # en and/or ja
//     rules: [/etc/minetrace/rules]          # extra rule files or folders (on top of the packs)
//     threads: 0                             # 0..1024, 0 = all cores
//   cases:                                   # required, at least one
//     - name: contoso                        # [A-Za-z0-9][A-Za-z0-9._-]*, at most 64, unique
//       tenant_id: 0f6e...                   # a GUID (8-4-4-4-12 hex digits)
//       inputs: [exports/contoso]            # files or folders, at least one
//       out: reports/contoso                 # the case's output folder
//       look_back_days: 30                   # optional, overrides the default
//       languages: [en]                      # optional, overrides the default
//       rules: [rules/contoso]               # optional, added after the defaults' rules
//
// Relative paths are resolved against the folder of the config file. Validation collects every
// error at once, each with the file, line and column it is about; a config with any error must
// not be run. Pure function of the file's text and the file system's layout (symlinks are
// resolved to tell overlapping folders apart); thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace minetrace::batch {

struct CaseConfig {
    std::string name;
    std::string tenant_id;                     // lowercased
    std::vector<std::filesystem::path> inputs; // absolute, lexically normal, in the order given
    std::filesystem::path out;                 // absolute, lexically normal
    unsigned look_back_days = 90;
    std::vector<std::string> languages;       // "en", "ja", as given
    std::vector<std::filesystem::path> rules; // the defaults' rules, then the case's own
    int line = 0;                             // 1-based line of the case in the config
};

struct BatchConfig {
    std::filesystem::path file; // the config file, absolute
    std::filesystem::path state_dir;
    unsigned threads = 0;
    std::vector<CaseConfig> cases;
};

struct ConfigError {
    std::string file;
    int line = 0;   // 1-based; 0 when the error is about the whole file
    int column = 0; // 1-based; 0 when unknown
    std::string message;
};

// "file:line:col: message" ("file: message" without a position).
std::string FormatConfigError(const ConfigError& error);

inline constexpr unsigned kMaxLookBackDays = 3650;
inline constexpr unsigned kDefaultLookBackDays = 90;

// Reads and validates `file`. Every error is appended to `errors`, sorted by position; the
// returned config is meaningful only when none was added.
BatchConfig LoadBatchConfig(const std::filesystem::path& file, std::vector<ConfigError>& errors);

// The same from `text`, as if read from `file` (which names the errors and anchors relative
// paths; it need not exist).
BatchConfig ParseBatchConfig(const std::string& text, const std::filesystem::path& file,
                             std::vector<ConfigError>& errors);

} // namespace minetrace::batch
