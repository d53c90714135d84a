// scan_html() (the streaming tokenizer) against gumbo's full tree on the same inputs: the same
// title, <base href> and links (see html_oracle.hpp for how they are compared).
#include "gumbo_scan.hpp"
#include "html_oracle.hpp"
#include "scrape/html.hpp"
#include "util/utf8.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace volley;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string describe(const HtmlScan& s) {
  std::string out = "title=" + (s.title ? "[" + *s.title + "]" : std::string("none")) +
                    " base=" + (s.base_href ? "[" + *s.base_href + "]" : std::string("none")) + " refs=";
  for (std::size_t i = 0; i < s.refs.size(); ++i)
    out += "[" + s.refs[i] + (i < s.ref_nofollow.size() && s.ref_nofollow[i] ? "](nofollow)" : "]");
  return out + (s.nofollow ? " robots=nofollow" : "");
}

void check_same(const std::string& input) {
  const std::string html = to_valid_utf8(input);
  for (const HtmlWants wants : {HtmlWants{true, true, true, true}, HtmlWants{true, false, false, false},
                                HtmlWants{false, true, false, false}}) {
    const HtmlScan got = scan_html(html, wants);
    const HtmlScan want = gumbo_scan_html(html, wants);
    INFO("input: " << html);
    INFO("scanner: " << describe(got));
    INFO("gumbo:   " << describe(want));
    if (wants.anchors) CHECK(same_scan(html, got, want));
    else CHECK(got.title == want.title);  // the title alone: the scanner stops there, before any <base>
  }
}

}  // namespace

