#include "crawl/crawl_rules.hpp"

#include "crawl/canonical_url.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace volley;

namespace {

Options with_scope(const std::string& scope) {
  Options o;
  o.crawl = true;
  o.scope = scope;
  return o;
}

// What check() says of `url` found on a page of a crawl seeded by `seed`.
std::optional<NotFollowed> verdict(const CrawlRules& rules, const std::string& seed, const std::string& url) {
  const std::optional<std::string> canonical = canonical_url(url);
  return rules.check(url, canonical ? *canonical : std::string(), rules.scope_root(seed));
}

bool follows(const CrawlRules& rules, const std::string& seed, const std::string& url) {
  return !verdict(rules, seed, url);
}

}  // namespace

TEST_CASE("crawl_rules: --scope host is the seed's host and port, whatever the scheme") {
  const CrawlRules rules(with_scope("host"));
  CHECK(rules.scope_root("http://Example.COM:80/a/b?x") == "example.com");
  CHECK(rules.scope_root("https://example.com/") == "example.com");
  CHECK(rules.scope_root("http://example.com:8080/") == "example.com:8080");
  CHECK(rules.scope_root("http://[::1]:8080/") == "[::1]:8080");
  const std::string seed = "http://example.com/start";
  CHECK(follows(rules, seed, "http://example.com/other/page"));
  CHECK(follows(rules, seed, "https://EXAMPLE.com:443/x"));  // a move to https stays on the site
  CHECK(follows(rules, seed, "http://user@example.com/x"));  // userinfo is no part of the host
  CHECK(verdict(rules, seed, "http://example.com:8080/") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://www.example.com/") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://example.org/") == NotFollowed::scope);
  // An explicit port that is another scheme's default is that port, not "no port".
  CHECK(verdict(rules, seed, "http://example.com:443/") == NotFollowed::scope);
}

TEST_CASE("crawl_rules: --scope prefix is the seed's directory (wget's --no-parent)") {
  const CrawlRules rules(with_scope("prefix"));
  const std::string seed = "http://Example.com/docs/guide/index.html?x=1";
  CHECK(rules.scope_root(seed) == "//example.com/docs/guide/");
  CHECK(rules.scope_root("http://example.com") == "//example.com/");
  CHECK(rules.scope_root("http://example.com:8080/a/./b/../c") == "//example.com:8080/a/");
  CHECK(follows(rules, seed, "http://example.com/docs/guide/"));
  CHECK(follows(rules, seed, "http://example.com/docs/guide/part/2.html?y"));
  CHECK(follows(rules, seed, "https://example.com/docs/guide/x"));
  CHECK(follows(rules, seed, "http://example.com/docs/other/../guide/x"));  // compared canonical
  CHECK(verdict(rules, seed, "http://example.com/docs/guide") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://example.com/docs/guidebook/") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://example.com/docs/") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://example.com:8080/docs/guide/x") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://other.com/docs/guide/x") == NotFollowed::scope);
  CHECK(follows(rules, "http://example.com/", "http://example.com/any/where"));
}

TEST_CASE("crawl_rules: --scope domain is the registrable domain by the Public Suffix List") {
  const CrawlRules rules(with_scope("domain"));
  CHECK(rules.scope_root("http://a.example.co.uk/") == "example.co.uk");
  CHECK(rules.scope_root("https://WWW.Example.com:8443/") == "example.com");
  CHECK(follows(rules, "http://a.example.co.uk/", "http://b.example.co.uk/x"));
  CHECK(follows(rules, "http://a.example.co.uk/", "https://example.co.uk:8443/"));
  CHECK(follows(rules, "http://a.example.co.uk/", "http://deep.er.example.co.uk/"));
  CHECK(verdict(rules, "http://example.co.uk/", "http://other.co.uk/") == NotFollowed::scope);
  CHECK(verdict(rules, "http://example.co.uk/", "http://example.co.uk.evil.com/") == NotFollowed::scope);
  CHECK(verdict(rules, "http://example.co.uk/", "http://co.uk/") == NotFollowed::scope);
  CHECK(verdict(rules, "http://example.co.uk/", "http://badexample.co.uk/") == NotFollowed::scope);
  // An IP address has no registrable domain: the address itself, any port.
  CHECK(rules.scope_root("http://127.0.0.1:8080/") == "127.0.0.1");
  CHECK(follows(rules, "http://127.0.0.1:8080/", "http://127.0.0.1:9090/x"));
  CHECK(verdict(rules, "http://127.0.0.1:8080/", "http://127.0.0.2:8080/") == NotFollowed::scope);
  CHECK(verdict(rules, "http://127.0.0.1/", "http://0.0.1/") == NotFollowed::scope);
  CHECK(rules.scope_root("http://[::1]:8080/") == "[::1]");
  // Nor has a host that is itself a public suffix, as "localhost" is (no rule lists it, and the
  // list's default rule makes every unlisted top-level label one): the host itself.
  CHECK(rules.scope_root("http://localhost:8080/") == "localhost");
  CHECK(follows(rules, "http://localhost:8080/", "http://localhost:9090/"));
  CHECK(verdict(rules, "http://localhost:8080/", "http://a.localhost/") == NotFollowed::scope);
}

TEST_CASE("crawl_rules: --scope any has an empty root and follows every host") {
  const CrawlRules rules(with_scope("any"));
  CHECK(rules.scope_root("http://example.com/a/") == "");
  CHECK(follows(rules, "http://example.com/", "https://elsewhere.org:8443/x"));
}

TEST_CASE("crawl_rules: an unknown --scope is refused") {
  CHECK_THROWS_AS(CrawlRules(with_scope("site")), std::runtime_error);
}

TEST_CASE("crawl_rules: --include and --exclude match the canonical URL, partially") {
  Options o = with_scope("any");
  o.include = {"/docs/", "\\.html$"};
  o.exclude = {"[?&]print=", "^https://"};
  const CrawlRules rules(o);
  const std::string seed = "http://a/";
  CHECK(follows(rules, seed, "http://a/docs/x"));
  CHECK(follows(rules, seed, "http://a/page.html"));
  CHECK(follows(rules, seed, "http://a/%64ocs/x"));  // canonical: "/docs/"
  CHECK(verdict(rules, seed, "http://a/other") == NotFollowed::excluded);
  CHECK(verdict(rules, seed, "http://a/page.html#x") == std::nullopt);  // no fragment in the canonical
  CHECK(verdict(rules, seed, "http://a/docs/x?print=1") == NotFollowed::excluded);
  CHECK(verdict(rules, seed, "http://a/docs/x?a=1&print=1") == NotFollowed::excluded);
  CHECK(verdict(rules, seed, "HTTPS://a/docs/x") == NotFollowed::excluded);  // canonical: lower-case scheme

  Options only_exclude = with_scope("any");
  only_exclude.exclude = {"logout"};
  const CrawlRules rules2(only_exclude);
  CHECK(follows(rules2, seed, "http://a/anything"));
  CHECK(verdict(rules2, seed, "http://a/user/logout?next=/") == NotFollowed::excluded);
}

TEST_CASE("crawl_rules: a bad pattern names its flag") {
  Options o = with_scope("host");
  o.include = {"ok", "(unclosed"};
  try {
    CrawlRules rules(o);
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).rfind("--include \"(unclosed\": missing )", 0) == 0);
  }
  Options x = with_scope("host");
  x.exclude = {"a**"};
  CHECK_THROWS_WITH(CrawlRules(x), Catch::StartsWith("--exclude \"a**\": "));
}

