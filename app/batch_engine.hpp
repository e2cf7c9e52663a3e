// The engine `minetrace batch` drives (batch/engine.hpp): ingest byte ranges into a segment,
// analyze segments as `investigate` does and return the findings, compact segments. To be built
// on the segments of issue 16 §1 (segment/segment.hpp: `minetrace ingest --segment`,
// `minetrace analyze`).
#pragma once

#include "batch/engine.hpp"

#include <memory>

namespace minetrace {

// The product's engine; null while this build has none (then `minetrace batch` checks its
// config and refuses to run, exit 1).
std::unique_ptr<batch::Engine> MakeBatchEngine();

} // namespace minetrace
