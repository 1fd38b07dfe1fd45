#include "curator/core/time.hpp"

#include <fmt/format.h>

#include <cctype>

#include "curator/core/error.hpp"

namespace curator {
namespace {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::seconds;

struct Parts {
  int year;
  unsigned month, day, hour, minute, second;
  long long micros;
};

Parts split(TimePoint t) {
  const auto day_point = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{std::chrono::sys_days{day_point}};
  auto rest = std::chrono::duration_cast<microseconds>(t - day_point).count();
  Parts p{};
  p.year = static_cast<int>(ymd.year());
  p.month = static_cast<unsigned>(ymd.month());
  p.day = static_cast<unsigned>(ymd.day());
  p.micros = rest % 1'000'000;
  rest /= 1'000'000;
  p.second = static_cast<unsigned>(rest % 60);
  rest /= 60;
  p.minute = static_cast<unsigned>(rest % 60);
  p.hour = static_cast<unsigned>(rest / 60);
  return p;
}

std::string format_with(TimePoint t, char sep, bool with_micros, std::string_view zone) {
  const Parts p = split(t);
  std::string out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", p.year, p.month, p.day, sep,
                                p.hour, p.minute, p.second);
  if (with_micros && p.micros != 0) out += fmt::format(".{:06}", p.micros);
  out += zone;
  return out;
}

[[noreturn]] void bad_time(std::string_view text) {
  std::string shown(text.substr(0, 64));
  throw Error(ErrorKind::invalid_input, fmt::format("invalid UTC timestamp '{}'", shown),
              "invalid_time");
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  long long digits(std::size_t count) {
    long long v = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (done() || !std::isdigit(static_cast<unsigned char>(peek()))) bad_time(text_);
      v = v * 10 + (text_[pos_++] - '0');
    }
    return v;
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

TimePoint now_utc() {
  return std::chrono::time_point_cast<microseconds>(Clock::now());
}

TimePoint now_utc_seconds() {
  return std::chrono::time_point_cast<microseconds>(std::chrono::floor<seconds>(Clock::now()));
}

std::string format_utc_z(TimePoint t) {
  return format_with(t, 'T', true, "Z");
}
std::string format_naive(TimePoint t) {
  return format_with(t, 'T', true, "");
}
std::string format_utc_offset(TimePoint t) {
  return format_with(std::chrono::floor<seconds>(t), 'T', false, "+00:00");
}
std::string format_sql(TimePoint t) {
  return format_with(std::chrono::floor<seconds>(t), ' ', false, "");
}
std::string format_date(TimePoint t) {
  const Parts p = split(t);
  return fmt::format("{:04}-{:02}-{:02}", p.year, p.month, p.day);
}

TimePoint parse_utc(std::string_view text) {
  Reader r(text);
  const auto year = r.digits(4);
  if (!r.accept('-')) bad_time(text);
  const auto month = r.digits(2);
  if (!r.accept('-')) bad_time(text);
  const auto day = r.digits(2);
  long long hour = 0, minute = 0, second = 0, micros = 0;
  if (!r.done()) {
    if (!r.accept('T') && !r.accept(' ')) bad_time(text);
    hour = r.digits(2);
    if (!r.accept(':')) bad_time(text);
    minute = r.digits(2);
    if (!r.accept(':')) bad_time(text);
    second = r.digits(2);
    if (r.accept('.')) {
      int n = 0;
      while (std::isdigit(static_cast<unsigned char>(r.peek()))) {
        const long long d = r.digits(1);
        if (n < 6) micros = micros * 10 + d;
        if (++n > 9) bad_time(text);
      }
      if (n == 0) bad_time(text);
      for (; n < 6; ++n)
        micros *= 10;
    }
  }
  long long offset_seconds = 0;
  if (r.accept('Z') || r.accept('z')) {
  } else if (r.peek() == '+' || r.peek() == '-') {
    const int sign = r.peek() == '-' ? -1 : 1;
    r.accept(r.peek());
    const auto oh = r.digits(2);
    r.accept(':');
    const auto om = r.digits(2);
    if (oh > 23 || om > 59) bad_time(text);
    offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (!r.done()) bad_time(text);

  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(year)},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) bad_time(text);
  TimePoint t{std::chrono::sys_days{ymd}.time_since_epoch()};
  t += std::chrono::hours{hour} + std::chrono::minutes{minute} + seconds{second} +
       microseconds{micros} - seconds{offset_seconds};
  return t;
}

TimePoint from_unix_millis(long long millis) {
  return TimePoint{std::chrono::milliseconds{millis}};
}

long long to_unix_seconds(TimePoint t) {
  return std::chrono::floor<seconds>(t).time_since_epoch().count();
}

}  // namespace curator
