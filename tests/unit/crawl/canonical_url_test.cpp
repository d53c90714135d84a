#include "crawl/canonical_url.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace volley;

namespace {

struct Case {
  const char* url;
  const char* canonical;
};

void check_table(const std::vector<Case>& table) {
  for (const Case& c : table) {
    INFO(c.url);
    const std::optional<std::string> got = canonical_url(c.url);
    REQUIRE(got);
    CHECK(*got == c.canonical);
    // A canonical form is its own canonical form: the seen set never holds two keys for one page.
    CHECK(canonical_url(*got) == got);
  }
}

}  // namespace

TEST_CASE("canonical_url: RFC 3986 6.2.2.1, the case of the scheme, the host and the escapes' hex") {
  check_table({
      {"HTTP://www.EXAMPLE.com/", "http://www.example.com/"},
      {"hTTpS://Example.COM/Path", "https://example.com/Path"},  // the path keeps its case
      {"http://example.com/a%3ab%2fc", "http://example.com/a%3Ab%2Fc"},
      {"http://example.com/?q=%e2%82%ac", "http://example.com/?q=%E2%82%AC"},
  });
}

TEST_CASE("canonical_url: RFC 3986 6.2.2.2, escapes of unreserved characters are decoded") {
  check_table({
      {"http://example.com/%7Esmith/home.html", "http://example.com/~smith/home.html"},
      {"http://example.com/%41%62%2D%2e%5F%7e%30", "http://example.com/Ab-._~0"},
      {"http://example.com/?%61=%62", "http://example.com/?a=b"},
      // Reserved characters stay escaped: "%2F" is not a path separator, "%26" not a separator.
      {"http://example.com/a%2Fb?x=1%262", "http://example.com/a%2Fb?x=1%262"},
  });
}

TEST_CASE("canonical_url: RFC 3986 6.2.2.3, dot segments are removed (5.2.4's examples)") {
  check_table({
      {"http://a/a/b/c/./../../g", "http://a/a/g"},
      {"http://a/b/c/./g", "http://a/b/c/g"},
      {"http://a/b/c/../g", "http://a/b/g"},
      {"http://a/b/c/..", "http://a/b/"},
      {"http://a/b/c/.", "http://a/b/c/"},
      {"http://a/../../g", "http://a/g"},
      {"http://a/..", "http://a/"},
      {"http://a/b//../g", "http://a/b/g"},
      {"http://a/b/..g/.g/g.", "http://a/b/..g/.g/g."},  // not dot segments
      // After decoding, as 6.2.2.3 orders it: "%2E%2E" is "..".
      {"http://a/b/c/%2E%2e/g", "http://a/b/g"},
      {"http://a/b/./?x=./..", "http://a/b/?x=./.."},  // the query is no path
  });
}

TEST_CASE("canonical_url: RFC 3986 6.2.3, the scheme's default port and empty path") {
  check_table({
      {"http://example.com", "http://example.com/"},
      {"http://example.com/", "http://example.com/"},
      {"http://example.com:/", "http://example.com/"},
      {"http://example.com:80/", "http://example.com/"},
      {"http://example.com:0080", "http://example.com/"},
      {"https://example.com:443/x", "https://example.com/x"},
      {"https://example.com:80/x", "https://example.com:80/x"},
      {"http://example.com:443/x", "http://example.com:443/x"},
      {"http://example.com:8080", "http://example.com:8080/"},
      {"http://example.com?x=1", "http://example.com/?x=1"},
      {"http://example.com#top", "http://example.com/"},
  });
}

TEST_CASE("canonical_url: what may not stand raw is percent-encoded") {
  check_table({
      {"http://a/r\xC3\xA9sum\xC3\xA9", "http://a/r%C3%A9sum%C3%A9"},
      {"http://a/a b", "http://a/a%20b"},
      {"http://a/\x01\x7F", "http://a/%01%7F"},
      {"http://a/{x}|\"<>^`\\[]", "http://a/%7Bx%7D%7C%22%3C%3E%5E%60%5C%5B%5D"},
      {"http://a/100%", "http://a/100%25"},  // a "%" that escapes nothing
      {"http://a/%zz%4", "http://a/%25zz%254"},
      {"http://a/!$&'()*+,;=:@", "http://a/!$&'()*+,;=:@"},  // sub-delims, ":" and "@" stand raw
      {"http://a/?u=http://b/?c", "http://a/?u=http://b/?c"},  // "/" and "?" may stand in a query
  });
}

