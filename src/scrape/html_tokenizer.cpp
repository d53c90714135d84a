#include "scrape/html_tokenizer.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <unordered_set>

namespace volley {

namespace {

// ---- Character references -------------------------------------------------------------------

struct Entity {
  std::string_view name;  // with its ';' when it has one
  std::string_view text;  // UTF-8
};

constexpr Entity entities[] = {
#include "scrape/html_entities.inc"
};

// The legacy names, which also match without ';', are at most this long.
constexpr std::size_t max_legacy_name = 6;
constexpr std::size_t max_entity_name = 32;

const Entity* find_entity(std::string_view name) {
  const auto* end = std::end(entities);
  const auto* it = std::lower_bound(std::begin(entities), end, name,
                                    [](const Entity& e, std::string_view n) { return e.name < n; });
  return it != end && it->name == name ? it : nullptr;
}

constexpr std::string_view replacement = "\xEF\xBF\xBD";

bool is_alnum(char c) { return is_ascii_letter(c) || is_ascii_digit(c); }

// gumbo's encoder, to the byte: a code point that overflowed int to a negative value comes out
// as its low byte, as gumbo writes it.
void append_code_point(std::string& out, std::int32_t c) {
  if (c <= 0x7F) {
    out += static_cast<char>(c);
  } else if (c <= 0x7FF) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c <= 0xFFFF) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;  // never a lead byte in valid UTF-8
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// What a numeric reference to 0x80–0x9F (and NUL, CR) stands for: windows-1252's characters.
std::int32_t numeric_replacement(std::int32_t c) {
  static constexpr std::uint16_t c1[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  if (c == 0) return 0xFFFD;
  if (c >= 0x80 && c <= 0x9F) return c1[c - 0x80];
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return 0xFFFD;
  return c;
}

// Decodes the character reference at s[at] == '&' into `out` and returns how many bytes it took,
// or 0 when there is none there (the '&' is then text). In an attribute, a legacy name without
// ';' followed by '=' or a letter or digit is not a reference ("?a=1&copy=2" keeps its "&copy").
std::size_t decode_reference(std::string_view s, std::size_t at, bool in_attribute, std::string& out) {
  std::size_t i = at + 1;
  if (i >= s.size()) return 0;
  const char next = s[i];
  if (is_html_space(next) || next == '<' || next == '&') return 0;
  if (next == '#') {
    ++i;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    const std::size_t digits = i;
    // gumbo accumulates in an int and lets it wrap; unsigned arithmetic wraps the same way.
    std::uint32_t value = 0;
    for (; i < s.size() && (hex ? is_ascii_hex_digit(s[i]) : is_ascii_digit(s[i])); ++i) {
      const char c = s[i];
      const std::uint32_t digit = is_ascii_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10;
      value = value * (hex ? 16 : 10) + digit;
    }
    if (i == digits) return 0;
    if (i < s.size() && s[i] == ';') ++i;
    if (static_cast<std::int32_t>(value) == -1) {
      // gumbo's "no character" is -1: such a reference comes out as a bare '&', and the
      // character after it is skipped (the tokenizer steps past what it thinks it reconsumes).
      out += '&';
      if (i < s.size() && s.compare(i, 2, "\r\n") == 0) i += 2;  // one character to gumbo
      else if (i < s.size()) i += std::min(sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
      return i - at;
    }
    append_code_point(out, numeric_replacement(static_cast<std::int32_t>(value)));
    return i - at;
  }
  std::size_t run = 0;
  while (i + run < s.size() && run <= max_entity_name && is_alnum(s[i + run])) ++run;
  if (run == 0) return 0;
  if (i + run < s.size() && s[i + run] == ';') {
    std::string name(s.substr(i, run));
    name += ';';
    if (const Entity* e = find_entity(name)) {
      out += e->text;
      return run + 2;
    }
  }
  for (std::size_t len = std::min(run, max_legacy_name); len > 0; --len) {
    const Entity* e = find_entity(s.substr(i, len));
    if (!e) continue;
    const std::size_t end = i + len;
    if (in_attribute && end < s.size() && (s[end] == '=' || is_alnum(s[end]))) return 0;
    out += e->text;
    return len + 1;
  }
  return 0;
}

// Whether the UTF-8 sequence at s[at] (of `len` bytes) is a code point gumbo's input stream
// replaces: C1 controls and noncharacters.
bool is_forbidden_sequence(std::string_view s, std::size_t at, std::size_t len) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
  std::uint32_t c;
  if (len == 2) c = ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  else if (len == 3) c = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  else c = ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  return (c >= 0x80 && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

bool is_forbidden_ascii(unsigned char c) {
  return (c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F;
}

// Text as the tokenizer's character tokens carry it (see decode_html_text).
std::string decode(std::string_view s, bool in_attribute) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '&') {
      const std::size_t used = decode_reference(s, i, in_attribute, out);
      if (used == 0) out += '&';
      i += used ? used : 1;
    } else if (c == '\r') {
      out += '\n';
      i += (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    } else if (c == 0 || is_forbidden_ascii(c)) {
      out += replacement;
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      const std::size_t len = std::min(sequence_length(c), s.size() - i);
      if (is_forbidden_sequence(s, i, len)) out += replacement;
      else out.append(s, i, len);
      i += len;
    }
  }
  // gumbo hands text and values over as C strings: a NUL, which only an overflowing numeric
  // reference ("&#x93000000") can leave, ends them.
  if (const std::size_t nul = out.find('\0'); nul != std::string::npos) out.resize(nul);
  return out;
}

// Nothing in `s` that decode() would change.
bool is_plain(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '&' || c == '\r' || c == 0 || is_forbidden_ascii(c) || c >= 0x80) return false;
  }
  return true;
}

// ---- The tokenizer --------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; }

class Tokenizer {
 public:
  Tokenizer(std::string_view s, HtmlTokenSink& sink) : m_s(s), m_sink(sink) {}

