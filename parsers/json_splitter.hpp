// JsonStreamSplitter: cuts a stream of JSON documents (arrays of records, wrapper objects such as
// {"records":[...]}, {"value":[...]}, {"items":[...]}, Log Analytics {"tables":[...]}, bare
// objects, several of them concatenated) into record spans without parsing them.
//
// Streaming, byte-at-a-time-resumable structural scanner: it tracks strings, escapes and nesting
// only and does not validate JSON (the parse stage does). Memory is O(nesting depth + the current
// Log Analytics table's columns text), independent of the content size.
//
// Semantics (see the unit tests for every case):
//   - Top-level array: object elements are records, array elements are flattened (arrays of
//     arrays of records), scalar elements are kGarbage.
//   - Top-level object: a depth-1 key records/value/items/tables (ASCII case-insensitive, not
//     escaped) whose array value starts with an object, or is empty, makes it a wrapper; its
//     elements (or each table's rows, with that table's columns text) are the records and the
//     rest of the wrapper is skipped. An array starting with a scalar or an array does not count
//     (a bare record may have "value":[1,2]). Otherwise the whole object is one record.
//   - Damage: a byte that cannot stand where it is (stray closer, text at the top level, nesting
//     deeper than kMaxDepth) turns the open value (or the byte) up to the end of its line into
//     one kGarbage span (kTooDeep for the nesting); a raw newline inside a string does the same up
//     to the newline. Scanning then resumes at the top level on the next line. A UTF-8 BOM at the
//     top level is skipped.
//
// Thread-safety: not thread-safe; one reader thread owns a splitter. One splitter per content.
#pragma once

#include "parsers/json_validator.hpp"
#include "parsers/record_span.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

class JsonStreamSplitter {
  public:
    // Deeper nesting is treated as damage (a kGarbage span up to the end of the line).
    static constexpr uint32_t kMaxDepth = kMaxJsonDepth;
    // A Log Analytics "columns" array larger than this is dropped (its rows get columns=null) so
    // that a hostile file cannot make the serial stage buffer unbounded text.
    static constexpr size_t kMaxColumnsBytes = 4u << 20;

    JsonStreamSplitter() = default;

    // Consumes bytes at absolute offsets [offset, offset+size), continuing from the previous call
    // (offset must equal the end of the previous Feed; the first call may start anywhere). A gap
    // is handled like a cut: whatever was open is emitted as kTruncated and scanning restarts at
    // the top level. Appends every span that completes in these bytes.
    void Feed(const char* data, size_t size, uint64_t offset, std::vector<RecordSpan>& out);

    // End of content: an open record is emitted as kTruncated (from its start to the end), pending
    // damage as kGarbage. The splitter must not be fed afterwards.
    void Finish(std::vector<RecordSpan>& out);

    // The reader may discard content before this offset: the start of the currently open record
    // or of the open top-level value that could still become a record (or of pending garbage, or
    // of a wrapper's own value being scanned, so that damage in it can be reported); the end of
    // fed data when nothing is open. Never decreases while offsets are contiguous.
    uint64_t safe_cut() const { return hold_kind_ != HoldKind::kNone ? hold_ : fed_end_; }

    // What the content looked like, for the manifest: "json-array", "json-records", "json-value",
    // "json-items", "la-tables", "json-object" (bare records), "json-mixed" when documents
    // differ, "none" before any document was recognised. A wrapper is recognised as soon as its
    // key and the first element (or the end) of its array are seen, before the document closes.
    std::string_view container() const;

    // True at the top level between values: nothing open, no pending damage.
    bool idle() const;

  private:
    enum class Role : uint8_t {
        kTop,          // depth 0
        kPlain,        // a value with no meaning to the splitter (inside a record or wrapper)
        kRecordRoot,   // an object/array that is one record; its close emits the span
        kGarbageRoot,  // a container element where no record may stand; its close emits kGarbage
        kColumns,      // a Log Analytics "columns" array being captured
        kRecordArray,  // an array whose elements are records (top level, records/value/items)
        kRowsArray,    // a Log Analytics "rows" array: each element is a record with columns
        kTablesArray,  // a Log Analytics "tables" array: elements are table objects
        kPendingArray, // array value of a wrapper key in an undecided object: first element decides
        kCandidate,    // top-level object not (yet) known to be a wrapper: maybe one record
        kWrapper,      // top-level object known to be a wrapper
        kTable,        // a table object inside "tables"
    };
    enum class Key : uint8_t { kNone, kRecords, kValue, kItems, kTables, kColumns, kRows };
    enum class Mode : uint8_t { kStructure, kString, kBareScalar, kSkipLine, kBom };
    enum class StringKind : uint8_t { kPlain, kKey, kSkip, kGarbage };
    // What safe_cut holds: an open record, an undecided top-level object, pending garbage, or a
    // wrapper's own value (not a record, but damage inside it is reported from its start).
    enum class HoldKind : uint8_t { kNone, kRecord, kCandidate, kGarbage, kWrapperValue };
    enum class DocKind : uint8_t {
        kNone,
        kArray,
        kRecords,
        kValue,
        kItems,
        kTables,
        kObject,
        kMixed
    };

