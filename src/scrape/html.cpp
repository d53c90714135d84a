#include "scrape/html.hpp"

#include "scrape/html_tokenizer.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <iterator>
#include <initializer_list>
#include <unordered_map>

namespace volley {

namespace {

// As document.title: ASCII whitespace runs become one space, none at either end.
std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (is_html_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Called for every tag with lists of names, so the first letter rules most out before a compare.
bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  if (name.empty()) return false;
  for (std::string_view n : names)
    if (n[0] == name[0] && n == name) return true;
  return false;
}

// The tags gumbo 0.10.1 knows (its tag.in). gumbo compares elements by tag number, and every
// other name is the one number GUMBO_TAG_UNKNOWN: "</x>" closes an open <y>.
bool is_known_tag(std::string_view n) {
  static constexpr std::string_view known[] = {
      "a", "abbr", "acronym", "address", "annotation-xml", "applet", "area", "article", "aside", "audio", "b",
      "base", "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button",
      "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del", "desc",
      "details", "dfn", "dir", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font",
      "footer", "foreignobject", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
      "header", "hgroup", "hr", "html", "i", "iframe", "image", "img", "input", "ins", "isindex", "kbd",
      "keygen", "label", "legend", "li", "link", "listing", "main", "malignmark", "map", "mark", "marquee",
      "math", "menu", "menuitem", "meta", "meter", "mglyph", "mi", "mn", "mo", "ms", "mtext", "multicol",
      "nav", "nextid", "nobr", "noembed", "noframes", "noscript", "object", "ol", "optgroup", "option",
      "output", "p", "param", "plaintext", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s",
      "samp", "script", "section", "select", "small", "source", "spacer", "span", "strike", "strong", "style",
      "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
      "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp"};
  return std::binary_search(std::begin(known), std::end(known), n);
}

// Whether `list`, split at any of `separators`, holds `token` (ASCII case-insensitive).
bool has_token(std::string_view list, std::string_view separators, std::string_view token) {
  while (!list.empty()) {
    const std::size_t end = std::min(list.find_first_of(separators), list.size());
    if (ascii_iequals(list.substr(0, end), token)) return true;
    list.remove_prefix(std::min(end + 1, list.size()));
  }
  return false;
}

bool is_heading(std::string_view n) { return n.size() == 2 && n[0] == 'h' && n[1] >= '1' && n[1] <= '6'; }

enum class Ns { html, svg, math };

// One entry of the stack of open elements, as far as it matters here: the tree builder's stack
// decides only whether a tag lands in HTML, in <svg>/<math>, in a <template> or in a <select>.
struct Open {
  std::string name;
  bool known = false;    // HTML elements: is_known_tag(name)
  std::string raw_name;  // foreign elements: the name as written, which their end tags must match
  Ns ns = Ns::html;
  bool html_integration = false;  // <svg><foreignObject>, <desc>, <title>; <math><annotation-xml encoding=text/html>
  bool math_text = false;         // <math><mi>, <mo>, <mn>, <ms>, <mtext>
};

// Elements the tree builder never leaves open.
bool is_void(std::string_view n) {
  return one_of(n, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
                    "keygen", "link", "menuitem", "meta", "param", "source", "track", "wbr", "isindex"});
}

// Start tags that close an open <p> (in button scope) before they open.
bool closes_p(std::string_view n) {
  return one_of(n, {"address", "article", "aside", "blockquote", "center", "details", "dir", "div", "dl",
                    "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "menu", "main", "nav",
                    "ol", "p", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                    "listing", "form", "hr", "xmp"});
}

// HTML start tags that end <svg>/<math> content (and <font> with color, face or size).
bool breaks_out_of_foreign(const HtmlTag& tag) {
  if (tag.name == "font")
    return tag.has_attribute("color") || tag.has_attribute("face") || tag.has_attribute("size");
  return one_of(tag.name, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
                           "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
                           "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
                           "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var"});
}

bool is_special(const Open& e) {
  // gumbo's list has <svg><foreignObject> and <desc> but, unlike the standard's, not <title>.
  if (e.ns == Ns::svg) return e.name == "foreignobject" || e.name == "desc";
  if (e.ns == Ns::math) return e.math_text || e.name == "annotation-xml";
  return one_of(e.name, {"address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
                         "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "menuitem",
                         "dd", "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
                         "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
                         "header", "hgroup", "hr", "html", "iframe", "img", "input", "isindex", "li", "link",
                         "listing", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
                         "object", "ol", "p", "param", "plaintext", "pre", "script", "section", "select",
                         "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th",
                         "thead", "title", "tr", "ul", "wbr", "xmp"});
}

