#include "crawl/crawl_rules.hpp"

#include "crawl/canonical_url.hpp"
#include "util/ascii.hpp"

#include <libpsl.h>
#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace volley {

std::string_view not_followed_name(NotFollowed why) {
  switch (why) {
    case NotFollowed::scheme: return "scheme";
    case NotFollowed::scope: return "scope";
    case NotFollowed::excluded: return "excluded";
    case NotFollowed::depth: return "depth";
    case NotFollowed::trap: return "trap";
    case NotFollowed::nofollow: return "nofollow";
    case NotFollowed::budget: return "budget";
    case NotFollowed::seen: return "seen";
    case NotFollowed::robots: return "robots";
  }
  return "unknown";
}

namespace {

enum class Scope { host, prefix, domain, any };

Scope parse_scope(const std::string& value) {
  if (value == "host") return Scope::host;
  if (value == "prefix") return Scope::prefix;
  if (value == "domain") return Scope::domain;
  if (value == "any") return Scope::any;
  throw std::runtime_error("--scope: \"" + value + "\" is not host, prefix, domain or any");
}

using Patterns = std::vector<std::unique_ptr<re2::RE2>>;

Patterns compile(const std::vector<std::string>& patterns, std::string_view flag) {
  Patterns out;
  re2::RE2::Options options;
  options.set_log_errors(false);  // RE2 would print its own complaint to stderr
  for (const std::string& pattern : patterns) {
    auto re = std::make_unique<re2::RE2>(pattern, options);
    if (!re->ok()) throw std::runtime_error(std::string(flag) + " \"" + pattern + "\": " + re->error());
    out.push_back(std::move(re));
  }
  return out;
}

bool any_matches(const Patterns& patterns, std::string_view text) {
  const re2::StringPiece piece(text.data(), text.size());
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return re2::RE2::PartialMatch(piece, *re); });
}

// An IP literal has no registrable domain: the Public Suffix List would take "1" of 127.0.0.1
// for a top-level domain and "0.1" for the domain.
bool is_ip_literal(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return is_ascii_digit(c) || c == '.'; });
}

// Trap guards (docs/crawl.md, "Trap guards"). Each names a shape that grows with every page
// of a trap and is rare on a real site.
constexpr std::size_t max_url_chars = 2000;  // the issue's; StormCrawler's maxLength is of the kind
constexpr std::size_t max_path_segments = 32;  // Heritrix's TooManyPathSegmentsDecideRule stops at 20
constexpr std::size_t max_repeats = 3;  // of a path segment (StormCrawler's maxPathRepetition), of a
                                        // parameter name (wapiti caps it at 5)

bool is_trap(std::string_view canonical, const UrlParts& p) {
  if (canonical.size() > max_url_chars) return true;
  // A "%" encoded three times over: a page that links to its own URL, escaped once more each time.
  if (canonical.find("%2525") != std::string_view::npos) return true;

  std::vector<std::string_view> segments;
  for (std::size_t start = 1; start <= p.path.size();) {
    std::size_t end = std::min(p.path.find('/', start), p.path.size());
    segments.push_back(p.path.substr(start, end - start));
    start = end + 1;
  }
  if (segments.size() > max_path_segments) return true;
  // Bounded by max_path_segments, so counting pairwise costs less than a hash table would.
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].empty()) continue;
    std::size_t seen = 1;
    for (std::size_t j = i + 1; j < segments.size(); ++j)
      if (segments[j] == segments[i] && ++seen > max_repeats) return true;
  }

  // The canonical query is sorted by name, so repeats of a name stand together.
  std::string_view previous;
  std::size_t run = 0;
  for (std::size_t start = 0; p.has_query && start <= p.query.size();) {
    const std::size_t end = std::min(p.query.find('&', start), p.query.size());
    const std::string_view field = p.query.substr(start, end - start);
    const std::string_view name = field.substr(0, field.find('='));
    run = name == previous ? run + 1 : 1;
    if (run > max_repeats) return true;
    previous = name;
    start = end + 1;
  }
  return false;
}

}  // namespace

