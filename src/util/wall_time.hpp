#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace volley {

/// Calendar time, for what a line or the state store says about when (the steady Clock in
/// clock.hpp measures durations and cannot be shown as a date).
using WallClock = std::chrono::system_clock;

/// Milliseconds since the Unix epoch: the one unit `fetched_at` and the state store keep.
inline std::int64_t unix_ms(WallClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// ISO 8601 in UTC with milliseconds, "2026-11-25T19:52:10.123Z", appended to `out`. Years
/// outside 0000-9999 are clamped to them: the format has four digits.
void append_iso8601_ms(std::string& out, std::int64_t unix_ms);

}  // namespace volley
