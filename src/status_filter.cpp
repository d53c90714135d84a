#include "status_filter.hpp"

#include "ascii.hpp"

#include <algorithm>

namespace {

// A status code as written: exactly three digits, 100 to 999 (servers do send 999).
std::optional<long> parse_code(std::string_view s) {
  s = trim(s, " ");
  if (s.size() != 3 || s[0] < '1' || s[0] > '9') return std::nullopt;
  long code = 0;
  for (char c : s) {
    if (!is_ascii_digit(c)) return std::nullopt;
    code = code * 10 + (c - '0');
  }
  return code;
}

}  // namespace

bool StatusSet::contains(long status) const {
  return std::any_of(m_ranges.begin(), m_ranges.end(),
                     [status](const Range& r) { return status >= r.first && status <= r.second; });
}

std::optional<StatusSet> parse_status_list(std::string_view text) {
  std::vector<StatusSet::Range> ranges;
  for (;;) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    const std::optional<long> low = parse_code(item.substr(0, dash));
    const std::optional<long> high = dash == std::string_view::npos ? low : parse_code(item.substr(dash + 1));
    if (!low || !high || *high < *low) return std::nullopt;
    ranges.emplace_back(*low, *high);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return StatusSet(std::move(ranges));
}
