#pragma once

#include <string>
#include <string_view>

namespace volley {

// Locale-free ASCII character helpers: HTML, HTTP, JSON and URL syntax are defined over ASCII,
// and <cctype> would follow the process locale (volley sets LC_CTYPE to a UTF-8 locale at start).

// Which characters count as white space differs by syntax, on purpose; each set is named for the
// standard it comes from and used with trim() or is_in().

/// HTML's ASCII whitespace, as is_html_space().
inline constexpr std::string_view html_space = " \t\n\f\r";
/// RFC 9110's optional white space (OWS) around HTTP field values and list elements.
inline constexpr std::string_view http_ows = " \t";
/// RFC 8259's insignificant white space between JSON tokens.
inline constexpr std::string_view json_space = " \t\n\r";
/// What isspace() means in the C locale: the white space an input line may carry around its URL.
inline constexpr std::string_view line_space = " \t\n\v\f\r";

/// Whether `c` is one of the characters in `set`.
inline bool is_in(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

inline bool is_html_space(char c) { return is_in(c, html_space); }

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_ascii_hex_digit(char c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// `s` lower-cased, ASCII letters only.
inline std::string ascii_lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Whether `a` and `b` are equal but for the case of ASCII letters.
inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// Whether `s` starts with `prefix` but for the case of ASCII letters.
inline bool ascii_istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ascii_iequals(s.substr(0, prefix.size()), prefix);
}

/// `s` without any of the characters in `set` at either end.
inline std::string_view trim(std::string_view s, std::string_view set) {
  const auto first = s.find_first_not_of(set);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(set) - first + 1);
}

}  // namespace volley
