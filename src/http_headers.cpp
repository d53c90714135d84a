#include "http_headers.hpp"

#include "ascii.hpp"

#include <algorithm>

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string_view name_of(std::string_view header) { return trim(header.substr(0, header.find(':'))); }

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

}  // namespace

HeaderLine parse_header_line(std::string_view line) {
  HeaderLine h;
  if (line.substr(0, 5) == "HTTP/") {
    h.kind = HeaderLine::Kind::status;
    return h;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return h;
  h.kind = HeaderLine::Kind::field;
  h.name.assign(line.substr(0, colon));
  for (char& c : h.name) c = ascii_lower(c);
  h.value.assign(trim(line.substr(colon + 1)));
  return h;
}

std::vector<std::string> merge_headers(const std::vector<std::string>& global, const std::vector<std::string>& own) {
  std::vector<std::string> out;
  for (const auto& g : global) {
    const bool replaced =
        std::any_of(own.begin(), own.end(), [&](const std::string& o) { return same_name(name_of(o), name_of(g)); });
    if (!replaced) out.push_back(g);
  }
  out.insert(out.end(), own.begin(), own.end());
  return out;
}
