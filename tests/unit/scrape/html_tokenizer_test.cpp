#include "scrape/html_tokenizer.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

// Records the tags as the tokenizer reports them; reads every element's content as data except
// those the test names as raw text.
class Recorder final : public HtmlTokenSink {
 public:
  std::vector<std::string> events;

  HtmlText start_tag(const HtmlTag& tag) override {
    std::string e = "<" + tag.name;
    for (const auto& a : tag.attributes) e += " " + std::string(a.name) + "=" + std::string(a.value);
    events.push_back(e + (tag.self_closing ? "/>" : ">"));
    if (tag.name == "title") return HtmlText::rcdata;
    if (tag.name == "style") return HtmlText::rawtext;
    if (tag.name == "script") return HtmlText::script;
    return HtmlText::data;
  }
  void end_tag(const HtmlTag& tag) override { events.push_back("</" + tag.name + ">"); }
  void raw_text(HtmlText, std::string_view text) override { events.push_back("text:" + std::string(text)); }
  bool in_foreign_content() const override { return false; }
};

std::vector<std::string> tokens(std::string_view html) {
  Recorder r;
  tokenize_html(html, r);
  return r.events;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("html_tokenizer: tags and attributes, names lower-cased") {
  CHECK(tokens("<A HREF='x'>t</A>") == Strings{"<a href=x>", "</a>"});
  CHECK(tokens("<img src=a alt=\"b c\" hidden/>") == Strings{"<img src=a alt=b c hidden=/>"});
  CHECK(tokens("<a href=x") == Strings{});  // cut off by the end: dropped
  CHECK(tokens("a < b <3 </ x> <!-- <a> --> <!doctype html><?pi <a>?>") == Strings{});
}

TEST_CASE("html_tokenizer: of repeated attributes the first wins, as gumbo keeps them") {
  CHECK(tokens("<a href=1 HREF=2 src=3>") == Strings{"<a href=1 src=3>"});
  // gumbo leaves a repeated name without a value in its buffer, where the next name continues it.
  CHECK(tokens("<a x x href=y>") == Strings{"<a x= xhref=y>"});
  CHECK(tokens("<a <a/<a href>") == Strings{"<a <a= <ahref=>"});
  CHECK(tokens(std::string("<a \0href=1>", 11)) == Strings{"<a href=1>"});  // and drops a NUL that starts a name
}

TEST_CASE("html_tokenizer: raw text ends only at its own end tag") {
  CHECK(tokens("<title><a></titlex></title><b>") == Strings{"<title>", "text:<a></titlex>", "</title>", "<b>"});
  CHECK(tokens("<style>a</style x='>'>") == Strings{"<style>", "text:a", "</style>"});
  CHECK(tokens("<script><!--<script></script>--></script><b>") == Strings{"<script>", "</script>", "<b>"});
}

TEST_CASE("html_tokenizer: attribute values decode character references as HTML5 says") {
  HtmlTag tag;
  tag.attributes = {{"href", "?a=1&copy=2&amp;b=&copy;&copyx&#x41;&#66"}};
  CHECK(tag.attribute("href") == "?a=1&copy=2&b=\xC2\xA9&copyxAB");
  CHECK(tag.has_attribute("href"));
  CHECK_FALSE(tag.attribute("src"));
}

TEST_CASE("html_tokenizer: text decodes references, newlines and forbidden code points") {
  CHECK(decode_html_text("&amp &lt;&notit; &#128;&#x110000;") == "& <\xC2\xACit; \xE2\x82\xAC\xEF\xBF\xBD");
  CHECK(decode_html_text("a\r\nb\rc\x01\xC2\x85") == "a\nb\nc\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(decode_html_text("&NotNestedGreaterGreater;&acE;") == "\xE2\xAA\xA2\xCC\xB8\xE2\x88\xBE\xCC\xB3");
}
