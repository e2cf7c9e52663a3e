// The streaming JSON record splitter: finds element boundaries of arrays, {"records":[...]} and
// {"value":[...]} wrappers and concatenated pages without parsing the records.
//
// Kept whole (about 800 lines, over the house's ~700): it is one state machine (a structural
// scanner with AVX2/SSE2 kernels and a scalar fallback, kept together so their shared
// contract reads in one place), and splitting it would spread
// one resumable state across files.
#include "parsers/json_splitter.hpp"

#include <cstring>
#include <utility>

#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace minetrace {
namespace {

inline bool IsSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

inline bool EndsBareScalar(char c) {
    return IsSpace(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"' ||
           c == ':';
}

// Index of the first '"', '\\' or '\n' in d[i, n); n when there is none. Strings are skipped with
// this (16 bytes per step) rather than with a per-byte state switch.
inline size_t FindStringSpecial(const char* d, size_t i, size_t n) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i newline = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmpeq_epi8(v, newline));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
        i += 16;
    }
#endif
    for (; i < n; ++i) {
        const char c = d[i];
        if (c == '"' || c == '\\' || c == '\n') return i;
    }
    return n;
}

// Index of the first '"', '{', '}', '[' or ']' in d[i, n); n when there is none.
inline size_t FindStructural(const char* d, size_t i, size_t n) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i fold = _mm_set1_epi8(static_cast<char>(0xDF)); // '{' -> '[', '}' -> ']'
    const __m128i open = _mm_set1_epi8('[');
    const __m128i close = _mm_set1_epi8(']');
    while (i + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        const __m128i folded = _mm_and_si128(v, fold);
        const __m128i hit =
            _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                         _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
        i += 16;
    }
#endif
    for (; i < n; ++i) {
        switch (d[i]) {
        case '"':
        case '{':
        case '}':
        case '[':
        case ']':
            return i;
        default:
            break;
        }
    }
    return n;
}

// Bit k of *in_string / *outside is set when block[k] matters inside a string ('"', '\\', '\n')
// or outside strings ('"', '{', '}', '[', ']'). The block has 64 readable bytes.
inline void Classify64(const char* block, uint64_t* in_string, uint64_t* outside) {
#if defined(__AVX2__)
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i newline = _mm256_set1_epi8('\n');
    const __m256i fold = _mm256_set1_epi8(static_cast<char>(0xDF)); // '{' -> '[', '}' -> ']'
    const __m256i open = _mm256_set1_epi8('[');
    const __m256i close = _mm256_set1_epi8(']');
    uint64_t s = 0;
    uint64_t o = 0;
    for (int half = 0; half < 2; ++half) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * half));
        const __m256i q = _mm256_cmpeq_epi8(v, quote);
        const __m256i folded = _mm256_and_si256(v, fold);
        const __m256i str = _mm256_or_si256(
            q, _mm256_or_si256(_mm256_cmpeq_epi8(v, backslash), _mm256_cmpeq_epi8(v, newline)));
        const __m256i out = _mm256_or_si256(
            q, _mm256_or_si256(_mm256_cmpeq_epi8(folded, open), _mm256_cmpeq_epi8(folded, close)));
        s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(str))) << (32 * half);
        o |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(out))) << (32 * half);
    }
    *in_string = s;
    *outside = o;
#elif defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i fold = _mm_set1_epi8(static_cast<char>(0xDF));
    const __m128i open = _mm_set1_epi8('[');
    const __m128i close = _mm_set1_epi8(']');
    uint64_t s = 0;
    uint64_t o = 0;
    for (int quarter = 0; quarter < 4; ++quarter) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * quarter));
        const __m128i q = _mm_cmpeq_epi8(v, quote);
        const __m128i folded = _mm_and_si128(v, fold);
        const __m128i str =
            _mm_or_si128(q, _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, newline)));
        const __m128i out = _mm_or_si128(
            q, _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
        s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(str))) << (16 * quarter);
        o |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(out))) << (16 * quarter);
    }
    *in_string = s;
    *outside = o;
#else
    uint64_t s = 0;
    uint64_t o = 0;
    for (unsigned k = 0; k < 64; ++k) {
        const char c = block[k];
        if (c == '"' || c == '\\' || c == '\n') s |= uint64_t{1} << k;
        if (c == '"' || c == '{' || c == '}' || c == '[' || c == ']') o |= uint64_t{1} << k;
    }
    *in_string = s;
    *outside = o;
#endif
}

