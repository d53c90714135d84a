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
  trap,      // a trap guard: too long, a path segment repeated
  nofollow,  // --robots: rel="nofollow", or the page's <meta name="robots" content="nofollow">
  budget,    // --max-pages, --max-pages-per-host
  seen,      // fetched or queued already, under its canonical form
};
inline constexpr std::size_t not_followed_kinds = 8;
/// The reason's key in the summary and --summary-json: "scheme", "scope", …
std::string_view not_followed_name(NotFollowed why);

/// --scope, --include, --exclude and the trap guards: what a link must pass to be fetched,
/// whatever page it is found on. Pure; built once from the flags.
class CrawlRules {
 public:
  /// Throws std::runtime_error naming the flag whose value is wrong (a bad RE2 pattern).
  explicit CrawlRules(const Options& options);
  ~CrawlRules();
  CrawlRules(CrawlRules&&) noexcept;
  CrawlRules& operator=(CrawlRules&&) noexcept;

  /// What the pages descending from `seed_url` (absolute) must share with it under --scope: its
  /// host and port (host), its directory (prefix), its registrable domain (domain), nothing (any).
  std::string scope_root(std::string_view seed_url) const;
  /// Whether `url` (absolute, as found; `canonical` its canonical_url) may be fetched by a crawl
  /// whose seed's scope root is `root`: nullopt if so, else why not. Depth, budgets and the seen
  /// set are the crawler's.
  std::optional<NotFollowed> check(std::string_view url, std::string_view canonical, std::string_view root) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace volley
