#include "pipeline/progress.hpp"

#include "core/text_output.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace minetrace {

namespace {

std::string Count(uint64_t n) {
    if (n < 10'000) return std::to_string(n);
    if (n < 10'000'000) return std::to_string(n / 1000) + "k";
    return std::to_string(n / 1'000'000) + "." + std::to_string(n / 100'000 % 10) + "M";
}

std::string Duration(uint64_t seconds) {
    uint64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
    std::string out;
    if (h > 0) out = std::to_string(h) + ":" + (m < 10 ? "0" : "");
    out += std::to_string(m) + ":" + (s < 10 ? "0" : "") + std::to_string(s);
    return out;
}

} // namespace

int64_t ProgressMeter::SteadyMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::vector<uint64_t> ProgressMeter::FileSizes(const std::vector<std::string>& paths) {
    std::vector<uint64_t> sizes;
    sizes.reserve(paths.size());
    for (const std::string& path : paths) {
        std::error_code ec;
        uint64_t size = path == "-" ? 0 : std::filesystem::file_size(path, ec);
        sizes.push_back(ec ? 0 : size);
    }
    return sizes;
}

ProgressMeter::ProgressMeter(std::ostream& out, std::vector<uint64_t> sizes, unsigned width,
                             Clock clock)
    : out_(out), sizes_(std::move(sizes)), width_(std::max(width, 20u)), clock_(std::move(clock)),
      started_us_(clock_()) {
    for (uint64_t size : sizes_) {
        total_bytes_ += size;
        if (size == 0) total_known_ = false;
    }
    if (total_bytes_ == 0) total_known_ = false;
}

ProgressMeter::~ProgressMeter() {
    Finish();
}

void ProgressMeter::Consume(const Batch& batch) {
    records_ += batch.records_read;
    uint64_t size = batch.file_id < sizes_.size() ? sizes_[batch.file_id] : 0;
    if (batch.file_end) {
        // The reader's own count of stored bytes replaces the estimate.
        done_bytes_ += batch.summary.size;
        current_bytes_ = 0;
    } else {
        uint64_t position = batch.base_offset + batch.size;
        current_bytes_ = size > 0 ? std::min(position, size) : position;
    }
    int64_t now = clock_();
    if (now - started_us_ < kDelayMicros) return;
    if (last_draw_us_ >= 0 && now - last_draw_us_ < kIntervalMicros) return;
    last_draw_us_ = now;
    out_ << '\r' << Line(now) << "\x1b[K" << std::flush;
    drawn_ = true;
    ++draws_;
}

void ProgressMeter::Finish() {
    if (!drawn_) return;
    out_ << "\r\x1b[K" << std::flush;
    drawn_ = false;
}

std::string ProgressMeter::Line(int64_t now_us) const {
    uint64_t processed = done_bytes_ + current_bytes_;
    uint64_t elapsed_us = static_cast<uint64_t>(std::max<int64_t>(now_us - started_us_, 1));
    uint64_t rate = records_ * 1'000'000 / elapsed_us;
    std::string stats;
    std::string bar;
    if (total_known_) {
        uint64_t shown = std::min(processed, total_bytes_);
        uint64_t percent = static_cast<uint64_t>(static_cast<double>(shown) * 100 /
                                                 static_cast<double>(total_bytes_));
        std::string p = std::to_string(percent);
        stats = std::string(3 - std::min<size_t>(p.size(), 3), ' ') + p + "%  " +
                FormatBytes(shown) + " / " + FormatBytes(total_bytes_) + "  " + Count(rate) +
                " rec/s";
        if (shown > 0 && shown < total_bytes_) {
            // ETA from the average byte rate so far (floating point: no overflow on huge inputs).
            double eta_s = static_cast<double>(total_bytes_ - shown) *
                           (static_cast<double>(elapsed_us) / 1e6) / static_cast<double>(shown);
            stats += "  ETA " + Duration(static_cast<uint64_t>(std::min(eta_s, 3.6e8)));
        }
        // The bar takes what the width leaves, 20 columns at most; under 5 it is dropped.
        size_t room = width_ - 1 - std::min<size_t>(width_ - 1, 10 + stats.size() + 3);
        size_t bar_width = std::min<size_t>(room, 20);
        if (bar_width >= 5) {
            size_t filled =
                static_cast<size_t>(static_cast<double>(shown) * static_cast<double>(bar_width) /
                                    static_cast<double>(total_bytes_));
            bar = "[" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "] ";
        }
    } else {
        stats = FormatBytes(processed) + " read  " + Count(rate) + " rec/s";
    }
    std::string line = "minetrace " + bar + stats;
    if (line.size() >= width_) line.resize(width_ - 1);
    return line;
}

} // namespace minetrace