  void run() {
    std::size_t at = 0;
    while (at < m_s.size()) {
      const void* lt = std::memchr(m_s.data() + at, '<', m_s.size() - at);
      if (!lt) return;
      at = static_cast<std::size_t>(static_cast<const char*>(lt) - m_s.data());
      at = markup(at);
      if (m_sink.done()) return;
    }
  }

 private:
  static constexpr std::size_t npos = std::string_view::npos;

  char at_or_eof(std::size_t i) const { return i < m_s.size() ? m_s[i] : '\0'; }
  bool eof(std::size_t i) const { return i >= m_s.size(); }

  // Reads the markup at s[at] == '<'; returns where data resumes (npos-like size() at the end).
  std::size_t markup(std::size_t at) {
    const std::size_t n = m_s.size();
    if (at + 1 >= n) return n;
    const char c = m_s[at + 1];
    if (is_ascii_letter(c)) return tag(at + 1, false);
    if (c == '!') return declaration(at + 2);
    if (c == '/') {
      if (at + 2 >= n) return n;
      const char d = m_s[at + 2];
      if (is_ascii_letter(d)) return tag(at + 2, true);
      if (d == '>') {
        // "</>" emits no token, so gumbo's next token's text starts where it started.
        if (m_empty_end_tags_to != at) m_empty_end_tags_from = at;
        m_empty_end_tags_to = at + 3;
        return at + 3;
      }
      return bogus_comment(at + 2);
    }
    if (c == '?') return bogus_comment(at + 1);
    return at + 1;  // a '<' that is text
  }

  std::size_t bogus_comment(std::size_t from) const {
    const std::size_t gt = m_s.find('>', from);
    return gt == npos ? m_s.size() : gt + 1;
  }

