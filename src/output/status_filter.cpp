#include "output/status_filter.hpp"

#include "util/ascii.hpp"

#include <algorithm>

namespace volley {

namespace {

// One end of an item: a status code as written, exactly three digits, 100 to 999 (servers do
// send 999), or a class such as 4xx, which stands for its hundred codes.
std::optional<StatusSet::Range> parse_bound(std::string_view s) {
  s = trim(s, " ");
  if (s.size() != 3 || s[0] < '1' || s[0] > '9') return std::nullopt;
  const long hundreds = (s[0] - '0') * 100;
  if (ascii_lower(s[1]) == 'x' && ascii_lower(s[2]) == 'x') return StatusSet::Range{hundreds, hundreds + 99};
  long code = 0;
  for (char c : s) {
    if (!is_ascii_digit(c)) return std::nullopt;
    code = code * 10 + (c - '0');
  }
  return StatusSet::Range{code, code};
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
    const auto low = parse_bound(item.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : parse_bound(item.substr(dash + 1));
    if (!low || !high || high->second < low->first) return std::nullopt;
    ranges.emplace_back(low->first, high->second);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return StatusSet(std::move(ranges));
}

}  // namespace volley
