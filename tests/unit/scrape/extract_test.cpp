#include "scrape/charset.hpp"
#include "scrape/extract.hpp"
#include "util/utf8.hpp"

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace volley;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(VOLLEY_FIXTURES) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ExtractConfig title_only() {
  ExtractConfig cfg;
  cfg.title = true;
  return cfg;
}

ExtractConfig links(ExtractConfig::Links which) {
  ExtractConfig cfg;
  cfg.links = which;
  return cfg;
}

std::optional<std::string> title_of(const std::string& body, std::string_view content_type = "text/html") {
  return extract(title_only(), body, content_type, "http://example.test/").title;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("extract: wants_body is on when any extraction is asked for") {
  ExtractConfig cfg;
  CHECK_FALSE(cfg.wants_body());
  CHECK(title_only().wants_body());
  CHECK(links(ExtractConfig::Links::anchors).wants_body());
  ExtractConfig with_pattern;
  REQUIRE_FALSE(with_pattern.add_pattern("x"));
  CHECK(with_pattern.wants_body());
}

TEST_CASE("extract: title of a page with unclosed tags") {
  const auto body = fixture("unclosed_tags.html");
  CHECK(title_of(body) == "Shop \xE2\x80\x93 Home");
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://shop.example/dir/index.html");
  CHECK(got.links == Strings{"http://shop.example/a", "http://shop.example/dir/b.html", "http://shop.example/c?x=1&y=2"});
}

TEST_CASE("extract: a <title> in the body still counts, and the first of two wins") {
  CHECK(title_of(fixture("title_in_body.html")) == "Late title");
  CHECK(title_of(fixture("two_titles.html")) == "First");
}

TEST_CASE("extract: <title> in SVG or a <template> is not the document's title") {
  const auto body = fixture("svg_title_first.html");
  ExtractConfig cfg = title_only();
  cfg.links = ExtractConfig::Links::all;
  const auto got = extract(cfg, body, "text/html", "http://example.test/");
  CHECK(got.title == "Real");
  CHECK(got.links.empty());  // the only <a> is inside the <template>
}

TEST_CASE("extract: a title end tag hidden in a script, comment or attribute does not cut the page short") {
  // --title alone parses up to the first "</title>" and falls back to the whole page when that
  // prefix holds no title; each of these puts a false "</title>" first.
  CHECK(title_of("<script>var s = '</title>';</script><title>Real</title><p>x</p>") == "Real");
  CHECK(title_of("<!-- </title> --><title>Real</title><p>x</p>") == "Real");
  CHECK(title_of("<a title=\"</title>\">a</a><title>Real</title><p>x</p>") == "Real");
  CHECK(title_of("<textarea></title></textarea><title>Real</title><p>x</p>") == "Real");
  CHECK(title_of("<TITLE>Upper</TITLE >and the rest") == "Upper");
  CHECK(title_of("<title>A</titlex> B</title>rest") == "A</titlex> B");
}

TEST_CASE("extract: no <title> is nullopt, an empty one is an empty string") {
  CHECK(title_of("<html><body><p>hi</p></body></html>") == std::nullopt);
  CHECK(title_of("<title></title>") == std::string());
  CHECK(title_of("<title>  \t </title>") == std::string());
}

TEST_CASE("extract: entities in titles are decoded") {
  CHECK(title_of(fixture("entities.html")) ==
        "Fish & Chips \xC3\xA9 \xE2\x98\xBA <b> \xC2\xA9 \xC2\xA9 \xC2\xA0" "end");
}

TEST_CASE("extract: CR, LF and tabs in titles collapse to single spaces") {
  CHECK(title_of(fixture("crlf_title.html")) == "Line one Line two");
}

TEST_CASE("extract: a UTF-8 BOM wins over a <meta> charset and is not part of the text") {
  CHECK(title_of(fixture("bom_utf8.html")) == "Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC");
  CHECK(title_of(fixture("bom_utf8.html"), "") == "Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC");
}

TEST_CASE("extract: title from a windows-1252 page with no declaration") {
  CHECK(title_of("<title>Caf\xE9 \xFC" "ber</title>") == "Caf\xC3\xA9 \xC3\xBC" "ber");
  CHECK(title_of(fixture("cp1252_no_declaration.html")) ==
        "Caf\xC3\xA9 \xC3\xBC" "ber \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5");
  // An ISO-8859-1 label is read as windows-1252, as browsers do: 0x93 is a quote, not a C1 control.
  CHECK(title_of(fixture("cp1252_no_declaration.html"), "text/html; charset=ISO-8859-1") ==
        "Caf\xC3\xA9 \xC3\xBC" "ber \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5");
  // A label nobody knows is passed over.
  CHECK(title_of("<title>Caf\xE9</title>", "text/html; charset=\"x-bogus\"") == "Caf\xC3\xA9");
}

TEST_CASE("extract: a non-UTF-8 charset declared in <meta>") {
  CHECK(title_of(fixture("iso8859_15_meta.html")) == "Prix: 10 \xE2\x82\xAC \xC5\x93");
  CHECK(title_of(fixture("shift_jis_meta.html")) == "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x9A\xE3\x83\xBC\xE3\x82\xB8");
}

TEST_CASE("extract: the Content-Type charset wins over <meta>, and bad bytes become U+FFFD") {
  const auto title = title_of(fixture("shift_jis_meta.html"), "text/html;charset=UTF-8");
  REQUIRE(title);
  CHECK(is_valid_utf8(*title));
  CHECK(title->find("\xEF\xBF\xBD") != std::string::npos);
  // Declared ISO-8859-15 in the header: 0xA4 is the euro sign, not windows-1252's currency sign.
  CHECK(title_of("<title>\xA4</title>", "text/html; charset=iso-8859-15") == "\xE2\x82\xAC");
}

TEST_CASE("extract: charset sniffing order and labels") {
  CHECK(charset_from_label(" Latin1 ") == "CP1252");
  CHECK(charset_from_label("Shift_JIS") == "CP932");
  CHECK(charset_from_label("iso8859-2") == "ISO-8859-2");
  CHECK(charset_from_label("iso-8859-9") == "CP1254");
  CHECK(charset_from_label("x-cp1251") == "CP1251");
  CHECK(charset_from_label("utf-7") == "");
  CHECK(sniff_charset("\xFF\xFE<\0", "text/html; charset=utf-8", true) == "UTF-16LE");
  CHECK(sniff_charset("<meta charset=koi8-r>", "text/html", true) == "KOI8-R");
  CHECK(sniff_charset("<meta charset=koi8-r>", "text/plain", false) == "UTF-8");
  CHECK(sniff_charset("<meta http-equiv=refresh content='charset=koi8-r'>", "text/html", true) == "UTF-8");
  CHECK(sniff_charset("<!-- <meta charset=koi8-r> --><p title='<meta charset=koi8-r>'>", "", true) == "UTF-8");
  CHECK(sniff_charset("<meta charset=utf-16>\xE9", "text/html", true) == "UTF-8");
  CHECK(sniff_charset(std::string(1100, ' ') + "<meta charset=koi8-r>", "text/html", true) == "UTF-8");
  // A body cut at the size cap inside a character is still UTF-8.
  CHECK(sniff_charset("caf\xC3\xA9 \xE2\x82", "", false) == "UTF-8");
  CHECK(sniff_charset("caf\xE9", "", false) == "CP1252");
}

TEST_CASE("extract: conversion to UTF-8 replaces what cannot be read") {
  CHECK(to_utf8("a\xC3\xA9\xFF" "b\xED\xA0\x80", "UTF-8") == "a\xC3\xA9\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(to_utf8("\xEF\xBB\xBFx", "UTF-8") == "x");
  CHECK(to_utf8(std::string("\xFF\xFEh\0i\0", 6), "UTF-16LE") == "hi");
  CHECK(to_utf8(std::string("h\0\x00\xD8", 4), "UTF-16LE") == "h\xEF\xBF\xBD");  // lone surrogate at the end
  CHECK(to_utf8("\x82\xA0\x82", "CP932") == "\xE3\x81\x82\xEF\xBF\xBD");        // あ, then a cut character
  CHECK(to_utf8("\x81", "CP1252") == "\xEF\xBF\xBD");
}

TEST_CASE("extract: UTF-16 with a BOM") {
  const std::u16string text = u"<title>\u00C9t\u00E9 \u263A</title>";
  std::string body = "\xFF\xFE";
  for (char16_t c : text) {
    body += static_cast<char>(c & 0xFF);
    body += static_cast<char>(c >> 8);
  }
  CHECK(title_of(body) == "\xC3\x89t\xC3\xA9 \xE2\x98\xBA");
}

TEST_CASE("extract: links resolve against <base href> and keep only http(s)") {
  const auto body = fixture("links.html");
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html",
                           "http://site.example/app/start.html?from=x#f");
  CHECK(got.links == Strings{
                         "http://site.example/docs/v2/page.html",
                         "http://site.example/docs/up.html",
                         "http://site.example/root.html",
                         "http://other.example/x",
                         "http://site.example/docs/v2/index.html?q=1",
                         "http://site.example/docs/v2/index.html",
                         "https://secure.example/Path?A=B",
                         "http://site.example/docs/v2/spaced%20name.html",
                         "http://site.example/caf%c3%a9",
                     });
}

TEST_CASE("extract: --links=all adds stylesheets, scripts, images and frames in document order") {
  const auto body = fixture("links.html");
  const auto got = extract(links(ExtractConfig::Links::all), body, "text/html", "http://site.example/app/start.html");
  CHECK(got.links == Strings{
                         "http://site.example/docs/css/site.css",
                         "http://cdn.example.org/lib.js",
                         "http://site.example/docs/v2/page.html",
                         "http://site.example/docs/up.html",
                         "http://site.example/root.html",
                         "http://other.example/x",
                         "http://site.example/docs/v2/index.html?q=1",
                         "http://site.example/docs/v2/index.html",
                         "https://secure.example/Path?A=B",
                         "http://site.example/docs/v2/spaced%20name.html",
                         "http://site.example/caf%c3%a9",
                         "http://site.example/docs/v2/img/logo.png",
                         "http://site.example/frame.html",
                     });
}

TEST_CASE("extract: without <base>, links resolve against the final URL") {
  const std::string body =
      "<a href='../x'>1</a><a href='//host/x'>2</a><a href='?q'>3</a><a href='#frag'>4</a>"
      "<a href='#other'>5</a><a href='java\nscript:alert(1)'>6</a><a href='https://h/a\tb'>7</a>";
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "https://example.test/a/b/c?old#f");
  CHECK(got.links == Strings{"https://example.test/a/x", "https://host/x", "https://example.test/a/b/c?q",
                             "https://example.test/a/b/c?old", "https://h/ab"});
  // With no usable base URL only absolute links survive.
  const auto absolute = extract(links(ExtractConfig::Links::anchors), body, "text/html", "");
  CHECK(absolute.links == Strings{"https://h/ab"});
}

