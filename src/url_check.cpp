#include "url_check.hpp"

#include "ascii.hpp"
#include "request_object.hpp"
#include "utf8.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The scheme as written before "://", lower-cased; empty when the line has none.
std::string scheme_of(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme;
  for (char c : url.substr(0, colon)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return {};
    scheme += ascii_lower(c);
  }
  return scheme;
}

ParsedLine fail(ParsedLine p, ErrorKind kind, std::string message) {
  p.kind = ParsedLine::Kind::error;
  p.error = kind;
  p.message = std::move(message);
  return p;
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

}  // namespace

std::string redact_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t start = scheme_end + 3;
  const std::string_view authority = url.substr(start, url.find_first_of("/?#", start) - start);
  // The last "@" ends the userinfo: a password with a raw "@" in it is hidden whole.
  const auto at = authority.rfind('@');
  const auto colon = authority.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon + 1 >= at) return std::string(url);
  std::string out(url.substr(0, start + colon + 1));
  out += "***";
  out += url.substr(start + at);
  return out;
}

ParsedLine parse_input_line(std::string_view line) {
  ParsedLine p;
  const std::string_view trimmed = trim(line);
  if (trimmed.empty() || trimmed.front() == '#') return p;
  if (trimmed.front() == '{') {
    RequestObject object;
    if (std::string err = parse_request_object(trimmed, object); !err.empty()) {
      // A refused object may carry secrets in its headers: it is reported by its url and meta
      // (so its line still joins back), and echoed, cut short, only when it has no url string.
      p.url = object.has_url ? std::move(object.url) : std::string(utf8_prefix(trimmed, max_echo_length));
      if (!object.overrides.meta.empty()) {
        RequestOverrides meta_only;
        meta_only.meta = std::move(object.overrides.meta);
        p.request = std::make_shared<const RequestOverrides>(std::move(meta_only));
      }
      return fail(std::move(p), ErrorKind::invalid_input, std::move(err));
    }
    p.url = std::move(object.url);
    if (object.has_overrides) p.request = std::make_shared<const RequestOverrides>(std::move(object.overrides));
  } else {
    p.url = trimmed;
  }

  if (p.url.size() > max_url_length)
    return fail(std::move(p), ErrorKind::invalid_url, "URL longer than " + std::to_string(max_url_length) + " bytes");
  if (p.url.find('\0') != std::string_view::npos)
    return fail(std::move(p), ErrorKind::invalid_url, "URL contains a NUL byte");
  if (!is_valid_utf8(p.url)) return fail(std::move(p), ErrorKind::invalid_url, "URL is not valid UTF-8");
  if (std::any_of(p.url.begin(), p.url.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == ' '; }))
    return fail(std::move(p), ErrorKind::invalid_url, "URL contains whitespace or control characters");

  const std::string scheme = scheme_of(p.url);
  if (scheme.empty()) {
    p.target = "http://";
    p.target += p.url;
  } else if (scheme == "http" || scheme == "https") {
    p.target = p.url;
  } else {
    return fail(std::move(p), ErrorKind::unsupported_scheme, "scheme \"" + scheme + "\" is not http or https");
  }

  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return fail(std::move(p), ErrorKind::other, "out of memory");
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, p.target.c_str(), 0); rc != CURLUE_OK)
    return fail(std::move(p), ErrorKind::invalid_url, curl_url_strerror(rc));

  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
    curl_free(host);
    return fail(std::move(p), ErrorKind::invalid_url, "URL has no host");
  }
  curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  p.host_key = host;
  for (char& c : p.host_key) c = ascii_lower(c);
  p.host_key += ':';
  p.host_key += port ? port : "";
  curl_free(host);
  curl_free(port);
  p.kind = ParsedLine::Kind::url;
  return p;
}
