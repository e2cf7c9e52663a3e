// Fuzzes ParseTimestamp and AppendRfc3339Micros. Invariants (timestamp.hpp):
//   - whatever parses has at most 6 fraction digits, and surrounding ASCII whitespace changes
//     nothing;
//   - a parsed time lies in 1899-12-31 .. 10000-01-01 (years are checked as written, before the
//     offset); inside 1900..9999 it formats as RFC 3339 (4-digit year, 6 fraction digits, Z) and
//     that text parses back to the same microsecond, zone stated, 6 digits (a fixed point);
//   - any int64 formats to the documented shape (expanded "+/-YYYYYY" years outside 0..9999, valid
//     month/day/hour/minute/second fields), and for years 1900..9999 parses back to itself.
#include "core/timestamp.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstring>
#include <string>

namespace {

using namespace minetrace;

bool Digits(std::string_view s, size_t at, size_t n, int& value) {
    if (at + n > s.size()) return false;
    value = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + (s[i] - '0');
    }
    return true;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" or "+YYYYYY-..."/"-YYYYYY-..."; returns the year (or INT32_MIN).
int CheckShape(std::string_view s) {
    int year = 0;
    size_t at = 0;
    if (s.size() == 27) {
        FUZZ_CHECK(Digits(s, 0, 4, year));
        at = 4;
    } else {
        FUZZ_CHECK(s.size() == 30 && (s[0] == '+' || s[0] == '-'));
        FUZZ_CHECK(Digits(s, 1, 6, year));
        if (s[0] == '-') year = -year;
        FUZZ_CHECK(year < 0 || year > 9999);
        at = 7;
    }
    int month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
    FUZZ_CHECK(s[at] == '-' && Digits(s, at + 1, 2, month) && month >= 1 && month <= 12);
    FUZZ_CHECK(s[at + 3] == '-' && Digits(s, at + 4, 2, day) && day >= 1 && day <= 31);
    FUZZ_CHECK(s[at + 6] == 'T' && Digits(s, at + 7, 2, hour) && hour <= 23);
    FUZZ_CHECK(s[at + 9] == ':' && Digits(s, at + 10, 2, minute) && minute <= 59);
    FUZZ_CHECK(s[at + 12] == ':' && Digits(s, at + 13, 2, second) && second <= 59);
    FUZZ_CHECK(s[at + 15] == '.' && Digits(s, at + 16, 6, micros));
    FUZZ_CHECK(s[at + 22] == 'Z');
    return year;
}

bool Same(const std::optional<ParsedTime>& a, const std::optional<ParsedTime>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->unix_us == b->unix_us && a->zone_assumed == b->zone_assumed &&
                  a->fraction_digits == b->fraction_digits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const std::optional<ParsedTime> parsed = ParseTimestamp(text);
    FUZZ_CHECK(Same(parsed, ParseTimestamp(" \t" + std::string(text) + "\r\n ")));
    if (parsed) {
        FUZZ_CHECK(parsed->fraction_digits <= 6);
        const std::string formatted = FormatRfc3339Micros(parsed->unix_us);
        const int year = CheckShape(formatted);
        // Years are checked as written, before the offset: a day past either end at most.
        FUZZ_CHECK(year >= 1899 && year <= 10000);
        if (year >= 1900 && year <= 9999) {
            const std::optional<ParsedTime> back = ParseTimestamp(formatted);
            FUZZ_CHECK(back && back->unix_us == parsed->unix_us && !back->zone_assumed &&
                       back->fraction_digits == 6);
            FUZZ_CHECK(FormatRfc3339Micros(back->unix_us) == formatted);
        } else { // 1899-12-31 or 10000-01-01
            constexpr int64_t kDay = 86400ll * 1000000;
            constexpr int64_t k1900 = -2208988800ll * 1000000;
            constexpr int64_t k10000 = 253402300800ll * 1000000;
            FUZZ_CHECK((parsed->unix_us >= k1900 - kDay && parsed->unix_us < k1900) ||
                       (parsed->unix_us >= k10000 && parsed->unix_us < k10000 + kDay));
        }
    }

    // The first 8 bytes as any microsecond count.
    if (size >= 8) {
        int64_t us = 0;
        std::memcpy(&us, data, sizeof us);
        std::string formatted = "x";
        AppendRfc3339Micros(formatted, us);
        FUZZ_CHECK(formatted[0] == 'x'); // appends
        formatted.erase(0, 1);
        const int year = CheckShape(formatted);
        if (year >= 1900 && year <= 9999) {
            const std::optional<ParsedTime> back = ParseTimestamp(formatted);
            FUZZ_CHECK(back && back->unix_us == us && !back->zone_assumed &&
                       back->fraction_digits == 6);
        }
    }
    return 0;
}
