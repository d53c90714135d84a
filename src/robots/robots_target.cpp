#include "robots/robots_target.hpp"

#include "net/curl_ptr.hpp"
#include "util/ascii.hpp"

namespace volley {

namespace {

std::optional<std::string> part(CURLU* u, CURLUPart which, unsigned int flags = 0) {
  const CurlChars text = url_part(u, which, flags);
  if (!text) return std::nullopt;
  return std::string(text.get());
}

}  // namespace

std::optional<RobotsTarget> robots_target(std::string_view url) {
  const CurlUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) return std::nullopt;
  const auto scheme = part(u.get(), CURLUPART_SCHEME);
  // IPv6 literals come back in brackets, so "host:port" stays unambiguous.
  const auto host = part(u.get(), CURLUPART_HOST);
  const auto port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  const auto path = part(u.get(), CURLUPART_PATH);
  if (!scheme || !host || !port || !path) return std::nullopt;
  const std::string lower_scheme = ascii_lowered(*scheme);
  if (lower_scheme != "http" && lower_scheme != "https") return std::nullopt;

  RobotsTarget target;
  target.origin = lower_scheme + "://" + ascii_lowered(*host) + ":" + *port;
  target.robots_url = target.origin + "/robots.txt";
  target.path_and_query = *path;
  if (const auto query = part(u.get(), CURLUPART_QUERY)) target.path_and_query += "?" + *query;
  return target;
}

}  // namespace volley
