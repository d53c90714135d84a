#include "core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace volley {

bool is_retryable(ErrorKind kind, std::optional<long> status) {
  switch (kind) {
    case ErrorKind::timeout:
    case ErrorKind::connect:
    case ErrorKind::connection: return true;
    case ErrorKind::none: break;
    default: return false;
  }
  switch (status.value_or(0)) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504: return true;
    default: return false;
  }
}

double retry_delay(const RetryPolicy& policy, int attempts, std::optional<double> retry_after, double unit_random) {
  const double cap = std::max(0.0, policy.max_delay);
  if (retry_after) return std::min(std::max(0.0, *retry_after), cap);
  const int exponent = std::clamp(attempts - 1, 0, 60);
  const double full = std::min(cap, std::max(0.0, policy.base_delay) * std::ldexp(1.0, exponent));
  return full / 2 + full / 2 * std::clamp(unit_random, 0.0, 1.0);
}

}  // namespace volley
