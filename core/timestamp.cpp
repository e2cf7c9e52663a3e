#include "core/timestamp.hpp"

#include "core/escape.hpp"

#include <array>

namespace minetrace {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;
constexpr int kMaxOffsetMinutes = 14 * 60;

// Fields as written in the input, before validation.
struct Fields {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int micros = 0;
    int fraction_digits = 0; // as written, capped at 6 (what micros keeps)
    int offset_minutes = 0;  // east of UTC is positive
    bool zone_assumed = true;
};

// Forward-only reader over the trimmed input; every method either consumes and returns true or
// leaves the position unchanged and returns false.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool AtEnd() const { return pos_ >= text_.size(); }
    char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

    bool Consume(char c) {
        if (AtEnd() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }

    // Case-insensitive match of an ASCII word.
    bool ConsumeWordCi(std::string_view word) {
        if (text_.size() - pos_ < word.size()) return false;
        for (size_t i = 0; i < word.size(); ++i) {
            if (AsciiLower(text_[pos_ + i]) != AsciiLower(word[i])) return false;
        }
        pos_ += word.size();
        return true;
    }

    // Reads between min_digits and max_digits decimal digits (greedy). max_digits <= 9 keeps the
    // value well inside int.
    bool Digits(size_t min_digits, size_t max_digits, int& value) {
        size_t n = 0;
        int v = 0;
        while (n < max_digits && pos_ + n < text_.size() && IsDigit(text_[pos_ + n])) {
            v = v * 10 + (text_[pos_ + n] - '0');
            ++n;
        }
        if (n < min_digits) return false;
        pos_ += n;
        value = v;
        return true;
    }

    // A fraction of a second after the decimal point: 1..9 digits, truncated to microseconds.
    bool Fraction(int& micros, int& digits) {
        size_t n = 0;
        int v = 0;
        while (pos_ + n < text_.size() && IsDigit(text_[pos_ + n])) {
            if (n < 6) v = v * 10 + (text_[pos_ + n] - '0');
            ++n;
        }
        if (n == 0 || n > 9) return false;
        for (size_t i = n; i < 6; ++i) v *= 10;
        pos_ += n;
        micros = v;
        digits = static_cast<int>(n < 6 ? n : 6);
        return true;
    }

    // One or more separators: ASCII space, U+00A0 or U+202F (newer CLDR locales put a narrow
    // no-break space before AM/PM).
    bool Spaces() {
        size_t start = pos_;
        while (!AtEnd()) {
            std::string_view rest = text_.substr(pos_);
            if (rest[0] == ' ') {
                ++pos_;
            } else if (rest.substr(0, 2) == "\xC2\xA0") {
                pos_ += 2;
            } else if (rest.substr(0, 3) == "\xE2\x80\xAF") {
                pos_ += 3;
            } else {
                break;
            }
        }
        return pos_ != start;
    }

    static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
    static char AsciiLower(char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }

  private:
    std::string_view text_;
    size_t pos_ = 0;
};

// H[H]:MM:SS
bool ParseClock(Cursor& cur, Fields& f) {
    return cur.Digits(1, 2, f.hour) && cur.Consume(':') && cur.Digits(2, 2, f.minute) &&
           cur.Consume(':') && cur.Digits(2, 2, f.second);
}

// Numeric offset after the sign: HH:MM or HHMM.
bool ParseOffsetBody(Cursor& cur, Fields& f, int sign) {
    int hours = 0;
    int minutes = 0;
    if (!cur.Digits(2, 2, hours)) return false;
    cur.Consume(':');
    if (!cur.Digits(2, 2, minutes)) return false;
    // Real zones span -12:00 to +14:00; anything past ±14:00 is not a time anyone wrote.
    if (minutes > 59 || hours * 60 + minutes > kMaxOffsetMinutes) return false;
    f.offset_minutes = sign * (hours * 60 + minutes);
    f.zone_assumed = false;
    return true;
}

// Z | z | +HH:MM | -HH:MM | +HHMM | -HHMM.
bool ParseZone(Cursor& cur, Fields& f) {
    if (cur.Consume('Z') || cur.Consume('z')) {
        f.offset_minutes = 0;
        f.zone_assumed = false;
        return true;
    }
    if (cur.Consume('+')) return ParseOffsetBody(cur, f, 1);
    if (cur.Consume('-')) return ParseOffsetBody(cur, f, -1);
    return false;
}

// YYYY-MM-DD(T|t| )H[H]:MM:SS[.f{1,9}][ ][zone]
bool ParseIso(Cursor& cur, Fields& f) {
    if (!(cur.Digits(4, 4, f.year) && cur.Consume('-') && cur.Digits(2, 2, f.month) &&
          cur.Consume('-') && cur.Digits(2, 2, f.day))) {
        return false;
    }
    if (!(cur.Consume('T') || cur.Consume('t') || cur.Consume(' '))) return false;
    if (!ParseClock(cur, f)) return false;
    if (cur.Consume('.') && !cur.Fraction(f.micros, f.fraction_digits)) return false;
    if (cur.AtEnd()) return true;
    cur.Consume(' ');
    return ParseZone(cur, f) && cur.AtEnd();
}

// M[M]/D[D]/YYYY[,] H[H]:MM:SS[.f{1,9}][ AM|PM][ zone]
bool ParseUs(Cursor& cur, Fields& f) {
    if (!(cur.Digits(1, 2, f.month) && cur.Consume('/') && cur.Digits(1, 2, f.day) &&
          cur.Consume('/') && cur.Digits(4, 4, f.year))) {
        return false;
    }
    cur.Consume(',');
    if (!cur.Spaces() || !ParseClock(cur, f)) return false;
    if (cur.Consume('.') && !cur.Fraction(f.micros, f.fraction_digits)) return false;
    if (cur.AtEnd()) return true;
    if (!cur.Spaces()) return false;
    bool am = cur.ConsumeWordCi("AM");
    bool pm = !am && cur.ConsumeWordCi("PM");
    if (am || pm) {
        if (f.hour < 1 || f.hour > 12) return false;
        if (am && f.hour == 12) f.hour = 0;
        if (pm && f.hour != 12) f.hour += 12;
        if (cur.AtEnd()) return true;
        if (!cur.Spaces()) return false;
    }
    return ParseZone(cur, f) && cur.AtEnd();
}

// [Wdy, ]D[D] Mon YYYY H[H]:MM:SS[ GMT|UTC|UT|zone]
bool ParseRfc1123(Cursor& cur, Fields& f) {
    static constexpr std::array<std::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                                  "Fri", "Sat", "Sun"};
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (!Cursor::IsDigit(cur.Peek())) {
        bool matched = false;
        for (std::string_view name : kWeekdays) {
            if (cur.ConsumeWordCi(name)) {
                matched = true;
                break;
            }
        }
        if (!matched || !cur.Consume(',') || !cur.Spaces()) return false;
    }
    if (!cur.Digits(1, 2, f.day) || !cur.Spaces()) return false;
    f.month = 0;
    for (size_t i = 0; i < kMonths.size(); ++i) {
        if (cur.ConsumeWordCi(kMonths[i])) {
            f.month = static_cast<int>(i) + 1;
            break;
        }
    }
    if (f.month == 0 || !cur.Spaces() || !cur.Digits(4, 4, f.year) || !cur.Spaces()) {
        return false;
    }
    if (!ParseClock(cur, f)) return false;
    if (cur.AtEnd()) return true;
    if (!cur.Spaces()) return false;
    if (cur.ConsumeWordCi("GMT") || cur.ConsumeWordCi("UTC") || cur.ConsumeWordCi("UT")) {
        f.offset_minutes = 0;
        f.zone_assumed = false;
        return cur.AtEnd();
    }
    return ParseZone(cur, f) && cur.AtEnd();
}

