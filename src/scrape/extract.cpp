#include "scrape/extract.hpp"

#include "net/curl_ptr.hpp"
#include "scrape/charset.hpp"
#include "scrape/html.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace volley {

namespace {

bool is_name(std::string_view s) {
  if (s.empty() || !(is_ascii_letter(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '-'; });
}

bool is_html(std::string_view content_type, std::string_view body) {
  const std::string media = ascii_lowered(trim(content_type.substr(0, content_type.find(';')), html_space));
  if (!media.empty()) return media == "text/html" || media == "application/xhtml+xml";
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  body = trim(body, html_space);
  return !body.empty() && body.front() == '<' && body.substr(0, 5) != "<?xml";
}

// The scheme a link names by the URL standard's grammar (a letter, then letters, digits, "+-.",
// then ":"), lower-cased; empty when it names none (it is relative). Unlike an input line, a link
// needs no "//": "mailto:x" names the scheme "mailto".
std::string standard_scheme(std::string_view ref) {
  std::string scheme;
  for (char c : ref) {
    if (c == ':') return scheme;
    if (!(is_ascii_letter(c) || (!scheme.empty() && (is_ascii_digit(c) || is_in(c, "+-."))))) return {};
    scheme += ascii_lower(c);
  }
  return {};
}

// The URL standard's cleanup before parsing: no C0 controls or spaces at either end, and no tab
// or newline anywhere (an href split over lines still works in a browser).
std::string clean_ref(std::string_view ref) {
  while (!ref.empty() && static_cast<unsigned char>(ref.front()) <= 0x20) ref.remove_prefix(1);
  while (!ref.empty() && static_cast<unsigned char>(ref.back()) <= 0x20) ref.remove_suffix(1);
  std::string out;
  for (char c : ref)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

bool is_http(CURLU* u) {
  const CurlChars scheme = url_part(u, CURLUPART_SCHEME);
  return scheme && (std::string_view(scheme.get()) == "http" || std::string_view(scheme.get()) == "https");
}

// Host names are case-insensitive; one spelling per host lets users de-duplicate links as strings.
// libcurl already lower-cases the scheme and removes dot segments.
void lower_host(CURLU* u) {
  if (const CurlChars host = url_part(u, CURLUPART_HOST)) {
    const std::string lowered = ascii_lowered(host.get());
    if (lowered != host.get()) curl_url_set(u, CURLUPART_HOST, lowered.c_str(), 0);
  }
}

// `ref` resolved against `base` (which may be null: then only absolute references resolve), as
// an http(s) URL without fragment; null for any other scheme or anything libcurl cannot parse.
CurlUrl resolve(CURLU* base, std::string_view raw_ref) {
  const std::string ref = clean_ref(raw_ref);
  if (const std::string scheme = standard_scheme(ref); !scheme.empty() && scheme != "http" && scheme != "https") return {};
  // libcurl 7.88 resolves "" and "#x" to the base's directory, not to the base itself.
  const bool same_document = ref.empty() || ref.front() == '#';
  if (same_document && !base) return {};
  CurlUrl u(base ? curl_url_dup(base) : curl_url());
  if (!u) return {};
  // CURLU_URLENCODE percent-encodes spaces and non-ASCII bytes, as a browser does.
  if (!same_document && curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), CURLU_URLENCODE) != CURLUE_OK) return {};
  if (!is_http(u.get())) return {};
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  lower_host(u.get());
  return u;
}

std::optional<std::string> url_text(CURLU* u) {
  const CurlChars text = url_part(u, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (!text || !is_valid_utf8(text.get())) return std::nullopt;
  return std::string(text.get());
}

// Where a plain relative path joins without libcurl's URL parser, which took a third of a crawl's
// CPU (docs/benchmarks.md, "Crawl"): the base's origin and its directory, as libcurl writes them.
struct PlainJoin {
  std::string origin;     // "http://host[:port]"
  std::string directory;  // the base up to the last '/' of its path, without its query
};

std::optional<PlainJoin> plain_join_for(CURLU* base) {
  if (!base) return std::nullopt;
  const std::optional<std::string> text = url_text(base);
  if (!text) return std::nullopt;
  const std::size_t authority = text->find("://");
  const std::size_t path = authority == std::string::npos ? authority : text->find('/', authority + 3);
  if (path == std::string::npos) return std::nullopt;
  const std::string_view without_query = std::string_view(*text).substr(0, text->find('?'));
  // libcurl rewrites these as it joins: an empty segment at the path's start (`//x`) and an IPv6
  // zone id (`%25eth0`), so such a base goes through it for every reference.
  if (without_query.find("//", path) != std::string_view::npos ||
      std::string_view(*text).substr(0, path).find('%') != std::string_view::npos)
    return std::nullopt;
  return PlainJoin{text->substr(0, path), std::string(without_query.substr(0, without_query.rfind('/') + 1))};
}

// A reference libcurl would only append to the base (one plain_join_for accepts), changing
// nothing: printable ASCII that no
// escaping touches, no scheme (no ':'), query, fragment or escape, not "//" (another host), no
// "." or ".." segment. Anything else goes through libcurl.
bool is_plain_path(std::string_view ref) {
  if (ref.empty() || ref.substr(0, 2) == "//") return false;
  const bool plain = std::all_of(ref.begin(), ref.end(), [](char c) {
    return is_ascii_letter(c) || is_ascii_digit(c) || is_in(c, "-._~/!$&'()*+,;=@");
  });
  if (!plain) return false;
  for (std::size_t start = 0; start <= ref.size();) {
    const std::size_t end = std::min(ref.find('/', start), ref.size());
    const std::string_view segment = ref.substr(start, end - start);
    if (segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

// `ref` resolved against the base as text, as url_text(resolve(base, ref)) would give it.
std::optional<std::string> link_text(CURLU* base, const std::optional<PlainJoin>& plain, const std::string& ref) {
  if (plain && is_plain_path(ref)) return (ref.front() == '/' ? plain->origin : plain->directory) + ref;
  const CurlUrl u = resolve(base, ref);
  if (!u) return std::nullopt;
  return url_text(u.get());
}

// Fills out.links from the scan's refs, and with `crawl` link_nofollow and other_schemes.
void resolve_links(const HtmlScan& scan, std::string_view base_url, bool crawl, Extracted& out) {
  CurlUrl base = resolve(nullptr, base_url);
  if (scan.base_href) {
    if (CurlUrl declared = resolve(base.get(), *scan.base_href)) base = std::move(declared);
  }
  const std::optional<PlainJoin> plain = plain_join_for(base.get());
  std::vector<std::string>& links = out.links;
  links.reserve(scan.refs.size());  // never reallocates, so the views in `seen` stay valid
  std::unordered_map<std::string_view, std::size_t> seen;  // link -> its index in links
  std::unordered_set<std::string> other_schemes;
  for (std::size_t i = 0; i < scan.refs.size(); ++i) {
    std::optional<std::string> text = link_text(base.get(), plain, scan.refs[i]);
    if (!text) {
      if (crawl) {
        std::string ref = clean_ref(scan.refs[i]);
        const std::string scheme = standard_scheme(ref);
        if (!scheme.empty() && scheme != "http" && scheme != "https") other_schemes.insert(std::move(ref));
      }
      continue;
    }
    const bool nofollow = crawl && scan.ref_nofollow[i];
    if (const auto it = seen.find(*text); it != seen.end()) {
      if (crawl && !nofollow) out.link_nofollow[it->second] = false;
      continue;
    }
    links.push_back(std::move(*text));
    seen.emplace(links.back(), links.size() - 1);
    if (crawl) out.link_nofollow.push_back(nofollow);
  }
  out.other_schemes = other_schemes.size();
}

std::vector<std::string> find_all(const re2::RE2& re, std::string_view text, std::size_t max_matches) {
  std::vector<std::string> found;
  const int groups = std::min(re.NumberOfCapturingGroups(), 1);
  re2::StringPiece sub[2];
  std::size_t at = 0;
  while (found.size() < max_matches && at <= text.size()) {
    // Matching from `at` within the whole text keeps ^ and \b true to their context.
    if (!re.Match(text, at, text.size(), re2::RE2::UNANCHORED, sub, 1 + groups)) break;
    const std::size_t end = static_cast<std::size_t>(sub[0].data() - text.data()) + sub[0].size();
    if (sub[0].empty()) {
      // An empty match says nothing; step over one whole character so that the next starts on one.
      at = end + 1;
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
      continue;
    }
    const re2::StringPiece value = groups ? sub[1] : sub[0];
    found.emplace_back(value.data() ? std::string(value.data(), value.size()) : std::string());
    at = end;
  }
  return found;
}

}  // namespace

ExtractConfig::ExtractConfig() = default;
ExtractConfig::~ExtractConfig() = default;
ExtractConfig::ExtractConfig(ExtractConfig&&) noexcept = default;
ExtractConfig& ExtractConfig::operator=(ExtractConfig&&) noexcept = default;

std::optional<std::string> ExtractConfig::add_pattern(std::string_view spec) {
  if (spec.empty()) return std::string("empty regular expression");
  std::string_view name = spec;
  std::string_view regex = spec;
  if (const std::size_t eq = spec.find('='); eq != std::string_view::npos && is_name(spec.substr(0, eq))) {
    name = spec.substr(0, eq);
    regex = spec.substr(eq + 1);
  }
  return add_pattern(name, regex);
}

std::optional<std::string> ExtractConfig::add_pattern(std::string_view name, std::string_view regex) {
  if (name.empty()) return std::string("empty pattern name");
  if (regex.empty()) return "empty regular expression for \"" + std::string(name) + "\"";
  for (const Pattern& p : patterns)
    if (p.name == name) return "pattern name \"" + std::string(name) + "\" given twice";
  re2::RE2::Options options;  // RE2's defaults (UTF-8), except that
  options.set_log_errors(false);  // it would print its own complaint to stderr
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(regex.data(), regex.size()), options);
  if (!re->ok()) return "invalid regular expression \"" + std::string(regex) + "\": " + re->error();
  patterns.push_back({std::string(name), std::move(re)});
  return std::nullopt;
}

bool ExtractConfig::wants_body() const { return title || links != Links::none || !patterns.empty(); }

Extracted extract(const ExtractConfig& cfg, std::string_view body, std::string_view content_type,
                  std::string_view base_url) {
  Extracted out;
  const bool html = is_html(content_type, body);
  const bool parse = html && (cfg.title || cfg.links != ExtractConfig::Links::none);
  if (!parse && cfg.patterns.empty()) return out;

  const std::string text = to_utf8(body, sniff_charset(body, content_type, html));
  if (parse) {
    const bool links = cfg.links != ExtractConfig::Links::none;
    const HtmlWants wants{cfg.title, links, cfg.links == ExtractConfig::Links::all, links && cfg.crawl};
    HtmlScan scan = scan_html(text, wants);
    out.title = std::move(scan.title);
    out.nofollow = scan.nofollow;
    if (wants.anchors) resolve_links(scan, base_url, wants.nofollow, out);
  }
  for (const ExtractConfig::Pattern& p : cfg.patterns)
    out.matches.emplace_back(p.name, find_all(*p.re, text, cfg.max_matches));
  return out;
}

}  // namespace volley
