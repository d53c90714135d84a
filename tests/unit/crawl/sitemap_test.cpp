#include "crawl/sitemap.hpp"

#include "robots/robots.hpp"
#include "util/rss.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <chrono>
#include <string>

using namespace volley;

namespace {

std::string gzipped(std::string_view plain, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string urlset(std::string_view entries) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">)" +
         std::string(entries) + "</urlset>\n";
}

std::string url_entry(std::string_view loc) { return "<url><loc>" + std::string(loc) + "</loc></url>\n"; }

using Locations = std::vector<std::string>;

}  // namespace

TEST_CASE("sitemap: a urlset's locations, in document order") {
  const Sitemap s = read_sitemap(urlset(
      "<url><loc>https://example.com/</loc><lastmod>2024-01-01</lastmod><priority>0.5</priority></url>\n"
      "<url><changefreq>daily</changefreq><loc>\n  http://example.com/b?x=1&amp;y=2  \n</loc></url>\n"));
  CHECK(s.error.empty());
  CHECK_FALSE(s.index);
  CHECK_FALSE(s.truncated);
  CHECK(s.locations == Locations{"https://example.com/", "http://example.com/b?x=1&y=2"});
}

TEST_CASE("sitemap: an index's locations are sitemaps") {
  const Sitemap s = read_sitemap(
      R"(<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.com/a.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
<sitemap><loc>https://example.com/b.xml.gz</loc></sitemap></sitemapindex>)");
  CHECK(s.error.empty());
  CHECK(s.index);
  CHECK(s.locations == Locations{"https://example.com/a.xml", "https://example.com/b.xml.gz"});
}

TEST_CASE("sitemap: only a <loc> directly in a <url> (or an index's <sitemap>) counts") {
  const Sitemap s = read_sitemap(urlset(
      "<loc>https://example.com/stray</loc>"
      "<url><image:image xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">"
      "<image:loc>https://example.com/pic.jpg</image:loc></image:image>"
      "<loc>https://example.com/page</loc></url>"
      "<sitemap><loc>https://example.com/wrong-kind</loc></sitemap>"));
  CHECK(s.error.empty());
  CHECK(s.locations == Locations{"https://example.com/page"});
}

TEST_CASE("sitemap: gzip, read by its magic bytes, whole or a byte at a time") {
  std::string entries;
  for (int i = 0; i < 3000; ++i) entries += url_entry("https://example.com/p/" + std::to_string(i));
  const std::string body = gzipped(urlset(entries));
  REQUIRE(body.size() < 3000 * 20);

  const Sitemap whole = read_sitemap(body);
  CHECK(whole.error.empty());
  REQUIRE(whole.locations.size() == 3000);
  CHECK(whole.locations.back() == "https://example.com/p/2999");

  SitemapReader reader;
  for (const char c : body) reader.feed(std::string_view(&c, 1));
  const Sitemap bytewise = reader.finish();
  CHECK(bytewise.error.empty());
  CHECK(bytewise.locations == whole.locations);
}

TEST_CASE("sitemap: plain XML a byte at a time") {
  const std::string body = urlset(url_entry("https://example.com/a") + url_entry("https://example.com/b"));
  SitemapReader reader;
  for (const char c : body) reader.feed(std::string_view(&c, 1));
  CHECK(reader.finish().locations == Locations{"https://example.com/a", "https://example.com/b"});
}

TEST_CASE("sitemap: a broken or cut gzip stream is an error, what came before kept") {
  std::string entries;
  for (int i = 0; i < 2000; ++i) entries += url_entry("https://example.com/p/" + std::to_string(i));
  const std::string body = gzipped(urlset(entries));
  const Sitemap cut = read_sitemap(std::string_view(body).substr(0, body.size() / 2));
  CHECK_FALSE(cut.error.empty());
  CHECK_FALSE(cut.locations.empty());

  std::string corrupt = body;
  corrupt[20] ^= 0x55;
  corrupt[21] ^= 0x55;
  CHECK_FALSE(read_sitemap(corrupt).error.empty());
}

TEST_CASE("sitemap: namespace prefixes and none are the same elements") {
  const Sitemap prefixed = read_sitemap(
      R"(<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
<sm:url><sm:loc>https://example.com/a</sm:loc></sm:url></sm:urlset>)");
  CHECK(prefixed.error.empty());
  CHECK(prefixed.locations == Locations{"https://example.com/a"});

  const Sitemap bare = read_sitemap("<urlset><url><loc>https://example.com/b</loc></url></urlset>");
  CHECK(bare.locations == Locations{"https://example.com/b"});

  const Sitemap unbound = read_sitemap("<x:sitemapindex><x:sitemap><x:loc>https://example.com/c.xml</x:loc></x:sitemap></x:sitemapindex>");
  CHECK(unbound.index);
  CHECK(unbound.locations == Locations{"https://example.com/c.xml"});
}

TEST_CASE("sitemap: CDATA, character references and predefined entities are decoded") {
  const Sitemap s = read_sitemap(urlset(
      url_entry("<![CDATA[https://example.com/a?x=1&y=2]]>") + url_entry("https://example.com/b?x=1&#38;y=&#x32;") +
      url_entry("https://example.com/&quot;c&apos;&lt;&gt;") + url_entry("https://ex<!-- a comment -->ample.com/d")));
  CHECK(s.error.empty());
  CHECK(s.locations == Locations{"https://example.com/a?x=1&y=2", "https://example.com/b?x=1&y=2",
                                 "https://example.com/\"c'<>", "https://example.com/d"});
}

TEST_CASE("sitemap: locations that are not absolute http(s) URLs are dropped") {
  const Sitemap s = read_sitemap(urlset(
      url_entry("/relative") + url_entry("ftp://example.com/f") + url_entry("javascript:alert(1)") +
      url_entry("mailto:a@example.com") + url_entry("") + url_entry("https://") + url_entry("HTTPS://example.com/up") +
      url_entry("http://example.com/ok")));
  CHECK(s.error.empty());
  CHECK(s.locations == Locations{"HTTPS://example.com/up", "http://example.com/ok"});
}

TEST_CASE("sitemap: 50,000 locations at most, the rest ignored") {
  std::string entries;
  for (std::size_t i = 0; i < sitemap_max_urls + 10; ++i) entries += url_entry("https://example.com/" + std::to_string(i));
  const Sitemap s = read_sitemap(urlset(entries));
  CHECK(s.error.empty());
  CHECK(s.truncated);
  REQUIRE(s.locations.size() == sitemap_max_urls);
  CHECK(s.locations.back() == "https://example.com/" + std::to_string(sitemap_max_urls - 1));

  std::string exact;
  for (std::size_t i = 0; i < sitemap_max_urls; ++i) exact += url_entry("https://example.com/" + std::to_string(i));
  const Sitemap full = read_sitemap(urlset(exact));
  CHECK_FALSE(full.truncated);
  CHECK(full.locations.size() == sitemap_max_urls);
}

TEST_CASE("sitemap: 50 MB of XML at most, the locations before the cap kept") {
  // Comments are tokens of their own, so the padding stays under the longest-token guard.
  const std::string padding = "<!--" + std::string(1000, 'x') + "-->\n";
  std::string body = "<urlset>" + url_entry("https://example.com/first");
  while (body.size() < sitemap_max_bytes + 4096) body += padding;
  body += url_entry("https://example.com/past-the-cap") + "</urlset>";
  const Sitemap s = read_sitemap(body);
  CHECK(s.error.empty());
  CHECK(s.truncated);
  CHECK(s.locations == Locations{"https://example.com/first"});
}

TEST_CASE("sitemap: a gzip bomb stops early, quickly, in bounded memory") {
  // 64 MiB of white space inside a valid <urlset>: well-formed all the way, ~64 KB compressed.
  const std::size_t inflated = std::size_t{64} << 20;
  std::string plain = "<urlset>" + url_entry("https://example.com/a");
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string bomb(1u << 21, '\0');
  zs.next_out = reinterpret_cast<Bytef*>(bomb.data());
  zs.avail_out = static_cast<uInt>(bomb.size());
  zs.next_in = reinterpret_cast<Bytef*>(plain.data());
  zs.avail_in = static_cast<uInt>(plain.size());
  REQUIRE(deflate(&zs, Z_NO_FLUSH) == Z_OK);
  const std::string spaces(1u << 20, ' ');
  for (std::size_t done = 0; done < inflated; done += spaces.size()) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(spaces.data()));
    zs.avail_in = static_cast<uInt>(spaces.size());
    REQUIRE(deflate(&zs, Z_NO_FLUSH) == Z_OK);
  }
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  bomb.resize(zs.total_out);
  deflateEnd(&zs);

  const std::size_t rss_before = peak_rss_bytes();
  const auto start = std::chrono::steady_clock::now();
  const Sitemap s = read_sitemap(bomb);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(s.error.find("gzip bomb") != std::string::npos);
  CHECK(s.locations == Locations{"https://example.com/a"});
  CHECK(took < std::chrono::seconds(2));
  CHECK(peak_rss_bytes() - rss_before < (8u << 20));
}