TEST_CASE("canonical_url: a query's space is \"+\", as forms send it and Scrapy writes it") {
  check_table({
      {"http://a/?q=x%20y", "http://a/?q=x+y"},
      {"http://a/?q=x y", "http://a/?q=x+y"},
      {"http://a/?q=x+y", "http://a/?q=x+y"},
      {"http://a/?q=x%2By", "http://a/?q=x%2By"},  // an escaped plus sign stays one
      {"http://a/x%20y", "http://a/x%20y"},         // a path's space is no "+"
  });
}

TEST_CASE("canonical_url: the fragment and an empty query are dropped") {
  check_table({
      {"http://a/p#frag", "http://a/p"},
      {"http://a/p?#frag", "http://a/p"},
      {"http://a/p?", "http://a/p"},
      {"http://a/p?&&", "http://a/p"},
      {"http://a/p?x=1#a?b=2", "http://a/p?x=1"},
  });
}

TEST_CASE("canonical_url: query parameters are sorted by name, then value; blank values are kept") {
  check_table({
      {"http://a/?b=2&a=1", "http://a/?a=1&b=2"},
      {"http://www.example.com/do?c=3&b=5&b=2&a=50", "http://www.example.com/do?a=50&b=2&b=5&c=3"},  // Scrapy's doc
      {"http://a/?a=2&a=1&a=2", "http://a/?a=1&a=2&a=2"},  // repeats are kept: a server may count them
      {"http://a/?b=&a", "http://a/?a&b="},
      {"http://a/?a=&a", "http://a/?a&a="},
      {"http://a/?a-b=1&a=1", "http://a/?a=1&a-b=1"},  // by name first, not by the whole "k=v"
      {"http://a/?b=1&&a=1&", "http://a/?a=1&b=1"},
  });
}

TEST_CASE("canonical_url: the authority, userinfo, IPv6 and IDN hosts") {
  check_table({
      {"http://User:Pa%73s@Example.COM/", "http://User:Pa%73s@example.com/"},  // userinfo as written
      {"http://u:p@ss@a/", "http://u:p@ss@a/"},                                  // the last "@" ends it
      {"http://[FE80::1]/", "http://[fe80::1]/"},
      {"http://[::1]:8080/x", "http://[::1]:8080/x"},
      {"https://[::1]:443", "https://[::1]/"},
      {"http://B\xC3\xBC" "cher.Example/", "http://b\xC3\xBC" "cher.example/"},  // IDN: ASCII lowered only
      {"http://127.0.0.1:80/", "http://127.0.0.1/"},
  });
}

TEST_CASE("canonical_url: nothing for what is no absolute http(s) URL") {
  for (const char* url : {"", "ftp://a/", "mailto:a@b", "javascript:void(0)", "data:text/plain,x", "tel:123",
                          "/relative", "//a/b", "http:/a", "http:a", "httpx://a/", "http:///x", "http://:80/",
                          "http://a:x/", "http://a:65536/", "http://a:123456/", "http://[::1/", "http://[::1]x/",
                          "http://[]/", "http://a b/", "http://a\t/"}) {
    INFO(url);
    CHECK_FALSE(canonical_url(url));
  }
  CHECK(canonical_url("http://a:65535/") == "http://a:65535/");
}

TEST_CASE("canonical_url: duplicates in every canonical form have one key") {
  const std::vector<std::string> spellings = {
      "http://example.com/a/b?x=1&y=2",
      "HTTP://EXAMPLE.COM/a/b?x=1&y=2",
      "http://example.com:80/a/b?x=1&y=2",
      "http://example.com/a/./b?x=1&y=2",
      "http://example.com/a/c/../b?x=1&y=2",
      "http://example.com/%61/b?x=1&y=2",
      "http://example.com/a/b?y=2&x=1",
      "http://example.com/a/b?x=1&y=2#part",
      "http://example.com/a/b?x=%31&&y=2",
  };
  std::set<std::string> keys;
  std::set<std::uint64_t> fingerprints;
  for (const std::string& url : spellings) {
    const auto c = canonical_url(url);
    REQUIRE(c);
    keys.insert(*c);
    fingerprints.insert(url_fingerprint(*c));
  }
  CHECK(keys == std::set<std::string>{"http://example.com/a/b?x=1&y=2"});
  CHECK(fingerprints.size() == 1);
  // And pages that differ keep apart: the scheme, the path's case, a trailing "/", the port.
  for (const char* other : {"https://example.com/a/b?x=1&y=2", "http://example.com/A/b?x=1&y=2",
                            "http://example.com/a/b/?x=1&y=2", "http://example.com:8080/a/b?x=1&y=2",
                            "http://example.com/a/b?x=1&y=2&y=2", "http://example.com/a%2Fb?x=1&y=2"}) {
    INFO(other);
    CHECK(*canonical_url(other) != "http://example.com/a/b?x=1&y=2");
  }
}

