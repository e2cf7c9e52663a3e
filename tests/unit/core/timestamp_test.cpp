#include "core/timestamp.hpp"
#include "support/datasets.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

using minetrace::FormatRfc3339Micros;
using minetrace::ParseTimestamp;

namespace {

// Expected values computed independently with Python's datetime.
int64_t ParseOk(std::string_view text) {
    auto parsed = ParseTimestamp(text);
    INFO("input: " << std::string(text));
    REQUIRE(parsed.has_value());
    return parsed->unix_us;
}

bool Assumed(std::string_view text) {
    auto parsed = ParseTimestamp(text);
    INFO("input: " << std::string(text));
    REQUIRE(parsed.has_value());
    return parsed->zone_assumed;
}

} // namespace

TEST_CASE("Timestamp: RFC 3339 with Z and fraction digits", "[core]") {
    CHECK(ParseOk("2018-01-29T20:42:31.3810679Z") == 1517258551381067);
    CHECK(ParseOk("2007-01-09T09:41:00.22Z") == 1168335660220000);
    CHECK(ParseOk("2007-01-09T09:41:00.6816663Z") == 1168335660681666);
    CHECK(ParseOk("2007-01-09T09:41:00Z") == 1168335660000000);
    CHECK(ParseOk("2007-01-09t09:41:00z") == 1168335660000000);
    CHECK(ParseOk("2007-01-09T09:41:00.9Z") == 1168335660900000);
    CHECK(ParseOk("2007-01-09T09:41:00.123456Z") == 1168335660123456);
    CHECK_FALSE(Assumed("2018-01-29T20:42:31.3810679Z"));
}

TEST_CASE("Timestamp: fractions beyond microseconds are truncated, never rounded", "[core]") {
    CHECK(ParseOk("2007-01-09T09:41:00.535404056Z") == 1168335660535404);
    CHECK(ParseOk("2007-01-09T09:41:00.999999999Z") == 1168335660999999);
    CHECK(ParseOk("2007-01-09T09:41:00.0000009Z") == 1168335660000000);
    CHECK_FALSE(ParseTimestamp("2007-01-09T09:41:00.1234567890Z")); // 10 digits
    CHECK_FALSE(ParseTimestamp("2007-01-09T09:41:00.Z"));           // dot without digits
}

TEST_CASE("Timestamp: offsets are applied to yield UTC", "[core]") {
    CHECK(ParseOk("2007-01-09T11:41:00+02:00") == 1168335660000000);
    CHECK(ParseOk("2007-01-09T09:41:00.992099+00:00") == 1168335660992099);
    CHECK(ParseOk("2019-10-18T15:30:51.0273716-05:30") == 1571432451027371);
    CHECK(ParseOk("2019-10-18T15:30:51+0530") == 1571392851000000);
    CHECK(ParseOk("2025-01-01T00:30:00+01:00") == 1735687800000000); // crosses the year
    CHECK_FALSE(Assumed("2007-01-09T11:41:00+02:00"));
    CHECK_FALSE(ParseTimestamp("2007-01-09T11:41:00+2:00"));
    CHECK_FALSE(ParseTimestamp("2007-01-09T11:41:00+02:60"));
    CHECK_FALSE(ParseTimestamp("2007-01-09T11:41:00+24:00"));
    CHECK_FALSE(ParseTimestamp("2007-01-09T11:41:00+02:00Z"));
}

TEST_CASE("Timestamp: offsets beyond ±14:00 and years outside the range are rejected", "[core]") {
    // The widest real zones: Line Islands +14:00, Baker Island -12:00.
    CHECK(ParseOk("2007-01-09T23:41:00+14:00") == 1168335660000000);
    CHECK(ParseOk("2007-01-08T19:41:00-14:00") == 1168335660000000);
    for (const char* text :
         {"2007-01-09T11:41:00+14:01", "2007-01-09T11:41:00-14:01", "2007-01-09T11:41:00+15:00",
          "2007-01-09T11:41:00+2359", "2007-01-09T11:41:00-23:59",
          "Tue, 09 Jan 2007 11:41:00 +1500", "1/9/2007 11:41:00 AM +20:00", "0000-01-09T11:41:00Z",
          "0001-01-09T11:41:00Z", "1899-12-31T23:59:59Z", "10000-01-09T11:41:00Z",
          "+012007-01-09T11:41:00Z"}) {
        INFO(text);
        CHECK_FALSE(ParseTimestamp(text));
    }
}

TEST_CASE("Timestamp: no zone means UTC assumed", "[core]") {
    CHECK(ParseOk("2007-01-09T09:41:00") == 1168335660000000);
    CHECK(Assumed("2007-01-09T09:41:00"));
    CHECK(ParseOk("9999-12-31T23:59:59.9970000") == 253402300799997000);
    CHECK(Assumed("9999-12-31T23:59:59.9970000"));
}

