#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace volley {

/// What extract() found in one body; a Record carries it to the writer. Apart from extract.hpp:
/// what includes record.hpp needs the findings, not the extractor and its compiled patterns.
struct Extracted {
  std::optional<std::string> title;  // valid UTF-8; nullopt when there is no <title> (or no HTML)
  std::vector<std::string> links;    // absolute http(s) URLs without fragment, deduplicated, in document order
  /// With ExtractConfig::crawl (else empty): parallel to links, whether the link has
  /// rel="nofollow". A URL the page links to more than once is nofollow only when every link to
  /// it is: rel qualifies one link, not its target, and one plain link is the page's leave to follow it.
  std::vector<bool> link_nofollow;
  /// With ExtractConfig::crawl: the page's <meta name="robots"> says nofollow (or none).
  bool nofollow = false;
  /// With ExtractConfig::crawl: how many distinct links name another scheme than http(s)
  /// (mailto:, javascript:, tel:, …), which links leaves out and a crawl counts as not followed.
  std::size_t other_schemes = 0;
  /// Per pattern, in pattern order: group 1 when the pattern has groups, else the whole match.
  std::vector<std::pair<std::string, std::vector<std::string>>> matches;
};

}  // namespace volley
