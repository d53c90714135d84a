#include "crawl/crawler.hpp"

#include "crawl/canonical_url.hpp"
#include "crawl/crawl_page.hpp"
#include "input/url_check.hpp"

#include <algorithm>
#include <limits>

namespace volley {

namespace {

// A page's priority for the scheduler: its seed's, less one per level, so that wherever the caps
// allow a shallower page starts before a deeper one (breadth-first), within the priority range.
std::int32_t page_priority(const CrawlPage& page) {
  const std::int64_t p = std::int64_t{page.base_priority} - page.depth;
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(p, std::numeric_limits<std::int32_t>::min(),
                                                            std::numeric_limits<std::int32_t>::max()));
}

}  // namespace

Crawler::Crawler(const Options& options, CrawlRules rules) : m_options(options), m_rules(std::move(rules)) {
  if (options.sitemap) m_sitemaps.emplace(options.robots);
}

Crawler::~Crawler() = default;

bool Crawler::take_budget(const std::string& host_key) {
  if (m_options.max_pages && m_pages >= m_options.max_pages) return false;
  if (m_options.max_pages_per_host) {
    std::uint64_t& n = m_per_host[host_key];
    if (n >= m_options.max_pages_per_host) return false;
    ++n;
  }
  ++m_pages;
  return true;
}

bool Crawler::admit_seed(Job& job) {
  const std::optional<std::string> canonical = canonical_url(job.target);
  if (canonical && !m_seen.insert(url_fingerprint(*canonical))) {
    skip(NotFollowed::seen);
    return false;
  }
  if (!take_budget(job.host_key)) {
    skip(NotFollowed::budget);
    return false;
  }
  auto page = std::make_shared<CrawlPage>();
  page->scope_root = m_rules.scope_root(job.target);
  page->base_priority = job.priority;
  job.priority = page_priority(*page);
  if (m_sitemaps) m_sitemaps->seed(job, page->scope_root, page->base_priority);
  job.crawl = std::move(page);
  job.seq = ++m_seq;
  return true;
}

bool Crawler::may_follow_redirect(const Job& job, std::string_view next_url) {
  if (!job.crawl) return true;
  const std::optional<std::string> canonical = canonical_url(next_url);
  if (!canonical) return true;  // the redirect rules refuse it, with their own error
  // Counted as links are: a hop not followed is a page the crawl does not fetch.
  if (const auto why = m_rules.check(next_url, *canonical, job.crawl->scope_root)) {
    skip(*why);
    return false;
  }
  if (m_seen.insert(url_fingerprint(*canonical))) return true;
  skip(NotFollowed::seen);
  return false;
}

bool Crawler::drop_disallowed(const Job& job) {
  // A page a sitemap listed is a page found, though at depth 0.
  if (!job.crawl || (job.crawl->depth == 0 && !job.crawl->from_sitemap) || job.redirects) return false;
  skip(NotFollowed::robots);
  return true;
}

void Crawler::expand(const Record& r) {
  if (!r.crawl) return;
  const CrawlPage& from = *r.crawl;
  // The pages found on one page share their place in the crawl: one CrawlPage for all of them,
  // so that a page waiting in the frontier costs its URL and a pointer.
  std::shared_ptr<const CrawlPage> found;
  // Never fetched at any depth, so counted as such first; extract() keeps no list of them.
  m_not_followed[static_cast<std::size_t>(NotFollowed::scheme)] += r.extracted.other_schemes;
  const std::vector<bool>& link_nofollow = r.extracted.link_nofollow;
  for (std::size_t i = 0; i < r.extracted.links.size(); ++i) {
    const std::string& link = r.extracted.links[i];
    if (from.depth >= m_options.depth) {
      skip(NotFollowed::depth);
      continue;
    }
    // Under --robots, rel="nofollow" and the page's own robots meta hold a link back.
    const bool nofollow = m_options.robots && (r.extracted.nofollow || (i < link_nofollow.size() && link_nofollow[i]));
    std::optional<std::string> url = admit_found(link, from.scope_root, nofollow);
    if (!url) continue;
    if (!found) {
      auto page = std::make_shared<CrawlPage>();
      page->depth = from.depth + 1;
      page->parent = r.url;
      page->scope_root = from.scope_root;
      page->base_priority = from.base_priority;
      found = std::move(page);
    }
    m_frontier.push_back(Entry{std::move(*url), found});
  }
}

// A sitemap's pages are seeds the crawl found rather than read: depth 0, so that a page listed
// only there is crawled as deep as a seed, and parent the sitemap, so that its line says where it
// came from. Scope is that of the seed whose origin the sitemap serves.
void Crawler::sitemap_fetched(const Job& job, const Record& r) {
  if (!m_sitemaps) return;
  std::vector<SitemapSeeder::Found> listed;
  m_sitemaps->fetched(job, r, listed);
  std::shared_ptr<const CrawlPage> found;  // one for the sitemap's pages, as for a page's links
  for (SitemapSeeder::Found& f : listed) {
    std::optional<std::string> url = admit_found(f.url, f.scope_root, false);
    if (!url) continue;
    if (!found) {
      auto page = std::make_shared<CrawlPage>();
      page->parent = std::move(f.sitemap);
      page->scope_root = std::move(f.scope_root);
      page->base_priority = f.priority;
      page->from_sitemap = true;
      found = std::move(page);
    }
    m_frontier.push_back(Entry{std::move(*url), found});
  }
}

std::optional<std::string> Crawler::admit_found(const std::string& link, std::string_view scope_root, bool nofollow) {
  const std::optional<std::string> canonical = canonical_url(link);
  if (!canonical) {
    skip(NotFollowed::scheme);
    return std::nullopt;
  }
  if (const auto why = m_rules.check(link, *canonical, scope_root)) {
    skip(*why);
    return std::nullopt;
  }
  // After the rules, so that this counts the links only nofollow held back. A record may carry
  // links without flags (ExtractConfig::crawl off): those are followed.
  if (nofollow) {
    skip(NotFollowed::nofollow);
    return std::nullopt;
  }
  const std::uint64_t fp = url_fingerprint(*canonical);
  if (m_seen.contains(fp)) {
    skip(NotFollowed::seen);
    return std::nullopt;
  }
  ParsedLine parsed = parse_input_line(link);
  if (parsed.kind != ParsedLine::Kind::url) {
    skip(NotFollowed::scheme);
    return std::nullopt;
  }
  if (!take_budget(parsed.host_key)) {
    skip(NotFollowed::budget);
    return std::nullopt;
  }
  m_seen.insert(fp);
  return std::move(parsed.url);
}

std::vector<std::pair<std::string, std::uint64_t>> Crawler::not_followed_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < not_followed_kinds; ++i)
    out.emplace_back(not_followed_name(static_cast<NotFollowed>(i)), m_not_followed[i]);
  return out;
}

std::optional<Job> Crawler::next() {
  if (m_frontier.empty()) return std::nullopt;
  Entry e = std::move(m_frontier.front());
  m_frontier.pop_front();
  ParsedLine parsed = parse_input_line(e.url);
  Job job;
  job.seq = ++m_seq;
  job.url = std::move(parsed.url);
  job.target = std::move(parsed.target);
  job.host_key = std::move(parsed.host_key);
  job.priority = page_priority(*e.page);
  job.crawl = std::move(e.page);
  return job;
}

}  // namespace volley