bool KeyEquals(const char* key, size_t len, std::string_view lower) {
    if (len != lower.size()) return false;
    for (size_t i = 0; i < len; ++i) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c != lower[i]) return false;
    }
    return true;
}

} // namespace

std::string_view JsonStreamSplitter::container() const {
    switch (doc_) {
    case DocKind::kNone:
        return "none";
    case DocKind::kArray:
        return "json-array";
    case DocKind::kRecords:
        return "json-records";
    case DocKind::kValue:
        return "json-value";
    case DocKind::kItems:
        return "json-items";
    case DocKind::kTables:
        return "la-tables";
    case DocKind::kObject:
        return "json-object";
    case DocKind::kMixed:
        return "json-mixed";
    }
    return "none";
}

bool JsonStreamSplitter::idle() const {
    return mode_ == Mode::kStructure && depth_ == 0 && hold_kind_ == HoldKind::kNone;
}

void JsonStreamSplitter::NoteDoc(DocKind kind) {
    if (doc_ == DocKind::kNone) {
        doc_ = kind;
    } else if (doc_ != kind) {
        doc_ = DocKind::kMixed;
    }
}

void JsonStreamSplitter::Emit(std::vector<RecordSpan>& out, uint64_t begin, uint64_t end,
                              SpanKind kind, std::shared_ptr<const std::string> columns) {
    if (end <= begin) return;
    RecordSpan span;
    span.offset = begin;
    span.length = end - begin;
    span.kind = kind;
    span.columns = std::move(columns);
    out.push_back(std::move(span));
}

void JsonStreamSplitter::EmitLine(std::vector<RecordSpan>& out, const char* d, size_t newline_index,
                                  uint64_t begin, SpanKind kind) {
    uint64_t end = Abs(newline_index);
    if (end <= begin) return;
    const char prev = newline_index > 0 ? d[newline_index - 1] : last_byte_;
    if (prev == '\r') --end;
    Emit(out, begin, end, kind);
}

void JsonStreamSplitter::Push(Role role, bool is_array, uint64_t start) {
    Level& level = levels_[++depth_];
    level.start = start;
    level.role = role;
    level.is_array = is_array;
    level.key_pos = !is_array;
    level.pending_key = Key::kNone;
}

void JsonStreamSplitter::ResetToTop() {
    depth_ = 0;
    levels_[0] = Level{};
    mode_ = Mode::kStructure;
    escape_ = false;
    capturing_ = false;
    Release();
    record_columns_.reset();
}

void JsonStreamSplitter::AppendCapture(const char* d, size_t from, size_t to) {
    if (capture_overflow_ || to <= from) return;
    if (columns_buf_.size() + (to - from) > kMaxColumnsBytes) {
        capture_overflow_ = true;
        std::string().swap(columns_buf_);
        return;
    }
    columns_buf_.append(d + from, to - from);
}

void JsonStreamSplitter::HoldWrapperValue(const Level& object, uint64_t at) {
    // Values inside an undecided object are already held by the object itself.
    if (object.role != Role::kCandidate) Hold(HoldKind::kWrapperValue, at);
}

void JsonStreamSplitter::Commit(Level& object, Key key) {
    if (object.role != Role::kCandidate) return;
    object.role = Role::kWrapper;
    Release(); // the wrapper itself is not a record: its bytes may be discarded
    switch (key) {
    case Key::kRecords:
        NoteDoc(DocKind::kRecords);
        break;
    case Key::kValue:
        NoteDoc(DocKind::kValue);
        break;
    case Key::kItems:
        NoteDoc(DocKind::kItems);
        break;
    case Key::kTables:
        NoteDoc(DocKind::kTables);
        break;
    default:
        break;
    }
}

uint64_t JsonStreamSplitter::DamageStart(uint64_t at) const {
    // Every open value that damage could be reported from is held, so garbage never starts
    // before safe_cut.
    return hold_kind_ != HoldKind::kNone ? hold_ : at;
}

size_t JsonStreamSplitter::DeepDamage(const char* d, size_t i, std::vector<RecordSpan>& out) {
    const size_t next = Damage(d, i, false, out);
    skip_kind_ = SpanKind::kTooDeep;
    return next;
}

size_t JsonStreamSplitter::Damage(const char* d, size_t i, bool raw_newline,
                                  std::vector<RecordSpan>& out) {
    skip_kind_ = SpanKind::kGarbage;
    const uint64_t begin = DamageStart(Abs(i));
    if (raw_newline) {
        EmitLine(out, d, i, begin);
        ResetToTop();
        return i + 1;
    }
    ResetToTop();
    mode_ = Mode::kSkipLine;
    skip_start_ = begin;
    Hold(HoldKind::kGarbage, begin);
    return i + 1;
}