struct CrawlRules::Impl {
  Scope scope = Scope::host;
  std::unique_ptr<psl_ctx_t, void (*)(psl_ctx_t*)> psl{nullptr, psl_free};
  Patterns include, exclude;

  // The registrable domain of a (lower-case) host, or the host itself when it has none: an IP
  // address, or a host that is itself a public suffix ("localhost", "co.uk").
  std::string domain_of(std::string_view host) const {
    if (is_ip_literal(host)) return std::string(host);
    const std::string name(host);
    const char* domain = psl_registrable_domain(psl.get(), name.c_str());
    return domain ? std::string(domain) : name;
  }
};

CrawlRules::CrawlRules(const Options& options) : m_impl(std::make_unique<Impl>()) {
  m_impl->scope = parse_scope(options.scope);
  if (m_impl->scope == Scope::domain) {
    // The newest list on the system (Debian's publicsuffix package, which libpsl5 reads), else the
    // one built into libpsl; psl_free leaves the built-in one alone.
    m_impl->psl.reset(psl_latest(nullptr));
    if (!m_impl->psl) m_impl->psl.reset(const_cast<psl_ctx_t*>(psl_builtin()));
    if (!m_impl->psl) throw std::runtime_error("--scope domain: no Public Suffix List (install publicsuffix)");
  }
  m_impl->include = compile(options.include, "--include");
  m_impl->exclude = compile(options.exclude, "--exclude");
}

CrawlRules::~CrawlRules() = default;
CrawlRules::CrawlRules(CrawlRules&&) noexcept = default;
CrawlRules& CrawlRules::operator=(CrawlRules&&) noexcept = default;

std::string CrawlRules::scope_root(std::string_view seed_url) const {
  if (m_impl->scope == Scope::any) return {};
  const std::optional<std::string> canonical = canonical_url(seed_url);
  const std::optional<UrlParts> p = canonical ? split_http_url(*canonical) : std::nullopt;
  // Not reached for a seed the input accepted; a root that no canonical URL's parts can equal.
  if (!p) return std::string(seed_url);
  switch (m_impl->scope) {
    case Scope::host:
      return std::string(p->host_and_port());
    case Scope::prefix: {
      // Scheme-less, as for host: a site that moves from http to https keeps its directory.
      std::string root = "//";
      root += p->host_and_port();
      root += p->path.substr(0, p->path.rfind('/') + 1);
      return root;
    }
    case Scope::domain:
      return m_impl->domain_of(p->host);
    case Scope::any:
      break;
  }
  return {};
}

std::optional<NotFollowed> CrawlRules::check(std::string_view url, std::string_view canonical,
                                             std::string_view root) const {
  if (!ascii_istarts_with(url, "http://") && !ascii_istarts_with(url, "https://")) return NotFollowed::scheme;
  const std::optional<UrlParts> p = split_http_url(canonical);
  if (!p) return NotFollowed::scheme;
  if (is_trap(canonical, *p)) return NotFollowed::trap;

  if (!root.empty()) {
    bool in_scope = false;
    switch (m_impl->scope) {
      case Scope::host:
        in_scope = p->host_and_port() == root;
        break;
      case Scope::prefix: {
        const std::size_t slash = std::min(root.find('/', 2), root.size());
        in_scope = p->host_and_port() == root.substr(2, slash - 2) &&
                   p->path.substr(0, root.size() - slash) == root.substr(slash);
        break;
      }
      case Scope::domain:
        // A cheap test first: most links off the site do not even end with the root.
        in_scope = (p->host == root || (p->host.size() > root.size() && p->host.ends_with(root) &&
                                        p->host[p->host.size() - root.size() - 1] == '.')) &&
                   m_impl->domain_of(p->host) == root;
        break;
      case Scope::any:
        in_scope = true;
        break;
    }
    if (!in_scope) return NotFollowed::scope;
  }

  if (!m_impl->include.empty() && !any_matches(m_impl->include, canonical)) return NotFollowed::excluded;
  if (any_matches(m_impl->exclude, canonical)) return NotFollowed::excluded;
  return std::nullopt;
}

}  // namespace volley
