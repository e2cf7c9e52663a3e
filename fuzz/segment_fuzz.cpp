// Fuzzes segments (segment/segment.hpp) and the digests they hold (ReplayableConsumer::Replay of
// accounting, coverage and the investigation): the input is ingested as one file into a real
// segment, then 0 to 3 of the segment's bytes are changed at places drawn from the input, its
// trailer's SHA-256 recomputed (so the damage reaches the decoders instead of the checksum), and
// the segment opened and replayed, then analysed. Invariants:
//   - an unchanged segment opens, replays and reconciles like the ingest that wrote it;
//   - a changed one is refused (SegmentRefused) or its damage found (std::runtime_error) or it
//     replays; nothing else (no crash, no other exception, no sanitizer report).
#include "core/sha256.hpp"
#include "fuzz/fuzz_check.hpp"
#include "pipeline/accounting.hpp"
#include "pipeline/ingest.hpp"
#include "provenance/investigation.hpp"
#include "report/coverage.hpp"
#include "segment/segment.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace minetrace;

constexpr size_t kTrailer = 8 + 32 + std::char_traits<char>::length("SEGMENT-END\n");

const std::filesystem::path& Dir() {
    static const std::filesystem::path dir = [] {
        std::filesystem::path d = std::filesystem::temp_directory_path() /
                                  ("minetrace-segment-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

std::string ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void WriteAll(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Replays every file of `segment` into fresh consumers and analyses; the accounting it rebuilt.
std::unique_ptr<Accounting> Replay(const Segment& segment) {
    std::vector<std::string> paths;
    for (const SegmentFile& f : segment.files()) paths.push_back(f.path);
    auto accounting = std::make_unique<Accounting>(paths, nullptr);
    Investigation investigation(paths, {});
    CoverageCollector coverage;
    std::vector<ReplayableConsumer*> consumers = {accounting.get(), &investigation, &coverage};
    for (size_t i = 0; i < segment.files().size(); ++i)
        segment.Replay(i, static_cast<uint32_t>(i), consumers);
    static_cast<void>(investigation.Analyze());
    static_cast<void>(coverage.Result());
    return accounting;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    static fuzz::MemFile* file = new fuzz::MemFile;
    file->Write(input);
    const std::filesystem::path segment_path = Dir() / "segment";
    std::filesystem::remove(segment_path);

    // The segment of the input, as `minetrace ingest --segment` writes it (no rules: no hits).
    std::vector<std::string> paths = {file->path()};
    Accounting accounting(paths, nullptr);
    Investigation investigation(paths, {});
    CoverageCollector coverage;
    {
        SegmentRecorder recorder(segment_path, paths, {&accounting, &investigation, &coverage},
                                 "fuzz-rules", {});
        IngestOptions options;
        options.threads = 1;
        options.reader.batch_bytes = 4096;
        options.reader.max_record_bytes = 8192;
        options.preparers = {&investigation};
        RunIngest(paths, options, {&accounting, &investigation, &coverage, &recorder});
        recorder.Finish();
    }
    std::string bytes = ReadAll(segment_path);
    FUZZ_CHECK(bytes.size() > kTrailer);

    // Unchanged: opens, replays, reconciles.
    {
        Segment segment(segment_path);
        FUZZ_CHECK(segment.files().size() == 1);
        std::unique_ptr<Accounting> again = Replay(segment);
        FUZZ_CHECK(again->files().size() == 1);
        const FileAccount& a = accounting.files().at(0);
        const FileAccount& b = again->files().at(0);
        FUZZ_CHECK(a.records_read == b.records_read && a.events == b.events);
        FUZZ_CHECK(a.quarantined == b.quarantined && a.ignored == b.ignored);
        FUZZ_CHECK(a.summary.sha256 == b.summary.sha256 && a.summary.size == b.summary.size);
    }

    // Changed at 1 to 3 places before the trailer, the trailer's digest made to match.
    fuzz::Rng rng(fuzz::Hash(input, 0x5e9));
    const size_t body = bytes.size() - kTrailer;
    const size_t changes = 1 + rng.Next() % 3;
    for (size_t c = 0; c < changes; ++c) {
        size_t at = static_cast<size_t>(rng.Next() % body);
        bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng.Next() % 255));
    }
    Sha256 sha;
    sha.Update(std::string_view(bytes).substr(0, body));
    Sha256Digest digest = sha.Finish();
    std::memcpy(bytes.data() + body + 8, digest.data(), 32);
    WriteAll(segment_path, bytes);
    try {
        Segment segment(segment_path);
        static_cast<void>(Replay(segment));
    } catch (const SegmentRefused&) {
    } catch (const std::runtime_error&) {
    }
    return 0;
}