  // After "<!".
  std::size_t declaration(std::size_t at) {
    if (m_s.compare(at, 2, "--") == 0) return comment(at + 2);
    if (ascii_istarts_with(m_s.substr(at), "doctype")) return bogus_comment(at + 7);  // a doctype ends at its first '>'
    if (m_s.compare(at, 7, "[CDATA[") == 0 && m_sink.in_foreign_content()) {
      const std::size_t end = m_s.find("]]>", at + 7);
      return end == npos ? m_s.size() : end + 3;
    }
    return bogus_comment(at);
  }

  // After "<!--": the comment states, which end at "-->", "--!>", or "<!-->" and "<!--->".
  std::size_t comment(std::size_t at) const {
    const std::size_t n = m_s.size();
    if (at < n && m_s[at] == '>') return at + 1;
    if (at + 1 < n && m_s[at] == '-' && m_s[at + 1] == '>') return at + 2;
    for (std::size_t i = at; i < n;) {
      const std::size_t dashes = m_s.find("--", i);
      if (dashes == npos) return n;
      std::size_t j = dashes + 2;
      while (j < n && m_s[j] == '-') ++j;
      if (j < n && m_s[j] == '>') return j + 1;
      if (j + 1 < n && m_s[j] == '!' && m_s[j + 1] == '>') return j + 2;
      i = j;
    }
    return n;
  }

  // Reads a tag whose name starts at s[at]; returns where the tokenizer goes on, after the text
  // of a raw text element when the sink asks for one.
  std::size_t tag(std::size_t at, bool end) {
    m_tag.name.clear();
    m_tag.end = end;
    m_tag.self_closing = false;
    m_tag.attributes.clear();
    m_names.clear();
    m_pending_name.clear();
    const std::size_t n = m_s.size();
    std::size_t i = at;
    for (; i < n; ++i) {
      const char c = m_s[i];
      if (is_space(c) || c == '/' || c == '>') break;
      if (c == '\0') m_tag.name += replacement;
      else m_tag.name += ascii_lower(c);
    }
    i = attributes(i);
    if (i == npos) return n;  // a tag cut off by the end of the input is dropped
    std::size_t from = at - (end ? 2 : 1);
    if (m_empty_end_tags_to == from) from = m_empty_end_tags_from;
    m_tag.source = m_s.substr(from, i - from);
    if (end) {
      m_sink.end_tag(m_tag);
      return i;
    }
    const HtmlText text = m_sink.start_tag(m_tag);
    switch (text) {
      case HtmlText::data: return i;
      case HtmlText::plaintext: return n;
      case HtmlText::script: return script_data(i);
      case HtmlText::rcdata:
      case HtmlText::rawtext: {
        const std::size_t close = raw_text_end(i, m_tag.name);
        m_sink.raw_text(text, m_s.substr(i, close - i));
        return close;
      }
    }
    return i;
  }