TEST_CASE("Timestamp: space separator, one-digit hour, surrounding spaces", "[core]") {
    CHECK(ParseOk("2000-02-29 12:00:00.123456789") == 951825600123456);
    CHECK(ParseOk("2025-04-14T3:15:37.008Z") == 1744600537008000);
    CHECK(ParseOk("  2025-04-14T03:15:37.008Z \t") == 1744600537008000);
    CHECK(ParseOk("2007-01-09 11:41:00 +02:00") == 1168335660000000);
}

TEST_CASE("Timestamp: US-locale portal and PowerShell formats", "[core]") {
    CHECK(ParseOk("4/26/2021, 7:18:24.156 PM") == 1619464704156000);
    CHECK(ParseOk("4/14/2025 11:35:37 AM") == 1744630537000000);
    CHECK(ParseOk("1/9/2007 9:41:00 AM") == 1168335660000000);
    CHECK(ParseOk("01/09/2007 09:41:00") == 1168335660000000);
    CHECK(ParseOk("01/09/2007 09:41:00 AM") == 1168335660000000);
    CHECK(ParseOk("1/9/2007 10:41:00 AM +01:00") == 1168335660000000);
    CHECK(ParseOk("06/05/2017 06:00:00") == 1496642400000000);
    CHECK(ParseOk("2/27/2020 9:18:07 PM") == 1582838287000000);
    CHECK(ParseOk("2/27/2020 9:18:07 pm") == 1582838287000000);
    CHECK(ParseOk("2/27/2020 21:18:07") == 1582838287000000);
    CHECK(Assumed("4/14/2025 11:35:37 AM"));
    CHECK_FALSE(Assumed("1/9/2007 10:41:00 AM +01:00"));
    // Newer CLDR data puts U+202F (narrow no-break space) before AM/PM.
    CHECK(ParseOk("4/26/2021, 7:18:24\xE2\x80\xAFPM") == 1619464704000000);
}

TEST_CASE("Timestamp: 12 AM is midnight and 12 PM is noon", "[core]") {
    CHECK(ParseOk("2/29/2020 12:30:05 AM") == 1582936205000000);
    CHECK(ParseOk("2/29/2020 12:30:05 PM") == 1582979405000000);
    CHECK_FALSE(ParseTimestamp("2/29/2020 13:30:05 PM"));
    CHECK_FALSE(ParseTimestamp("2/29/2020 0:30:05 AM"));
}

TEST_CASE("Timestamp: RFC 1123", "[core]") {
    CHECK(ParseOk("Fri, 21 Jul 2017 01:00:51 GMT") == 1500598851000000);
    CHECK(ParseOk("21 Jul 2017 01:00:51 UTC") == 1500598851000000);
    CHECK(ParseOk("Fri, 21 Jul 2017 03:00:51 +0200") == 1500598851000000);
    CHECK_FALSE(Assumed("Fri, 21 Jul 2017 01:00:51 GMT"));
    CHECK_FALSE(ParseTimestamp("Fri, 21 Jux 2017 01:00:51 GMT"));
    CHECK_FALSE(ParseTimestamp("Fry, 21 Jul 2017 01:00:51 GMT"));
    CHECK_FALSE(ParseTimestamp("Fri, 21 Jul 2017 01:00:51 GMT junk"));
}

TEST_CASE("Timestamp: Unix epoch seconds of 9-10 digits", "[core]") {
    CHECK(ParseOk("1500000000") == 1500000000000000);
    CHECK(ParseOk("123456789") == 123456789000000);
    CHECK_FALSE(Assumed("1500000000"));
    CHECK_FALSE(ParseTimestamp("12345678"));    // 8 digits
    CHECK_FALSE(ParseTimestamp("12345678901")); // 11 digits
    CHECK_FALSE(ParseTimestamp("-1500000000"));
}

TEST_CASE("Timestamp: leap years and the leap second", "[core]") {
    CHECK(ParseOk("2024-02-29T00:00:00Z") == 1709164800000000);
    CHECK(ParseOk("2000-02-29T12:00:00Z") == 951825600000000);
    CHECK_FALSE(ParseTimestamp("1900-02-29T00:00:00Z")); // century, not a leap year
    CHECK_FALSE(ParseTimestamp("2023-02-29T00:00:00Z"));
    CHECK(ParseOk("2016-12-31T23:59:60Z") == 1483228799000000); // clamped to :59
}

TEST_CASE("Timestamp: invalid input is rejected", "[core]") {
    const char* bad[] = {
        "",
        "   ",
        "2021-02-30T00:00:00Z", // Feb 30
        "2021-04-31T00:00:00Z", // Apr 31
        "2021-13-01T00:00:00Z", // month 13
        "2021-00-10T00:00:00Z", // month 0
        "2021-01-00T00:00:00Z", // day 0
        "2021-01-01T24:00:00Z", // hour 24
        "2021-01-01T23:60:00Z", // minute 60
        "2021-01-01T23:59:61Z", // second 61
        "2021-01-01T00:00:00Zjunk",
        "2021-01-01T00:00:00.5x",
        "2021-01-01",
        "2021-01-01T00:00",
        "2021-1-01T00:00:00Z",
        "1899-12-31T23:59:59Z", // below 1900
        "garbage",
        "13/01/2021 10:00:00", // month 13 (US order)
        "2/30/2021 10:00:00",
        "2/28/2021 10:00:00 XM",
        "2/28/2021 10:00:00 AM junk",
        "2/28/21 10:00:00",
    };
    for (const char* text : bad) {
        INFO("input: " << text);
        CHECK_FALSE(ParseTimestamp(text));
    }
    // Embedded NUL is trailing junk too.
    CHECK_FALSE(ParseTimestamp(std::string_view("2021-01-01T00:00:00Z\0", 21)));
}

