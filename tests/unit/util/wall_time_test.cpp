#include "util/wall_time.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {

std::string iso(std::int64_t ms) {
  std::string out;
  append_iso8601_ms(out, ms);
  return out;
}

}  // namespace

TEST_CASE("wall_time: ISO 8601 UTC with milliseconds") {
  CHECK(iso(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso(1) == "1970-01-01T00:00:00.001Z");
  CHECK(iso(1795636330123) == "2026-11-25T19:52:10.123Z");
  CHECK(iso(951782400000) == "2000-02-29T00:00:00.000Z");  // a leap day
  CHECK(iso(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("wall_time: dates past four-digit years are clamped, not garbled") {
  CHECK(iso(INT64_MAX) == "9999-12-31T23:59:59.999Z");
  CHECK(iso(INT64_MIN) == "0000-01-01T00:00:00.000Z");
}

TEST_CASE("wall_time: unix_ms counts from the epoch") {
  CHECK(unix_ms(WallClock::time_point{}) == 0);
  CHECK(unix_ms(WallClock::time_point{std::chrono::seconds(2)}) == 2000);
}