  // From the end of the tag name to just past the '>'; npos if the input ends first.
  std::size_t attributes(std::size_t i) {
    const std::size_t n = m_s.size();
    for (;;) {
      while (i < n && is_space(m_s[i])) ++i;  // before attribute name
      if (i >= n) return npos;
      char c = m_s[i];
      if (c == '>') return i + 1;
      if (c == '/') {
        ++i;  // self-closing start tag state
        if (i >= n) return npos;
        if (m_s[i] == '>') {
          m_tag.self_closing = true;
          return i + 1;
        }
        continue;  // reconsumed before an attribute name
      }
      // An attribute name: its first character may be any but those above, even '=' or a quote.
      // gumbo drops a NUL there (it lands in a buffer it then clears) rather than write U+FFFD.
      std::string name = std::move(m_pending_name);
      m_pending_name.clear();
      i = c == '\0' ? i + 1 : name_char(i, name);
      while (i < n && !is_space(m_s[i]) && m_s[i] != '/' && m_s[i] != '>' && m_s[i] != '=') {
        if (m_s[i] == '\0') {
          name += replacement;
          ++i;
        } else {
          i = name_char(i, name);
        }
      }
      const bool repeated = is_repeat(name);
      HtmlTag::Attribute attr{repeated ? std::string() : name, {}};
      while (i < n && is_space(m_s[i])) ++i;  // after attribute name
      if (i >= n) return npos;
      if (m_s[i] != '=') {
        // gumbo forgets to clear its name buffer after a repeated name, so a repeat without a
        // value becomes the start of the next attribute's name ("<a x x href=y>" has "xhref").
        if (repeated) m_pending_name = std::move(name);
        else m_tag.attributes.push_back(std::move(attr));
        continue;  // '/', '>' or the next attribute's name, each read as above
      }
      ++i;
      while (i < n && is_space(m_s[i])) ++i;  // before attribute value
      if (i >= n) return npos;
      c = m_s[i];
      if (c == '"' || c == '\'') {
        const std::size_t close = m_s.find(c, i + 1);
        if (close == npos) return npos;
        attr.value = m_s.substr(i + 1, close - i - 1);
        if (!repeated) m_tag.attributes.push_back(std::move(attr));
        i = close + 1;  // after attribute value (quoted): anything but space, '/', '>' starts a name
        continue;
      }
      if (c == '>') {  // "a=>": an empty value, and the tag ends
        if (!repeated) m_tag.attributes.push_back(std::move(attr));
        return i + 1;
      }
      const std::size_t value_start = i;
      while (i < n && !is_space(m_s[i]) && m_s[i] != '>') ++i;
      if (i >= n) return npos;
      attr.value = m_s.substr(value_start, i - value_start);
      if (!repeated) m_tag.attributes.push_back(std::move(attr));
    }
  }

  // Appends the character at m_s[i] to an attribute name as gumbo's input stream hands it over,
  // lower-cased, with C0 and C1 controls and noncharacters as U+FFFD (found by html_fuzz: the
  // names "\x0E" and "\x0F" are then one name repeated, and "<a \x0E \x0F href=x>" has no
  // href); returns the index past it.
  std::size_t name_char(std::size_t i, std::string& name) const {
    const auto c = static_cast<unsigned char>(m_s[i]);
    if (c < 0x80) {
      if (is_forbidden_ascii(c)) name += replacement;
      else name += ascii_lower(static_cast<char>(c));
      return i + 1;
    }
    const std::size_t len = std::min(sequence_length(c), m_s.size() - i);
    if (is_forbidden_sequence(m_s, i, len)) name += replacement;
    else name.append(m_s, i, len);
    return i + len;
  }

  // Whether the current tag already has an attribute `name`, remembering it if not. A linear
  // search for the usual few attributes, a hash set past that (a tag may have 80,000).
  bool is_repeat(const std::string& name) {
    constexpr std::size_t few = 16;
    if (m_tag.attributes.size() < few)
      return std::any_of(m_tag.attributes.begin(), m_tag.attributes.end(),
                         [&](const HtmlTag::Attribute& a) { return a.name == name; });
    if (m_names.empty())
      for (const auto& a : m_tag.attributes) m_names.insert(a.name);
    return !m_names.insert(name).second;
  }

  // Where "</name" followed by a space, '/' or '>' starts at or after `from`, or the end.
  std::size_t raw_text_end(std::size_t from, std::string_view name) const {
    for (std::size_t at = m_s.find("</", from); at != npos; at = m_s.find("</", at + 1)) {
      if (is_end_tag_of(at, name)) return at;
    }
    return m_s.size();
  }

  // Whether s[at..] is "</" then `name` (ASCII case-insensitive) as a whole run of letters,
  // then a space, '/' or '>': the appropriate end tag.
  bool is_end_tag_of(std::size_t at, std::string_view name) const {
    if (m_s.compare(at, 2, "</") != 0) return false;
    std::size_t i = at + 2;
    std::size_t k = 0;
    while (i < m_s.size() && is_ascii_letter(m_s[i])) {
      if (k >= name.size() || ascii_lower(m_s[i]) != name[k]) return false;
      ++i;
      ++k;
    }
    if (k != name.size() || i >= m_s.size()) return false;
    const char c = m_s[i];
    return is_space(c) || c == '/' || c == '>';
  }