void JsonStreamSplitter::FlushOpen(std::vector<RecordSpan>& out) {
    switch (mode_) {
    case Mode::kSkipLine: {
        uint64_t end = fed_end_;
        if (end > skip_start_ && last_byte_ == '\r') --end;
        Emit(out, skip_start_, end, skip_kind_);
        break;
    }
    case Mode::kBom:
    case Mode::kBareScalar:
        Emit(out, hold_, fed_end_, SpanKind::kGarbage);
        break;
    case Mode::kStructure:
    case Mode::kString:
        switch (hold_kind_) {
        case HoldKind::kRecord:
            Emit(out, hold_, fed_end_, SpanKind::kTruncated, std::move(record_columns_));
            break;
        case HoldKind::kCandidate:
            Emit(out, hold_, fed_end_, SpanKind::kTruncated);
            NoteDoc(DocKind::kObject);
            break;
        case HoldKind::kGarbage:
            Emit(out, hold_, fed_end_, SpanKind::kGarbage);
            break;
        case HoldKind::kNone:
        case HoldKind::kWrapperValue:
            break;
        }
        break;
    }
    ResetToTop();
}

void JsonStreamSplitter::Finish(std::vector<RecordSpan>& out) {
    FlushOpen(out);
}

void JsonStreamSplitter::Feed(const char* data, size_t size, uint64_t offset,
                              std::vector<RecordSpan>& out) {
    if (size == 0) return;
    if (!started_) {
        started_ = true;
        fed_end_ = offset;
    } else if (offset != fed_end_) {
        // A gap (or overlap): the open value cannot be completed from these bytes.
        FlushOpen(out);
        fed_end_ = offset;
        last_byte_ = 0;
    }
    base_ = offset;
    if (capturing_) capture_from_ = 0;

    size_t i = 0;
    while (i < size) {
        switch (mode_) {
        case Mode::kStructure:
            i = ContentIsPlain(levels_[depth_].role) ? ScanPlain(data, i, size, out)
                                                     : StepWatched(data, i, size, out);
            break;
        case Mode::kString:
            i = ContinueString(data, i, size, out);
            break;
        case Mode::kBareScalar: {
            size_t j = i;
            while (j < size && !EndsBareScalar(data[j])) ++j;
            if (j < size) {
                Emit(out, hold_, Abs(j), SpanKind::kGarbage);
                Release();
                mode_ = Mode::kStructure;
            }
            i = j;
            break;
        }
        case Mode::kSkipLine: {
            const void* nl = std::memchr(data + i, '\n', size - i);
            if (nl == nullptr) {
                i = size;
                break;
            }
            const size_t j = static_cast<size_t>(static_cast<const char*>(nl) - data);
            EmitLine(out, data, j, skip_start_, skip_kind_);
            Release();
            mode_ = Mode::kStructure;
            i = j + 1;
            break;
        }
        case Mode::kBom: {
            static constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
            if (static_cast<unsigned char>(data[i]) == kBom[bom_matched_]) {
                ++i;
                if (++bom_matched_ == 3) {
                    mode_ = Mode::kStructure;
                    Release();
                }
            } else {
                // Not a BOM: damage from its first byte; data[i] is examined in kSkipLine.
                mode_ = Mode::kSkipLine;
                skip_kind_ = SpanKind::kGarbage;
                skip_start_ = hold_;
            }
            break;
        }
        }
    }
    if (capturing_) AppendCapture(data, capture_from_, size);
    last_byte_ = data[size - 1];
    fed_end_ = offset + size;
}

