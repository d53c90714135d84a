#include "core/rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace volley;

using namespace std::chrono_literals;

TEST_CASE("rate_limiter: no rate means no limit") {
  RateLimiter r(0);
  const TimePoint t{};
  for (int i = 0; i < 1000; ++i) CHECK(r.try_acquire(t));
}

TEST_CASE("rate_limiter: starts are spaced 1/rate apart") {
  RateLimiter r(10);
  TimePoint t = TimePoint{} + 1h;
  CHECK(r.try_acquire(t));
  CHECK_FALSE(r.try_acquire(t));
  CHECK(r.next_allowed(t) == t + 100ms);
  CHECK_FALSE(r.try_acquire(t + 99ms));
  CHECK(r.try_acquire(t + 100ms));
}

TEST_CASE("rate_limiter: a loop that turns late does not drift below the rate") {
  RateLimiter r(100);  // one start every 10 ms
  TimePoint t = TimePoint{} + 1h;
  int started = 0;
  // The loop only looks every 13 ms; over one second the count must still be about 100.
  for (TimePoint now = t; now < t + 1s; now += 13ms)
    while (r.try_acquire(now)) ++started;
  CHECK(started >= 99);
  CHECK(started <= 106);  // the first start plus at most the 50 ms burst
}

TEST_CASE("rate_limiter: an idle spell banks only a small burst") {
  RateLimiter r(100, 0.05);
  TimePoint t = TimePoint{} + 1h;
  CHECK(r.try_acquire(t));
  int burst = 0;
  while (r.try_acquire(t + 10s)) ++burst;
  CHECK(burst >= 1);
  CHECK(burst <= 6);
}

TEST_CASE("rate_limiter: fractional rates allow one start per several seconds") {
  RateLimiter r(0.5);
  TimePoint t = TimePoint{} + 1h;
  CHECK(r.try_acquire(t));
  CHECK_FALSE(r.try_acquire(t + 1900ms));
  CHECK(r.try_acquire(t + 2s));
}

TEST_CASE("rate_limiter: a tiny rate still limits") {
  // 1/rate in nanoseconds does not fit a Duration: the interval must saturate, not wrap.
  RateLimiter r(1e-10);
  TimePoint t = TimePoint{} + 1h;
  CHECK_FALSE(r.unlimited());
  CHECK(r.try_acquire(t));
  CHECK_FALSE(r.try_acquire(t + 24h));
  CHECK(r.next_allowed(t) > t + 24h * 365);
}
