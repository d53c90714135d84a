#include "util/units.hpp"

#include "util/ascii.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace volley {

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t shift = 0;
  switch (ascii_lower(text.back())) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    default: break;
  }
  if (shift) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return value << shift;
}

std::string size_text(std::uint64_t bytes) {
  for (const auto& [shift, suffix] : {std::pair{30, 'G'}, std::pair{20, 'M'}, std::pair{10, 'k'}})
    if (bytes != 0 && bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + suffix;
  return std::to_string(bytes);
}

long seconds_to_ms(double seconds) {
  if (!(seconds > 0)) return 0;
  const double ms = std::ceil(seconds * 1000.0);
  if (ms > static_cast<double>(std::numeric_limits<long>::max() / 2)) return std::numeric_limits<long>::max() / 2;
  return static_cast<long>(ms);
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1000;
  switch (ascii_lower(text.back())) {
    case 's': unit = 1000; text.remove_suffix(1); break;
    case 'm': unit = 60 * 1000; text.remove_suffix(1); break;
    case 'h': unit = 3600 * 1000; text.remove_suffix(1); break;
    case 'd': unit = 24 * 3600 * 1000; text.remove_suffix(1); break;
    default: break;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  if (value > max_age_limit_ms / unit) return std::nullopt;
  return value * unit;
}

}  // namespace volley