TEST_CASE("extract: links are normalised so equal URLs are equal strings") {
  const std::string body =
      "<a href='HTTPS://Example.COM:443/Up/../x/./Y'>1</a><a href='https://example.com/x/Y'>2</a>"
      "<a href='HTTP://Sub.Example.COM:80'>3</a><a href='http://example.com:8080/Path'>4</a>";
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://e.test/");
  CHECK(got.links == Strings{"https://example.com/x/Y", "http://sub.example.com/", "http://example.com:8080/Path"});
}

TEST_CASE("extract: a <base href> that is not http(s) is ignored") {
  const std::string body = "<base href='javascript:x'><a href='y'>y</a>";
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://e.test/d/");
  CHECK(got.links == Strings{"http://e.test/d/y"});
}

namespace {

ExtractConfig crawl_links() {
  ExtractConfig cfg = links(ExtractConfig::Links::anchors);
  cfg.crawl = true;
  return cfg;
}

bool page_nofollow(const std::string& body) { return extract(crawl_links(), body, "text/html", "http://e.test/").nofollow; }

using Flags = std::vector<bool>;

}  // namespace

TEST_CASE("extract: <meta name=robots> nofollow and none make the page nofollow; noindex alone does not") {
  CHECK(page_nofollow("<head><meta name='robots' content='nofollow'></head><a href=x>x</a>"));
  CHECK(page_nofollow("<meta name=ROBOTS content='NoIndex, NoFollow'>"));
  CHECK(page_nofollow("<meta name=robots content='noindex,nofollow'>"));
  CHECK(page_nofollow("<meta name=robots content='noindex nofollow'>"));  // as pages write it
  CHECK(page_nofollow("<meta name=robots content=none>"));
  CHECK(page_nofollow("<meta name=' Robots ' content=' nofollow '>"));
  // A meta in the body is still the page's (a browser's tree has it; so do search engines).
  CHECK(page_nofollow("<body><p>text<meta name=robots content=nofollow></p>"));
  // Directives add up over several tags.
  CHECK(page_nofollow("<meta name=robots content=noindex><meta name=robots content=nofollow>"));
  CHECK_FALSE(page_nofollow("<meta name=robots content=noindex><a href=x>x</a>"));
  CHECK_FALSE(page_nofollow("<meta name=robots content='index, follow, noarchive'>"));
  CHECK_FALSE(page_nofollow("<meta name=robots content=nofollowx>"));
  CHECK_FALSE(page_nofollow("<meta name=robots content=''>"));
  CHECK_FALSE(page_nofollow("<meta name=description content=nofollow>"));
  CHECK_FALSE(page_nofollow("<meta name=googlebot content=nofollow>"));  // robots only, for every agent
  CHECK_FALSE(page_nofollow("<meta http-equiv=robots content=nofollow>"));
  CHECK_FALSE(page_nofollow("<template><meta name=robots content=nofollow></template>"));
  CHECK_FALSE(page_nofollow("<!-- <meta name=robots content=nofollow> -->"));
  CHECK_FALSE(page_nofollow("<script>'<meta name=robots content=nofollow>'</script>"));
}

