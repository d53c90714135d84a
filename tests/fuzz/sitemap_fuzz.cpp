// libFuzzer target for the sitemap reader: the input is a sitemap body (XML, or gzip by its magic
// bytes), read whole and again in chunks whose sizes come from its first byte, and as a
// robots.txt. Besides crashes, ASan reports and timeouts, it traps when a reading breaks the
// module's promises: the limits, absolute http(s) locations only, and the same locations however
// the body is cut.
#include "crawl/sitemap.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace volley;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool is_http(std::string_view url) {
  const auto starts = [&](std::string_view scheme) {
    if (url.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != scheme[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

void check_sitemap(const Sitemap& s) {
  check(s.locations.size() <= sitemap_max_urls);
  for (const std::string& loc : s.locations) {
    check(is_http(loc));
    check(loc.size() <= sitemap_max_token);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const Sitemap whole = read_sitemap(input);
  check_sitemap(whole);

  const std::size_t step = size == 0 ? 1 : data[0] % 7 + 1;
  SitemapReader reader;
  for (std::size_t at = 0; at < size && !reader.done(); at += step) reader.feed(input.substr(at, step));
  const Sitemap chunked = reader.finish();
  check_sitemap(chunked);
  // The guards on a long token and on a bomb's ratio look at the stream where a chunk ends, so
  // one reading may stop a little before the other; what both read is the same.
  if (whole.error.empty() && chunked.error.empty()) {
    check(chunked.locations == whole.locations);
    check(chunked.truncated == whole.truncated);
  } else {
    const auto& shorter = chunked.locations.size() < whole.locations.size() ? chunked.locations : whole.locations;
    const auto& longer = chunked.locations.size() < whole.locations.size() ? whole.locations : chunked.locations;
    check(std::equal(shorter.begin(), shorter.end(), longer.begin()));
  }

  for (const std::string& url : robots_sitemaps(input)) check(is_http(url));
  return 0;
}
