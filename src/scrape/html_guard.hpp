#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace volley {

/// How deep a document may nest before its further start tags are blanked out. Browsers stop
/// nesting at a similar depth (Blink at 512 real elements); our count is rougher and higher.
inline constexpr std::size_t max_html_depth = 256;

/// How many attributes a tag keeps; gumbo checks each new one against all before it.
inline constexpr std::size_t max_html_attributes = 128;

/// gumbo's tree builder scans the whole stack of open elements for some tags (a <div> looks for
/// a <p> to close), so a page of nested <div>s parses in quadratic time: 300,000 of them take
/// minutes; and a tag with 80,000 attributes takes seconds. This estimates the nesting with a
/// rough tag scan and, past `max_depth`, overwrites the start tags that would nest deeper with
/// spaces, as it does attributes past max_html_attributes, so parsing stays linear in the size.
/// Returns `html` itself when nothing needed blanking, else a copy in `storage`.
/// Tags that carry what we extract (<title>, <base>, <a>, <link>, <script>, <img>, <iframe>)
/// are never blanked: they cannot nest, so they are not counted.
std::string_view limit_html_cost(std::string_view html, std::string& storage,
                                  std::size_t max_depth = max_html_depth);

}  // namespace volley