TEST_CASE("extract: rel=nofollow per link, a token of a space-separated list in any case") {
  const std::string body =
      "<a href=/1 rel=nofollow>1</a><a href=/2 rel='NoFollow external'>2</a><a href=/3 rel='external'>3</a>"
      "<a href=/4 rel=nofollowed>4</a><a href=/5 rel=' ugc\tnofollow\n'>5</a><a href=/6>6</a>"
      "<a href='mailto:x@e.test' rel=nofollow>m</a><a href=/7 rel='no-follow'>7</a>";
  const auto got = extract(crawl_links(), body, "text/html", "http://e.test/");
  CHECK(got.links == Strings{"http://e.test/1", "http://e.test/2", "http://e.test/3", "http://e.test/4",
                             "http://e.test/5", "http://e.test/6", "http://e.test/7"});
  // Parallel to the links: the mailto: link and its flag are both gone.
  CHECK(got.link_nofollow == Flags{true, true, false, false, true, false, false});
  CHECK_FALSE(got.nofollow);
}

TEST_CASE("extract: a URL linked with and without rel=nofollow is followable, in either order") {
  const std::string body =
      "<a href=/a rel=nofollow>1</a><a href=/a>2</a><a href=/b>3</a><a href=/b#x rel=nofollow>4</a>"
      "<a href=/c rel=nofollow>5</a><a href=/c rel=nofollow>6</a>";
  const auto got = extract(crawl_links(), body, "text/html", "http://e.test/");
  CHECK(got.links == Strings{"http://e.test/a", "http://e.test/b", "http://e.test/c"});
  CHECK(got.link_nofollow == Flags{false, false, true});
}

