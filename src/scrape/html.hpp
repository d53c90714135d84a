#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

/// What to collect from a document; the parse is the same whatever is asked.
struct HtmlWants {
  bool title = false;
  bool anchors = false;    // <a href>
  bool resources = false;  // <link href>, <script src>, <img src>, <iframe src>
};

/// What one HTML document says about itself, as an HTML5 parser (gumbo) builds its tree.
struct HtmlScan {
  std::optional<std::string> title;      // the first <title>: entities decoded, whitespace collapsed
  std::optional<std::string> base_href;  // the first <base href>, unresolved
  std::vector<std::string> refs;         // link attribute values in document order, unresolved
};

/// Parses `utf8` (which must be valid UTF-8, as gumbo requires) and walks its tree once.
/// Elements outside the HTML namespace (<svg><title>) and inside <template> do not count, as
/// they do not for a browser's document.title and document.links.
HtmlScan scan_html(std::string_view utf8, const HtmlWants& wants);

}  // namespace volley
