#include "core/rate_limiter.hpp"

#include <algorithm>

namespace volley {

RateLimiter::RateLimiter(double rate, double burst_seconds) {
  if (rate > 0) {
    m_interval = std::max(Duration(1), from_seconds(1.0 / rate));
    // Never bank less than one start, or a slow loop would lose credit.
    m_burst = std::max(from_seconds(burst_seconds), m_interval) - m_interval;
  }
}

bool RateLimiter::try_acquire(TimePoint now) {
  if (unlimited()) return true;
  if (now < m_next) return false;
  m_next = std::max(m_next, now - m_burst) + m_interval;
  return true;
}

TimePoint RateLimiter::next_allowed(TimePoint now) const {
  return unlimited() ? now : std::max(now, m_next);
}

}  // namespace volley