TEST_CASE("extract: a crawl counts the distinct links of other schemes") {
  const std::string body =
      "<a href='mailto:a@e.test'>1</a><a href='javascript:void(0)'>2</a><a href=' tel:+1'>3</a>"
      "<a href='mailto:a@e.test'>again</a><a href='ftp://e.test/x'>4</a><a href='data:text/plain,x'>5</a>"
      "<a href=/ok>ok</a><a href='1http:x'>relative</a><a href='java\nscript:x'>6</a>";
  const auto got = extract(crawl_links(), body, "text/html", "http://e.test/");
  CHECK(got.links == Strings{"http://e.test/ok"});
  CHECK(got.other_schemes == 6);  // "1http:x" names no scheme: a relative link libcurl refuses
  CHECK(extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://e.test/").other_schemes == 0);
}

TEST_CASE("extract: without ExtractConfig::crawl nothing is flagged and no flag is kept") {
  const std::string body = "<meta name=robots content=nofollow><a href=/1 rel=nofollow>1</a>";
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://e.test/");
  CHECK(got.links == Strings{"http://e.test/1"});
  CHECK(got.link_nofollow.empty());
  CHECK_FALSE(got.nofollow);
  // --links all: rel counts on <link> too, not on the elements where it means nothing.
  ExtractConfig all = crawl_links();
  all.links = ExtractConfig::Links::all;
  const auto resources = extract(all, "<link rel='nofollow stylesheet' href=/s.css><img rel=nofollow src=/i.png>",
                                 "text/html", "http://e.test/");
  CHECK(resources.links == Strings{"http://e.test/s.css", "http://e.test/i.png"});
  CHECK(resources.link_nofollow == Flags{true, false});
}

TEST_CASE("extract: title and links only from HTML; a bare '<' body counts as HTML") {
  ExtractConfig cfg = title_only();
  cfg.links = ExtractConfig::Links::anchors;
  const std::string body = "<title>T</title><a href='/x'>x</a>";
  CHECK_FALSE(extract(cfg, body, "text/plain", "http://e.test/").title);
  CHECK(extract(cfg, body, "text/plain", "http://e.test/").links.empty());
  CHECK(extract(cfg, body, "application/xhtml+xml; charset=utf-8", "http://e.test/").title == "T");
  CHECK(extract(cfg, "  \n" + body, "", "http://e.test/").links == Strings{"http://e.test/x"});
  CHECK_FALSE(extract(cfg, "<?xml version='1.0'?><title>T</title>", "", "http://e.test/").title);
}

TEST_CASE("extract: named and unnamed patterns, group 1 or the whole match") {
  ExtractConfig cfg;
  REQUIRE_FALSE(cfg.add_pattern(R"(money=(\d+) EUR)"));
  REQUIRE_FALSE(cfg.add_pattern(R"([a-z]+-\d+)"));
  REQUIRE_FALSE(cfg.add_pattern("tag", R"(tax: \d+)"));
  const auto got = extract(cfg, "total: 12 EUR, tax: 3 EUR, id=abc-42\n", "text/plain", "");
  using Matches = std::vector<std::pair<std::string, Strings>>;
  CHECK(got.matches == Matches{{"money", {"12", "3"}}, {R"([a-z]+-\d+)", {"abc-42"}}, {"tag", {"tax: 3"}}});
  CHECK_FALSE(got.title);
}

TEST_CASE("extract: refused patterns say why") {
  ExtractConfig cfg;
  const auto bad = cfg.add_pattern("x=(");
  REQUIRE(bad);
  CHECK(bad->find("missing )") != std::string::npos);
  CHECK(cfg.add_pattern(""));
  CHECK(cfg.add_pattern("name="));
  REQUIRE_FALSE(cfg.add_pattern("a=b"));
  CHECK(cfg.add_pattern("a=c"));  // the same name twice
  CHECK(cfg.patterns.size() == 1);
  CHECK(cfg.patterns[0].name == "a");
  const auto got = extract(cfg, "abc", "text/plain", "");  // "a=b" is the regex "b" named "a"
  REQUIRE(got.matches.size() == 1);
  CHECK(got.matches[0].second == std::vector<std::string>{"b"});
}

TEST_CASE("extract: matches run on UTF-8 text, capped per pattern, never empty") {
  ExtractConfig cfg;
  cfg.max_matches = 2;
  REQUIRE_FALSE(cfg.add_pattern("word=(?i)(caf.|.ber|na.ve)"));
  REQUIRE_FALSE(cfg.add_pattern("x*"));
  REQUIRE_FALSE(cfg.add_pattern(R"(first=^<(\w+))"));
  REQUIRE_FALSE(cfg.add_pattern(R"(opt=a(z)?b)"));
  const auto got = extract(cfg, fixture("cp1252_no_declaration.html"), "text/html", "");
  REQUIRE(got.matches.size() == 4);
  CHECK(got.matches[0].second == Strings{"Caf\xC3\xA9", "\xC3\xBC" "ber"});
  CHECK(got.matches[1].second.empty());
  CHECK(got.matches[2].second == Strings{"html"});
  CHECK(got.matches[3].second.empty());
  const auto ab = extract(cfg, "ab azb", "text/plain", "");
  CHECK(ab.matches[3].second == Strings{"", "z"});  // group 1 did not take part in the first
}

TEST_CASE("extract: a 5 MB page") {
  std::string body = "<!DOCTYPE html><html><head><title>Big\npage</title></head><body>\n";
  std::size_t n = 0;
  while (body.size() < 5u << 20) {
    body += "<div class=\"row\"><p>Lorem ipsum dolor sit amet, caf\xC3\xA9 &amp; more <a href=\"/item/" +
            std::to_string(n) + "?ref=list#r\">item " + std::to_string(n) + "</a></p></div>\n";
    ++n;
  }
  body += "</body></html>\n";
  ExtractConfig cfg = title_only();
  cfg.links = ExtractConfig::Links::anchors;
  REQUIRE_FALSE(cfg.add_pattern(R"(item=item (\d+))"));
  const auto got = extract(cfg, body, "text/html", "https://big.example/list");
  CHECK(got.title == "Big page");
  REQUIRE(got.links.size() == n);
  CHECK(got.links.front() == "https://big.example/item/0?ref=list");
  CHECK(got.links.back() == "https://big.example/item/" + std::to_string(n - 1) + "?ref=list");
  CHECK(got.matches[0].second.size() == 100);
  CHECK(got.matches[0].second.back() == "99");
}

TEST_CASE("extract: a page of 100,000 links, each twice") {
  std::string body = "<html><body>";
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 100000; ++i) body += "<a href=\"p" + std::to_string(i) + "\">" + std::to_string(i) + "</a>\n";
  const auto got = extract(links(ExtractConfig::Links::anchors), body, "text/html", "http://many.example/d/");
  Strings expected;
  for (int i = 0; i < 100000; ++i) expected.push_back("http://many.example/d/p" + std::to_string(i));
  CHECK(got.links == expected);
}

