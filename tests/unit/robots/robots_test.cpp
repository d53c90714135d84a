#include "robots/robots.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace volley;

namespace {

bool allowed(std::string_view body, std::string_view token, std::string_view path) {
  return RobotsRules::parse(body, token).allowed(path);
}

// One rule for every agent, to test matching alone.
bool rule_matches(std::string_view pattern, std::string_view path) {
  return !allowed("User-agent: *\nDisallow: " + std::string(pattern) + "\n", "volley", path);
}

}  // namespace

TEST_CASE("robots: the product token is the User-Agent's first token") {
  CHECK(robots_product_token("volley/0.1.0") == "volley");
  CHECK(robots_product_token("Mozilla/5.0 (compatible; x)") == "Mozilla");
  CHECK(robots_product_token("my_bot-2") == "my_bot-");
  CHECK(robots_product_token("ExampleBot") == "ExampleBot");
  CHECK(robots_product_token("").empty());
  CHECK(robots_product_token("/x").empty());
}

// RFC 9309 section 5.1.
TEST_CASE("robots: RFC 9309's simple example") {
  const std::string body =
      "User-Agent: *\n"
      "Disallow: *.gif$\n"
      "Disallow: /example/\n"
      "Allow: /publications/\n"
      "\n"
      "User-Agent: foobot\n"
      "Disallow:/\n"
      "Allow:/example/page.html\n"
      "Allow:/example/allowed.gif\n"
      "\n"
      "User-Agent: barbot\n"
      "User-Agent: bazbot\n"
      "Disallow: /example/page.html\n"
      "\n"
      "User-Agent: quxbot\n"
      "\n"
      "EOF\n";

  // foobot may fetch exactly two paths.
  const RobotsRules foobot = RobotsRules::parse(body, "foobot");
  CHECK(foobot.allowed("/example/page.html"));
  CHECK(foobot.allowed("/example/allowed.gif"));
  CHECK_FALSE(foobot.allowed("/"));
  CHECK_FALSE(foobot.allowed("/example/"));
  CHECK_FALSE(foobot.allowed("/publications/"));
  CHECK_FALSE(foobot.allowed("/example/page.htm"));

  // barbot and bazbot share one group, and do not fall back to `*`.
  for (const char* bot : {"barbot", "bazbot", "BazBot"}) {
    const RobotsRules rules = RobotsRules::parse(body, bot);
    CHECK_FALSE(rules.allowed("/example/page.html"));
    CHECK(rules.allowed("/example/"));
    CHECK(rules.allowed("/image.gif"));
    CHECK(rules.allowed("/"));
  }

  // quxbot's group is empty: everything is allowed, `*` does not apply.
  const RobotsRules quxbot = RobotsRules::parse(body, "quxbot");
  CHECK(quxbot.allowed("/example/page.html"));
  CHECK(quxbot.allowed("/image.gif"));
  CHECK(quxbot.rule_count() == 0);

  // Any other crawler gets the `*` group.
  const RobotsRules other = RobotsRules::parse(body, "volley");
  CHECK_FALSE(other.allowed("/image.gif"));
  CHECK(other.allowed("/image.gif?size=2"));
  CHECK_FALSE(other.allowed("/example/"));
  CHECK_FALSE(other.allowed("/example/page.html"));
  CHECK(other.allowed("/publications/"));
  CHECK(other.allowed("/publications/cover.gif"));  // the Allow is longer than "*.gif$"
  CHECK(other.allowed("/"));
}

// RFC 9309 section 5.2.
TEST_CASE("robots: RFC 9309's longest match example") {
  const RobotsRules rules = RobotsRules::parse(
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n",
      "foobot");
  CHECK(rules.allowed("/example/page/"));
  CHECK(rules.allowed("/example/page/allowed.gif"));
  CHECK_FALSE(rules.allowed("/example/page/disallowed.gif"));
  CHECK(rules.allowed("/example/"));  // no rule matches
}

