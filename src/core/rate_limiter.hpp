#pragma once

#include "core/clock.hpp"

namespace volley {

/// Caps starts per second with a virtual schedule (GCRA): each start books the next slot 1/rate
/// later, so credit accrues without drift however irregularly the loop turns, and an idle spell
/// banks at most `burst` seconds' worth of starts.
class RateLimiter {
 public:
  /// rate <= 0: no limit.
  explicit RateLimiter(double rate, double burst_seconds = 0.05);

  bool unlimited() const { return m_interval.count() == 0; }
  /// Takes one start if one is due at `now`.
  bool try_acquire(TimePoint now);
  /// When the next start is due (now or later).
  TimePoint next_allowed(TimePoint now) const;

 private:
  Duration m_interval{};
  Duration m_burst{};
  TimePoint m_next{};
};

}  // namespace volley
