#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// "10M" → 10485760. Suffixes k, M, G (powers of 1024, either case); no suffix means bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);
/// parse_size's inverse, for messages that quote a size back as a flag takes it: the largest
/// suffix that divides `bytes` exactly ("10M", "1536k", "1G"), else bytes ("1000").
std::string size_text(std::uint64_t bytes);

/// The largest value a flag in seconds takes (a week), and the smallest --rate other than 0 (one
/// request a day): past them a value is a mistake, and past them lie doubles that overflow the
/// clock's nanoseconds (from_seconds saturates, but the flag would not mean what it says).
inline constexpr double max_flag_seconds = 7 * 24 * 3600.0;
inline constexpr double min_flag_rate = 1.0 / (24 * 3600);

/// Seconds with fractions to whole milliseconds, rounding up so that a tiny positive value never
/// becomes 0, which libcurl reads as "no limit".
long seconds_to_ms(double seconds);

/// --max-age: an age, not a wait, so it may pass max_flag_seconds (a weekly or monthly refresh is
/// a real schedule); ten years is the most it takes.
inline constexpr std::int64_t max_age_limit_ms = 3650LL * 24 * 3600 * 1000;

/// "90s", "30m", "6h", "2d" (or "90": seconds) → milliseconds; nullopt unless a whole number with
/// one of those suffixes, at most max_age_limit_ms.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace volley