// RFC 9309 section 2.2.2: the table of a rule's path, its encoded form, and what it matches.
TEST_CASE("robots: RFC 9309's percent-encoding table") {
  CHECK(rule_matches("/foo/bar?baz=quz", "/foo/bar?baz=quz"));
  CHECK(rule_matches("/foo/bar/\xE3\x83\x84", "/foo/bar/%E3%83%84"));
  CHECK(rule_matches("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"));
  CHECK(rule_matches("/foo/bar/%62%61%7A", "/foo/bar/baz"));
  // The same comparisons with the other side encoded, and with lower-case hex.
  CHECK(rule_matches("/foo/bar/%E3%83%84", "/foo/bar/\xE3\x83\x84"));
  CHECK(rule_matches("/foo/bar/%e3%83%84", "/foo/bar/%E3%83%84"));
  CHECK(rule_matches("/foo/bar/baz", "/foo/bar/%62%61%7a"));
  CHECK_FALSE(rule_matches("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%85"));
}

// The older table (draft-koster-robots-00) that RFC 9309's rules still satisfy: escapes compare
// case-insensitively, an escaped unreserved character equals itself, "/" is not "%2F".
TEST_CASE("robots: escaped and literal spellings of a path") {
  CHECK(rule_matches("/tmp", "/tmp"));
  CHECK(rule_matches("/tmp", "/tmp.html"));
  CHECK(rule_matches("/tmp", "/tmp/a.html"));
  CHECK_FALSE(rule_matches("/tmp/", "/tmp"));
  CHECK(rule_matches("/tmp/", "/tmp/"));
  CHECK(rule_matches("/tmp/", "/tmp/a.html"));
  CHECK(rule_matches("/a%3cd.html", "/a%3cd.html"));
  CHECK(rule_matches("/a%3Cd.html", "/a%3cd.html"));
  CHECK(rule_matches("/a%3cd.html", "/a%3Cd.html"));
  CHECK(rule_matches("/a%3Cd.html", "/a%3Cd.html"));
  CHECK(rule_matches("/a%2fb.html", "/a%2fb.html"));
  CHECK_FALSE(rule_matches("/a%2fb.html", "/a/b.html"));
  CHECK_FALSE(rule_matches("/a/b.html", "/a%2fb.html"));
  CHECK(rule_matches("/a/b.html", "/a/b.html"));
  CHECK(rule_matches("/%7ejoe/index.html", "/~joe/index.html"));
  CHECK(rule_matches("/~joe/index.html", "/%7Ejoe/index.html"));
  // A character a URI cannot hold literally equals its escape; a lone '%' equals "%25".
  CHECK(rule_matches("/a<b", "/a%3Cb"));
  CHECK(rule_matches("/100%", "/100%25"));
  CHECK(rule_matches("/100%25", "/100%"));
  CHECK(rule_matches("/%zz", "/%25zz"));
  CHECK(rule_matches("/a b", "/a%20b"));
}

