// Command-line front end: parses arguments with Boost.Program_options and runs a subcommand.
// Kept apart from main() so tests can drive it with argument vectors and string streams.
//
// Exit codes (documented in README.md):
//   0  done, input clean
//   1  internal failure (an output could not be written, an unexpected error)
//   2  usage or configuration error (bad option, missing path, rules that do not load)
//   3  done, but some input was unreadable or some records were quarantined
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace minetrace {

inline constexpr int kExitClean = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDataIssues = 3;

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace minetrace
