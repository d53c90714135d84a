#include "crawl/canonical_url.hpp"

#include "net/sha256.hpp"

namespace volley {

std::optional<std::string> canonical_url(std::string_view url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return std::nullopt;
  return std::string(url.substr(0, url.find('#')));
}

std::uint64_t url_fingerprint(std::string_view canonical) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : canonical) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace volley