TEST_CASE("canonical_url: any spelling's canonical form is its own, over random URLs") {
  // Pieces that meet every rule: case, escapes good and bad, dot segments, ports, queries, bytes.
  const std::vector<std::string> pieces = {"/", "a", "B", ".", "..", "%", "%2e", "%2E", "%41", "%7e", "%2f", "%zz",
                                           "%2", "?", "&", "=", "#", "+", " ", "%20", "\xC3\xA9", "\x01", ";", ":",
                                           "@", "[", "]", "~", "//", "/./", "/../", "%25"};
  const std::vector<std::string> heads = {"http://a", "HTTPS://Ex.COM:443", "http://u:p@h:0080", "http://[::1]:8080",
                                          "http://h:"};
  std::uint32_t state = 12345;
  const auto next = [&state](std::size_t n) {
    state = state * 1664525u + 1013904223u;  // a fixed LCG: the same URLs in every run
    return static_cast<std::size_t>(state >> 8) % n;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string url = heads[next(heads.size())] + "/";
    const std::size_t n = next(12);
    for (std::size_t k = 0; k < n; ++k) url += pieces[next(pieces.size())];
    const std::optional<std::string> once = canonical_url(url);
    REQUIRE(once);
    INFO(url << " -> " << *once);
    REQUIRE(canonical_url(*once) == once);
    REQUIRE(once->find('#') == std::string::npos);
    REQUIRE(std::none_of(once->begin(), once->end(), [](char c) {
      return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F;
    }));
  }
}

TEST_CASE("url_fingerprint: the first 8 bytes of SHA-256, the same in every run") {
  // python3 -c "import hashlib; print(hashlib.sha256(b'http://example.com/').hexdigest()[:16])"
  CHECK(url_fingerprint("http://example.com/") == 0x2a1b402420ef4657ull);
  CHECK(url_fingerprint("http://example.com/a") != url_fingerprint("http://example.com/b"));
}

TEST_CASE("split_http_url: the parts, as views") {
  const auto p = split_http_url("HTTPS://u:p@[::1]:8443/a/b?q=1#f");
  REQUIRE(p);
  CHECK(p->scheme == "HTTPS");
  CHECK(p->userinfo == "u:p");
  CHECK(p->host == "[::1]");
  CHECK(p->port == "8443");
  CHECK(p->host_and_port() == "[::1]:8443");
  CHECK(p->path == "/a/b");
  CHECK(p->query == "q=1");
  const auto bare = split_http_url("http://a:#x");
  REQUIRE(bare);
  CHECK(bare->host_and_port() == "a");
  CHECK(bare->path.empty());
  CHECK_FALSE(bare->has_query);
}

// Not run by default: build/volley_tests "[.bench-fingerprint]" prints the cost per URL that the
// comment above url_fingerprint quotes.
TEST_CASE("canonical_url: cost per URL", "[.bench-fingerprint]") {
  std::vector<std::string> urls;
  for (int i = 0; i < 100000; ++i)
    urls.push_back("http://Example.com/section-" + std::to_string(i % 97) + "/page-" + std::to_string(i) +
                   ".html?b=2&a=" + std::to_string(i));
  // Processor time, not wall time: the machine is shared, and a wall clock counts the others' turns.
  const auto clock_now = [] { return std::clock(); };
  std::vector<std::string> canonical;
  canonical.reserve(urls.size());
  auto t0 = clock_now();
  for (const auto& u : urls) canonical.push_back(*canonical_url(u));
  auto t1 = clock_now();
  std::uint64_t sum = 0;
  for (const auto& c : canonical) sum += url_fingerprint(c);
  auto t2 = clock_now();
  const auto ns = [&](std::clock_t a, std::clock_t b) {
    return 1e9 * static_cast<double>(b - a) / CLOCKS_PER_SEC / static_cast<double>(urls.size());
  };
  WARN("canonical_url: " << ns(t0, t1) << " ns/URL; url_fingerprint: " << ns(t1, t2) << " ns/URL (" << sum % 10
                         << ", " << canonical.front().size() << " bytes)");
}
