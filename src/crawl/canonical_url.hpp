#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// The key under which a crawl fetches a URL once (docs/crawl.md, "Each page once"): scheme and
/// host lower-cased, the default port dropped, dot segments removed, percent-encodings of
/// unreserved characters decoded and the others' hex upper-cased, the fragment and an empty query
/// dropped, query parameters sorted. nullopt when `url` is no absolute http(s) URL.
std::optional<std::string> canonical_url(std::string_view url);

/// A 64-bit fingerprint of a canonical URL: what the seen set keeps instead of the string.
std::uint64_t url_fingerprint(std::string_view canonical);

}  // namespace volley