  // The script data states, with their escapes: inside "<!--" a "<script" starts a nested
  // script in which "</script>" does not end the outer one. Returns where "</script" starts.
  std::size_t script_data(std::size_t from) const {
    enum State { data, escaped, escaped_dash, escaped_dash_dash, double_escaped, double_dash, double_dash_dash };
    const std::size_t n = m_s.size();
    State state = data;
    std::size_t i = from;
    while (i < n) {
      const char c = m_s[i];
      switch (state) {
        case data: {
          const void* lt = std::memchr(m_s.data() + i, '<', n - i);
          if (!lt) return n;
          i = static_cast<std::size_t>(static_cast<const char*>(lt) - m_s.data());
          if (is_end_tag_of(i, "script")) return i;
          if (m_s.compare(i, 4, "<!--") == 0) {
            // Script data escape start: "<!--" and then the dashes after it count toward "-->".
            i += 4;
            state = escaped_dash_dash;
            continue;
          }
          ++i;
          continue;
        }
        case escaped:
        case escaped_dash:
        case escaped_dash_dash:
          if (c == '-') {
            state = state == escaped ? escaped_dash : escaped_dash_dash;
          } else if (c == '<') {
            if (is_end_tag_of(i, "script")) return i;
            state = escaped;
            if (starts_double_escape(i + 1)) {
              i += 1 + 6 + 1;
              state = double_escaped;
              continue;
            }
          } else if (c == '>' && state == escaped_dash_dash) {
            state = data;
          } else {
            state = escaped;
          }
          ++i;
          continue;
        case double_escaped:
        case double_dash:
        case double_dash_dash:
          if (c == '-') {
            state = state == double_escaped ? double_dash : double_dash_dash;
          } else if (c == '<') {
            state = double_escaped;
            if (m_s.compare(i + 1, 1, "/") == 0 && starts_double_escape(i + 2)) {
              i += 2 + 6 + 1;
              state = escaped;
              continue;
            }
          } else if (c == '>' && state == double_dash_dash) {
            state = data;
          } else {
            state = double_escaped;
          }
          ++i;
          continue;
      }
    }
    return n;
  }

  // Whether s[at..] is the letters "script" (any case) as a whole run, then a space, '/' or '>'.
  bool starts_double_escape(std::size_t at) const {
    std::size_t i = at;
    while (i < m_s.size() && is_ascii_letter(m_s[i])) ++i;
    if (i >= m_s.size() || i - at != 6 || !ascii_iequals(m_s.substr(at, 6), "script")) return false;
    const char c = m_s[i];
    return is_space(c) || c == '/' || c == '>';
  }

  std::string_view m_s;
  HtmlTokenSink& m_sink;
  HtmlTag m_tag;
  std::unordered_set<std::string> m_names;  // the current tag's attribute names so far
  std::string m_pending_name;               // see attributes()
  // The last run of "</>" with nothing between them: a tag right after it has it in its source.
  std::size_t m_empty_end_tags_from = npos;
  std::size_t m_empty_end_tags_to = npos;
};

}  // namespace

std::optional<std::string> HtmlTag::attribute(std::string_view lower_name) const {
  for (const Attribute& a : attributes) {
    if (a.name != lower_name) continue;
    if (is_plain(a.value)) return std::string(a.value);
    return decode(a.value, true);
  }
  return std::nullopt;
}

bool HtmlTag::has_attribute(std::string_view lower_name) const {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const Attribute& a) { return a.name == lower_name; });
}

void tokenize_html(std::string_view utf8, HtmlTokenSink& sink) { Tokenizer(utf8, sink).run(); }

std::string decode_html_text(std::string_view raw) { return decode(raw, false); }

}  // namespace volley