// RFC 9309 section 2.2.3: special characters, and their escapes for literal use.
TEST_CASE("robots: '*' and '$' in patterns, %2A and %24 for literal ones") {
  CHECK(rule_matches("/this/*/exactly", "/this/path/exactly"));
  CHECK(rule_matches("/this/*/exactly", "/this//exactly"));
  CHECK_FALSE(rule_matches("/this/*/exactly", "/this/exactly"));
  CHECK(rule_matches("/this/path/exactly$", "/this/path/exactly"));
  CHECK_FALSE(rule_matches("/this/path/exactly$", "/this/path/exactly/"));
  CHECK_FALSE(rule_matches("/this/path/exactly$", "/this/path/exactly?q"));
  CHECK(rule_matches("/*.php$", "/a/b.php"));
  CHECK_FALSE(rule_matches("/*.php$", "/a/b.php5"));
  CHECK_FALSE(rule_matches("/*.php$", "/a/b.php?x=1"));
  CHECK(rule_matches("/*.php", "/a/b.php?x=1"));
  CHECK(rule_matches("/*.php", "/a.php.html"));
  CHECK(rule_matches("*", "/anything"));
  CHECK(rule_matches("/*$", "/"));
  CHECK(rule_matches("/a**b", "/a-x-b"));
  CHECK(rule_matches("/*?", "/page?q=1"));
  CHECK_FALSE(rule_matches("/*?", "/page"));
  // Literal '*' and '$' are written %2A and %24, and match both spellings in the URL.
  CHECK(rule_matches("/path/file-with-a-%2A.html", "/path/file-with-a-*.html"));
  CHECK(rule_matches("/path/file-with-a-%2A.html", "/path/file-with-a-%2a.html"));
  CHECK_FALSE(rule_matches("/path/file-with-a-%2A.html", "/path/file-with-a-b.html"));
  CHECK(rule_matches("/path/foo-%24", "/path/foo-$"));
  CHECK_FALSE(rule_matches("/path/foo-%24", "/path/foo-"));
  // A '$' that does not end the pattern is a literal one.
  CHECK(rule_matches("/a$b", "/a$b"));
  CHECK(rule_matches("/a$b", "/a%24b"));
  CHECK_FALSE(rule_matches("/a$b", "/a"));
  // Rules are kept side by side: one ending in '*' leaves the next one's leading '*' alone.
  CHECK_FALSE(allowed("User-agent: *\nDisallow: /a*\nDisallow: *.gif\n", "volley", "/x.gif"));
  // The pattern matches from the start of the path only.
  CHECK_FALSE(rule_matches("/b", "/a/b"));
}

TEST_CASE("robots: the longest match decides and Allow wins a tie") {
  const std::string body =
      "User-agent: *\n"
      "Allow: /\n"
      "Disallow: /cgi-bin\n"
      "Allow: /page\n"
      "Disallow: /page\n"
      "Disallow: /*.pdf$\n"
      "Allow: /docs/*.pdf$\n"
      "Allow: /x$\n"
      "Disallow: /x\n";
  CHECK(allowed(body, "volley", "/"));
  CHECK(allowed(body, "volley", "/index.html"));
  CHECK_FALSE(allowed(body, "volley", "/cgi-bin/run"));
  CHECK(allowed(body, "volley", "/page"));
  CHECK_FALSE(allowed(body, "volley", "/a/b.pdf"));
  CHECK(allowed(body, "volley", "/docs/b.pdf"));
  CHECK(allowed(body, "volley", "/x"));  // "/x$" is more specific than "/x"
  CHECK_FALSE(allowed(body, "volley", "/xy"));
  // The order of the lines does not matter.
  CHECK_FALSE(allowed("User-agent: *\nDisallow: /a/b\nAllow: /a\n", "volley", "/a/b"));
  CHECK_FALSE(allowed("User-agent: *\nAllow: /a\nDisallow: /a/b\n", "volley", "/a/b"));
}

TEST_CASE("robots: the group for the token, else `*`, else nothing") {
  const std::string body =
      "User-agent: *\n"
      "Disallow: /\n"
      "\n"
      "User-agent: other\n"
      "Disallow: /other\n"
      "\n"
      "User-agent: VOLLEY/2.0\n"
      "Disallow: /private\n";
  CHECK(allowed(body, "volley", "/public"));  // its own group, not `*`
  CHECK_FALSE(allowed(body, "volley", "/private"));
  CHECK(allowed(body, "Volley", "/public"));  // case-insensitive
  CHECK_FALSE(allowed(body, "crawler", "/public"));  // `*`
  CHECK_FALSE(allowed(body, "", "/public"));          // no token: `*`
  // A longer token is another crawler's.
  CHECK_FALSE(allowed("User-agent: *\nDisallow: /\nUser-agent: volley-bot\nAllow: /\n", "volley", "/a"));
  // No group for the token and no `*` group: no rules apply.
  CHECK(allowed("User-agent: other\nDisallow: /\n", "volley", "/a"));
  CHECK(allowed("", "volley", "/a"));
  CHECK(RobotsRules().allowed("/a"));
}

