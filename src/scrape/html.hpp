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

/// What one HTML document says about itself, as an HTML5 parser's tree (gumbo 0.10.1's) holds it.
struct HtmlScan {
  std::optional<std::string> title;      // the first <title>: entities decoded, whitespace collapsed
  std::optional<std::string> base_href;  // the first <base href>, unresolved
  std::vector<std::string> refs;         // link attribute values in document order, unresolved
};

/// Reads `utf8` (which must be valid UTF-8) once with a streaming HTML5 tokenizer, in time
/// linear in its size, building no tree. Elements outside the HTML namespace (<svg><title>) and
/// inside <template> do not count, as they do not for a browser's document.title and
/// document.links. The answers are gumbo's but for the cases docs/behaviour.md lists ("Link
/// extraction"). With only the title wanted, reading stops at the first title.
HtmlScan scan_html(std::string_view utf8, const HtmlWants& wants);

}  // namespace volley
