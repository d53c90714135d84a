#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

namespace volley {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

/// Seconds to a Duration, saturating: NaN is zero and a magnitude beyond 100 years is 100 years.
/// A double beyond the 292 years a Duration holds converts with undefined behaviour (in practice
/// to a negative value: a retry at once, a rate that does not limit), and the cap stays far
/// enough below that limit for a steady-clock time point plus the result not to wrap either.
inline Duration from_seconds(double s) {
  constexpr double limit = 100.0 * 365 * 24 * 3600;
  if (std::isnan(s)) return Duration::zero();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(std::clamp(s, -limit, limit)));
}

}  // namespace volley
