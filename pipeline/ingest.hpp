// Ingest: runs the four-stage oneTBB pipeline over the input files
//   serial in-order reader (BatchReader) -> serial in-order file digest (BatchDigester)
//   -> parallel parse (BatchWorker, one per thread) -> serial in-order sink (every
//   BatchConsumer, in the given order).
// The digest has its own stage so that hashing a batch overlaps reading the next one.
// The sink sees batches in input order whatever the thread count, so every output built from
// it is deterministic. Memory is bounded by the number of batches in flight (4 per thread).
#pragma once

#include "pipeline/batch.hpp"
#include "pipeline/batch_reader.hpp"
#include "pipeline/rule_matching.hpp"

#include <string>
#include <vector>

namespace minetrace {

// Receives every batch in input order, on one thread at a time (the serial sink).
// Consume runs on the pipeline's serial sink, in batch order. It must not keep pointers or views
// into the batch afterwards: the batch's buffer is reused for later batches.
class BatchConsumer {
  public:
    virtual ~BatchConsumer() = default;
    virtual void Consume(const Batch& batch) = 0;
};

// Per-batch work a consumer wants done in the parallel stage, after parsing and rule matching,
// so its serial Consume only merges. Prepare must be thread-safe (it is called concurrently on
// different batches) and must not keep references to the batch.
class BatchPreparer {
  public:
    virtual ~BatchPreparer() = default;
    virtual std::unique_ptr<BatchNotes> Prepare(const Batch& batch) const = 0;
};

struct IngestOptions {
    unsigned threads = 0; // 0: all cores
    ReaderOptions reader;
    const EventMatcher* matcher = nullptr;
    // Run in the parallel stage; batch.notes[i] is what preparers[i] returned.
    std::vector<const BatchPreparer*> preparers;
};

// Expands PATH arguments: a file stays itself, a directory becomes every entry under it that is
// not a directory (recursively, sorted byte-wise, so runs are reproducible; symlinked
// directories are not entered), "-" is standard input. Entries that are not regular files
// (FIFOs, sockets, devices, dangling symlinks, loops, symlinks to directories) are listed all
// the same: the reader refuses them without reading, so each is a file error in the manifest.
// Paths with no directory entry are returned in `missing`; unreadable directories in `errors`.
struct ExpandedInputs {
    std::vector<std::string> given; // the paths as given
    std::vector<std::string> files;
    std::vector<std::string> missing;
    std::vector<std::string> errors;
};
ExpandedInputs ExpandInputs(const std::vector<std::string>& paths);

// Runs the pipeline to completion. Exceptions from consumers (output I/O failures) cancel the
// pipeline and propagate to the caller.
void RunIngest(const std::vector<std::string>& files, const IngestOptions& options,
               const std::vector<BatchConsumer*>& consumers);

unsigned ResolveThreads(unsigned requested);

} // namespace minetrace