TEST_CASE("crawl_rules: trap guards") {
  const CrawlRules rules(with_scope("any"));
  const std::string seed = "http://a/";
  SECTION("a URL longer than 2,000 characters, canonical") {
    const std::string base = "http://a/";
    CHECK(follows(rules, seed, base + std::string(2000 - base.size(), 'x')));
    CHECK(verdict(rules, seed, base + std::string(2001 - base.size(), 'x')) == NotFollowed::trap);
    // The fragment is no part of it.
    CHECK(follows(rules, seed, base + std::string(1990 - base.size(), 'x') + "#" + std::string(100, 'f')));
  }
  SECTION("a path segment more than three times") {
    CHECK(follows(rules, seed, "http://a/a/x/x/x/"));
    CHECK(verdict(rules, seed, "http://a/a/x/x/x/x/") == NotFollowed::trap);
    CHECK(verdict(rules, seed, "http://a/x/a/x/b/x/c/x") == NotFollowed::trap);  // not only in a row
    CHECK(verdict(rules, seed, "http://a/x/x/%78/x") == NotFollowed::trap);      // compared canonical
    CHECK(follows(rules, seed, "http://a/x//////y"));  // empty segments are no segment
  }
  SECTION("a path deeper than 32 segments") {
    std::string url = "http://a";
    for (int i = 0; i < 32; ++i) url += "/s" + std::to_string(i);
    CHECK(follows(rules, seed, url));
    CHECK(follows(rules, seed, url + "?q=/x/y"));  // slashes in the query are no segments
    CHECK(verdict(rules, seed, url + "/") == NotFollowed::trap);
  }
  SECTION("a query parameter more than three times") {
    CHECK(follows(rules, seed, "http://a/?p=1&p=1&p=1&q=2"));
    CHECK(verdict(rules, seed, "http://a/?p=1&q=2&p=1&p=2&p=1") == NotFollowed::trap);
    CHECK(verdict(rules, seed, "http://a/?p&p=&p=1&p") == NotFollowed::trap);
    CHECK(follows(rules, seed, "http://a/?a=1&b=1&c=1&d=1&e=1&f=1"));
  }
  SECTION("a percent sign encoded three times over") {
    CHECK(follows(rules, seed, "http://a/?next=%2Fx%253Fy"));
    CHECK(verdict(rules, seed, "http://a/?next=%2Fx%25253Fy") == NotFollowed::trap);
    CHECK(verdict(rules, seed, "http://a/p%2525") == NotFollowed::trap);
  }
}