TEST_CASE("html: the scanner agrees with gumbo on a table of cases") {
  const char* cases[] = {
      // Plain pages, and markup that is broken.
      "<html><head><title>T</title></head><body><a href=/a>a</a><a href='b'>b</a></body></html>",
      "<title>A</title><title>B</title>", "<p><title>late</title>", "<title>unclosed",
      "<title>a</titlex> b</title>", "<TITLE>Upper</TITLE >", "<title>x</title foo='>'>", "<title>x</title/>",
      "<a href=x<b>y</a>", "<a href=\"x\"y=z>", "<a href='x'/>", "<a href=x/>", "<a\nhref\n=\nx>", "<a href=>",
      "<a href>", "<a =href=x>", "<a \"href=x>", "<a href=x", "<a href='x", "<a hr", "<", "</", "</>", "<a href=a\rb>",
      "<a href='a\r\nb'>", "<a href='x\x01y\x7f'>", "<a href='\xC2\x85'>", "<a href='&#0;&#x80;&#x9F;&#xD800;&#x110000;'>",
      "<p>a<p>b<a href=1><p>c</a>", "<a href=1><div><a href=2>x</div>", "<b><a href=1><i></b>x</a>",
      // Attributes: case, repeats (the first wins), quoting.
      "<A HREF=Up>", "<a href=1 href=2>", "<a x x href=y>", "<a <a/<a href>", "<a x x=1 href=y>", "<a HREF=1 href=2>", "<img src=1 SRC=2>", "<a href = ' sp ' >",
      "<a href=`x`>", "<a href=x&y>", "<a href=\"x&quot;y\">",
      // Character references: named, numeric, without ';', in text and in attributes.
      "<title>&amp; &amp &lt;&gt &copy &copyx &notin; &notit; &#65;&#x42;&#67 &#xZ; &#; &bogus; &</title>",
      "<title>&#128;&#150;&#0;&#13;&#1;&#x10FFFF;&#99999999999999;</title>",
      "<title>&AElig&AEligx &nbsp;&NotNestedGreaterGreater;&acE;</title>",
      "<a href='?a=1&copy=2&copy;&copyx&amp=3&ampx'>", "<a href=?a&lt=1&lt;>", "<a href='&#x41'>",
      "<title>\t a \n\n b \f</title>", "<title>a\x00" "b</title>",
      // Links that are not links: in comments, scripts, styles, textareas, raw text.
      "<!-- <a href=c> --><a href=real>", "<!--><a href=1>", "<!---><a href=2>", "<!-- --!><a href=3>",
      "<!-- -- ><a href=4> -->", "<!--- x ---><a href=5>", "<!doctype html><a href=6>", "<!DOCTYPE x '>'><a href=7>",
      "<?xml ?><a href=8>", "</ x><a href=9>", "<!x><a href=10>", "<![CDATA[<a href=11>]]><a href=12>",
      "<script><a href=1></script><a href=2>", "<script>x = '</scr' + 'ipt>'; <a href=1></script><a href=2>",
      "<script><!-- <script> </script> <a href=1> --></script><a href=2>",
      "<script><!-- <script> </script> --> <a href=1></script><a href=2>", "<script><!--<a href=1>--></script>",
      "<script src=s.js></script><script src=t.js />", "<style>a{} <a href=1></style><a href=2>",
      "<textarea><a href=1></textarea><a href=2>", "<xmp><a href=1></xmp>", "<iframe src=f><a href=1></iframe>",
      "<noembed><a href=1></noembed>", "<noframes><a href=1></noframes>", "<noscript><a href=1></noscript>",
      "<head><noscript><a href=1></noscript></head>", "<plaintext><a href=1>", "<title><a href=1></title><a href=2>",
      "<title><!--</title>--></title>", "<style></STYLE\n><a href=1>",
      // <base href>: the first with an href counts, wherever it stands.
      "<base href=/b1><base href=/b2>", "<base target=x><base href=/b2>", "<body><base href=/late>",
      "<svg><base href=/svg></svg><base href=/html>",
      // SVG and MathML: their elements do not count; integration points hand back to HTML.
      "<svg><title>S</title></svg><title>H</title>", "<svg><a href=1></a></svg><a href=2>",
      "<svg><foreignObject><title>F</title><a href=1></foreignObject></svg>", "<svg><desc><a href=1>",
      "<svg><p><a href=1>", "<svg><font color=red><a href=1>", "<svg><font><a href=1>", "<svg><![CDATA[<a href=1>]]>",
      "<math><mi><a href=1></mi><mo><mglyph><a href=2>", "<math><annotation-xml encoding='text/html'><a href=1>",
      "<math><annotation-xml><svg><title>x</title>", "<svg><script><a href=1></script>", "<svg><style><a href=1>",
      "<svg><title><a href=1></title></svg>", "<svg/><a href=1>", "<svg><svg/></svg><a href=1>",
      "<div><svg></div><a href=1>", "<p><svg></p><title>t</title>", "<svg></SVG><a href=1>", "<svg></svg ><a href=1>",
      "<math><textarea><a href=1>", "<svg><title><title>x</title><base href=y>",
      // <template> content is not in the document.
      "<template><a href=1><title>T</title></template><a href=2>", "<template><template></template><a href=1>",
      "<template><svg></template><a href=1>", "<template><style></template><a href=1>",
      // <select> drops most tags.
      "<select><a href=1><img src=2><title>x</title></select><a href=3>", "<select><script src=1></script>",
      "<select><textarea><a href=1></textarea>", "<select><option><a href=1><select><a href=2>",
      "<table><tr><td><select><td><a href=1>", "<select><svg><a href=1>",
      // Tables: misplaced content is moved ahead of the table, table parts outside one dropped.
      "<table><a href=1><tr><td><a href=2></table>", "<tr><svg></x><a href=1>", "<table><title>T</title></table>",
      "<table><td><a href=e><tr><a href>", "<table><td></table><select><table><a href>",
      "<table><td><select></table><title>", "<table><table></table><select><td><a href>",
      "<table><td><table></table><select><td><a href>", "<table><td><select></tbody><a href>", "<script><?script><a href>", "<title>&#x93000000", "<title>&#xffffffff;x y", "<title>&#xffffffff\r\nf",
      // Unknown elements are all one element to gumbo.
      "<y><svg></t><title>x", "<e><svg><title><svg></v><title>",
      // A heading opened straight in a heading closes it.
      "<h1><h1></h1><p></h1><svg></p><title>",
      // "</>" emits no token: gumbo reads the next tag's name as written from "</>" on.
      "</><svg></svg><title>x</title>", "<svg></></svg><title>x</title>", "</> <svg></svg><title>x</title>",
      // nofollow: <meta name=robots> wherever the tree has it, rel on <a> and <link>.
      "<meta name=robots content=nofollow><a href=1>", "<body><p><meta name=ROBOTS content='NoIndex, NoFollow'>",
      "<meta name=robots content=none>", "<meta name=robots content=noindex><a href=1>",
      "<meta name=googlebot content=nofollow>", "<meta content=nofollow name=' robots '>",
      "<meta name=robots content=nofollow name=x>", "<meta name=x name=robots content=nofollow>",
      "<template><meta name=robots content=nofollow></template>", "<svg><meta name=robots content=nofollow>",
      "<svg><desc><meta name=robots content=nofollow>", "<select><meta name=robots content=nofollow></select>",
      "<table><meta name=robots content=nofollow></table>", "<meta name=robots content='nofollow&#44;x'>",
      "<a href=1 rel=nofollow><a href=2 rel='NoFollow external'><a href=3 rel=nofollowx><a href=4 rel=' nofollow\t'>",
      "<a href=1 rel=nofollow>x</a><a href=1>y</a>", "<a href=1>x</a><a href=1 rel=nofollow>y</a>",
      "<a href=1 rel=nofollow><p>a<p>b", "<link rel='nofollow stylesheet' href=s><img rel=nofollow src=i>",
      "<a href=1 rel=nofollow rel=x><a href=2 rel=x rel=nofollow><a href=3 rel=&#110;ofollow>",
      // Controls and noncharacters in attribute names are U+FFFD to gumbo: two such names are one
      // name repeated (found by html_fuzz).
      "<a \x0e \x0f href=x>", "<a \x01 \x7f href=x>", "<a \xc2\x8c \xc2\x8d href=x>",
      "<a \xef\xb7\x90 \xef\xbf\xbe href=x>", "<a \x0e\x41 \x0e\x61 href=x>", "<a \x0e href=x>",
      "<meta\x0c\x0e\x0c\xc2\x8c\x0cname=robots content=nofollow>",
  };
  for (const char* c : cases) check_same(c);
}

