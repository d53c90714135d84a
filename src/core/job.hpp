#pragma once

#include "core/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace volley {

/// What a request object on input ({"url": ..., "method": ..., ...}) sets for its own request,
/// over the command line's flags.
struct RequestOverrides {
  std::optional<std::string> method;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::string> body;
  std::string meta;  // compact JSON copied into the output line; empty when absent
};

struct StateEntry;
struct CrawlPage;
class SitemapReader;

/// --sitemap's own fetches (crawl/sitemap_seeder.hpp), which make no line: an origin's robots.txt
/// (when --robots does not fetch it already), a sitemap it names or /sitemap.xml, or a sitemap an
/// index names.
enum class SitemapFetch : std::uint8_t { none, robots_txt, top, nested };

/// One URL on its way through the stages; a retry is the same Job again.
struct Job {
  std::uint64_t seq = 0;
  /// A request object's "priority": higher starts first among the URLs that may start (default 0).
  std::int32_t priority = 0;
  std::string url;       // as read, trimmed
  std::string target;    // what libcurl fetches
  std::string host_key;  // "host:port"
  int attempts = 0;      // attempts started so far
  std::optional<TimePoint> first_start;  // when the first attempt started: `elapsed` counts from it
  std::optional<std::int64_t> started_at_ms;  // Unix ms when the last attempt started: `fetched_at`
  std::shared_ptr<const RequestOverrides> request;  // null for a plain URL line
  bool robots = false;  // --robots fetching an origin's /robots.txt (RobotsGate): no line of its own
  SitemapFetch sitemap = SitemapFetch::none;  // --sitemap's fetch: no line of its own either
  // A sitemap's body, read as it arrives rather than held (crawl/sitemap.hpp): a new one each
  // attempt, made by the transport as it starts the job.
  std::shared_ptr<SitemapReader> sitemap_reader;
  std::string id;  // the queue entry's id (--queue); empty otherwise
  std::vector<std::string> extra_headers;  // "Name: value", checked: --state's conditional headers
  std::shared_ptr<const StateEntry> state;  // --state: its key and stored row (state_rules.hpp)
  // volley follows a URL's redirects itself (net/redirect.hpp): `target` is then the latest hop,
  // `redirects` how many were followed, and `other_origin` whether that hop left the URL's scheme,
  // host and port (`first_origin`), so that credentials stay behind as libcurl leaves them.
  int redirects = 0;
  bool other_origin = false;
  std::string first_origin;
  bool as_get = false;        // a 301, 302 or 303 turned the request into a GET: no body, no -X
  std::int64_t chain_us = 0;  // transfer time of this attempt's earlier hops, which --timeout covers
  // The next start is a hop of an attempt already counted. A flag rather than taking one off
  // `attempts`: a hop that ends before it starts (its host given up, robots.txt, a signal) must
  // not report an attempt too few.
  bool hop_pending = false;
  // Nothing else of its host was queued when the scheduler started it: its connection and its
  // host's DNS entry are not kept for later (EasySetup::keep_host).
  bool host_drained = false;
  std::shared_ptr<const CrawlPage> crawl;  // --crawl: where the page sits in the crawl; null otherwise

  /// What a transport does as it starts the job: count an attempt, unless it is the hop of one.
  void count_start() {
    if (hop_pending)
      hop_pending = false;
    else
      ++attempts;
  }
};

/// What a job costs beyond its own fields and what they point to: its place in the scheduler's
/// queues (a deque slot, a retry's heap entry), the allocator's headers on its strings and the
/// control blocks of its shared parts. An estimate, erring high.
inline constexpr std::size_t job_overhead_bytes = 192;

/// The memory a job holds while it waits unstarted: its strings (as allocated, not as long as
/// their text), its request object and state entry, and job_overhead_bytes. The read-ahead
/// window's byte budget counts this (Scheduler::wants_more).
std::size_t job_bytes(const Job& job);

}  // namespace volley
