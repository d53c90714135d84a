#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// The key under which a crawl fetches a URL once (docs/crawl.md, "Each page once"): scheme and
/// host lower-cased, the default port dropped, an empty path made "/", dot segments removed,
/// percent-encodings of unreserved characters decoded and the others' hex upper-cased, bytes that
/// may not stand raw percent-encoded, the fragment and an empty query dropped, query parameters
/// sorted. The userinfo is kept as written; an IDN host is not converted to punycode. nullopt when
/// `url` is no absolute http(s) URL or its authority is malformed (no host, a port that is no
/// number up to 65535). The URL fetched stays the one found: this form is only compared.
std::optional<std::string> canonical_url(std::string_view url);

/// A 64-bit fingerprint of a canonical URL: what the seen set keeps instead of the string. The
/// first 8 bytes of its SHA-256, so the same in every run (it is stored in --state files).
std::uint64_t url_fingerprint(std::string_view canonical);

/// An absolute http(s) URL's parts, as views into it, the delimiters left out; the fragment is
/// not kept. The one parser of the crawl's URL rules.
struct UrlParts {
  std::string_view scheme;    // as written: "http" or "https" in any case
  std::string_view userinfo;  // before the authority's last "@"
  std::string_view host;      // with the brackets of an IPv6 literal
  std::string_view port;      // the digits after the host's ":", possibly none
  std::string_view path;      // from the first "/" after the authority to "?" or "#"; may be empty
  std::string_view query;     // after the "?", up to "#"
  bool has_userinfo = false;
  bool has_query = false;

  /// The host and, when given, ":" and the port: what --scope host compares.
  std::string_view host_and_port() const {
    return {host.data(), static_cast<std::size_t>(port.data() + port.size() - host.data())};
  }
};

/// `url` split into its parts; nullopt when it does not start with "http://" or "https://" (any
/// case), has no host, or has something other than ":" and digits after its host.
std::optional<UrlParts> split_http_url(std::string_view url);

}  // namespace volley