TEST_CASE("robots: groups naming the same agent are merged (RFC 9309 2.2.1)") {
  const std::string body =
      "User-agent: volley\n"
      "Disallow: /a\n"
      "\n"
      "User-agent: *\n"
      "Disallow: /c\n"
      "\n"
      "user-agent: Volley\n"
      "Disallow: /b\n"
      "Crawl-delay: 2\n";
  const RobotsRules rules = RobotsRules::parse(body, "volley");
  CHECK_FALSE(rules.allowed("/a"));
  CHECK_FALSE(rules.allowed("/b"));
  CHECK(rules.allowed("/c"));
  CHECK(rules.crawl_delay() == 2.0);
  CHECK(rules.rule_count() == 2);
  // The same for `*` groups.
  const RobotsRules any = RobotsRules::parse("User-agent: *\nDisallow: /a\nUser-agent: x\nDisallow: /x\n"
                                             "User-agent: *\nDisallow: /b\n",
                                             "volley");
  CHECK_FALSE(any.allowed("/a"));
  CHECK_FALSE(any.allowed("/b"));
  CHECK(any.allowed("/x"));
}

TEST_CASE("robots: how lines form groups") {
  // Rules before any User-agent belong to no group.
  CHECK(allowed("Disallow: /\nUser-agent: *\nDisallow: /x\n", "volley", "/a"));
  // Blank lines, comments and Sitemap lines neither end a group nor split its User-agent lines.
  const std::string body =
      "User-agent: other\n"
      "\n"
      "# a comment\n"
      "Sitemap: https://example.com/sitemap.xml\n"
      "User-agent: volley\n"
      "\n"
      "Disallow: /a\n"
      "\n"
      "Disallow: /b\n"
      "User-agent: third\n"
      "Disallow: /c\n";
  for (const char* bot : {"volley", "other"}) {
    const RobotsRules rules = RobotsRules::parse(body, bot);
    CHECK_FALSE(rules.allowed("/a"));
    CHECK_FALSE(rules.allowed("/b"));
    CHECK(rules.allowed("/c"));
  }
  CHECK(RobotsRules::parse(body, "third").allowed("/a"));
  CHECK_FALSE(RobotsRules::parse(body, "third").allowed("/c"));
}

TEST_CASE("robots: syntax of the lines") {
  // Comments, spaces, tabs, key case; lines without a colon and unknown keys are ignored.
  const std::string body =
      "# robots.txt\n"
      "  USER-AGENT :\t* # everyone\n"
      "this line means nothing\n"
      "Noindex: /a\n"
      "DISALLOW:/a#comment\n"
      "disallow :   /b   \n"
      "Disallow: /c # Disallow: /d\n"
      "Disallow:\n"
      "Allow:\n";
  const RobotsRules rules = RobotsRules::parse(body, "volley");
  CHECK_FALSE(rules.allowed("/a"));
  CHECK_FALSE(rules.allowed("/b"));
  CHECK_FALSE(rules.allowed("/c"));
  CHECK(rules.allowed("/d"));
  CHECK(rules.allowed("/"));
  CHECK(rules.rule_count() == 3);
  // An empty Disallow allows everything.
  CHECK(allowed("User-agent: *\nDisallow:\n", "volley", "/anything"));
  CHECK(allowed("User-agent: *\nDisallow: # nothing\n", "volley", "/anything"));
}

