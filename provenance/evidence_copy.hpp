// Where one more copy of an event is (another export of the same log): the input's index and
// the record's place and digest. Compact: the path is resolved from the index only when written
// (InvestigationResult::files). Plain data.
#pragma once

#include "core/sha256.hpp"

#include <cstdint>

namespace minetrace {

struct EvidenceCopy {
    uint32_t file_id = 0;
    uint64_t line = 0;
    uint64_t offset = 0;
    uint64_t length = 0;
    Sha256Digest sha256{};
};

} // namespace minetrace
