#pragma once

#include "scrape/html.hpp"

#include <string_view>

namespace volley {

/// What scan_html() answered before the tokenizer: gumbo's full HTML5 tree, walked in document
/// order. The differential tests and the fuzz target hold scan_html() to it. Quadratic on deep
/// nesting, so for tests only.
HtmlScan gumbo_scan_html(std::string_view utf8, const HtmlWants& wants);

}  // namespace volley