TEST_CASE("extract: deeply nested elements do not overflow the stack") {
  std::string body = "<title>Deep</title>";
  for (int i = 0; i < 300000; ++i) body += "<div>";
  body += "<a href='/bottom'>x</a>";
  ExtractConfig cfg = title_only();
  cfg.links = ExtractConfig::Links::anchors;
  const auto got = extract(cfg, body, "text/html", "http://deep.example/");
  CHECK(got.title == "Deep");
  CHECK(got.links == Strings{"http://deep.example/bottom"});
}

TEST_CASE("extract: a long run of stray end tags and a tag of many attributes") {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += "<div></span>";
  body += "<title>After</title><a href='/after'>x</a>";
  ExtractConfig cfg = title_only();
  cfg.links = ExtractConfig::Links::anchors;
  const auto got = extract(cfg, body, "text/html", "http://deep.example/");
  CHECK(got.title == "After");
  CHECK(got.links == Strings{"http://deep.example/after"});

  std::string tag = "<a href=/x";
  for (int i = 1; i < 80000; ++i) tag += " d" + std::to_string(i) + "='>'";
  CHECK(extract(links(ExtractConfig::Links::anchors), tag + ">", "text/html", "http://e.test/").links ==
        Strings{"http://e.test/x"});
  CHECK(extract(links(ExtractConfig::Links::anchors), tag, "text/html", "http://e.test/").links.empty());  // cut off
}

