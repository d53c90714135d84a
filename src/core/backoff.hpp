#pragma once

#include "net/error_kind.hpp"

#include <optional>

namespace volley {

/// Whether an attempt that ended this way is worth another: the failures a retry can cure
/// (timeouts, refused or reset connections) and the statuses curl's --retry retries.
bool is_retryable(ErrorKind kind, std::optional<long> status);

struct RetryPolicy {
  int retries = 2;
  double base_delay = 0.25;
  double max_delay = 30;
};

/// Seconds to wait before the next attempt, after `attempts` attempts (1-based). Exponential from
/// base_delay with "equal jitter" (half fixed, half random from `unit_random` in [0,1)), so
/// retries of many URLs that failed together spread out. A server's Retry-After (seconds)
/// replaces it; both are capped at max_delay.
double retry_delay(const RetryPolicy& policy, int attempts, std::optional<double> retry_after, double unit_random);

}  // namespace volley
