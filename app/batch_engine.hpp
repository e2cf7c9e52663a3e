// The engine `minetrace batch` drives (batch/engine.hpp), over segments (segment/segment.hpp):
// Ingest reads the slices into a segment (RunSegmentIngest with ReaderOptions::slices), Analyze
// replays segments through the investigate job and returns its findings (each rated resource as
// kind "resource", rule hits outside rated compute one per resource and rule id), Compact is
// CompactSegments.
#pragma once

#include "batch/engine.hpp"

#include <memory>

namespace minetrace {

// The product's engine (never null in this build; the batch command still handles null).
std::unique_ptr<batch::Engine> MakeBatchEngine();

} // namespace minetrace
