#include "core/backoff.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("backoff: transient failures and curl's retry statuses are retried, others are not") {
  CHECK(is_retryable(ErrorKind::timeout, 0));
  CHECK(is_retryable(ErrorKind::connect, 0));
  CHECK(is_retryable(ErrorKind::connection, 0));
  for (long s : {408, 429, 500, 502, 503, 504}) CHECK(is_retryable(ErrorKind::none, s));
  for (long s : {200, 301, 404, 501, 505}) CHECK_FALSE(is_retryable(ErrorKind::none, s));
  CHECK_FALSE(is_retryable(ErrorKind::dns, 0));
  CHECK_FALSE(is_retryable(ErrorKind::tls, 0));
  CHECK_FALSE(is_retryable(ErrorKind::body_too_large, 200));
  CHECK_FALSE(is_retryable(ErrorKind::protocol, 503));
}

TEST_CASE("backoff: the delay doubles per attempt, with jitter in its upper half") {
  const RetryPolicy p{5, 0.25, 30};
  CHECK(retry_delay(p, 1, std::nullopt, 0.0) == Approx(0.125));
  CHECK(retry_delay(p, 1, std::nullopt, 0.999) == Approx(0.25).epsilon(0.01));
  CHECK(retry_delay(p, 2, std::nullopt, 0.0) == Approx(0.25));
  CHECK(retry_delay(p, 3, std::nullopt, 0.5) == Approx(0.75));
}

TEST_CASE("backoff: the delay never passes the cap") {
  const RetryPolicy p{50, 0.25, 2};
  CHECK(retry_delay(p, 40, std::nullopt, 0.999) <= 2.0);
  CHECK(retry_delay(p, 1000, std::nullopt, 0.0) == Approx(1.0));
}

TEST_CASE("backoff: Retry-After replaces the backoff, up to the cap") {
  const RetryPolicy p{2, 0.25, 30};
  CHECK(retry_delay(p, 1, 3, 0.7) == Approx(3));
  CHECK(retry_delay(p, 1, 120, 0.7) == Approx(30));
  CHECK(retry_delay(RetryPolicy{2, 0.25, 0.1}, 1, 1, 0.7) == Approx(0.1));
}
