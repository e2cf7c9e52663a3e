// ReplayableConsumer: a batch consumer whose effect of each batch can be written down (a digest)
// and applied again later, by another process, as if the batch had come again. Segments
// (`minetrace ingest --segment`) are made of such digests, so that `minetrace analyze` over
// them reaches exactly the state one `investigate` run reaches.
//
// Digests are the private byte form (core/byte_form.hpp); a segment says its byte order and
// version in its header. Thread-safety: as Consume (the pipeline's serial sink).
#pragma once

#include "pipeline/ingest.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace minetrace {

class ReplayableConsumer : public BatchConsumer {
  public:
    // While set (non-null), Consume appends to *digest what it took from each batch; the caller
    // takes it after each batch and clears it.
    void RecordInto(std::string* digest) { digest_ = digest; }
    // Applies a digest that Consume wrote, with the batch's file now `file_id`. Throws
    // std::runtime_error on a damaged digest (a segment is verified before it is replayed).
    virtual void Replay(std::string_view digest, uint32_t file_id) = 0;

  protected:
    std::string* digest_ = nullptr;
};

} // namespace minetrace
