#pragma once

#include "core/job.hpp"
#include "core/record.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace volley {

/// --sitemap (docs/crawl.md, "Sitemaps"): for each seed's origin, once, its robots.txt's Sitemap:
/// lines, else /sitemap.xml; an index's sitemaps one level down (sitemaps.org allows no deeper
/// nesting); at most sitemap_max_per_origin sitemaps an origin. Pure: the fetches it asks for are
/// jobs the engine schedules (Job::sitemap: no line of their own, a sitemap's body read as it
/// arrives by the job's SitemapReader) and brings back to fetched(), or to dropped() when they
/// never ran. At most sitemap_fetches_at_once sitemaps are out at a time: the pages they list
/// come in tens of thousands, and the crawl's own pages should not wait behind them.
class SitemapSeeder {
 public:
  static constexpr std::size_t sitemap_max_per_origin = 1000;
  static constexpr std::size_t sitemap_fetches_at_once = 2;

  /// `robots_from_gate`: --robots fetches each origin's robots.txt already; its body comes to
  /// robots_txt() rather than through a fetch of this seeder's own.
  explicit SitemapSeeder(bool robots_from_gate) : m_robots_from_gate(robots_from_gate) {}

  /// A seed admitted: the first of its origin starts the origin's sitemap discovery. `scope_root`
  /// and `priority` are the seed's, which the pages its sitemaps list inherit.
  void seed(const Job& job, const std::string& scope_root, std::int32_t priority);

  /// A page a sitemap lists, to admit as a seed found by the crawl.
  struct Found {
    std::string url;
    std::string sitemap;     // the sitemap's URL: the page's parent
    std::string scope_root;  // of the seed whose origin the sitemap belongs to
    std::int32_t priority = 0;
  };

  /// A robots.txt known (from --robots, or a fetch of this seeder's): the sitemaps it names, else
  /// /sitemap.xml, become fetches. `robots_url` is the fetch job's url; `status` none when no
  /// response came.
  void robots_txt(const std::string& robots_url, std::optional<long> status, std::string_view body);
  /// A fetch of this seeder's ended (Job::sitemap is set): its pages go to `found`. The body is
  /// the job's sitemap_reader's, or else `r.body`.
  void fetched(const Job& job, const Record& r, std::vector<Found>& found);

  /// A fetch handed out will not come back (its host given up before it started).
  void dropped(const Job& job);

  /// The next fetch to schedule; nullopt when none waits, or while sitemap_fetches_at_once
  /// sitemaps are out.
  std::optional<Job> next_fetch();
  /// Fetches not handed out yet (those handed out are the engine's to count, as transfers).
  std::size_t pending() const { return m_fetches.size(); }

 private:
  struct Origin {
    std::string scope_root;
    std::int32_t priority = 0;
    bool robots_pending = false;  // waiting for its robots.txt (from the gate or a fetch)
    std::size_t sitemaps = 0;     // sitemap fetches asked for, against sitemap_max_per_origin
  };
  void want(const std::string& origin_key, Origin& o, const std::string& url, SitemapFetch kind);

  bool m_robots_from_gate;
  std::unordered_map<std::string, Origin> m_origins;      // by robots.txt URL
  std::unordered_map<std::string, std::string> m_owner;  // sitemap URL → its origin's robots.txt URL
  std::deque<Job> m_fetches;
  std::size_t m_out = 0;  // sitemaps (not robots.txt files) handed out and not back
};

}  // namespace volley
