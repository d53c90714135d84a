#include "robots/robots_target.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("robots_target: origin, robots.txt URL and the path asked about") {
  const auto t = robots_target("http://Example.COM/a/b%7E?x=1&y=%2F#frag");
  REQUIRE(t);
  CHECK(t->origin == "http://example.com:80");
  CHECK(t->robots_url == "http://example.com:80/robots.txt");
  CHECK(t->path_and_query == "/a/b%7E?x=1&y=%2F");
}

TEST_CASE("robots_target: ports, credentials and IPv6 literals") {
  const auto https = robots_target("https://user:secret@host.example:8443");
  REQUIRE(https);
  CHECK(https->origin == "https://host.example:8443");
  CHECK(https->robots_url == "https://host.example:8443/robots.txt");
  CHECK(https->path_and_query == "/");
  CHECK(robots_target("https://host.example/")->origin == "https://host.example:443");
  // One origin per scheme: http and https of one host have separate robots.txt files.
  CHECK(robots_target("http://host.example/")->origin != robots_target("https://host.example/")->origin);

  const auto v6 = robots_target("http://[::1]:8080/p?q");
  REQUIRE(v6);
  CHECK(v6->origin == "http://[::1]:8080");
  CHECK(v6->path_and_query == "/p?q");
}

TEST_CASE("robots_target: what is not an http(s) URL") {
  CHECK_FALSE(robots_target("ftp://host.example/file"));
  CHECK_FALSE(robots_target("not a url"));
  CHECK_FALSE(robots_target(""));
}
