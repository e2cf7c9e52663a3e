#include "app/batch_engine.hpp"

namespace minetrace {

// Not built yet: the segment format and `analyze` over segments (issue 16 §1) are what an
// Engine implementation wraps. Until then `minetrace batch` validates configs only.
std::unique_ptr<batch::Engine> MakeBatchEngine() {
    return nullptr;
}

} // namespace minetrace
