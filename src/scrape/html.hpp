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
  /// Also what a crawler under --robots must not follow: HtmlScan::nofollow and ref_nofollow.
  bool nofollow = false;
};

/// What one HTML document says about itself, as an HTML5 parser's tree (gumbo 0.10.1's) holds it.
struct HtmlScan {
  std::optional<std::string> title;      // the first <title>: entities decoded, whitespace collapsed
  std::optional<std::string> base_href;  // the first <base href>, unresolved
  std::vector<std::string> refs;         // link attribute values in document order, unresolved
  /// With HtmlWants::nofollow (else empty): parallel to refs, whether that <a> or <link> has the
  /// token "nofollow" in its rel.
  std::vector<bool> ref_nofollow;
  /// With HtmlWants::nofollow: a <meta name="robots"> anywhere in the document says "nofollow"
  /// or "none" (robots directives add up, as search engines read several such tags).
  bool nofollow = false;
};

/// Whether a rel attribute's value (a set of space-separated tokens, ASCII case-insensitive)
/// holds "nofollow".
bool rel_says_nofollow(std::string_view rel);
/// Whether a <meta name="robots"> content (comma-separated directives, ASCII case-insensitive)
/// holds "nofollow" or "none" (noindex and nofollow). Spaces also separate, as pages write
/// "noindex nofollow" and search engines read it so.
bool robots_says_nofollow(std::string_view content);

/// Reads `utf8` (which must be valid UTF-8) once with a streaming HTML5 tokenizer, in time
/// linear in its size, building no tree. Elements outside the HTML namespace (<svg><title>) and
/// inside <template> do not count, as they do not for a browser's document.title and
/// document.links. The answers are gumbo's but for the cases docs/behaviour.md lists ("Link
/// extraction"). With only the title wanted, reading stops at the first title.
HtmlScan scan_html(std::string_view utf8, const HtmlWants& wants);

}  // namespace volley