TEST_CASE("Timestamp: FormatRfc3339Micros is fixed-width and round-trips", "[core]") {
    CHECK(FormatRfc3339Micros(0) == "1970-01-01T00:00:00.000000Z");
    CHECK(FormatRfc3339Micros(1517258551381067) == "2018-01-29T20:42:31.381067Z");
    CHECK(FormatRfc3339Micros(-1) == "1969-12-31T23:59:59.999999Z");
    CHECK(FormatRfc3339Micros(-2208988800000000) == "1900-01-01T00:00:00.000000Z");
    CHECK(FormatRfc3339Micros(253402300799997000) == "9999-12-31T23:59:59.997000Z");
    CHECK(FormatRfc3339Micros(-62167219200000000) == "0000-01-01T00:00:00.000000Z");
    CHECK(FormatRfc3339Micros(-62167305600000000) == "-000001-12-31T00:00:00.000000Z");
    CHECK(FormatRfc3339Micros(253402300800000000) == "+010000-01-01T00:00:00.000000Z");

    const int64_t samples[] = {0,
                               -1,
                               1,
                               -2208988800000000,
                               -2208988799999999,
                               -86400000000,
                               -123456789012345,
                               951825600123456,
                               1709164800000000,
                               253402300799999999};
    for (int64_t value : samples) {
        std::string text = FormatRfc3339Micros(value);
        INFO("value " << value << " -> " << text);
        CHECK(text.size() == 27);
        auto parsed = ParseTimestamp(text);
        REQUIRE(parsed);
        CHECK(parsed->unix_us == value);
        CHECK_FALSE(parsed->zone_assumed);
    }

    std::string out = "t=";
    minetrace::AppendRfc3339Micros(out, 0);
    CHECK(out == "t=1970-01-01T00:00:00.000000Z");

    // Defined for the whole int64 range (no overflow, no UB).
    CHECK(FormatRfc3339Micros(std::numeric_limits<int64_t>::min()).front() == '-');
    CHECK(FormatRfc3339Micros(std::numeric_limits<int64_t>::max()).front() == '+');
}

TEST_CASE("Timestamp: DaysFromCivil", "[core]") {
    CHECK(minetrace::DaysFromCivil(1970, 1, 1) == 0);
    CHECK(minetrace::DaysFromCivil(2000, 3, 1) == 11017);
    CHECK(minetrace::DaysFromCivil(1969, 12, 31) == -1);
    CHECK(minetrace::DaysFromCivil(1900, 1, 1) == -25567);
}

TEST_CASE("Timestamp: Elastic corner-case dataset all parse to the same instant",
          "[core][datasets]") {
    if (!minetrace::testing::RequireDatasets()) return;
    const std::string path = minetrace::testing::Dataset(
        "elastic-integrations-azure/activitylogs/test-time-formats-corner-cases.log");
    std::ifstream in(path);
    REQUIRE(in.good());
    std::string line;
    int count = 0;
    while (std::getline(in, line)) {
        const std::string key = "\"time\": \"";
        size_t start = line.find(key);
        if (start == std::string::npos) continue;
        start += key.size();
        size_t end = line.find('"', start);
        REQUIRE(end != std::string::npos);
        std::string_view value(line.data() + start, end - start);
        INFO("time: " << std::string(value));
        auto parsed = ParseTimestamp(value);
        REQUIRE(parsed);
        // Every line spells 2007-01-09T09:41:00 UTC, some with a fraction.
        CHECK(parsed->unix_us / 1000000 == 1168335660);
        ++count;
    }
    CHECK(count == 11);
}

TEST_CASE("Timestamp: fraction digits as written, capped at 6", "[core][timestamp]") {
    auto digits = [](std::string_view text) {
        auto parsed = ParseTimestamp(text);
        INFO("input: " << std::string(text));
        REQUIRE(parsed.has_value());
        return int(parsed->fraction_digits);
    };
    CHECK(digits("2026-10-12T08:03:11Z") == 0);
    CHECK(digits("2026-10-12T08:03:11.1Z") == 1);
    CHECK(digits("2026-10-12T08:03:11.123Z") == 3);
    CHECK(digits("2026-10-12T08:03:11.123456Z") == 6);
    CHECK(digits("2026-10-12T08:03:11.1234567Z") == 6);
    CHECK(digits("10/12/2026, 8:03:11.123 AM") == 3);
    CHECK(digits("10/12/2026 8:03:11 AM") == 0);
    CHECK(digits("Fri, 21 Jul 2017 01:00:51 GMT") == 0);
    CHECK(digits("1760256191") == 0);
}
