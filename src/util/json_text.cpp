#include "util/json_text.hpp"

#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <nlohmann/json.hpp>

#include <type_traits>

namespace volley {

namespace {

// A validating scanner over RFC 8259's grammar. Nesting is tracked on a heap stack, not by
// recursion, so a line of a million "[" cannot overflow the call stack.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : m_s(s) {}

  std::size_t pos() const { return m_i; }
  bool at_end() const { return m_i == m_s.size(); }
  void skip_space() {
    while (m_i < m_s.size() && is_in(m_s[m_i], json_space)) ++m_i;
  }
  bool eat(char c) {
    if (m_i >= m_s.size() || m_s[m_i] != c) return false;
    ++m_i;
    return true;
  }

  bool string() {
    if (!eat('"')) return false;
    while (m_i < m_s.size()) {
      const auto c = static_cast<unsigned char>(m_s[m_i++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (m_i >= m_s.size()) return false;
      const char e = m_s[m_i++];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k, ++m_i)
          if (m_i >= m_s.size() || !is_ascii_hex_digit(m_s[m_i])) return false;
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
    }
    return false;
  }

  // One value of any depth, with the whitespace before it.
  bool value() {
    std::string closers;  // what each open container waits for: '}' or ']'
    for (;;) {
      skip_space();
      if (eat('{')) {
        skip_space();
        if (!eat('}')) {
          closers += '}';
          if (!member_name()) return false;
          continue;
        }
      } else if (eat('[')) {
        skip_space();
        if (!eat(']')) {
          closers += ']';
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // A value ended: close the containers it completes, then expect the next value.
      for (;;) {
        if (closers.empty()) return true;
        skip_space();
        if (eat(closers.back())) {
          closers.pop_back();
          continue;
        }
        if (!eat(',')) return false;
        if (closers.back() == '}' && !member_name()) return false;
        break;
      }
    }
  }

 private:
  bool member_name() {
    skip_space();
    if (!string()) return false;
    skip_space();
    return eat(':');
  }

  bool digits() {
    const std::size_t start = m_i;
    while (m_i < m_s.size() && is_ascii_digit(m_s[m_i])) ++m_i;
    return m_i > start;
  }

  bool number() {
    eat('-');
    if (!eat('0') && !digits()) return false;
    if (eat('.') && !digits()) return false;
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }

  bool word(std::string_view w) {
    if (m_s.substr(m_i, w.size()) != w) return false;
    m_i += w.size();
    return true;
  }

  bool scalar() {
    if (m_i >= m_s.size()) return false;
    const char c = m_s[m_i];
    if (c == '"') return string();
    if (c == '-' || is_ascii_digit(c)) return number();
    return word("true") || word("false") || word("null");
  }

  std::string_view m_s;
  std::size_t m_i = 0;
};

// The items of the container `text` opens with `open`; `read_key` reads a member's name and its
// colon (objects) or nothing (arrays).
template <typename Item, typename ReadKey>
std::optional<std::vector<Item>> container_items(std::string_view text, char open, char close, ReadKey read_key) {
  if (!is_valid_utf8(text)) return std::nullopt;
  Scanner s(text);
  std::vector<Item> items;
  s.skip_space();
  if (!s.eat(open)) return std::nullopt;
  s.skip_space();
  if (!s.eat(close)) {
    for (;;) {
      std::string_view key;
      if (!read_key(s, key)) return std::nullopt;
      s.skip_space();
      const std::size_t start = s.pos();
      if (!s.value()) return std::nullopt;
      const std::string_view value = text.substr(start, s.pos() - start);
      if constexpr (std::is_same_v<Item, JsonMember>)
        items.push_back(JsonMember{key, value});
      else
        items.push_back(value);
      s.skip_space();
      if (s.eat(close)) break;
      if (!s.eat(',')) return std::nullopt;
    }
  }
  s.skip_space();
  if (!s.at_end()) return std::nullopt;
  return items;
}

}  // namespace

bool is_json(std::string_view text) {
  if (!is_valid_utf8(text)) return false;
  Scanner s(text);
  if (!s.value()) return false;
  s.skip_space();
  return s.at_end();
}

std::optional<std::vector<JsonMember>> json_object_members(std::string_view text) {
  return container_items<JsonMember>(text, '{', '}', [text](Scanner& s, std::string_view& key) {
    s.skip_space();
    const std::size_t start = s.pos();
    if (!s.string()) return false;
    key = text.substr(start, s.pos() - start);
    s.skip_space();
    return s.eat(':');
  });
}

std::optional<std::vector<std::string_view>> json_array_items(std::string_view text) {
  return container_items<std::string_view>(text, '[', ']', [](Scanner&, std::string_view&) { return true; });
}

std::optional<std::string> decode_json_string(std::string_view literal) {
  if (literal.empty() || literal.front() != '"') return std::nullopt;
  const auto j = nlohmann::json::parse(literal.begin(), literal.end(), nullptr, false);
  if (!j.is_string()) return std::nullopt;
  return j.get<std::string>();
}

std::string minify_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size())
        out += json[++i];
      else if (c == '"')
        in_string = false;
    } else if (!is_in(c, json_space)) {
      out += c;
      in_string = c == '"';
    }
  }
  return out;
}

}  // namespace volley