bool IsLeapYear(int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && IsLeapYear(year)) return 29;
    return kDays[static_cast<size_t>(month - 1)];
}

std::optional<ParsedTime> Finish(const Fields& f) {
    if (f.year < kMinYear || f.year > kMaxYear) return std::nullopt;
    if (f.month < 1 || f.month > 12) return std::nullopt;
    if (f.day < 1 || f.day > DaysInMonth(f.year, f.month)) return std::nullopt;
    if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
    int second = f.second == 60 ? 59 : f.second; // leap second: keep ordering, stay in range
    int64_t days =
        DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
    int64_t seconds = days * kSecondsPerDay + f.hour * 3600 + f.minute * 60 + second -
                      static_cast<int64_t>(f.offset_minutes) * 60;
    return ParsedTime{seconds * kMicrosPerSecond + f.micros, f.zone_assumed,
                      static_cast<uint8_t>(f.fraction_digits)};
}

// 9-10 digits only: Unix seconds (JWT iat/nbf/exp). 9 digits start in 1973, 10 end in 2286.
std::optional<ParsedTime> ParseEpochSeconds(std::string_view text) {
    int64_t seconds = 0;
    for (char c : text) seconds = seconds * 10 + (c - '0');
    return ParsedTime{seconds * kMicrosPerSecond, false};
}

