#include "app/batch_engine.hpp"

namespace minetrace {

// Not built yet: an Engine over segment/segment.hpp and RunSegmentIngest / RunInvestigation
// (app/investigate_job.hpp) needs byte ranges in the ingest and the findings out of the
// analysis. Until then `minetrace batch` validates configs only.
std::unique_ptr<batch::Engine> MakeBatchEngine() {
    return nullptr;
}

} // namespace minetrace
