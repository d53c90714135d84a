#pragma once

#include "scrape/extracted.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace volley {

/// What the scraper flags ask of each body. Move-only (it owns compiled patterns); build it once
/// and share it read-only: extract() does not change it, so threads may use it at once.
struct ExtractConfig {
  // Defined in extract.cpp, where RE2 is a complete type, so that <re2/re2.h> stays there.
  ExtractConfig();
  ~ExtractConfig();
  ExtractConfig(ExtractConfig&&) noexcept;
  ExtractConfig& operator=(ExtractConfig&&) noexcept;

  bool title = false;
  /// anchors: <a href>; all: also <link href>, <script src>, <img src> and <iframe src>.
  enum class Links { none, anchors, all } links = Links::none;
  /// With links, for --crawl: also Extracted::nofollow, link_nofollow and other_schemes. Off
  /// otherwise, so a plain --links run keeps no flag per link.
  bool crawl = false;
  struct Pattern {
    std::string name;
    std::unique_ptr<re2::RE2> re;
  };
  std::vector<Pattern> patterns;
  std::size_t max_matches = 100;  // per pattern

  /// Adds "NAME=REGEX", or "REGEX" alone, then named by its own text. What comes before the first
  /// '=' is a NAME only when it is an identifier (a letter or '_', then letters, digits, '_' or
  /// '-'), so "id=(\d+)" is the pattern "(\d+)" named "id"; "(?:id)=(\d+)" matches "id=…".
  /// Returns why the pattern was refused (RE2's message, an empty or a repeated name), or nullopt.
  std::optional<std::string> add_pattern(std::string_view spec);

  /// The same with the name given apart, for a caller that splits "NAME=REGEX" its own way.
  std::optional<std::string> add_pattern(std::string_view name, std::string_view regex);

  /// True when any extraction is asked for, so the body must be kept.
  bool wants_body() const;
};

/// Everything `cfg` asks of one body. `body` is the content-decoded body as received; it is read in the charset that `content_type`, a BOM or a <meta> declares
/// (see charset.hpp) and converted to UTF-8 before parsing and matching. Relative links resolve
/// against the first <base href>, else `base_url`, the URL the body came from after redirects.
/// Title and links are looked for only in HTML: a text/html or application/xhtml+xml body, or a
/// body that starts with '<' when there is no Content-Type.
Extracted extract(const ExtractConfig& cfg, std::string_view body, std::string_view content_type,
                  std::string_view base_url);

}  // namespace volley
