// Where the shared datasets live, and the one way a dataset test skips when they are absent.
//
// Contract: a test case that reads ../shared/datasets is tagged "[datasets]" and starts with
// `if (!RequireDatasets()) return;`. When the directory is absent it prints a line starting with
// "SKIPPED:", which ctest's SKIP_REGULAR_EXPRESSION turns into a visible "Skipped" for the
// `unit_<subsystem>_datasets` entry (tests/CMakeLists.txt registers the tagged cases apart, so a
// skip never hides the subsystem's other cases). When the directory is present, a missing file
// under it is a failure, not a skip: the datasets are a fixed set.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace minetrace::testing {

// The environment variable MINETRACE_DATASETS_DIR overrides the directory compiled in (used to
// check the skip path without rebuilding: MINETRACE_DATASETS_DIR=/nonexistent ctest ...).
inline std::string DatasetsDir() {
    const char* from_env = std::getenv("MINETRACE_DATASETS_DIR");
    return from_env != nullptr && *from_env != '\0' ? std::string(from_env)
                                                    : std::string(MINETRACE_DATASETS_DIR);
}

inline bool DatasetsPresent() {
    return std::filesystem::is_directory(DatasetsDir());
}

// A path under the datasets directory.
inline std::string Dataset(const std::string& relative) {
    return DatasetsDir() + "/" + relative;
}

// True when the datasets are present; otherwise prints the skip marker and returns false.
inline bool RequireDatasets() {
    if (DatasetsPresent()) return true;
    std::cout << "SKIPPED: ../shared/datasets is absent (" << DatasetsDir() << ")\n";
    return false;
}

} // namespace minetrace::testing
