#include "robots_target.hpp"

#include "ascii.hpp"

#include <curl/curl.h>

#include <memory>

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::optional<std::string> part(CURLU* u, CURLUPart which, unsigned int flags = 0) {
  char* text = nullptr;
  std::optional<std::string> out;
  if (curl_url_get(u, which, &text, flags) == CURLUE_OK && text) out = text;
  curl_free(text);
  return out;
}

std::string lowered(std::string s) {
  for (char& c : s) c = ascii_lower(c);
  return s;
}

}  // namespace

std::optional<RobotsTarget> robots_target(std::string_view url) {
  const std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) return std::nullopt;
  const auto scheme = part(u.get(), CURLUPART_SCHEME);
  // IPv6 literals come back in brackets, so "host:port" stays unambiguous.
  const auto host = part(u.get(), CURLUPART_HOST);
  const auto port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  const auto path = part(u.get(), CURLUPART_PATH);
  if (!scheme || !host || !port || !path) return std::nullopt;
  const std::string lower_scheme = lowered(*scheme);
  if (lower_scheme != "http" && lower_scheme != "https") return std::nullopt;

  RobotsTarget target;
  target.origin = lower_scheme + "://" + lowered(*host) + ":" + *port;
  target.robots_url = target.origin + "/robots.txt";
  target.path_and_query = *path;
  if (const auto query = part(u.get(), CURLUPART_QUERY)) target.path_and_query += "?" + *query;
  return target;
}