TEST_CASE("html: the scanner agrees with gumbo on the fixture pages, cut at every byte") {
  std::vector<std::filesystem::path> pages;
  for (const auto& entry : std::filesystem::directory_iterator(VOLLEY_FIXTURES)) pages.push_back(entry.path());
  std::sort(pages.begin(), pages.end());
  REQUIRE(pages.size() >= 5);
  for (const auto& page : pages) {
    const std::string html = read_file(page);
    INFO(page.filename().string());
    check_same(html);
    if (html.size() > 2000) continue;
    for (std::size_t cut = 0; cut < html.size(); ++cut) check_same(html.substr(0, cut));
  }
}

TEST_CASE("html: the named exceptions") {
  // Each is a tree-construction effect of gumbo the scanner does not model (docs/behaviour.md).
  CHECK(oracle_exception("<a href=1><frameset>") == std::string("frameset"));
  CHECK(oracle_exception("<svg><b>") != nullptr);
  CHECK(oracle_exception("<template><a href=x>") != nullptr);
  CHECK(oracle_exception("<svg><title>x</title></svg><p>") == nullptr);
  CHECK(oracle_exception("<a href=1><table>") == nullptr);
  // In a table the links are the same, the order may not be: gumbo moves <a href=2> ahead.
  const std::string table = "<table><td><a href=1><tr><a href=2>";
  const HtmlWants wants{false, true, false};
  CHECK(scan_html(table, wants).refs == std::vector<std::string>{"1", "2"});
  CHECK(gumbo_scan_html(table, wants).refs == std::vector<std::string>{"2", "1"});
  CHECK(same_scan(table, scan_html(table, wants), gumbo_scan_html(table, wants)));
  // An <a> inside an open <a>: the adoption agency moves the second link ahead.
  const std::string nested = "<a><b><d><d><t><li><a href><li><a href=x>";
  CHECK(has_unclosed_a(nested));
  CHECK_FALSE(has_unclosed_a("<a href=1>x</a><a href=2>y</A >"));
  CHECK(gumbo_scan_html(nested, wants).refs == std::vector<std::string>{"x", ""});
  CHECK(same_scan(nested, scan_html(nested, wants), gumbo_scan_html(nested, wants)));
}

TEST_CASE("html: deep nesting and many attributes stay linear") {
  // gumbo needed html_guard's blanking for these; the scanner takes them whole.
  // The best of three runs, in this thread's CPU time: a loaded machine (the ASan build, other
  // tests, other jobs) slows one at random, and its wall clock counts the time others ran.
  const auto cpu_seconds = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
  };
  const auto seconds = [&cpu_seconds](const std::string& html) {
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      const double start = cpu_seconds();
      const HtmlScan scan = scan_html(html, HtmlWants{true, true, true});
      CHECK(scan.refs == std::vector<std::string>{"/bottom"});
      best = std::min(best, cpu_seconds() - start);
    }
    return best;
  };
  const auto nested = [](int n) {
    std::string s = "<title>Deep</title>";
    for (int i = 0; i < n; ++i) s += "<div><span>";
    for (int i = 0; i < n; ++i) s += "</p></b>";
    return s + "<a href='/bottom'>x</a>";
  };
  const auto attributes = [](int n) {
    std::string s = "<a href=/bottom";
    for (int i = 0; i < n; ++i) s += " d" + std::to_string(i) + "='>'";
    return s + ">";
  };
  // End tags that match nothing, deep in foreign content (found in review).
  const auto foreign = [](int n) {
    std::string s = "<a href='/bottom'>x</a><svg>";
    for (int i = 0; i < n; ++i) s += "<g>";
    for (int i = 0; i < n; ++i) s += "</x>";
    return s;
  };
  // Misnested formatting elements in a long run of table cells: each round of the adoption
  // agency erases one element, which once renumbered every cell's marker (found in review).
  const auto cells = [](int n) {
    std::string s = "<a href='/bottom'>x</a>";
    for (int i = 0; i < n; ++i) s += "<table><td>";
    for (int i = 0; i < n; ++i) s += "<a><object>";
    return s;
  };
  // Four times the input may take at most about four times as long (generously: eight, plus
  // slack for a loaded machine); a quadratic cost would be sixteen.
  CHECK(seconds(nested(300000)) < 8 * seconds(nested(75000)) + 0.2);
  CHECK(seconds(attributes(80000)) < 8 * seconds(attributes(20000)) + 0.2);
  CHECK(seconds(foreign(40000)) < 8 * seconds(foreign(10000)) + 0.2);
  CHECK(seconds(cells(40000)) < 8 * seconds(cells(10000)) + 0.2);
}
