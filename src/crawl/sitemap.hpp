#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

/// sitemaps.org's limits: the URLs one sitemap lists, and its size uncompressed. The size is also
/// what bounds a gzip bomb: inflated bytes are counted, not received ones.
inline constexpr std::size_t sitemap_max_urls = 50000;
inline constexpr std::size_t sitemap_max_bytes = 50u << 20;

/// Deflate cannot do better than about 1032:1; a real sitemap manages some 10 to 50:1. A stream
/// past this ratio (checked once a MiB has come out) is a bomb, refused before it inflates to
/// the size cap.
inline constexpr std::size_t sitemap_max_gzip_ratio = 1000;

/// The longest piece of markup (a tag, a comment, a <loc>'s text) read. Expat 2.5 parses a token
/// that spans chunks again with each chunk, so one endless token would cost time quadratic in
/// its length; sitemaps.org caps a <loc> at 2,048 characters.
inline constexpr std::size_t sitemap_max_token = 64 * 1024;

/// What one sitemap document says (sitemaps.org): the pages of a <urlset>, or the sitemaps of a
/// <sitemapindex>.
struct Sitemap {
  bool index = false;             // a <sitemapindex>: `locations` are sitemaps
  std::vector<std::string> locations;  // the <loc>s, absolute http(s) URLs, in document order
  bool truncated = false;         // past sitemap_max_urls or sitemap_max_bytes: the rest is ignored
  std::string error;              // not XML, not a sitemap, a DTD with entities, a broken gzip
                                  // stream, a bomb; empty if none. `locations` keeps the <loc>s
                                  // read before it.
};

/// A sitemap read as its bytes arrive: XML, or gzip (by its magic bytes, 1f 8b) holding XML,
/// inflated a chunk at a time and parsed with expat as it inflates, within the limits above.
/// Elements are matched by local name (any namespace prefix ignored); a <loc>'s text is trimmed
/// and entity-decoded, CDATA included. A DOCTYPE that declares entities is refused, and no
/// external entity or DTD is ever read.
class SitemapReader {
 public:
  SitemapReader();
  ~SitemapReader();
  SitemapReader(const SitemapReader&) = delete;
  SitemapReader& operator=(const SitemapReader&) = delete;

  /// The next bytes of the body. Once the sitemap is finished early (a limit, an error), the
  /// rest is ignored: done() says so, and a caller may stop reading.
  void feed(std::string_view bytes);
  bool done() const;

  /// The body has ended: what it said.
  Sitemap finish();

 private:
  struct State;
  std::unique_ptr<State> m;
};

/// A whole body through SitemapReader.
Sitemap read_sitemap(std::string_view body);

/// The `Sitemap:` lines of a robots.txt (RFC 9309 2.2.4: any place in the file, the field name in
/// any case), within its parse limit; absolute http(s) URLs, in order.
std::vector<std::string> robots_sitemaps(std::string_view robots_txt);

}  // namespace volley