    struct Level {
        uint64_t start = 0;
        Role role = Role::kTop;
        bool is_array = false;
        bool key_pos = false;         // watched objects: the next string is a key
        Key pending_key = Key::kNone; // watched objects: key whose value comes next;
                                      // kPendingArray: which wrapper key it belongs to
    };

    static bool ContentIsPlain(Role r) {
        return r == Role::kPlain || r == Role::kRecordRoot || r == Role::kColumns ||
               r == Role::kGarbageRoot;
    }

    size_t ScanPlain(const char* d, size_t i, size_t n, std::vector<RecordSpan>& out);
    size_t ScanPlainTail(const char* d, size_t i, size_t n, std::vector<RecordSpan>& out);
    size_t StepWatched(const char* d, size_t i, size_t n, std::vector<RecordSpan>& out);
    size_t ContinueString(const char* d, size_t i, size_t n, std::vector<RecordSpan>& out);
    size_t StartElement(const char* d, size_t i, std::vector<RecordSpan>& out);
    size_t ObjectByte(const char* d, size_t i, std::vector<RecordSpan>& out);
    void CloseSpecial(const char* d, size_t i, std::vector<RecordSpan>& out);
    void OnStringEnd(size_t j, std::vector<RecordSpan>& out);
    // Damage at d[i]. A raw newline inside a string emits the damaged bytes up to it and resumes
    // on the next line; any other damage skips to the end of the line first.
    size_t Damage(const char* d, size_t i, bool raw_newline, std::vector<RecordSpan>& out);
    // Damage because nesting went past kMaxDepth: the same skip, reported as kTooDeep.
    size_t DeepDamage(const char* d, size_t i, std::vector<RecordSpan>& out);
    uint64_t DamageStart(uint64_t at) const;
    void Push(Role role, bool is_array, uint64_t start);
    void Commit(Level& object, Key key);
    void HoldWrapperValue(const Level& object, uint64_t at);
    void Hold(HoldKind kind, uint64_t at) {
        hold_kind_ = kind;
        hold_ = at;
    }
    void Release() { hold_kind_ = HoldKind::kNone; }
    void Emit(std::vector<RecordSpan>& out, uint64_t begin, uint64_t end, SpanKind kind,
              std::shared_ptr<const std::string> columns = nullptr);
    // Emits [begin, newline_at) minus a CR right before the newline.
    void EmitLine(std::vector<RecordSpan>& out, const char* d, size_t newline_index, uint64_t begin,
                  SpanKind kind = SpanKind::kGarbage);
    void AppendCapture(const char* d, size_t from, size_t to);
    void ResetToTop();
    void FlushOpen(std::vector<RecordSpan>& out);
    void NoteDoc(DocKind kind);
    uint64_t Abs(size_t i) const { return base_ + i; }

    Level levels_[kMaxDepth + 1];
    uint32_t depth_ = 0;
    Mode mode_ = Mode::kStructure;
    StringKind string_kind_ = StringKind::kPlain;
    bool escape_ = false; // a string's backslash was the last byte fed
    bool started_ = false;
    char last_byte_ = 0; // last byte of the previous Feed (CR trimming across calls)
    uint64_t base_ = 0;  // absolute offset of the current Feed's data[0]
    uint64_t fed_end_ = 0;
    HoldKind hold_kind_ = HoldKind::kNone;
    uint64_t hold_ = 0;
    uint64_t skip_start_ = 0;                 // kSkipLine: start of the damaged region
    SpanKind skip_kind_ = SpanKind::kGarbage; // kSkipLine: what the damaged region is reported as
    uint8_t bom_matched_ = 0;
    DocKind doc_ = DocKind::kNone;

    char key_buf_[8] = {};
    uint8_t key_len_ = 0;
    bool key_bad_ = false;

    bool capturing_ = false;
    bool capture_overflow_ = false;
    size_t capture_from_ = 0; // index into the current Feed's data
    std::string columns_buf_;
    std::shared_ptr<const std::string> table_columns_;
    std::shared_ptr<const std::string> record_columns_;
};

} // namespace minetrace
