#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// What --robots needs to know about one URL: whose robots.txt applies and what to ask it.
struct RobotsTarget {
  std::string origin;          // "http://example.com:80": scheme, lower-cased host and port (the
                               // default one written out), the unit robots.txt governs
  std::string robots_url;      // origin + "/robots.txt", without the URL's user name or password
  std::string path_and_query;  // "/a/b?q=1" as the URL spells it, for RobotsRules::allowed()
};

/// nullopt for what libcurl cannot parse and for schemes other than http and https.
std::optional<RobotsTarget> robots_target(std::string_view url);

}  // namespace volley
