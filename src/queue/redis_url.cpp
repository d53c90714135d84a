#include "queue/redis_url.hpp"

#include "util/ascii.hpp"

#include <charconv>

namespace volley {

namespace {

bool is_printable(char c) { return c > 0x20 && c < 0x7f; }

// %XX to its byte; false on a bad escape or on a decoded control character or space.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || !is_ascii_hex_digit(in[i + 1]) || !is_ascii_hex_digit(in[i + 2])) return false;
      unsigned v = 0;
      std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      c = static_cast<char>(v);
      i += 2;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    out += c;
  }
  return true;
}

bool is_host_char(char c) { return is_ascii_letter(c) || is_ascii_digit(c) || c == '.' || c == '-' || c == '_'; }

// Each part below returns false and sets `why` when its part of the URL is not one volley takes.

// "redis://" (any case) and nothing but printable ASCII after it; `rest` is what follows.
bool take_scheme(std::string_view text, std::string_view& rest, std::string& why) {
  constexpr std::string_view scheme = "redis://";
  if (!ascii_istarts_with(text, scheme)) {
    why = "expected redis://HOST:PORT/STREAM";
    return false;
  }
  rest = text.substr(scheme.size());
  for (char c : rest) {
    if (!is_printable(c)) {
      why = "the URL holds a space or a control character";
      return false;
    }
  }
  return true;
}

// USER:PASSWORD, either part percent-encoded; the colon is required, the user may be empty.
bool take_userinfo(std::string_view userinfo, RedisUrl& url, std::string& why) {
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    why = "expected redis://:PASSWORD@HOST or redis://USER:PASSWORD@HOST";
    return false;
  }
  if (!percent_decode(userinfo.substr(0, colon), url.user) || !percent_decode(userinfo.substr(colon + 1), url.password)) {
    why = "bad percent-encoding or a control character in the user or password";
    return false;
  }
  return true;
}

// HOST, [IPV6] or either with :PORT; `port` is the text after the colon, unset when none is given.
bool take_host(std::string_view authority, RedisUrl& url, std::optional<std::string_view>& port, std::string& why) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "unclosed [ in the host";
      return false;
    }
    url.host = authority.substr(1, close - 1);
    for (char c : url.host) {
      if (!is_ascii_hex_digit(c) && c != ':' && c != '.') {
        why = "bad IPv6 address";
        return false;
      }
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      why = "expected :PORT after the IPv6 address";
      return false;
    }
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    url.host = authority.substr(0, colon);
    for (char c : url.host) {
      if (!is_host_char(c)) {
        why = "bad character in the host";
        return false;
      }
    }
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty() || url.host.size() > 253) {
    why = "no host";
    return false;
  }
  return true;
}

bool take_port(std::string_view port, RedisUrl& url, std::string& why) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || ptr != port.data() + port.size() || v < 1 || v > 65535) {
    why = "the port must be a number from 1 to 65535";
    return false;
  }
  url.port = v;
  return true;
}

// Printable already; these would read as parts of a URL that volley does not support.
bool take_stream(std::string_view stream, RedisUrl& url, std::string& why) {
  if (stream.size() > max_stream_name || stream.find_first_of("?#%@/") != std::string_view::npos) {
    why = "the stream name must be 1 to 256 printable characters without ?, #, %, @ or /";
    return false;
  }
  url.stream = stream;
  return true;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& why) {
  std::string_view rest;
  if (!take_scheme(text, rest, why)) return std::nullopt;
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    why = "no stream name: expected redis://HOST:PORT/STREAM";
    return std::nullopt;
  }
  std::string_view authority = rest.substr(0, slash);
  RedisUrl url;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (!take_userinfo(authority.substr(0, at), url, why)) return std::nullopt;
    authority = authority.substr(at + 1);
  }
  std::optional<std::string_view> port;
  if (!take_host(authority, url, port, why)) return std::nullopt;
  if (port && !take_port(*port, url, why)) return std::nullopt;
  if (!take_stream(rest.substr(slash + 1), url, why)) return std::nullopt;
  return url;
}

std::string redis_url_text(const RedisUrl& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  return "redis://" + host + ":" + std::to_string(url.port) + "/" + url.stream;
}

std::string shard_stream(std::string_view stream, unsigned k) { return std::string(stream) + ":" + std::to_string(k); }

}  // namespace volley