TEST_CASE("robots: byte order mark and CR, LF or CRLF line ends") {
  for (const char* body : {"\xEF\xBB\xBFUser-agent: *\nDisallow: /a\nDisallow: /b",
                           "User-agent: *\r\nDisallow: /a\r\nDisallow: /b\r\n",
                           "User-agent: *\rDisallow: /a\rDisallow: /b\r",
                           "\xEF\xBB\xBFUser-agent: *\r\n\r\nDisallow: /a\rDisallow: /b\n"}) {
    const RobotsRules rules = RobotsRules::parse(body, "volley");
    CHECK_FALSE(rules.allowed("/a"));
    CHECK_FALSE(rules.allowed("/b"));
    CHECK(rules.allowed("/c"));
  }
}

TEST_CASE("robots: /robots.txt itself is always allowed") {
  const RobotsRules rules = RobotsRules::parse("User-agent: *\nDisallow: /\n", "volley");
  CHECK(rules.allowed("/robots.txt"));
  CHECK(rules.allowed("/robots.txt?x=1"));
  CHECK(rules.allowed("/%72obots.txt"));
  CHECK_FALSE(rules.allowed("/robots.txt.bak"));
  CHECK_FALSE(rules.allowed("/"));
  CHECK(RobotsRules::disallow_all().allowed("/robots.txt"));
  CHECK_FALSE(RobotsRules::disallow_all().allowed("/"));
  CHECK_FALSE(RobotsRules::disallow_all().allowed("/a?b"));
}

TEST_CASE("robots: the path as given") {
  const RobotsRules rules = RobotsRules::parse("User-agent: *\nDisallow: /$\nDisallow: /?\n", "volley");
  CHECK_FALSE(rules.allowed(""));  // an empty target is "/"
  CHECK_FALSE(rules.allowed("/"));
  CHECK_FALSE(rules.allowed("?q=1"));
  CHECK(rules.allowed("/a"));
}

TEST_CASE("robots: Crawl-delay") {
  const auto delay = [](std::string_view value) {
    return RobotsRules::parse("User-agent: *\nCrawl-delay: " + std::string(value) + "\n", "volley").crawl_delay();
  };
  CHECK(delay("10") == 10.0);
  CHECK(delay("2.5") == 2.5);
  CHECK(delay(".5") == 0.5);
  CHECK(delay("0") == 0.0);
  CHECK(delay("1 # comment") == 1.0);
  CHECK(delay("3600") == robots_max_crawl_delay);
  CHECK(delay("99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
              "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
              "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
              "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999") ==
        robots_max_crawl_delay);
  CHECK(delay("0." + std::string(400, '0') + "1") == 0.0);
  for (const char* bad : {"", "abc", "-1", "+1", "1e3", "inf", "nan", "1.2.3", ".", "1s", "1,5", "0x10"})
    CHECK_FALSE(delay(bad));
  // The largest of several; only the chosen group's.
  const std::string body =
      "User-agent: *\nCrawl-delay: 30\n"
      "User-agent: volley\nCrawl-delay: 1\nDisallow: /x\nCrawl-delay: 4\n"
      "User-agent: other\nDisallow: /\n";
  CHECK(RobotsRules::parse(body, "volley").crawl_delay() == 4.0);
  CHECK(RobotsRules::parse(body, "crawler").crawl_delay() == 30.0);
  CHECK_FALSE(RobotsRules::parse(body, "other").crawl_delay());
  CHECK_FALSE(RobotsRules().crawl_delay());
}

TEST_CASE("robots: only the first 500 KiB are read") {
  const std::string last = "Disallow: /last\n";
  std::string body = "User-agent: *\nDisallow: /first\n";
  const std::string filler = "# " + std::string(98, 'x') + "\n";
  while (body.size() + filler.size() + 200 < robots_parse_limit) body += filler;
  // Pad so that "/last" ends 15 bytes before the limit: the next line is cut after "Disallow: /cut-".
  body += "#" + std::string(robots_parse_limit - 15 - last.size() - body.size() - 2, 'y') + "\n";
  body += last;
  REQUIRE(body.size() == robots_parse_limit - 15);
  const std::string cut = body + "Disallow: /cut-by-the-limit\nDisallow: /beyond\n";

  const RobotsRules rules = RobotsRules::parse(cut, "volley");
  CHECK_FALSE(rules.allowed("/first"));
  CHECK_FALSE(rules.allowed("/last"));
  CHECK(rules.allowed("/cut-by-the-limit"));
  CHECK(rules.allowed("/cut-x"));  // the cut line is dropped, not read as a broader "/cut-"
  CHECK(rules.allowed("/beyond"));
  CHECK(rules.rule_count() == 2);
}