namespace {

// What libcurl alone makes of `ref` against `base`, as links were resolved before plain paths
// were joined as text: the oracle of the test below.
std::string curl_join(const std::string& base, const std::string& ref) {
  CURLU* u = curl_url();
  curl_url_set(u, CURLUPART_URL, base.c_str(), 0);
  curl_url_set(u, CURLUPART_URL, ref.c_str(), CURLU_URLENCODE);
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  char* text = nullptr;
  curl_url_get(u, CURLUPART_URL, &text, CURLU_NO_DEFAULT_PORT);
  std::string out = text ? text : "";
  curl_free(text);
  curl_url_cleanup(u);
  return out;
}

}  // namespace

TEST_CASE("extract: plain paths joined as text give what libcurl gives") {
  const std::vector<std::string> bases{"http://a.test/", "http://a.test/dir/page.html?q=1", "https://a.test:8443/x/y/",
                                       "http://u:p@a.test/d/", "http://a.test", "http://a.test/dir/sub",
                                       // libcurl drops the empty segment as it joins (found in review)
                                       "http://a.test//x"};
  const std::vector<std::string> refs{"p.html", "/abs/p", "a/b/c", "x;y=1", "a//b", "~user/", "d-e_f.g",
                                      "/", "@x", "a+b(c)!$*,'", "a=b&c", "dir/", "/a/b/", ".x", "..x/y", "x.", "x..",
                                      // through libcurl: dot segments, queries, escapes, schemes, hosts
                                      "./a", "../a", "a/./b", "a/../b", "..", ".", "a?b=1", "a#f", "%41", "//b.test/x",
                                      "http://c.test/", "a b", "caf\xc3\xa9", "mailto:x"};
  for (const auto& base : bases) {
    std::string html = "<html><body>";
    for (const auto& ref : refs) html += "<a href=\"" + ref + "\">x</a>";
    const Extracted e = extract(links(ExtractConfig::Links::anchors), html, "text/html", base);
    std::vector<std::string> expected;
    for (const auto& ref : refs) {
      if (ref == "mailto:x") continue;
      const std::string joined = curl_join(base, ref);
      if (std::find(expected.begin(), expected.end(), joined) == expected.end()) expected.push_back(joined);
    }
    INFO(base);
    CHECK(e.links == expected);
  }
}
