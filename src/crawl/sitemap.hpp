#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

/// sitemaps.org's limits: the URLs one sitemap lists, and its size uncompressed.
inline constexpr std::size_t sitemap_max_urls = 50000;
inline constexpr std::size_t sitemap_max_bytes = 50u << 20;

/// What one sitemap document says (sitemaps.org): the pages of a <urlset>, or the sitemaps of a
/// <sitemapindex>.
struct Sitemap {
  bool index = false;             // a <sitemapindex>: `locations` are sitemaps
  std::vector<std::string> locations;  // the <loc>s, absolute http(s) URLs, in document order
  bool truncated = false;         // past sitemap_max_urls or sitemap_max_bytes: the rest is ignored
  std::string error;              // not XML, not a sitemap, or a broken gzip stream; empty if none
};

/// Reads a sitemap's body as fetched: XML, or gzip (by its magic bytes) holding XML, parsed with
/// expat as it inflates, within the limits above. `base_url` is the sitemap's own URL: only
/// <loc>s of http(s) are kept.
Sitemap read_sitemap(std::string_view body, std::string_view base_url);

/// The `Sitemap:` lines of a robots.txt (RFC 9309 2.2.4), absolute http(s) URLs, in order.
std::vector<std::string> robots_sitemaps(std::string_view robots_txt);

}  // namespace volley