size_t JsonStreamSplitter::ScanPlain(const char* d, size_t i, size_t n,
                                     std::vector<RecordSpan>& out) {
    // Bulk path: classify 64 bytes at once and walk the bits that matter in the current state
    // (in a string or not), so dense pretty-printed JSON costs a few instructions per token.
    bool in_string = false;
    while (n - i >= 64) {
        uint64_t string_bits = 0;
        uint64_t outside_bits = 0;
        Classify64(d + i, &string_bits, &outside_bits);
        unsigned pos = 0;
        while (pos < 64) {
            const uint64_t bits = (in_string ? string_bits : outside_bits) >> pos;
            if (bits == 0) {
                pos = 64;
                break;
            }
            pos += static_cast<unsigned>(__builtin_ctzll(bits));
            const size_t at = i + pos;
            const char c = d[at];
            if (in_string) {
                if (c == '"') {
                    in_string = false;
                    ++pos;
                } else if (c == '\n') {
                    return Damage(d, at, true, out);
                } else { // backslash: skip the escaped byte (possibly past this block)
                    if (at + 1 >= n) {
                        mode_ = Mode::kString;
                        string_kind_ = StringKind::kPlain;
                        escape_ = true;
                        return n;
                    }
                    if (d[at + 1] == '\n') return Damage(d, at + 1, true, out);
                    pos += 2;
                }
                continue;
            }
            if (c == '"') {
                in_string = true;
                ++pos;
                continue;
            }
            if (c == '{' || c == '[') {
                if (depth_ >= kMaxDepth) return DeepDamage(d, at, out);
                Push(Role::kPlain, c == '[', Abs(at));
                ++pos;
                continue;
            }
            Level& top = levels_[depth_];
            if (top.is_array != (c == ']')) return Damage(d, at, false, out);
            if (top.role != Role::kPlain) {
                CloseSpecial(d, at, out);
                return at + 1;
            }
            --depth_;
            if (!ContentIsPlain(levels_[depth_].role)) {
                if (hold_kind_ == HoldKind::kWrapperValue) Release();
                return at + 1;
            }
            ++pos;
        }
        i += pos; // pos may pass 64 after an escape at the block's end
    }
    if (in_string) { // continue the open string with the general string scanner
        mode_ = Mode::kString;
        string_kind_ = StringKind::kPlain;
        escape_ = false;
        return i;
    }
    return ScanPlainTail(d, i, n, out);
}

size_t JsonStreamSplitter::ScanPlainTail(const char* d, size_t i, size_t n,
                                         std::vector<RecordSpan>& out) {
    for (;;) {
        i = FindStructural(d, i, n);
        if (i >= n) return n;
        const char c = d[i];
        if (c == '"') {
            size_t j = i + 1;
            for (;;) {
                j = FindStringSpecial(d, j, n);
                if (j >= n) {
                    mode_ = Mode::kString;
                    string_kind_ = StringKind::kPlain;
                    escape_ = false;
                    return n;
                }
                const char s = d[j];
                if (s == '"') break;
                if (s == '\n') return Damage(d, j, true, out);
                if (j + 1 >= n) { // backslash as the last byte fed
                    mode_ = Mode::kString;
                    string_kind_ = StringKind::kPlain;
                    escape_ = true;
                    return n;
                }
                if (d[j + 1] == '\n') return Damage(d, j + 1, true, out);
                j += 2;
            }
            i = j + 1;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth_ >= kMaxDepth) return DeepDamage(d, i, out);
            Push(Role::kPlain, c == '[', Abs(i));
            ++i;
            continue;
        }
        Level& top = levels_[depth_];
        if (top.is_array != (c == ']')) return Damage(d, i, false, out);
        if (top.role != Role::kPlain) {
            CloseSpecial(d, i, out);
            return i + 1;
        }
        --depth_;
        ++i;
        if (!ContentIsPlain(levels_[depth_].role)) {
            if (hold_kind_ == HoldKind::kWrapperValue) Release();
            return i;
        }
    }
}

void JsonStreamSplitter::CloseSpecial(const char* d, size_t i, std::vector<RecordSpan>& out) {
    Level& level = levels_[depth_];
    switch (level.role) {
    case Role::kRecordRoot:
        Emit(out, level.start, Abs(i) + 1, SpanKind::kRecord, std::move(record_columns_));
        record_columns_.reset();
        Release();
        break;
    case Role::kGarbageRoot:
        Emit(out, level.start, Abs(i) + 1, SpanKind::kGarbage);
        Release();
        break;
    case Role::kColumns:
        AppendCapture(d, capture_from_, i + 1);
        capturing_ = false;
        if (capture_overflow_) {
            table_columns_.reset();
        } else {
            table_columns_ = std::make_shared<const std::string>(std::move(columns_buf_));
        }
        columns_buf_.clear();
        if (hold_kind_ == HoldKind::kWrapperValue) Release();
        break;
    default:
        break;
    }
    --depth_;
}

