#include "crawl/crawler.hpp"

#include "crawl/crawl_page.hpp"
#include "input/url_check.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

Job seed(const std::string& url, std::int32_t priority = 0) {
  ParsedLine p = parse_input_line(url);
  Job job;
  job.url = p.url;
  job.target = p.target;
  job.host_key = p.host_key;
  job.priority = priority;
  return job;
}

// The line of `job` as it goes out, with `links` found in its body.
Record line_of(const Job& job, std::vector<std::string> links) {
  Record r;
  r.seq = job.seq;
  r.url = job.url;
  r.crawl = job.crawl;
  r.extracted.links = std::move(links);
  return r;
}

std::vector<std::string> drain(Crawler& c) {
  std::vector<std::string> out;
  while (auto job = c.next()) out.push_back(job->url);
  return out;
}

std::uint64_t count(const Crawler& c, const std::string& why) {
  for (const auto& [name, n] : c.not_followed_counts())
    if (name == why) return n;
  FAIL("no reason " << why);
  return 0;
}

}  // namespace

TEST_CASE("crawler: seeds are depth 0 and number the crawl; links follow in the order found") {
  Options o;
  o.crawl = true;
  o.scope = "any";
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/", 7);
  REQUIRE(c.admit_seed(a));
  CHECK(a.seq == 1);
  CHECK(a.crawl->depth == 0);
  CHECK(a.crawl->parent.empty());
  CHECK(a.priority == 7);
  Job b = seed("http://b.test/");
  REQUIRE(c.admit_seed(b));
  CHECK(b.seq == 2);

  c.expand(line_of(a, {"http://a.test/1", "http://a.test/2", "http://b.test/"}));
  CHECK(c.pending() == 2);
  CHECK(count(c, "seen") == 1);
  auto j1 = c.next();
  REQUIRE(j1);
  CHECK(j1->url == "http://a.test/1");
  CHECK(j1->seq == 3);
  CHECK(j1->host_key == "a.test:80");
  CHECK(j1->crawl->depth == 1);
  CHECK(j1->crawl->parent == "http://a.test/");
  // Breadth-first for the scheduler too: a page's priority is its seed's less its depth.
  CHECK(j1->priority == 6);
  c.expand(line_of(*j1, {"http://a.test/1/x"}));
  CHECK(drain(c) == std::vector<std::string>{"http://a.test/2", "http://a.test/1/x"});
}

TEST_CASE("crawler: the links of a page at --depth are not followed") {
  Options o;
  o.crawl = true;
  o.depth = 1;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  c.expand(line_of(a, {"http://a.test/1"}));
  auto j1 = c.next();
  REQUIRE(j1);
  c.expand(line_of(*j1, {"http://a.test/2", "http://a.test/3"}));
  CHECK_FALSE(c.next());
  CHECK(count(c, "depth") == 2);
}

TEST_CASE("crawler: --depth 0 fetches the seeds only") {
  Options o;
  o.crawl = true;
  o.depth = 0;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  c.expand(line_of(a, {"http://a.test/1"}));
  CHECK(c.pending() == 0);
}

TEST_CASE("crawler: --max-pages counts seeds and links; exactly N pages") {
  Options o;
  o.crawl = true;
  o.max_pages = 3;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  c.expand(line_of(a, {"http://a.test/1", "http://a.test/2", "http://a.test/3"}));
  CHECK(drain(c).size() == 2);
  Job b = seed("http://a.test/b");
  CHECK_FALSE(c.admit_seed(b));
  CHECK(count(c, "budget") == 2);
}

TEST_CASE("crawler: --max-pages-per-host") {
  Options o;
  o.crawl = true;
  o.scope = "any";
  o.max_pages_per_host = 2;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  c.expand(line_of(a, {"http://a.test/1", "http://a.test/2", "http://b.test/1", "http://b.test/2", "http://b.test/3"}));
  CHECK(drain(c) == std::vector<std::string>{"http://a.test/1", "http://b.test/1", "http://b.test/2"});
}

TEST_CASE("crawler: a seed or link seen before makes no page; a redirect's target is seen") {
  Options o;
  o.crawl = true;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  Job again = seed("http://a.test/#top");
  CHECK_FALSE(c.admit_seed(again));
  CHECK(c.may_follow_redirect(a, "http://a.test/moved"));
  CHECK_FALSE(c.may_follow_redirect(a, "http://a.test/moved"));
  c.expand(line_of(a, {"http://a.test/moved", "http://a.test/new"}));
  CHECK(drain(c) == std::vector<std::string>{"http://a.test/new"});
  // The redirect's target is not counted: the page it ends has its line, the 3xx.
  CHECK(count(c, "seen") == 2);
}

TEST_CASE("crawler: a redirect out of its seed's scope is not followed") {
  Options o;
  o.crawl = true;
  Crawler c(o, CrawlRules(o));
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  CHECK_FALSE(c.may_follow_redirect(a, "http://elsewhere.test/"));
  // A job outside a crawl (none) is not the crawler's to judge.
  Job plain = seed("http://b.test/");
  CHECK(c.may_follow_redirect(plain, "http://elsewhere.test/"));
}

TEST_CASE("crawler: a bad line read takes its place in the crawl's count") {
  Options o;
  o.crawl = true;
  Crawler c(o, CrawlRules(o));
  Job bad;
  c.number(bad);
  Job a = seed("http://a.test/");
  REQUIRE(c.admit_seed(a));
  CHECK(bad.seq == 1);
  CHECK(a.seq == 2);
}

TEST_CASE("crawler: with --robots, nofollow links and the links of a nofollow page are not followed") {
  for (const bool robots : {true, false}) {
    Options o;
    o.crawl = true;
    o.robots = robots;
    Crawler c(o, CrawlRules(o));
    Job a = seed("http://a.test/");
    REQUIRE(c.admit_seed(a));
    Record r = line_of(a, {"http://a.test/1", "http://a.test/2", "http://a.test/3"});
    r.extracted.link_nofollow = {false, true, false};
    r.extracted.other_schemes = 2;  // mailto: and javascript: links, never among the links
    c.expand(r);
    const std::vector<std::string> first = robots ? std::vector<std::string>{"http://a.test/1", "http://a.test/3"}
                                                  : std::vector<std::string>{"http://a.test/1", "http://a.test/2", "http://a.test/3"};
    CHECK(drain(c) == first);
    CHECK(count(c, "nofollow") == (robots ? 1 : 0));
    CHECK(count(c, "scheme") == 2);

    // A nofollow page (its robots meta tag): none of its links, whatever their rel.
    Job b = seed("http://a.test/meta");
    REQUIRE(c.admit_seed(b));
    Record m = line_of(b, {"http://a.test/4", "http://a.test/5"});
    m.extracted.nofollow = true;
    c.expand(m);
    CHECK(drain(c).size() == (robots ? 0u : 2u));
    CHECK(count(c, "nofollow") == (robots ? 3 : 0));
  }
}