void AppendPadded(std::string& out, int64_t value, int width) {
    std::array<char, 24> buf{};
    size_t n = 0;
    do {
        buf[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0 && n < buf.size());
    for (size_t i = n; i < static_cast<size_t>(width); ++i) out.push_back('0');
    while (n > 0) out.push_back(buf[--n]);
}

} // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
    // Howard Hinnant's days_from_civil: eras of 400 years, March-based year.
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t yoe = year - era * 400;
    const int64_t mp = month > 2 ? month - 3 : month + 9;
    const int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

std::optional<ParsedTime> ParseTimestamp(std::string_view text) {
    text = TrimAsciiSpace(text);
    if (text.empty()) return std::nullopt;

    bool all_digits = true;
    for (char c : text) all_digits = all_digits && Cursor::IsDigit(c);
    if (all_digits) {
        if (text.size() == 9 || text.size() == 10) return ParseEpochSeconds(text);
        return std::nullopt;
    }

    Fields fields;
    Cursor cur(text);
    bool ok = false;
    if (text.size() >= 5 && Cursor::IsDigit(text[0]) && Cursor::IsDigit(text[1]) &&
        Cursor::IsDigit(text[2]) && Cursor::IsDigit(text[3]) && text[4] == '-') {
        ok = ParseIso(cur, fields);
    } else if (Cursor::IsDigit(text[0]) && text.find('/') != std::string_view::npos) {
        ok = ParseUs(cur, fields);
    } else {
        ok = ParseRfc1123(cur, fields);
    }
    if (!ok) return std::nullopt;
    return Finish(fields);
}

void AppendRfc3339Micros(std::string& out, int64_t unix_us) {
    // Floor division so that pre-1970 instants get a non-negative time of day.
    int64_t seconds = unix_us / kMicrosPerSecond;
    int64_t micros = unix_us % kMicrosPerSecond;
    if (micros < 0) {
        micros += kMicrosPerSecond;
        seconds -= 1;
    }
    int64_t days = seconds / kSecondsPerDay;
    int64_t sod = seconds % kSecondsPerDay;
    if (sod < 0) {
        sod += kSecondsPerDay;
        days -= 1;
    }

    // Howard Hinnant's civil_from_days.
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

    out.reserve(out.size() + 30);
    if (year >= 0 && year <= 9999) {
        AppendPadded(out, year, 4);
    } else {
        out.push_back(year < 0 ? '-' : '+');
        AppendPadded(out, year < 0 ? -year : year, 6);
    }
    out.push_back('-');
    AppendPadded(out, month, 2);
    out.push_back('-');
    AppendPadded(out, day, 2);
    out.push_back('T');
    AppendPadded(out, sod / 3600, 2);
    out.push_back(':');
    AppendPadded(out, sod / 60 % 60, 2);
    out.push_back(':');
    AppendPadded(out, sod % 60, 2);
    out.push_back('.');
    AppendPadded(out, micros, 6);
    out.push_back('Z');
}

std::string FormatRfc3339Micros(int64_t unix_us) {
    std::string out;
    AppendRfc3339Micros(out, unix_us);
    return out;
}

} // namespace minetrace
