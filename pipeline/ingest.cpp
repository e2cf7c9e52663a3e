#include "pipeline/ingest.hpp"

#include "pipeline/batch_worker.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <thread>

namespace minetrace {

namespace fs = std::filesystem;

ExpandedInputs ExpandInputs(const std::vector<std::string>& paths) {
    ExpandedInputs out;
    out.given = paths;
    for (const std::string& path : paths) {
        if (path == "-") {
            out.files.push_back(path);
            continue;
        }
        // Only a path with no directory entry is missing: a dangling symlink, a loop or a FIFO
        // is a file the reader reports (InputSource::Open), so the manifest lists it.
        std::error_code ec;
        fs::file_status entry = fs::symlink_status(path, ec);
        if (ec || !fs::exists(entry)) {
            out.missing.push_back(path);
            continue;
        }
        std::error_code target_ec;
        if (!fs::is_directory(fs::status(path, target_ec))) {
            out.files.push_back(path);
            continue;
        }
        std::vector<std::string> found;
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied,
                                            ec);
        if (ec) {
            out.errors.push_back(path + ": " + ec.message());
            continue;
        }
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) {
                out.errors.push_back(path + ": " + ec.message());
                break;
            }
            // Every entry but a directory (which the walk enters) is listed, whatever its kind:
            // the reader reads regular files and symlinks to them and reports the rest.
            std::error_code type_ec;
            if (!fs::is_directory(it->symlink_status(type_ec)))
                found.push_back(it->path().string());
        }
        std::sort(found.begin(), found.end());
        out.files.insert(out.files.end(), found.begin(), found.end());
    }
    return out;
}

unsigned ResolveThreads(unsigned requested) {
    if (requested > 0) return requested;
    unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
}

void RunIngest(const std::vector<std::string>& files, const IngestOptions& options,
               const std::vector<BatchConsumer*>& consumers) {
    unsigned threads = ResolveThreads(options.threads);
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
    BatchReader reader(files, options.reader);
    BatchDigester digester;
    tbb::enumerable_thread_specific<BatchWorker> workers(
        [&] { return BatchWorker(options.matcher); });

    auto read = [&](tbb::flow_control& control) -> Batch* {
        BatchPtr batch = reader.Next();
        if (!batch) {
            control.stop();
            return nullptr;
        }
        return batch.release();
    };
    auto digest = [&](Batch* batch) -> Batch* {
        digester.Digest(*batch);
        return batch;
    };
    auto parse = [&](Batch* batch) -> Batch* {
        workers.local().Process(*batch);
        for (const BatchPreparer* preparer : options.preparers)
            batch->notes.push_back(preparer->Prepare(*batch));
        return batch;
    };
    auto sink = [&](Batch* raw) {
        BatchPtr batch(raw);
        for (BatchConsumer* consumer : consumers) consumer->Consume(*batch);
        // No consumer keeps views into the batch past Consume: its buffer can be reused.
        reader.Recycle(std::move(batch->data), batch->capacity);
    };
    // Tokens bound the batches in flight, and so memory.
    const size_t tokens = static_cast<size_t>(threads) * 4;
    tbb::parallel_pipeline(
        tokens, tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order, read) &
                    tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::serial_in_order, digest) &
                    tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, parse) &
                    tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, sink));
}

} // namespace minetrace
