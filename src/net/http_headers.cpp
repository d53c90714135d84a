#include "net/http_headers.hpp"

#include "util/ascii.hpp"

#include <algorithm>

namespace volley {

namespace {

bool is_tchar(char c) {
  return is_ascii_letter(c) || is_ascii_digit(c) || is_in(c, "!#$%&'*+-.^_`|~");
}

}  // namespace

std::string_view header_name(std::string_view header) {
  const auto colon = header.find(':');
  return trim(header.substr(0, colon != std::string_view::npos ? colon : header.find(';')), http_ows);
}

bool is_http_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

bool is_header_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

std::string check_method(std::string_view method) {
  if (!is_http_token(method)) return "method must be an HTTP token (letters, digits, !#$%&'*+-.^_`|~)";
  if (method.size() > max_method_length)
    return "method longer than " + std::to_string(max_method_length) + " characters";
  return {};
}

std::string check_header(std::string_view name, std::string_view value) {
  if (!is_http_token(name)) return "header name must be an HTTP token (letters, digits, !#$%&'*+-.^_`|~)";
  if (!is_header_value(value)) return "header value holds a control character (only tab is allowed)";
  return {};
}

std::string check_header_line(std::string_view line) {
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) return check_header(line.substr(0, colon), line.substr(colon + 1));
  if (!line.empty() && line.back() == ';') return check_header(line.substr(0, line.size() - 1), {});
  return "header must be \"Name: value\", \"Name:\" or \"Name;\"";
}

HeaderLine parse_header_line(std::string_view line) {
  HeaderLine h;
  if (line.substr(0, 5) == "HTTP/") {
    h.kind = HeaderLine::Kind::status;
    return h;
  }
  // libcurl hands the line over with its "\r\n" (or a lax server's "\n"), which no value holds.
  line = line.substr(0, line.find_last_not_of("\r\n") + 1);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return h;
  h.kind = HeaderLine::Kind::field;
  h.name = ascii_lowered(line.substr(0, colon));
  h.value.assign(trim(line.substr(colon + 1), http_ows));
  return h;
}

std::vector<std::string> merge_headers(const std::vector<std::string>& global, const std::vector<std::string>& own) {
  std::vector<std::string> out;
  for (const auto& g : global) {
    const bool replaced =
        std::any_of(own.begin(), own.end(), [&](const std::string& o) { return ascii_iequals(header_name(o), header_name(g)); });
    if (!replaced) out.push_back(g);
  }
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

}  // namespace volley