size_t JsonStreamSplitter::StepWatched(const char* d, size_t i, size_t n,
                                       std::vector<RecordSpan>& out) {
    while (i < n) {
        const char c = d[i];
        if (IsSpace(c)) {
            ++i;
            continue;
        }
        Level& level = levels_[depth_];
        switch (level.role) {
        case Role::kTop:
            if (c == '{') {
                Push(Role::kCandidate, false, Abs(i));
                Hold(HoldKind::kCandidate, Abs(i));
                return i + 1;
            }
            if (c == '[') {
                Push(Role::kRecordArray, true, Abs(i));
                NoteDoc(DocKind::kArray);
                return i + 1;
            }
            if (static_cast<unsigned char>(c) == 0xEF) { // a UTF-8 BOM, e.g. content start
                mode_ = Mode::kBom;
                bom_matched_ = 1;
                Hold(HoldKind::kGarbage, Abs(i));
                return i + 1;
            }
            return Damage(d, i, false, out);
        case Role::kRecordArray:
        case Role::kRowsArray:
        case Role::kTablesArray:
        case Role::kPendingArray:
            if (c == ',') {
                ++i;
                continue;
            }
            i = StartElement(d, i, out);
            break;
        default: // kCandidate, kWrapper, kTable
            i = ObjectByte(d, i, out);
            break;
        }
        if (mode_ != Mode::kStructure || ContentIsPlain(levels_[depth_].role)) return i;
    }
    return i;
}

size_t JsonStreamSplitter::StartElement(const char* d, size_t i, std::vector<RecordSpan>& out) {
    Level& level = levels_[depth_];
    const char c = d[i];
    if (c == ']') {
        // An empty wrapper array ({"value":[]}) still marks an (empty) page, not a record.
        if (level.role == Role::kPendingArray) Commit(levels_[depth_ - 1], level.pending_key);
        --depth_;
        return i + 1;
    }
    if (c == '}') return Damage(d, i, false, out);
    if ((c == '{' || c == '[') && depth_ >= kMaxDepth) return DeepDamage(d, i, out);
    if (level.role == Role::kPendingArray) {
        Level& parent = levels_[depth_ - 1];
        if (c == '{' || parent.role == Role::kWrapper) {
            Commit(parent, level.pending_key);
            level.role =
                level.pending_key == Key::kTables ? Role::kTablesArray : Role::kRecordArray;
        } else {
            // Scalars or arrays first: an ordinary array inside what may be a bare record.
            level.role = Role::kPlain;
            return i;
        }
    }
    switch (level.role) {
    case Role::kRecordArray:
        if (c == '{') {
            Push(Role::kRecordRoot, false, Abs(i));
            Hold(HoldKind::kRecord, Abs(i));
            return i + 1;
        }
        if (c == '[') { // arrays of arrays of records (az CLI over several scopes)
            Push(Role::kRecordArray, true, Abs(i));
            return i + 1;
        }
        break;
    case Role::kRowsArray:
        if (c == '{' || c == '[') {
            Push(Role::kRecordRoot, c == '[', Abs(i));
            Hold(HoldKind::kRecord, Abs(i));
            // Only a positional row is read by the table's columns; an object row names its own
            // fields.
            if (c == '[') record_columns_ = table_columns_;
            return i + 1;
        }
        break;
    case Role::kTablesArray:
        if (c == '{') {
            Push(Role::kTable, false, Abs(i));
            table_columns_.reset();
            return i + 1;
        }
        if (c == '[') {
            Push(Role::kGarbageRoot, true, Abs(i));
            Hold(HoldKind::kGarbage, Abs(i));
            return i + 1;
        }
        break;
    default:
        break;
    }
    // A scalar where a record must stand.
    Hold(HoldKind::kGarbage, Abs(i));
    if (c == '"') {
        mode_ = Mode::kString;
        string_kind_ = StringKind::kGarbage;
        escape_ = false;
    } else {
        mode_ = Mode::kBareScalar;
    }
    return i + 1;
}

