#include "scrape/html_guard.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace volley {

namespace {


bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that take no children, or that a later tag always closes before nesting: <a> closes
// an open <a>, and anything block-like closes a <p>.
bool never_nests(std::string_view name) {
  return one_of(name, {"area", "base", "br", "col", "embed", "hr", "img", "image", "input", "keygen", "link",
                       "meta", "param", "source", "track", "wbr", "frame", "basefont", "bgsound", "a", "p",
                       "html", "head", "body"});
}

// Elements whose content is text up to their own end tag (in HTML, not inside <svg> or <math>).
bool is_raw_text(std::string_view name) {
  return one_of(name, {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title", "textarea"});
}

// HTML elements that end <svg> or <math> content when they appear inside it.
bool breaks_out_of_foreign(std::string_view name) {
  return one_of(name, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
                       "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
                       "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
                       "sub", "sup", "table", "tt", "u", "ul", "var"});
}

// Siblings that close an open one of their group (an unclosed <li> before the next <li>).
int sibling_group(std::string_view name) {
  if (name == "li") return 1;
  if (name == "dt" || name == "dd") return 2;
  if (name == "td" || name == "th") return 3;
  if (name == "tr") return 4;
  if (name == "thead" || name == "tbody" || name == "tfoot") return 5;
  if (name == "option" || name == "optgroup") return 6;
  if (name == "rb" || name == "rt" || name == "rtc" || name == "rp") return 7;
  return 0;
}

bool is_group_boundary(std::string_view name) {
  return one_of(name, {"table", "ul", "ol", "dl", "select", "ruby", "template"});
}

// The rough stack of open elements.
class OpenElements {
 public:
  std::size_t size() const { return m_names.size(); }
  bool in_foreign() const { return m_foreign > 0; }

  void push(std::string_view name) {
    if (name == "svg" || name == "math") ++m_foreign;
    m_names.emplace_back(name);
  }

  void pop_to(std::size_t index) {  // pops m_names[index] and everything above it
    while (m_names.size() > index) {
      if (m_names.back() == "svg" || m_names.back() == "math") --m_foreign;
      m_names.pop_back();
    }
  }

  // Index of the topmost element that `match` accepts, searching down no further than
  // `stop_at` accepts; size() when there is none.
  template <class Match, class Stop>
  std::size_t find(Match match, Stop stop_at) const {
    for (std::size_t i = m_names.size(); i > 0; --i) {
      if (match(m_names[i - 1])) return i - 1;
      if (stop_at(m_names[i - 1])) break;
    }
    return m_names.size();
  }

  void leave_foreign() {
    pop_to(find([](const std::string& n) { return n == "svg" || n == "math"; }, [](const std::string&) { return false; }));
    if (in_foreign()) leave_foreign();  // an <svg> inside <math>, or the reverse
  }

 private:
  std::vector<std::string> m_names;
  int m_foreign = 0;
};

// Where the raw text of `name` starting at `at` ends: at its end tag, or the end of `s`.
std::size_t skip_raw_text(std::string_view s, std::size_t at, std::string_view name) {
  for (;;) {
    at = s.find("</", at);
    if (at == std::string_view::npos) return s.size();
    std::size_t i = at + 2;
    std::size_t k = 0;
    while (k < name.size() && i < s.size() && ascii_lower(s[i]) == name[k]) ++i, ++k;
    if (k == name.size() && (i == s.size() || is_html_space(s[i]) || s[i] == '/' || s[i] == '>')) return at;
    at += 2;
  }
}

struct TagEnd {
  std::size_t close = std::string_view::npos;   // the '>', npos when the tag never ends
  std::size_t excess = std::string_view::npos;  // where its attribute past max_attributes starts
};

// Where the tag whose attributes start at `at` ends (quoted values may hold '>'), counting its
// attributes on the way.
TagEnd tag_end(std::string_view s, std::size_t at, std::size_t max_attributes) {
  TagEnd end;
  std::size_t count = 0;
  bool in_name = false;
  while (at < s.size() && s[at] != '>') {
    const char c = s[at];
    if (is_html_space(c) || c == '/') {
      in_name = false;
      ++at;
    } else if (c == '=') {
      in_name = false;
      ++at;
      while (at < s.size() && is_html_space(s[at])) ++at;
      if (at < s.size() && (s[at] == '"' || s[at] == '\'')) {
        const std::size_t close = s.find(s[at], at + 1);
        if (close == std::string_view::npos) return end;
        at = close + 1;
      } else {
        while (at < s.size() && !is_html_space(s[at]) && s[at] != '>') ++at;
      }
    } else {
      if (!in_name && ++count == max_attributes + 1) end.excess = at;
      in_name = true;
      ++at;
    }
  }
  if (at < s.size()) end.close = at;
  return end;
}

}  // namespace

std::string_view limit_html_cost(std::string_view s, std::string& storage, std::size_t max_depth) {
  OpenElements open;
  std::vector<std::pair<std::size_t, std::size_t>> blanks;  // [start, end) of start tags to blank
  for (std::size_t at = s.find('<'); at != std::string_view::npos && at + 1 < s.size(); at = s.find('<', at)) {
    const char next = s[at + 1];
    if (s.compare(at, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", at + 4);
      if (end == std::string_view::npos) break;
      at = end + 3;
      continue;
    }
    const bool end_tag = next == '/' && at + 2 < s.size() && is_ascii_letter(s[at + 2]);
    if (!end_tag && !is_ascii_letter(next)) {
      // <!doctype>, <?xml>, </ >: skipped to their '>'; a lone '<' is text.
      if (next == '!' || next == '?' || next == '/') {
        const std::size_t end = s.find('>', at);
        if (end == std::string_view::npos) break;
        at = end + 1;
      } else {
        ++at;
      }
      continue;
    }
    std::size_t i = at + (end_tag ? 2 : 1);
    std::string name;
    while (i < s.size() && !is_html_space(s[i]) && s[i] != '/' && s[i] != '>') name += ascii_lower(s[i++]);
    const TagEnd end = tag_end(s, i, max_html_attributes);
    if (end.excess != std::string_view::npos) blanks.emplace_back(end.excess, std::min(end.close, s.size()));
    if (end.close == std::string_view::npos) break;  // gumbo drops a tag cut off by the end
    const std::size_t close = end.close;
    const std::size_t start = at;
    at = close + 1;

    if (end_tag) {
      const std::size_t index = open.find([&](const std::string& n) { return n == name; },
                                          [](const std::string&) { return false; });
      if (index < open.size()) open.pop_to(index);
      continue;
    }
    if (open.in_foreign() && breaks_out_of_foreign(name)) open.leave_foreign();
    if (!open.in_foreign()) {
      if (name == "plaintext") break;  // the rest of the document is text
      if (is_raw_text(name)) {
        at = skip_raw_text(s, at, name);
        continue;
      }
    }
    const bool self_closing = s[close - 1] == '/' && open.in_foreign();  // in HTML, <div/> opens a div
    if (self_closing || never_nests(name)) continue;
    if (const int group = sibling_group(name)) {
      const std::size_t index = open.find([&](const std::string& n) { return sibling_group(n) == group; },
                                          [](const std::string& n) { return is_group_boundary(n); });
      if (index < open.size()) open.pop_to(index);
    }
    if (open.size() >= max_depth) {
      blanks.emplace_back(start, at);
    } else {
      open.push(name);
    }
  }
  if (blanks.empty()) return s;
  storage.assign(s);
  for (const auto& [from, to] : blanks) std::memset(storage.data() + from, ' ', to - from);
  return storage;
}

}  // namespace volley
