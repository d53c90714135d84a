#include "input/url_check.hpp"

#include "input/request_object.hpp"
#include "net/curl_ptr.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <memory>

namespace volley {

namespace {

// The scheme a user typed before "://", lower-cased; empty when the line has none. Looser than
// the URL standard's scheme (a leading digit passes) and stricter (the "//" is required): so
// "host:8080/x" is a host, not the scheme "host", and "1ttp://x" is refused as a scheme rather
// than fetched as the host "1ttp".
std::string scheme_before_slashes(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme;
  for (char c : url.substr(0, colon)) {
    if (!(is_ascii_letter(c) || is_ascii_digit(c) || is_in(c, "+-."))) return {};
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
  const std::string_view trimmed = trim(line, line_space);
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
    p.priority = object.priority;
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

  const std::string scheme = scheme_before_slashes(p.url);
  if (scheme.empty()) {
    p.target = "http://";
    p.target += p.url;
  } else if (scheme == "http" || scheme == "https") {
    p.target = p.url;
  } else {
    return fail(std::move(p), ErrorKind::unsupported_scheme, "scheme \"" + scheme + "\" is not http or https");
  }

  CurlUrl u(curl_url());
  if (!u) return fail(std::move(p), ErrorKind::other, "out of memory");
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, p.target.c_str(), 0); rc != CURLUE_OK)
    return fail(std::move(p), ErrorKind::invalid_url, curl_url_strerror(rc));

  const CurlChars host = url_part(u.get(), CURLUPART_HOST);
  if (!host || !*host) return fail(std::move(p), ErrorKind::invalid_url, "URL has no host");
  const CurlChars port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  p.host_key = ascii_lowered(host.get());
  p.host_key += ':';
  p.host_key += port ? port.get() : "";
  p.kind = ParsedLine::Kind::url;
  return p;
}

}  // namespace volley
