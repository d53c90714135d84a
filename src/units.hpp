#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

/// "10M" → 10485760. Suffixes k, M, G (powers of 1024, either case); no suffix means bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);

/// Seconds with fractions to whole milliseconds, rounding up so that a tiny positive value never
/// becomes 0, which libcurl reads as "no limit".
long seconds_to_ms(double seconds);
