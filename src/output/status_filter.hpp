#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace volley {

/// A set of HTTP status codes, as --match-status and --filter-status name them.
class StatusSet {
 public:
  using Range = std::pair<long, long>;  // inclusive

  explicit StatusSet(std::vector<Range> ranges) : m_ranges(std::move(ranges)) {}

  bool contains(long status) const;

 private:
  std::vector<Range> m_ranges;
};

/// "200,301-399,5xx" → {200, 301…399, 500…599}. Items are three-digit codes (100–999), classes
/// (`4xx`: 400…499, either case) or ranges of them with the low end first (`2xx-3xx`: 200…399),
/// separated by commas; spaces around items are allowed. Anything else, including an empty list
/// or an empty item, is nullopt.
std::optional<StatusSet> parse_status_list(std::string_view text);

}  // namespace volley
