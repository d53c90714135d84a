#include "crawl/canonical_url.hpp"

#include "util/ascii.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <new>
#include <vector>

namespace volley {

namespace {

// RFC 3986 §2.3: an encoding of these is the character itself (§6.2.2.2).
bool is_unreserved(unsigned char c) {
  return is_ascii_letter(static_cast<char>(c)) || is_ascii_digit(static_cast<char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// What may stand raw in a path (RFC 3986 pchar and "/") or a query (also "?"): anything else is
// percent-encoded, as a browser sends it. "%" is the escape, handled before this is asked.
bool may_stand_raw(unsigned char c, bool in_query) {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
    case ':': case '@': case '/':
      return true;
    case '?':
      return in_query;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (is_ascii_digit(c)) return c - '0';
  return ascii_lower(c) - 'a' + 10;
}

constexpr char upper_hex[] = "0123456789ABCDEF";

void append_encoded(std::string& out, unsigned char c) {
  out += '%';
  out += upper_hex[c >> 4];
  out += upper_hex[c & 0xF];
}

// One path or query piece in its canonical spelling: unreserved characters decoded, other
// escapes with upper-case hex, a "%" that escapes nothing and every byte that may not stand raw
// encoded. In a query a space is "+", as HTML forms encode it and as Scrapy's canonicalize_url
// writes it, so "q=a%20b" and "q=a+b" are one key ("%2B" stays a plus sign).
void append_normalised(std::string& out, std::string_view in, bool in_query) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && is_ascii_hex_digit(in[i + 1]) && is_ascii_hex_digit(in[i + 2])) {
      const auto decoded = static_cast<unsigned char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      if (is_unreserved(decoded))
        out += static_cast<char>(decoded);
      else if (in_query && decoded == ' ')
        out += '+';
      else
        append_encoded(out, decoded);
      i += 2;
    } else if (in_query && c == ' ') {
      out += '+';
    } else if (c != '%' && may_stand_raw(c, in_query)) {
      out += static_cast<char>(c);
    } else {
      append_encoded(out, c);
    }
  }
}

// RFC 3986 §5.2.4 on the path written at the end of `s`, from `from` (an http URL's path starts
// with "/", or is empty), in place: segments are copied down, "." dropped, ".." taking back the
// last one copied; either as the last segment leaves the trailing "/" it stood for. What is
// written never passes what is read, so nothing unread is overwritten.
void remove_dot_segments(std::string& s, std::size_t from) {
  if (s.find("/.", from) == std::string::npos) return;
  std::size_t w = from;
  for (std::size_t r = from; r < s.size();) {
    const std::size_t end = std::min(s.find('/', r + 1), s.size());
    const std::string_view segment(s.data() + r + 1, end - r - 1);
    const bool last = end == s.size();
    if (segment == "." || segment == "..") {
      if (segment == ".." && w > from) w = s.rfind('/', w - 1);
      if (last) s[w++] = '/';
    } else {
      if (w != r) std::char_traits<char>::move(&s[w], &s[r], end - r);
      w += end - r;
    }
    r = end;
  }
  if (w == from) s[w++] = '/';
  s.resize(w);
}

struct Param {
  std::string_view key, value;
  bool has_equals;
};

// Sorted by name, then value, as Scrapy's canonicalize_url sorts (key, value) pairs; "a" before
// "a=", so that every order of the same parameters gives one string. Blank values are kept.
bool param_less(const Param& a, const Param& b) {
  if (a.key != b.key) return a.key < b.key;
  if (a.has_equals != b.has_equals) return !a.has_equals;
  return a.value < b.value;
}

// "?" and the canonical query, unless it is empty.
void append_query(std::string& out, std::string_view query) {
  std::string normalised;
  normalised.reserve(query.size() + 8);
  append_normalised(normalised, query, true);
  // One parameter, the common case, has nothing to sort.
  if (normalised.find('&') == std::string::npos) {
    if (!normalised.empty()) {
      out += '?';
      out += normalised;
    }
    return;
  }
  std::vector<Param> params;
  std::size_t start = 0;
  while (start <= normalised.size()) {
    std::size_t end = normalised.find('&', start);
    if (end == std::string::npos) end = normalised.size();
    const std::string_view field = std::string_view(normalised).substr(start, end - start);
    // "a&&b" is "a&b" to every form decoder; Scrapy drops the empty fields too.
    if (!field.empty()) {
      const std::size_t eq = field.find('=');
      if (eq == std::string_view::npos)
        params.push_back({field, {}, false});
      else
        params.push_back({field.substr(0, eq), field.substr(eq + 1), true});
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end(), param_less);
  char separator = '?';
  for (const Param& p : params) {
    out += separator;
    separator = '&';
    out += p.key;
    if (p.has_equals) {
      out += '=';
      out += p.value;
    }
  }
}

std::string_view default_port(std::string_view lowered_scheme) { return lowered_scheme == "http" ? "80" : "443"; }

}  // namespace

std::optional<UrlParts> split_http_url(std::string_view url) {
  UrlParts p;
  std::size_t after_scheme;
  if (ascii_istarts_with(url, "http://"))
    after_scheme = 7;
  else if (ascii_istarts_with(url, "https://"))
    after_scheme = 8;
  else
    return std::nullopt;
  p.scheme = url.substr(0, after_scheme - 3);
  const std::size_t authority_end = std::min(url.find_first_of("/?#", after_scheme), url.size());
  std::string_view authority = url.substr(after_scheme, authority_end - after_scheme);
  // The last "@" ends the userinfo, as for libcurl: a raw "@" in a password stays in it.
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    p.has_userinfo = true;
    p.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  std::size_t host_end = authority.find(':');
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t bracket = authority.find(']');
    if (bracket == std::string_view::npos) return std::nullopt;
    host_end = bracket + 1;
    if (host_end < authority.size() && authority[host_end] != ':') return std::nullopt;
  }
  if (host_end == std::string_view::npos) host_end = authority.size();
  p.host = authority.substr(0, host_end);
  if (p.host.empty() || p.host == "[]") return std::nullopt;
  p.port = authority.substr(host_end, 0);
  if (host_end < authority.size()) {
    const std::string_view digits = authority.substr(host_end + 1);
    if (!std::all_of(digits.begin(), digits.end(), is_ascii_digit)) return std::nullopt;
    if (!digits.empty()) p.port = digits;
  }
  const std::string_view rest = url.substr(authority_end);
  const std::size_t fragment = std::min(rest.find('#'), rest.size());
  const std::size_t question = std::min(rest.find('?'), fragment);
  p.path = rest.substr(0, question);
  if (question < fragment) {
    p.has_query = true;
    p.query = rest.substr(question + 1, fragment - question - 1);
  }
  return p;
}