TEST_CASE("crawl_rules: the order of the checks is scheme, trap, scope, excluded") {
  Options o = with_scope("host");
  o.exclude = {"."};
  const CrawlRules rules(o);
  const std::string seed = "http://a/";
  CHECK(rules.check("mailto:x@a", "", rules.scope_root(seed)) == NotFollowed::scheme);
  CHECK(rules.check("ftp://a/", "ftp://a/", rules.scope_root(seed)) == NotFollowed::scheme);
  CHECK(verdict(rules, seed, "http://b/x/x/x/x") == NotFollowed::trap);
  CHECK(verdict(rules, seed, "http://b/") == NotFollowed::scope);
  CHECK(verdict(rules, seed, "http://a/") == NotFollowed::excluded);
}

TEST_CASE("crawl_rules: every reason has its summary key") {
  CHECK(not_followed_name(NotFollowed::scheme) == "scheme");
  CHECK(not_followed_name(NotFollowed::scope) == "scope");
  CHECK(not_followed_name(NotFollowed::excluded) == "excluded");
  CHECK(not_followed_name(NotFollowed::depth) == "depth");
  CHECK(not_followed_name(NotFollowed::trap) == "trap");
  CHECK(not_followed_name(NotFollowed::nofollow) == "nofollow");
  CHECK(not_followed_name(NotFollowed::budget) == "budget");
  CHECK(not_followed_name(NotFollowed::seen) == "seen");
  CHECK(not_followed_name(NotFollowed::robots) == "robots");
}
