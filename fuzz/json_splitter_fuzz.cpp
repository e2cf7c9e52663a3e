// Fuzzes JsonStreamSplitter over any bytes. Invariants (the header's contract):
//   - the spans and container() are the same whether the content is fed whole, byte by byte or
//     in pieces of sizes drawn from the input;
//   - spans are non-empty, inside the content, in order and do not overlap;
//   - safe_cut() never decreases, never passes the fed end, never passes a span still to come;
//   - a record span starts with '{' or '[' and ends with the matching '}' or ']'; only a row
//     span (one starting with '[') carries columns text, and that text is a JSON array;
//   - idle() after Finish.
#include "fuzz/fuzz_check.hpp"
#include "parsers/json_splitter.hpp"

#include <string>
#include <vector>

namespace {

constexpr size_t kByteByByteMax = 4096;

using minetrace::JsonStreamSplitter;
using minetrace::RecordSpan;
using minetrace::SpanKind;

struct Split {
    std::vector<RecordSpan> spans;
    std::string container;
};

// Feeds `content` in pieces (`max_piece` 0: all at once) and checks the safe_cut contract.
Split Feed(std::string_view content, size_t max_piece, minetrace::fuzz::Rng rng) {
    JsonStreamSplitter splitter;
    Split out;
    struct Checkpoint {
        uint64_t cut;
        size_t emitted;
        uint64_t fed;
    };
    std::vector<Checkpoint> checkpoints;
    size_t pos = 0;
    while (pos < content.size()) {
        size_t n = max_piece == 0 ? content.size() - pos : rng.Piece(max_piece);
        if (n > content.size() - pos) n = content.size() - pos;
        splitter.Feed(content.data() + pos, n, pos, out.spans);
        pos += n;
        checkpoints.push_back({splitter.safe_cut(), out.spans.size(), pos});
    }
    splitter.Finish(out.spans);
    FUZZ_CHECK(splitter.idle() || content.empty());
    out.container = std::string(splitter.container());

    uint64_t previous_cut = 0;
    for (const Checkpoint& c : checkpoints) {
        FUZZ_CHECK(c.cut <= c.fed);
        FUZZ_CHECK(c.cut >= previous_cut);
        for (size_t i = c.emitted; i < out.spans.size(); ++i)
            FUZZ_CHECK(out.spans[i].offset >= c.cut);
        previous_cut = c.cut;
    }
    return out;
}

bool SameSpans(const Split& a, const Split& b) {
    if (a.container != b.container || a.spans.size() != b.spans.size()) return false;
    for (size_t i = 0; i < a.spans.size(); ++i) {
        const RecordSpan& x = a.spans[i];
        const RecordSpan& y = b.spans[i];
        if (x.offset != y.offset || x.length != y.length || x.kind != y.kind) return false;
        if ((x.columns == nullptr) != (y.columns == nullptr)) return false;
        if (x.columns && *x.columns != *y.columns) return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    const uint64_t seed = minetrace::fuzz::Hash(content);
    const Split whole = Feed(content, 0, minetrace::fuzz::Rng(seed));

    uint64_t previous_end = 0;
    for (const RecordSpan& s : whole.spans) {
        FUZZ_CHECK(s.length > 0);
        FUZZ_CHECK(s.offset >= previous_end);
        FUZZ_CHECK(s.offset <= size && s.length <= size - s.offset);
        previous_end = s.offset + s.length;
        const char first = content[s.offset];
        const char last = content[s.offset + s.length - 1];
        if (s.kind == SpanKind::kRecord) {
            FUZZ_CHECK(first == '{' || first == '[');
            FUZZ_CHECK(last == (first == '{' ? '}' : ']'));
        }
        if (s.columns) {
            FUZZ_CHECK(s.kind != SpanKind::kRecord || first == '[');
            FUZZ_CHECK(!s.columns->empty() && s.columns->front() == '[' &&
                       s.columns->back() == ']');
        }
    }

    // Byte by byte for short inputs (the resumable scanner's every state at a cut); pieces of
    // 1..7 bytes cut almost as often and keep long inputs fast.
    if (size <= kByteByByteMax)
        FUZZ_CHECK(SameSpans(whole, Feed(content, 1, minetrace::fuzz::Rng(seed))));
    FUZZ_CHECK(SameSpans(whole, Feed(content, 7, minetrace::fuzz::Rng(seed))));
    FUZZ_CHECK(SameSpans(whole, Feed(content, 64, minetrace::fuzz::Rng(seed + 1))));
    return 0;
}