size_t JsonStreamSplitter::ObjectByte(const char* d, size_t i, std::vector<RecordSpan>& out) {
    Level& level = levels_[depth_];
    const char c = d[i];
    switch (c) {
    case ':':
        return i + 1;
    case ',':
        level.key_pos = true;
        level.pending_key = Key::kNone;
        return i + 1;
    case '}': {
        const Role role = level.role;
        const uint64_t start = level.start;
        --depth_;
        if (role == Role::kCandidate) { // no wrapper key: the whole object is one record
            Emit(out, start, Abs(i) + 1, SpanKind::kRecord);
            Release();
            NoteDoc(DocKind::kObject);
        }
        return i + 1;
    }
    case ']':
        return Damage(d, i, false, out);
    case '"':
        if (level.key_pos) {
            level.key_pos = false;
            string_kind_ = StringKind::kKey;
            key_len_ = 0;
            key_bad_ = false;
        } else {
            string_kind_ = StringKind::kSkip;
            level.pending_key = Key::kNone;
        }
        HoldWrapperValue(level, Abs(i));
        mode_ = Mode::kString;
        escape_ = false;
        return i + 1;
    case '{':
        level.pending_key = Key::kNone;
        if (depth_ >= kMaxDepth) return DeepDamage(d, i, out);
        HoldWrapperValue(level, Abs(i));
        Push(Role::kPlain, false, Abs(i));
        return i + 1;
    case '[': {
        const Key key = level.pending_key;
        level.pending_key = Key::kNone;
        if (depth_ >= kMaxDepth) return DeepDamage(d, i, out);
        if (level.role == Role::kTable) {
            if (key != Key::kRows) HoldWrapperValue(level, Abs(i));
            if (key == Key::kColumns) {
                Push(Role::kColumns, true, Abs(i));
                capturing_ = true;
                capture_overflow_ = false;
                capture_from_ = i;
                columns_buf_.clear();
            } else if (key == Key::kRows) {
                Push(Role::kRowsArray, true, Abs(i));
            } else {
                Push(Role::kPlain, true, Abs(i));
            }
        } else if (key == Key::kRecords || key == Key::kValue || key == Key::kItems ||
                   key == Key::kTables) {
            Push(Role::kPendingArray, true, Abs(i));
            levels_[depth_].pending_key = key;
        } else {
            HoldWrapperValue(level, Abs(i));
            Push(Role::kPlain, true, Abs(i));
        }
        return i + 1;
    }
    default: // bytes of a number / true / false / null (not validated here)
        level.pending_key = Key::kNone;
        return i + 1;
    }
}

size_t JsonStreamSplitter::ContinueString(const char* d, size_t i, size_t n,
                                          std::vector<RecordSpan>& out) {
    if (escape_) {
        escape_ = false;
        if (d[i] == '\n') return Damage(d, i, true, out);
        key_bad_ = true;
        ++i;
    }
    for (;;) {
        const size_t j = FindStringSpecial(d, i, n);
        if (string_kind_ == StringKind::kKey && !key_bad_) {
            const size_t len = j - i;
            if (key_len_ + len > sizeof(key_buf_)) {
                key_bad_ = true;
            } else {
                std::memcpy(key_buf_ + key_len_, d + i, len);
                key_len_ = static_cast<uint8_t>(key_len_ + len);
            }
        }
        if (j >= n) return n;
        const char s = d[j];
        if (s == '"') {
            mode_ = Mode::kStructure;
            OnStringEnd(j, out);
            return j + 1;
        }
        if (s == '\n') return Damage(d, j, true, out);
        key_bad_ = true; // escaped keys never match the (plain ASCII) wrapper keys
        if (j + 1 >= n) {
            escape_ = true;
            return n;
        }
        if (d[j + 1] == '\n') return Damage(d, j + 1, true, out);
        i = j + 2;
    }
}

void JsonStreamSplitter::OnStringEnd(size_t j, std::vector<RecordSpan>& out) {
    switch (string_kind_) {
    case StringKind::kKey: {
        Level& level = levels_[depth_];
        Key key = Key::kNone;
        if (!key_bad_) {
            if (level.role == Role::kTable) {
                if (KeyEquals(key_buf_, key_len_, "columns"))
                    key = Key::kColumns;
                else if (KeyEquals(key_buf_, key_len_, "rows"))
                    key = Key::kRows;
            } else {
                if (KeyEquals(key_buf_, key_len_, "records"))
                    key = Key::kRecords;
                else if (KeyEquals(key_buf_, key_len_, "value"))
                    key = Key::kValue;
                else if (KeyEquals(key_buf_, key_len_, "items"))
                    key = Key::kItems;
                else if (KeyEquals(key_buf_, key_len_, "tables"))
                    key = Key::kTables;
            }
        }
        level.pending_key = key;
        break;
    }
    case StringKind::kGarbage:
        Emit(out, hold_, Abs(j) + 1, SpanKind::kGarbage);
        Release();
        break;
    case StringKind::kSkip:
        break;
    case StringKind::kPlain:
        return; // inside a value that keeps its own hold
    }
    if (hold_kind_ == HoldKind::kWrapperValue) Release(); // a wrapper's key or string value
}

} // namespace minetrace
