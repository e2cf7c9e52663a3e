// JsonValidator: full JSON validation of one record before it is read. simdjson On-Demand reads
// only the values it is asked for, so an invalid token in a key the parser skips (`[1,,2]`, `tru`,
// `0x10`, `'x'`) would otherwise pass unseen; a record must be valid JSON as a whole to be
// evidence. The check is simdjson's DOM stage (about 2 GB/s per core).
//
// Thread-safety: not thread-safe; one per RecordParser (per worker thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace minetrace {

// Deepest nesting read anywhere: a record's values (JsonValidator) and a stream's documents
// (JsonStreamSplitter). Real activity-log records nest about a dozen levels.
inline constexpr uint32_t kMaxJsonDepth = 256;

enum class JsonValidity : uint8_t {
    kValid,   // exactly one well-formed JSON value, nested at most kMaxJsonDepth levels
    kTooDeep, // well-formed as far as read, but nested deeper than kMaxJsonDepth
    kInvalid, // not one well-formed JSON value (see the detail)
};

class JsonValidator {
  public:
    JsonValidator();
    ~JsonValidator();
    JsonValidator(const JsonValidator&) = delete;
    JsonValidator& operator=(const JsonValidator&) = delete;

    // `text` must be followed by at least 64 readable bytes (simdjson's padding; the batch
    // buffers carry it). `detail` receives simdjson's reason when the text is not valid.
    JsonValidity Check(std::string_view text, std::string* detail = nullptr);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace minetrace