TEST_CASE("robots: a hostile file is bounded by the parse limit") {
  // 4 MiB of the shortest rules there are: only those in the first 500 KiB are kept.
  std::string body = "User-agent: *\n";
  while (body.size() < 4 * 1024 * 1024) body += "Allow:/\n";
  const RobotsRules rules = RobotsRules::parse(body, "volley");
  CHECK(rules.rule_count() <= robots_parse_limit / 8);
  CHECK(rules.rule_count() > robots_parse_limit / 8 - 10);
  CHECK(rules.allowed("/a"));
}

TEST_CASE("robots: wildcard matching does not backtrack") {
  // A backtracking matcher takes exponential time on these; this one is linear in each.
  std::string many_stars = "/";
  for (int i = 0; i < 2000; ++i) many_stars += "*a";
  std::string body = "User-agent: *\n";
  for (const std::string& pattern : {many_stars + "*b", many_stars + "$", "/*" + std::string(3000, 'a') + "b*",
                                     std::string("/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")})
    body += "Disallow: " + pattern + "\n";
  for (int i = 0; i < 200; ++i) body += "Disallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*" + std::to_string(i) + "\n";
  const RobotsRules rules = RobotsRules::parse(body, "volley");

  const std::string path = "/" + std::string(8000, 'a');
  const auto start = std::chrono::steady_clock::now();
  bool verdict = false;
  for (int i = 0; i < 20; ++i) verdict = rules.allowed(path);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(verdict);  // many_stars + "$" matches a long enough run of 'a's
  CHECK(rules.allowed("/" + std::string(1000, 'a') + "c"));
  // Milliseconds when linear; a backtracking matcher would not finish at all. Generous for a
  // loaded machine and sanitizers.
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("robots: what a fetch of /robots.txt means (RFC 9309 2.3.1)") {
  CHECK(robots_fetch_policy(200) == RobotsFetchPolicy::parse);
  CHECK(robots_fetch_policy(204) == RobotsFetchPolicy::parse);
  for (long status : {301L, 302L, 308L, 400L, 401L, 403L, 404L, 410L, 429L, 499L})
    CHECK(robots_fetch_policy(status) == RobotsFetchPolicy::allow_all);
  for (long status : {500L, 502L, 503L, 599L, 0L, 100L, 199L, 600L, 999L})
    CHECK(robots_fetch_policy(status) == RobotsFetchPolicy::disallow_all);
  CHECK(robots_fetch_policy(std::nullopt) == RobotsFetchPolicy::disallow_all);
  CHECK(robots_max_redirects == 5);

  const std::string body = "User-agent: *\nDisallow: /private\n";
  CHECK_FALSE(robots_from_fetch(200, body, "volley").allowed("/private"));
  CHECK(robots_from_fetch(200, body, "volley").allowed("/public"));
  CHECK(robots_from_fetch(200, "", "volley").allowed("/private"));
  CHECK(robots_from_fetch(404, body, "volley").allowed("/private"));  // the body of a 404 is no robots.txt
  CHECK(robots_from_fetch(403, body, "volley").allowed("/private"));
  CHECK_FALSE(robots_from_fetch(503, "", "volley").allowed("/public"));
  CHECK_FALSE(robots_from_fetch(std::nullopt, "", "volley").allowed("/public"));
  CHECK(robots_from_fetch(503, "", "volley").allowed("/robots.txt"));
}