std::optional<std::string> canonical_url(std::string_view url) {
  const std::optional<UrlParts> parts = split_http_url(url);
  if (!parts) return std::nullopt;
  const UrlParts& p = *parts;
  for (char c : p.host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return std::nullopt;

  std::string out;
  out.reserve(url.size() + 16);
  for (char c : p.scheme) out += ascii_lower(c);
  const std::string_view default_port_digits = default_port(out);
  out += "://";
  if (p.has_userinfo) {
    out += p.userinfo;
    out += '@';
  }
  for (char c : p.host) out += ascii_lower(c);
  // Leading zeros say nothing ("0080" is 80); a port past 65535 is no port.
  const std::size_t first_digit = std::min(p.port.find_first_not_of('0'), p.port.size());
  const std::string_view port = p.port.empty() ? p.port : p.port.substr(std::min(first_digit, p.port.size() - 1));
  if (port.size() > 5 || (port.size() == 5 && port > "65535")) return std::nullopt;
  if (!port.empty() && port != default_port_digits) {
    out += ':';
    out += port;
  }

  const std::size_t path_start = out.size();
  append_normalised(out, p.path, false);
  if (out.size() == path_start) out += '/';
  remove_dot_segments(out, path_start);

  if (p.has_query) append_query(out, p.query);
  return out;
}

// The first 8 bytes of SHA-256, big-endian. A well-known hash rather than a faster one of our own
// (FNV, a seeded SipHash) because fingerprints outlive the run in --state files: any build of
// volley must give the same number. Cost in processor time on this project's machine (SHA-NI),
// for 48-byte URLs, by build/volley_tests "[.bench-fingerprint]": 0.15 µs a URL, with the digest
// fetched once and a context kept per thread (EVP_Digest with EVP_sha256() took 0.37 µs), against
// 0.56 µs for canonical_url itself and milliseconds for the request.
std::uint64_t url_fingerprint(std::string_view canonical) {
  // OpenSSL 3 looks EVP_sha256() up again on every init; fetched once, it is not.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Only an allocation can fail here.
  if (!sha256 || !ctx || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), canonical.data(), canonical.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1 || len < 8)
    throw std::bad_alloc();
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | md[i];
  return h;
}

}  // namespace volley
