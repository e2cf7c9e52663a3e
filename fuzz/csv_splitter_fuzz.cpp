// Fuzzes CsvStreamSplitter and SplitCsvRecord over any bytes. Invariants:
//   - the spans are the same fed whole, byte by byte or in pieces drawn from the input;
//   - spans are non-empty, inside the content, in order, not overlapping; a span ends where the
//     content ends or right before its line terminator (LF or CR LF); only the last span may be
//     kTruncated; safe_cut() never decreases, never passes the fed end or a span to come;
//   - a record read alone (its text plus CR LF) is one record of the same length: the boundary
//     depends on the record's own bytes, never on where a piece ended;
//   - SplitCsvRecord's cells, re-encoded with every cell quoted, split back into the same cells,
//     and that encoding is one record to the stream splitter.
#include "core/arena.hpp"
#include "fuzz/fuzz_check.hpp"
#include "parsers/csv_splitter.hpp"

#include <string>
#include <vector>

namespace {

constexpr size_t kByteByByteMax = 4096;

using minetrace::CsvStreamSplitter;
using minetrace::RecordSpan;
using minetrace::SpanKind;

std::vector<RecordSpan> Feed(std::string_view content, size_t max_piece, minetrace::fuzz::Rng rng) {
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    std::vector<std::pair<uint64_t, size_t>> checkpoints; // safe_cut, spans emitted so far
    size_t pos = 0;
    while (pos < content.size()) {
        size_t n = max_piece == 0 ? content.size() - pos : rng.Piece(max_piece);
        if (n > content.size() - pos) n = content.size() - pos;
        splitter.Feed(content.data() + pos, n, pos, spans);
        pos += n;
        FUZZ_CHECK(splitter.safe_cut() <= pos);
        checkpoints.emplace_back(splitter.safe_cut(), spans.size());
    }
    splitter.Finish(spans);
    uint64_t previous = 0;
    for (const auto& [cut, emitted] : checkpoints) {
        FUZZ_CHECK(cut >= previous);
        for (size_t i = emitted; i < spans.size(); ++i) FUZZ_CHECK(spans[i].offset >= cut);
        previous = cut;
    }
    return spans;
}

bool Same(const std::vector<RecordSpan>& a, const std::vector<RecordSpan>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].offset != b[i].offset || a[i].length != b[i].length || a[i].kind != b[i].kind)
            return false;
    }
    return true;
}

bool StartsWithBom(std::string_view s) {
    return s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF";
}

// Every cell quoted, quotes doubled: the canonical RFC 4180 form of a row.
std::string Encode(const std::vector<std::string_view>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.push_back('"');
        for (char c : cells[i]) {
            if (c == '"') out.push_back('"');
            out.push_back(c);
        }
        out.push_back('"');
    }
    return out;
}

void CheckCells(std::string_view record, minetrace::Arena& arena) {
    std::vector<std::string_view> cells;
    if (!minetrace::SplitCsvRecord(record, arena, cells)) return;
    FUZZ_CHECK(!cells.empty());
    const std::string encoded = Encode(cells);
    std::vector<std::string_view> again;
    FUZZ_CHECK(minetrace::SplitCsvRecord(encoded, arena, again));
    FUZZ_CHECK(again == cells);
    const std::vector<RecordSpan> one = Feed(encoded + "\n", 0, minetrace::fuzz::Rng(0));
    FUZZ_CHECK(one.size() == 1 && one[0].kind == SpanKind::kRecord && one[0].offset == 0 &&
               one[0].length == encoded.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    const uint64_t seed = minetrace::fuzz::Hash(content);
    const std::vector<RecordSpan> whole = Feed(content, 0, minetrace::fuzz::Rng(seed));

    minetrace::Arena arena;
    uint64_t previous_end = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
        const RecordSpan& s = whole[i];
        FUZZ_CHECK(s.length > 0);
        FUZZ_CHECK(s.offset >= previous_end);
        FUZZ_CHECK(s.offset <= size && s.length <= size - s.offset);
        FUZZ_CHECK(s.kind != SpanKind::kGarbage);
        FUZZ_CHECK(s.kind == SpanKind::kRecord || i + 1 == whole.size());
        previous_end = s.offset + s.length;
        const std::string_view rest = content.substr(previous_end);
        if (s.kind == SpanKind::kRecord) {
            // The terminator follows (CR LF, LF or a bare CR), or the content ends.
            FUZZ_CHECK(rest.empty() || rest[0] == '\n' || rest[0] == '\r');
            const std::string_view text = content.substr(s.offset, s.length);
            if (!StartsWithBom(text)) {
                const std::vector<RecordSpan> alone =
                    Feed(std::string(text) + "\r\n", 0, minetrace::fuzz::Rng(0));
                FUZZ_CHECK(alone.size() == 1 && alone[0].kind == SpanKind::kRecord &&
                           alone[0].length == s.length);
            }
            CheckCells(text, arena);
        } else {
            FUZZ_CHECK(rest.empty());
        }
    }

    // Byte by byte for short inputs; pieces of 1..7 bytes cut almost as often on long ones.
    if (size <= kByteByByteMax)
        FUZZ_CHECK(Same(whole, Feed(content, 1, minetrace::fuzz::Rng(seed))));
    FUZZ_CHECK(Same(whole, Feed(content, 7, minetrace::fuzz::Rng(seed))));
    FUZZ_CHECK(Same(whole, Feed(content, 64, minetrace::fuzz::Rng(seed + 1))));
    return 0;
}