TEST_CASE("sitemap: a long but honest gzip stream stops at the size cap, not as a bomb") {
  // Distinct URLs compress some 20:1, far from the ratio guard; 60 MB of them pass the 50 MB cap
  // before the 50,000-URL one, so the URLs are long.
  std::string entries;
  const std::string tail(1200, 'q');
  for (int i = 0; i < 49000; ++i) entries += url_entry("https://example.com/" + std::to_string(i * 7919) + "/" + tail);
  const Sitemap s = read_sitemap(gzipped(urlset(entries), Z_BEST_SPEED));
  INFO(s.error);
  CHECK(s.error.empty());
  CHECK(s.truncated);
  CHECK(s.locations.size() > 40000);
  CHECK(s.locations.size() < 49000);
}

TEST_CASE("sitemap: a piece of markup that never ends is refused quickly") {
  const auto start = std::chrono::steady_clock::now();
  SitemapReader reader;
  reader.feed("<urlset><url><loc>https://example.com/a</loc></url><!--");
  const std::string chunk(16 * 1024, 'x');
  for (int i = 0; i < 3200 && !reader.done(); ++i) reader.feed(chunk);  // 50 MB
  CHECK(reader.done());
  const Sitemap s = reader.finish();
  CHECK(s.error.find("markup longer than") != std::string::npos);
  CHECK(s.locations == Locations{"https://example.com/a"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("sitemap: a <loc> longer than the token limit is dropped, the rest read") {
  const Sitemap s = read_sitemap(
      urlset(url_entry("https://example.com/" + std::string(sitemap_max_token, 'a')) + url_entry("https://example.com/b")));
  CHECK(s.locations == Locations{"https://example.com/b"});
}

TEST_CASE("sitemap: broken XML and other documents are errors") {
  const Sitemap broken = read_sitemap(urlset(url_entry("https://example.com/a")) + "<url><loc>x</lo></url>");
  CHECK_FALSE(broken.error.empty());
  CHECK(broken.locations == Locations{"https://example.com/a"});

  CHECK_FALSE(read_sitemap("").error.empty());
  CHECK_FALSE(read_sitemap("<").error.empty());
  CHECK_FALSE(read_sitemap("<urlset><url><loc>https://example.com/a</loc></url>").error.empty());
  CHECK_FALSE(read_sitemap("User-agent: *\nDisallow:\n").error.empty());
  CHECK_FALSE(read_sitemap(std::string("\x1f\x8b", 2)).error.empty());

  const Sitemap html = read_sitemap("<html><body><a href='https://example.com/'>x</a></body></html>");
  CHECK(html.error.find("not a sitemap") != std::string::npos);
  CHECK(html.locations.empty());
}

TEST_CASE("sitemap: a DOCTYPE declaring entities is refused; none is expanded or fetched") {
  const std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<urlset><url><loc>https://example.com/&f;</loc></url></urlset>)";
  const Sitemap bomb = read_sitemap(laughs);
  CHECK(bomb.error.find("entities") != std::string::npos);
  CHECK(bomb.locations.empty());

  const Sitemap external = read_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<urlset><url><loc>https://example.com/&x;</loc></url></urlset>)");
  CHECK_FALSE(external.error.empty());
  CHECK(external.locations.empty());

  const Sitemap parameter = read_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset SYSTEM "http://127.0.0.1:1/never.dtd">
<urlset><url><loc>https://example.com/a</loc></url></urlset>)");
  CHECK(parameter.locations == Locations{"https://example.com/a"});
}

TEST_CASE("sitemap: robots.txt's Sitemap lines, anywhere, any case, absolute http(s) only") {
  const std::string robots =
      "\xEF\xBB\xBFSitemap: https://example.com/first.xml\n"
      "User-agent: *\n"
      "Disallow: /private\n"
      "  sitemap :   http://example.com/second.xml.gz   # trailing comment\r\n"
      "SITEMAP: /relative.xml\n"
      "Sitemap: ftp://example.com/no.xml\n"
      "Sitemaps: https://example.com/not-the-field.xml\n"
      "User-agent: other\n"
      "Sitemap:https://example.com/third.xml";
  CHECK(robots_sitemaps(robots) ==
        Locations{"https://example.com/first.xml", "http://example.com/second.xml.gz", "https://example.com/third.xml"});
  CHECK(robots_sitemaps("").empty());
}

TEST_CASE("sitemap: robots.txt is read up to its parse limit only") {
  std::string robots = "Sitemap: https://example.com/a.xml\n";
  robots += std::string(robots_parse_limit, '\n');
  robots += "Sitemap: https://example.com/past-the-limit.xml\n";
  CHECK(robots_sitemaps(robots) == Locations{"https://example.com/a.xml"});
}
