#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

// robots.txt as RFC 9309 defines it, as pure functions: the fetcher (engine) gets the body of
// /robots.txt once per scheme+host+port, turns the outcome into RobotsRules with
// robots_from_fetch(), and asks allowed() before each request to that origin.

/// RFC 9309 2.5: a crawler must parse at least the first 500 KiB; the rest is ignored, which
/// also bounds what a hostile file can make volley hold.
inline constexpr std::size_t robots_parse_limit = 500 * 1024;

/// RFC 9309 2.3.1.2: follow at least five consecutive redirects (even to another host) when
/// fetching /robots.txt. Following them is the fetcher's job; the final status goes to
/// robots_from_fetch().
inline constexpr int robots_max_redirects = 5;

/// Crawl-delay is not in RFC 9309; a site asking for more than this (some say 3600) still gets
/// a request a minute rather than stalling a nightly crawl for days.
inline constexpr double robots_max_crawl_delay = 60.0;

/// A robots.txt's `key: value` lines, in order: the first robots_parse_limit bytes (a line cut by
/// the limit dropped, as it could be a shorter, broader pattern than the site wrote), an initial
/// UTF-8 BOM skipped, CR, LF or CRLF line ends, # comments removed, key and value trimmed; lines
/// without a colon are skipped. The rules and the Sitemap: lines (crawl/sitemap.hpp) both read
/// a file through it.
class RobotsLines {
 public:
  struct Line {
    std::string_view key;  // as written: compare it without case
    std::string_view value;
  };

  explicit RobotsLines(std::string_view body);
  std::optional<Line> next();

 private:
  std::string_view m_rest;
};

/// The product token robots.txt groups are matched against (RFC 9309 2.2.1): the leading letters,
/// '_' and '-' of a User-Agent, e.g. "volley" for "volley/0.1.0". Empty when it starts otherwise;
/// then only the `*` group applies.
std::string robots_product_token(std::string_view user_agent);

/// The rules of the one group of a robots.txt that applies to one product token.
class RobotsRules {
 public:
  /// No rules: everything is allowed (an empty or missing robots.txt, a 4xx).
  RobotsRules() = default;

  /// Everything but /robots.txt is disallowed (a 5xx, or no answer at all).
  static RobotsRules disallow_all();

  /// Reads the first robots_parse_limit bytes of `body` (UTF-8, optional BOM, CR, LF or CRLF line
  /// ends, # comments, unknown lines ignored) and keeps the rules of the groups naming
  /// `product_token` (case-insensitive; all such groups merged), else those of the `*` groups.
  static RobotsRules parse(std::string_view body, std::string_view product_token);

  /// `path_and_query` is the request target as sent ("/a/b?q=1"; empty means "/"). The longest
  /// matching rule decides, Allow winning a tie; no match, and /robots.txt itself, are allowed.
  bool allowed(std::string_view path_and_query) const;

  /// The group's Crawl-delay in seconds (the largest if given more than once), at most
  /// robots_max_crawl_delay; nullopt when the group has none.
  std::optional<double> crawl_delay() const { return m_crawl_delay; }

  std::size_t rule_count() const { return m_rules.size(); }
  /// The heap bytes the rules hold.
  std::size_t bytes() const { return m_patterns.capacity() + m_rules.capacity() * sizeof(Rule); }

 private:
  // Patterns live in one arena: a file of tiny rules costs 12 bytes a rule beyond its text.
  struct Rule {
    std::uint32_t offset;
    std::uint32_t length;  // of the normalised pattern, '*'s included, without the '$' anchor
    bool anchored;         // ended in '$': the path must end where the pattern does
    bool allow;
    std::uint32_t specificity() const { return length + (anchored ? 1 : 0); }
  };

  bool matches(const Rule& rule, std::string_view path) const;

  std::string m_patterns;
  std::vector<Rule> m_rules;  // most specific first, Allow before Disallow at equal length
  std::optional<double> m_crawl_delay;
  bool m_disallow_all = false;
};

/// What the outcome of fetching /robots.txt means (RFC 9309 2.3.1).
enum class RobotsFetchPolicy {
  parse,         // 2xx: obey the body
  allow_all,     // 4xx ("unavailable"), or a redirect still unresolved after robots_max_redirects
  disallow_all,  // 5xx, no response (DNS, connect, TLS, timeout) or a status outside 200–599
};

/// `status` is the final HTTP status after redirects, nullopt when no response came.
RobotsFetchPolicy robots_fetch_policy(std::optional<long> status);

/// robots_fetch_policy() applied: the rules a host's /robots.txt outcome gives for the run.
RobotsRules robots_from_fetch(std::optional<long> status, std::string_view body,
                              std::string_view product_token);

}  // namespace volley
