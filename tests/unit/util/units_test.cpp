#include "util/units.hpp"

#include "core/clock.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace volley;

TEST_CASE("units: sizes take k, M and G suffixes in powers of 1024") {
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("512") == 512u);
  CHECK(parse_size("1k") == 1024u);
  CHECK(parse_size("10M") == 10u * 1024 * 1024);
  CHECK(parse_size("2g") == 2ull << 30);
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("M"));
  CHECK_FALSE(parse_size("1.5M"));
  CHECK_FALSE(parse_size("-1"));
  CHECK_FALSE(parse_size("10X"));
  CHECK_FALSE(parse_size("99999999999999999999G"));
}

TEST_CASE("units: size_text writes a size as parse_size reads it, with the largest exact suffix") {
  CHECK(size_text(0) == "0");
  CHECK(size_text(1000) == "1000");
  CHECK(size_text(1024) == "1k");
  CHECK(size_text(1536u << 10) == "1536k");
  CHECK(size_text(40u << 20) == "40M");
  CHECK(size_text(3ull << 30) == "3G");
  for (const char* text : {"512", "1k", "10M", "2G", "1536k"}) CHECK(parse_size(size_text(*parse_size(text))) == parse_size(text));
}

TEST_CASE("units: seconds become milliseconds without rounding a limit down to none") {
  CHECK(seconds_to_ms(0) == 0);
  CHECK(seconds_to_ms(1.5) == 1500);
  CHECK(seconds_to_ms(0.0001) == 1);
  CHECK(seconds_to_ms(-3) == 0);
}

TEST_CASE("units: seconds to a Duration saturate instead of overflowing") {
  using namespace std::chrono_literals;
  CHECK(from_seconds(1.5) == 1500ms);
  CHECK(from_seconds(0) == Duration::zero());
  CHECK(from_seconds(std::nan("")) == Duration::zero());
  const Duration huge = from_seconds(1e300);
  CHECK(huge > std::chrono::hours(24 * 365 * 50));
  CHECK(from_seconds(std::numeric_limits<double>::infinity()) == huge);
  CHECK(from_seconds(-1e300) == -huge);
  // What the engine does with a retry delay: a time point from now, which must not wrap.
  const TimePoint now = TimePoint{} + std::chrono::hours(24 * 365);
  CHECK(now + huge > now);
}

TEST_CASE("units: --max-age durations in seconds, minutes, hours and days") {
  CHECK(parse_duration_ms("90s") == 90'000);
  CHECK(parse_duration_ms("90") == 90'000);
  CHECK(parse_duration_ms("30m") == 1'800'000);
  CHECK(parse_duration_ms("6h") == 21'600'000);
  CHECK(parse_duration_ms("2d") == 172'800'000);
  CHECK(parse_duration_ms("2D") == 172'800'000);
  CHECK(parse_duration_ms("0s") == 0);
  CHECK(parse_duration_ms("30d") == 30LL * 86'400'000);  // past the 7 days of wait flags: an age
  CHECK(parse_duration_ms("3650d") == max_age_limit_ms);
  CHECK_FALSE(parse_duration_ms("3651d"));
  CHECK_FALSE(parse_duration_ms("99999999999999999999s"));
  for (const char* bad : {"", "s", "1.5h", "-1s", "1w", "h1", "1 h", "+1s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_ms(bad));
  }
}
