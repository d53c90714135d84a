#include "util/wall_time.hpp"

#include <algorithm>

namespace volley {

namespace {

void append_digits(std::string& out, long long v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

}  // namespace

// By hand rather than strftime: gmtime_r per line costs a lock on the time zone state, and the
// date arithmetic of <chrono> is exact for every day the clamp lets through.
void append_iso8601_ms(std::string& out, std::int64_t ms) {
  using namespace std::chrono;
  constexpr std::int64_t lowest = -62167219200000;  // 0000-01-01T00:00:00.000Z
  constexpr std::int64_t highest = 253402300799999;  // 9999-12-31T23:59:59.999Z
  ms = std::clamp(ms, lowest, highest);
  const sys_time<milliseconds> t{milliseconds(ms)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  append_digits(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, hms.hours().count(), 2);
  out += ':';
  append_digits(out, hms.minutes().count(), 2);
  out += ':';
  append_digits(out, hms.seconds().count(), 2);
  out += '.';
  append_digits(out, hms.subseconds().count(), 3);
  out += 'Z';
}

}  // namespace volley