// The elements an "in scope" search stops at.
bool bounds_scope(const Open& e) {
  if (e.ns != Ns::html) return e.html_integration || e.math_text || (e.ns == Ns::math && e.name == "annotation-xml");
  return one_of(e.name, {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"});
}

// How far down the stack a search for an element goes. gumbo searches all of it, which makes
// a page of deep nesting quadratic; past this depth we take the element to be out of reach.
constexpr std::size_t max_search = 512;

// A start tag's name as written: up to the first C-locale space or '/' (gumbo's reading). gumbo
// reads a source that starts with "</>" (HtmlTag::source) as an end tag's: all between "</" and '>'.
std::string raw_start_name(std::string_view source) {
  if (source[1] == '/') return std::string(source.substr(2, source.size() - 3));
  std::size_t end = 1;
  while (end + 1 < source.size() && !is_in(source[end], " \t\n\v\f\r/")) ++end;
  return std::string(source.substr(1, end - 1));
}

class Scanner final : public HtmlTokenSink {
 public:
  explicit Scanner(const HtmlWants& wants) : m_wants(wants) {}

  HtmlScan take() { return std::move(m_scan); }

  HtmlText start_tag(const HtmlTag& tag) override {
    for (;;) {
      if (!in_foreign_content() || html_rules_apply(tag)) {
        const HtmlText text = html_start(tag);
        m_in_text = text == HtmlText::rcdata || text == HtmlText::rawtext || text == HtmlText::script;
        return text;
      }
      if (!breaks_out_of_foreign(tag)) {
        if (!tag.self_closing) push_foreign(tag, m_stack.back().ns);
        return HtmlText::data;
      }
      while (in_foreign_content() && !m_stack.back().html_integration && !m_stack.back().math_text) pop();
    }
  }

  void end_tag(const HtmlTag& tag) override {
    if (m_in_text) {
      // The end tag of a raw text element, which the tree builder's "text" mode takes as the end
      // of that element (never pushed here) wherever it stands.
      m_in_text = false;
      return;
    }
    if (!in_foreign_content()) return html_end(tag.name);
    // Foreign elements close by name; the first HTML element below hands the tag to HTML rules.
    // Bounded as every search down the stack is: a run of end tags that match nothing in deep
    // foreign content would otherwise cost the depth each.
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html) break;
      // gumbo matches the whole text between "</" and ">" (so not "</svg >") against the name as
      // written in the start tag, ignoring case.
      if (ascii_iequals(e.raw_name, tag.source.substr(2, tag.source.size() - 3))) {
        pop_to(i - 1);
        return;
      }
    }
    html_end(tag.name);
  }

  void raw_text(HtmlText kind, std::string_view text) override {
    if (kind != HtmlText::rcdata || !m_in_title) return;
    m_in_title = false;
    // gumbo can leave part of a character reference's bytes in RCDATA text (found by the fuzzer:
    // "&lgettb&;" gave a lone 0xE2), and a title is promised as UTF-8.
    m_scan.title = to_valid_utf8(collapse_whitespace(decode_html_text(text)));
  }

  // --title alone stops at the first title: a 5 MB page costs its head, not all of it.
  bool done() const override { return m_scan.title && !m_wants.anchors && !m_wants.resources && !m_wants.nofollow; }

  bool in_foreign_content() const override { return !m_stack.empty() && m_stack.back().ns != Ns::html; }

 private:
  // Whether a start tag met in foreign content is still handled by the HTML rules: at an
  // integration point, or <svg> inside <annotation-xml>.
  bool html_rules_apply(const HtmlTag& tag) const {
    const Open& current = m_stack.back();
    if (current.math_text) return tag.name != "mglyph" && tag.name != "malignmark";
    if (current.ns == Ns::math && current.name == "annotation-xml" && tag.name == "svg") return true;
    return current.html_integration;
  }

  bool counts() const { return m_templates == 0; }

  HtmlText html_start(const HtmlTag& tag) {
    if (in_select()) return select_start(tag);
    const std::string_view name = tag.name == "image" ? std::string_view("img") : std::string_view(tag.name);
    if (name == "svg" || name == "math") {
      if (!tag.self_closing) push_foreign(tag, name == "svg" ? Ns::svg : Ns::math);
      return HtmlText::data;
    }
    if (counts()) collect(name, tag);
    if (name == "title") {
      m_in_title = counts() && m_wants.title && !m_scan.title;
      return HtmlText::rcdata;
    }
    if (name == "textarea") return HtmlText::rcdata;
    if (one_of(name, {"style", "xmp", "iframe", "noembed", "noframes"})) {
      if (name == "xmp") close_p();
      return HtmlText::rawtext;
    }
    if (name == "script") return HtmlText::script;
    if (name == "plaintext") return HtmlText::plaintext;
    if (one_of(name, {"html", "head", "body", "frameset"}) || is_void(name)) return HtmlText::data;
    // Table parts outside a table (or a <template>) are dropped.
    if (m_markers.empty() && one_of(name, {"caption", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr"}))
      return HtmlText::data;
    // A <table> straight inside a table (not in a cell) ends that table first.
    if (name == "table" && !m_markers.empty() &&
        one_of(m_stack[m_markers.back()].name, {"table", "tbody", "thead", "tfoot", "tr", "caption"})) {
      if (const std::size_t at = find_in_table_scope("table"); at != npos) pop_to(at);
    }
    // A cell or row straight in a table opens the <tbody> (and <tr>) that end tags may close.
    if (!m_markers.empty() && one_of(name, {"td", "th", "tr"})) {
      if (m_stack[m_markers.back()].name == "table") push_html("tbody");
      if (name != "tr" && one_of(m_stack[m_markers.back()].name, {"tbody", "thead", "tfoot"})) push_html("tr");
    }
    if (closes_p(name)) close_p();
    // A heading straight inside a heading closes it.
    if (is_heading(name) && !m_stack.empty() && m_stack.back().ns == Ns::html && is_heading(m_stack.back().name)) pop();
    if (name == "a") adopt("a", true);
    if (name == "li") close_list_item({"li"});
    if (name == "dd" || name == "dt") close_list_item({"dd", "dt"});
    push_html(name);
    return HtmlText::data;
  }

  // "in select": only <option>, <optgroup>, <script> and <template> stay; <input>, <keygen>,
  // <textarea> (and table parts, in a table) close the select and are read again.
  HtmlText select_start(const HtmlTag& tag) {
    const std::string& name = tag.name;
    if (name == "script" || name == "template") {
      if (counts()) collect(name, tag);
      if (name == "template") push_html(name);
      return name == "script" ? HtmlText::script : HtmlText::data;
    }
    if (name == "option" || name == "optgroup") {
      if (m_stack.back().name == "option") pop();
      if (name == "optgroup" && m_stack.back().name == "optgroup") pop();
      push_html(name);
      return HtmlText::data;
    }
    const bool table_part = one_of(name, {"caption", "table", "tbody", "tfoot", "thead", "tr", "td", "th"});
    if (name == "select" || name == "input" || name == "keygen" || name == "textarea" ||
        (table_part && select_in_table())) {
      pop_to(m_markers.back());
      if (name != "select") return html_start(tag);
    }
    return HtmlText::data;
  }

  void html_end(std::string_view name) {
    if (name == "template") {
      if (m_templates > 0) pop_to(last_marker("template"));
      return;
    }
    if (in_select()) {
      if (name == "select") pop_to(m_markers.back());
      else if (name == "option" && m_stack.back().name == "option") pop();
      else if (name == "optgroup") {
        if (m_stack.back().name == "option" && m_stack.size() > 1 && m_stack[m_stack.size() - 2].name == "optgroup") pop();
        if (m_stack.back().name == "optgroup") pop();
      } else if (one_of(name, {"caption", "table", "tbody", "tfoot", "thead", "tr", "td", "th"}) && select_in_table()) {
        if (find_in_table_scope(name) != npos) {
          pop_to(m_markers.back());
          html_end(name);
        }
      }
      return;
    }
    if (name == "p") {
      close_p();
      return;
    }
    if (one_of(name, {"body", "html", "br"})) return;
    if (one_of(name, {"table", "caption", "colgroup", "tbody", "tfoot", "thead", "tr", "td", "th"})) {
      // Table parts close in table scope: a </table> closes the table from inside a cell.
      if (const std::size_t at = find_in_table_scope(name); at != npos) pop_to(at);
      return;
    }
    if (one_of(name, {"address", "article", "aside", "blockquote", "button", "center", "details", "dir", "div",
                      "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "listing", "main",
                      "menu", "nav", "ol", "pre", "section", "summary", "ul", "li", "dd", "dt", "form",
                      "applet", "marquee", "object", "h1", "h2", "h3", "h4", "h5", "h6", "select"})) {
      const std::size_t at = is_heading(name) ? find_heading_in_scope() : find_in_scope(name, name == "li");
      if (at != npos) pop_to(at);
      return;
    }
    if (is_formatting(name) && adopt(name, false)) return;
    // Any other end tag: the nearest element of that name, unless a special element is nearer.
    const bool known = is_known_tag(name);
    if (!is_open(name, known)) return;
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && (e.name == name || (!e.known && !known))) {
        pop_to(i - 1);
        return;
      }
      if (is_special(e)) return;
    }
  }

  static bool is_formatting(std::string_view n) {
    return one_of(n, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
  }

  // The adoption agency, as far as the stack goes: the open formatting element `name` closes,
  // with all above it when no special element stands above it, else alone (the special element
  // and what is above it stay open). Out of scope, an end tag is ignored and a new <a> takes the
  // old one alone off the stack. False when there is no such element.
  bool adopt(std::string_view name, bool start) {
    if (!is_open(name)) return false;
    std::size_t topmost_special = npos;
    bool out_of_scope = false;
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && e.name == name) {
        if (out_of_scope) {
          if (start) erase(i - 1);
        } else if (topmost_special == npos) {
          pop_to(i - 1);
        } else {
          // The algorithm's rounds end with the special elements open and the others above them closed.
          pop_to(topmost_special + 1);
          erase(i - 1);
        }
        return true;
      }
      if (is_marker(e.name) && e.ns == Ns::html) return false;
      if (topmost_special == npos && is_special(e)) topmost_special = i - 1;
      out_of_scope = out_of_scope || bounds_scope(e);
    }
    return false;
  }

  void erase(std::size_t index) {
    count(m_stack[index], -1);
    m_stack.erase(m_stack.begin() + static_cast<std::ptrdiff_t>(index));
    // The markers are in stack order and the element erased is near the top: only the markers
    // above it move, so this costs what lies above it, not every marker of a long table run.
    for (auto m = m_markers.rbegin(); m != m_markers.rend() && *m > index; ++m) --*m;
  }

  void collect(std::string_view name, const HtmlTag& tag) {
    if (name == "base") {
      if (!m_scan.base_href)
        if (auto href = tag.attribute("href")) m_scan.base_href = std::move(*href);
      return;
    }
    if (name == "meta") {
      if (m_wants.nofollow && !m_scan.nofollow) m_scan.nofollow = meta_says_nofollow(tag);
      return;
    }
    const char* attr = nullptr;
    if (name == "a") attr = m_wants.anchors ? "href" : nullptr;
    else if (!m_wants.resources) attr = nullptr;
    else if (name == "link") attr = "href";
    else if (name == "script" || name == "img" || name == "iframe") attr = "src";
    if (!attr) return;
    auto value = tag.attribute(attr);
    if (!value) return;
    m_scan.refs.push_back(std::move(*value));
    if (m_wants.nofollow) {
      // rel means nothing on <script>, <img> and <iframe>.
      const auto rel = name == "a" || name == "link" ? tag.attribute("rel") : std::nullopt;
      m_scan.ref_nofollow.push_back(rel && rel_says_nofollow(*rel));
    }
  }

  static bool meta_says_nofollow(const HtmlTag& tag) {
    const auto name = tag.attribute("name");
    if (!name || !ascii_iequals(trim(*name, html_space), "robots")) return false;
    const auto content = tag.attribute("content");
    return content && robots_says_nofollow(*content);
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t find_in_scope(std::string_view name, bool list_item) const {
    if (!is_open(name)) return npos;
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && e.name == name) return i - 1;
      if (bounds_scope(e) || (list_item && e.ns == Ns::html && (e.name == "ol" || e.name == "ul"))) return npos;
    }
    return npos;
  }

  std::size_t find_in_table_scope(std::string_view name) const {
    if (!is_open(name)) return npos;
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && e.name == name) return i - 1;
      if (e.ns == Ns::html && (e.name == "table" || e.name == "template")) return npos;
    }
    return npos;
  }

  std::size_t find_heading_in_scope() const {
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && is_heading(e.name)) return i - 1;
      if (bounds_scope(e)) return npos;
    }
    return npos;
  }

  void close_p() {
    if (!is_open("p")) return;
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && e.name == "p") {
        pop_to(i - 1);
        return;
      }
      if (bounds_scope(e) || (e.ns == Ns::html && e.name == "button")) return;
    }
  }

  // A new <li> (or <dd>, <dt>) closes an open one, looking down past all but special elements.
  void close_list_item(std::initializer_list<std::string_view> names) {
    if (std::none_of(names.begin(), names.end(), [&](std::string_view n) { return is_open(n); })) return close_p();
    for (std::size_t i = m_stack.size(), seen = 0; i > 0 && seen < max_search; --i, ++seen) {
      const Open& e = m_stack[i - 1];
      if (e.ns == Ns::html && one_of(e.name, names)) {
        pop_to(i - 1);
        break;
      }
      if (is_special(e) && !(e.ns == Ns::html && one_of(e.name, {"address", "div", "p"}))) break;
    }
    close_p();
  }

  // <select>, <template> and the table elements decide how tags after them are handled; their
  // places in the stack are kept apart so that no decision searches the whole stack.
  static bool is_marker(std::string_view name) {
    return one_of(name, {"select", "template", "table", "caption", "tr", "td", "th", "tbody", "thead", "tfoot"});
  }

  bool in_select() const { return !m_markers.empty() && m_stack[m_markers.back()].name == "select"; }

  bool select_in_table() const {
    return m_markers.size() > 1 && m_stack[m_markers[m_markers.size() - 2]].name != "template";
  }

  std::size_t last_marker(std::string_view name) const {
    for (std::size_t i = m_markers.size(); i > 0; --i)
      if (m_stack[m_markers[i - 1]].name == name) return m_markers[i - 1];
    return m_stack.size();
  }

  void push_html(std::string_view name) {
    if (is_marker(name)) m_markers.push_back(m_stack.size());
    if (name == "template") ++m_templates;
    m_stack.push_back(Open{std::string(name), is_known_tag(name), {}, Ns::html, false, false});
    count(m_stack.back(), +1);
  }

  void push_foreign(const HtmlTag& tag, Ns ns) {
    Open e{tag.name, false, raw_start_name(tag.source), ns, false, false};
    if (ns == Ns::svg) {
      e.html_integration = tag.name == "foreignobject" || tag.name == "desc" || tag.name == "title";
    } else if (tag.name == "annotation-xml") {
      const auto encoding = tag.attribute("encoding");
      e.html_integration = encoding && (ascii_iequals(*encoding, "text/html") || ascii_iequals(*encoding, "application/xhtml+xml"));
    } else {
      e.math_text = one_of(tag.name, {"mi", "mo", "mn", "ms", "mtext"});
    }
    m_stack.push_back(std::move(e));
  }

  void pop() { pop_to(m_stack.size() - 1); }

  // Pops m_stack[index] and everything above it.
  void pop_to(std::size_t index) {
    while (!m_markers.empty() && m_markers.back() >= index) m_markers.pop_back();
    for (std::size_t i = index; i < m_stack.size(); ++i) {
      if (m_stack[i].ns == Ns::html && m_stack[i].name == "template") --m_templates;
      count(m_stack[i], -1);
    }
    m_stack.resize(std::min(index, m_stack.size()));
  }

  // How many HTML elements of each name are open (all unknown names as one, as gumbo counts
  // them): a search for a name that is not open, the common case, then costs nothing.
  void count(const Open& e, int delta) {
    if (e.ns == Ns::html) m_open[e.known ? e.name : std::string()] += delta;
  }

  // `known`: whether `name` is one of is_known_tag()'s, as every name the scanner spells out is.
  bool is_open(std::string_view name, bool known = true) const {
    const auto it = m_open.find(known ? std::string(name) : std::string());
    return it != m_open.end() && it->second > 0;
  }

  const HtmlWants& m_wants;
  std::unordered_map<std::string, int> m_open;
  HtmlScan m_scan;
  std::vector<Open> m_stack;
  std::vector<std::size_t> m_markers;  // indexes into m_stack of the is_marker() elements
  std::size_t m_templates = 0;
  bool m_in_title = false;
  bool m_in_text = false;  // in an element read as raw text, until its end tag
};

}  // namespace

bool rel_says_nofollow(std::string_view rel) { return has_token(rel, html_space, "nofollow"); }

bool robots_says_nofollow(std::string_view content) {
  static constexpr std::string_view separators = ", \t\n\f\r";
  return has_token(content, separators, "nofollow") || has_token(content, separators, "none");
}

HtmlScan scan_html(std::string_view utf8, const HtmlWants& wants) {
  Scanner scanner(wants);
  tokenize_html(utf8, scanner);
  return scanner.take();
}

}  // namespace volley
