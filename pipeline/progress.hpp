// ProgressMeter: a BatchConsumer that draws a one-line progress bar (bytes read of the total,
// records per second, ETA) for long runs, e.g.
//   minetrace [#########-----------]  45%  1.2 GiB / 2.6 GiB  312k rec/s  ETA 0:42
// It draws nothing during the first kDelayMicros (short runs stay quiet) and then at most once
// per kIntervalMicros (<= 5 Hz); each draw is "\r" + line + erase-to-end-of-line, and Finish()
// erases the line so later output starts clean. The caller decides whether to use it at all
// (only when the stream is a terminal and the user did not ask for --quiet/--no-progress).
//
// Progress is measured in stored bytes: files done count their size; the current file counts its
// content position, capped at its size (compressed files jump to done when they end). Standard
// input has no size: then only bytes and rate are shown.
//
// Thread-safety: Consume runs on the pipeline's serial sink only; Finish after RunIngest.
#pragma once

#include "pipeline/ingest.hpp"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

class ProgressMeter : public BatchConsumer {
  public:
    static constexpr int64_t kDelayMicros = 500'000;
    static constexpr int64_t kIntervalMicros = 200'000;

    using Clock = std::function<int64_t()>; // monotonic microseconds

    // `sizes[i]` is the stored size of input file i (0 when unknown, e.g. standard input).
    // `width` is the terminal's width in columns; the line never exceeds width - 1.
    ProgressMeter(std::ostream& out, std::vector<uint64_t> sizes, unsigned width = 80,
                  Clock clock = SteadyMicros);
    ~ProgressMeter() override;

    void Consume(const Batch& batch) override;
    // Erases the line if one was drawn. Idempotent; also called by the destructor.
    void Finish();

    // The line as it would be drawn at `now_us` (no control characters). For tests.
    std::string Line(int64_t now_us) const;
    uint64_t draws() const { return draws_; }

    static int64_t SteadyMicros();
    // Stored sizes of `paths` ("-" and unreadable paths: 0).
    static std::vector<uint64_t> FileSizes(const std::vector<std::string>& paths);

  private:
    std::ostream& out_;
    std::vector<uint64_t> sizes_;
    unsigned width_;
    Clock clock_;
    int64_t started_us_;
    int64_t last_draw_us_ = -1;
    uint64_t total_bytes_ = 0;
    bool total_known_ = true;
    uint64_t done_bytes_ = 0;    // files finished
    uint64_t current_bytes_ = 0; // position in the current file
    uint64_t records_ = 0;
    uint64_t draws_ = 0;
    bool drawn_ = false;
};

} // namespace minetrace
