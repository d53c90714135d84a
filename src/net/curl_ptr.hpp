#pragma once

#include <curl/curl.h>

#include <memory>

namespace volley {

/// Owners for what libcurl's URL API hands out, freed with the function it asks for.
struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlFreeDeleter {
  void operator()(char* p) const { curl_free(p); }
};
/// A string from curl_url_get().
using CurlChars = std::unique_ptr<char, CurlFreeDeleter>;

/// One part of `u` as curl_url_get() gives it; null when `u` has no such part or libcurl fails.
inline CurlChars url_part(CURLU* u, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  const CURLUcode rc = curl_url_get(u, part, &text, flags);
  CurlChars owned(text);
  if (rc != CURLUE_OK) owned.reset();
  return owned;
}

}  // namespace volley
