// Timestamp parsing and formatting for every spelling found in Azure activity logs and Partner
// Center audit records.
//
// All functions are pure, thread-safe, allocation-free (except FormatRfc3339Micros' result) and
// independent of the process locale and TZ: calendar arithmetic is done here (proleptic
// Gregorian), never through timegm/strptime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minetrace {

struct ParsedTime {
    int64_t unix_us = 0;       // UTC microseconds since the Unix epoch
    bool zone_assumed = false; // the input had no zone/offset; UTC was assumed
    // Fraction digits as written, capped at 6: 0 for whole seconds, 3 for ms, 6 for µs or finer.
    // Event identity compares two copies' times at the coarser of their precisions.
    uint8_t fraction_digits = 0;
};

// Parses one timestamp; surrounding ASCII whitespace is ignored. Accepted spellings:
//   ISO 8601 / RFC 3339: 2025-04-14T03:15:37.0081234Z, 't'/' ' separator, 1- or 2-digit hour,
//     0..9 fraction digits (truncated to µs, never rounded), zone Z|z|+HH:MM|-HH:MM|+HHMM|none
//   US locale (portal, PowerShell, CSV): M/D/YYYY[,] H:MM:SS[.fff] [AM|PM] [+HH:MM]
//     (24-hour clock without AM/PM; regular, no-break or narrow no-break space separators)
//   RFC 1123: Fri, 21 Jul 2017 01:00:51 GMT (weekday optional; GMT|UTC|Z|+HHMM|-HHMM)
//   Unix epoch seconds: a digit-only string of 9 or 10 digits (JWT iat/nbf/exp)
// Offsets are subtracted to yield UTC; an offset beyond ±14:00 is rejected. Leap second :60 is
// clamped to :59. Returns nullopt for anything else: empty text, trailing junk, out-of-range
// fields, impossible dates (Feb 30), or a calendar year outside 1900..9999 (checked as written,
// before the offset).
std::optional<ParsedTime> ParseTimestamp(std::string_view text);

// Appends "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always 6 fraction digits, UTC). Defined for every
// int64_t; years outside 0..9999 use the ISO 8601 expanded form of JavaScript's toISOString
// (sign and 6 digits, e.g. "-000001-12-31T...") rather than wrapping. ParseTimestamp's years
// are checked before the offset, so its results lie in 1899-12-31 .. 10000-01-01 (UTC): an
// offset can move a time a day past either end (9999-12-31T23:00-05:00 is "+010000-01-01T04:00Z",
// which ParseTimestamp does not read back).
void AppendRfc3339Micros(std::string& out, int64_t unix_us);
std::string FormatRfc3339Micros(int64_t unix_us);

// Days since 1970-01-01 of a proleptic Gregorian date (no validation; month 1..12).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

} // namespace minetrace
