#pragma once

#include "app/options.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// Why a link found on a page is not fetched (docs/crawl.md); the summary counts each.
enum class NotFollowed {
  scheme,    // not http or https (mailto:, javascript:, data:, ftp:, tel:)
  scope,     // outside --scope of its seed
  excluded,  // --include / --exclude
  depth,     // found on a page at --depth
  trap,      // a trap guard: too long, too deep, a path segment or parameter repeated, escaped thrice
  nofollow,  // --robots: rel="nofollow", or the page's <meta name="robots" content="nofollow">
  robots,    // --robots: its origin's robots.txt disallows it
  budget,    // --max-pages, --max-pages-per-host
  seen,      // fetched or queued already, under its canonical form
};
inline constexpr std::size_t not_followed_kinds = 9;
/// The reason's key in the summary and --summary-json: "scheme", "scope", …
std::string_view not_followed_name(NotFollowed why);

/// --scope, --include, --exclude and the trap guards (docs/crawl.md): what a link must pass
/// to be fetched, whatever page it is found on. Pure and thread-safe; built once from the flags.
class CrawlRules {
 public:
  /// Throws std::runtime_error naming the flag whose value is wrong: a pattern RE2 refuses
  /// (`--include "(": missing ): (`), an unknown --scope, no Public Suffix List for --scope domain.
  explicit CrawlRules(const Options& options);
  ~CrawlRules();
  CrawlRules(CrawlRules&&) noexcept;
  CrawlRules& operator=(CrawlRules&&) noexcept;

  /// What the pages descending from `seed_url` (absolute) must share with it under --scope, from
  /// its canonical form: for host its host and port, the default port dropped and no scheme
  /// ("example.com", "example.com:8080", "[::1]:8080"); for prefix "//", those and its path up to
  /// its last "/" ("//example.com/docs/"); for domain its registrable domain ("example.co.uk"), or
  /// the host when it has none (an IP address, "localhost"); for any, empty.
  std::string scope_root(std::string_view seed_url) const;
  /// Whether `url` (absolute, as found; `canonical` its canonical_url) may be fetched by a crawl
  /// whose seed's scope root is `root`: nullopt if so, else why not, the first of scheme, trap,
  /// scope, excluded. An empty root puts every URL in scope. Depth, robots, budgets and the seen
  /// set are the crawler's.
  std::optional<NotFollowed> check(std::string_view url, std::string_view canonical, std::string_view root) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace volley
