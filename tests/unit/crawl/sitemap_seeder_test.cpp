#include "crawl/sitemap_seeder.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

Job seed_job(const std::string& url) {
  Job job;
  job.url = job.target = url;
  return job;
}

Record answer(long status, std::string body) {
  Record r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::vector<Job> drain(SitemapSeeder& s) {
  std::vector<Job> out;
  while (auto job = s.next_fetch()) out.push_back(std::move(*job));
  return out;
}

std::string urlset(const std::vector<std::string>& locs) {
  std::string body = "<urlset>";
  for (const auto& l : locs) body += "<url><loc>" + l + "</loc></url>";
  return body + "</urlset>";
}

std::string index_of(const std::vector<std::string>& locs) {
  std::string body = "<sitemapindex>";
  for (const auto& l : locs) body += "<sitemap><loc>" + l + "</loc></sitemap>";
  return body + "</sitemapindex>";
}

}  // namespace

TEST_CASE("sitemap seeder: one robots.txt an origin, its Sitemap: lines, then the pages listed") {
  SitemapSeeder s(false);
  s.seed(seed_job("http://a.test/x"), "root-a", 3);
  s.seed(seed_job("http://a.test/y"), "root-a", 3);
  std::vector<Job> fetches = drain(s);
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].url == "http://a.test:80/robots.txt");
  CHECK(fetches[0].sitemap == SitemapFetch::robots_txt);
  CHECK(s.pending() == 0);

  std::vector<SitemapSeeder::Found> found;
  s.fetched(fetches[0], answer(200, "User-agent: *\nSitemap: http://a.test/index.xml\n"), found);
  fetches = drain(s);
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].url == "http://a.test/index.xml");
  CHECK(fetches[0].sitemap == SitemapFetch::top);
  CHECK(fetches[0].priority == 3);

  s.fetched(fetches[0], answer(200, index_of({"http://a.test/one.xml", "http://a.test/two.xml.gz"})), found);
  CHECK(found.empty());
  fetches = drain(s);
  REQUIRE(fetches.size() == 2);
  CHECK(fetches[1].sitemap == SitemapFetch::nested);

  s.fetched(fetches[0], answer(200, urlset({"http://a.test/p1", "http://a.test/p2"})), found);
  // An index inside an index is not followed (sitemaps.org: one level).
  s.fetched(fetches[1], answer(200, index_of({"http://a.test/deeper.xml"})), found);
  CHECK(drain(s).empty());
  REQUIRE(found.size() == 2);
  CHECK(found[0].url == "http://a.test/p1");
  CHECK(found[0].sitemap == "http://a.test/one.xml");
  CHECK(found[0].scope_root == "root-a");
  CHECK(found[0].priority == 3);
}

TEST_CASE("sitemap seeder: no Sitemap: line, or no robots.txt, means /sitemap.xml") {
  SitemapSeeder s(false);
  s.seed(seed_job("https://a.test/"), "a", 0);
  s.seed(seed_job("https://b.test:8443/"), "b", 0);
  std::vector<Job> robots = drain(s);
  REQUIRE(robots.size() == 2);
  std::vector<SitemapSeeder::Found> found;
  s.fetched(robots[0], answer(200, "User-agent: *\nDisallow: /x\n"), found);
  s.fetched(robots[1], answer(404, "Sitemap: https://b.test:8443/ignored.xml\n"), found);
  const std::vector<Job> sitemaps = drain(s);
  REQUIRE(sitemaps.size() == 2);
  CHECK(sitemaps[0].url == "https://a.test/sitemap.xml");  // as a link would be written
  CHECK(sitemaps[1].url == "https://b.test:8443/sitemap.xml");
}

TEST_CASE("sitemap seeder: with --robots the gate's robots.txt is read, none fetched") {
  SitemapSeeder s(true);
  s.seed(seed_job("http://a.test/"), "a", 0);
  CHECK(drain(s).empty());
  s.robots_txt("http://other.test:80/robots.txt", 200, "Sitemap: http://other.test/s.xml\n");
  CHECK(drain(s).empty());  // not a seed's origin
  s.robots_txt("http://a.test:80/robots.txt", 200, "Sitemap: http://a.test/s.xml\n");
  s.robots_txt("http://a.test:80/robots.txt", 200, "Sitemap: http://a.test/again.xml\n");
  const std::vector<Job> fetches = drain(s);
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].url == "http://a.test/s.xml");
}

TEST_CASE("sitemap seeder: two sitemaps out at a time, 1,000 an origin, each once") {
  SitemapSeeder s(true);
  s.seed(seed_job("http://a.test/"), "a", 0);
  std::string robots;
  for (int i = 0; i < 1100; ++i) robots += "Sitemap: http://a.test/s" + std::to_string(i % 1050) + ".xml\n";
  s.robots_txt("http://a.test:80/robots.txt", 200, robots);
  std::vector<Job> out = drain(s);
  REQUIRE(out.size() == SitemapSeeder::sitemap_fetches_at_once);
  CHECK(s.pending() == 998);

  std::vector<SitemapSeeder::Found> found;
  s.fetched(out[0], answer(503, ""), found);
  s.dropped(out[1]);
  std::size_t total = out.size();
  while (s.pending() > 0) {
    out = drain(s);
    REQUIRE_FALSE(out.empty());
    total += out.size();
    for (const Job& j : out) s.fetched(j, answer(200, urlset({})), found);
  }
  CHECK(total == SitemapSeeder::sitemap_max_per_origin);
  CHECK(found.empty());
}
