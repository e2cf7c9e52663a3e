// `minetrace batch --config FILE [--now TIME] [--wait SECONDS] [--check]`: the command line of
// the nightly run (runner.hpp), kept here so tests drive it with any Engine.
//
//   --config FILE   the YAML config (batch_config.hpp); every error is printed as
//                   file:line:col: message, and the run exits 2 before anything is touched
//   --now TIME      the run's time instead of the clock (RFC 3339, e.g. 2026-10-12T02:00:00Z;
//                   the fraction is dropped): names the output folder, moves the look-back
//                   window; for tests and for running a night again
//   --wait SECONDS  how long to wait for another run holding the state directory (default 0:
//                   exit 75 at once, naming its pid)
//   --check         check the config (and the engine's options) only: exit 0 or 2
//
// Exit codes: runner.hpp. Thread-safety: as RunBatch.
#pragma once

#include "batch/engine.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace minetrace::batch {

// `args` are the arguments after `batch`. A null `engine` is a build without a batch engine:
// the config is checked, a run is refused (exit 1, saying so).
int RunBatchCommand(const std::vector<std::string>& args, Engine* engine, std::ostream& out,
                    std::ostream& err);

} // namespace minetrace::batch
