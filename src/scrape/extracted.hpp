#pragma once

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
  /// Per pattern, in pattern order: group 1 when the pattern has groups, else the whole match.
  std::vector<std::pair<std::string, std::vector<std::string>>> matches;
};

}  // namespace volley
