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

Crawler::Crawler(const Options& options, CrawlRules rules) : m_options(options), m_rules(std::move(rules)) {}

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
  job.crawl = std::move(page);
  job.seq = ++m_seq;
  return true;
}

bool Crawler::may_follow_redirect(const Job& job, std::string_view next_url) {
  if (!job.crawl) return true;
  const std::optional<std::string> canonical = canonical_url(next_url);
  if (!canonical) return true;  // the redirect rules refuse it, with their own error
  if (m_rules.check(next_url, *canonical, job.crawl->scope_root)) return false;
  return m_seen.insert(url_fingerprint(*canonical));
}

void Crawler::expand(const Record& r) {
  if (!r.crawl) return;
  const CrawlPage& from = *r.crawl;
  for (const std::string& link : r.extracted.links) {
    if (from.depth >= m_options.depth) {
      skip(NotFollowed::depth);
      continue;
    }
    const std::optional<std::string> canonical = canonical_url(link);
    if (!canonical) {
      skip(NotFollowed::scheme);
      continue;
    }
    if (const auto why = m_rules.check(link, *canonical, from.scope_root)) {
      skip(*why);
      continue;
    }
    const std::uint64_t fp = url_fingerprint(*canonical);
    if (m_seen.contains(fp)) {
      skip(NotFollowed::seen);
      continue;
    }
    ParsedLine parsed = parse_input_line(link);
    if (parsed.kind != ParsedLine::Kind::url) {
      skip(NotFollowed::scheme);
      continue;
    }
    if (!take_budget(parsed.host_key)) {
      skip(NotFollowed::budget);
      continue;
    }
    m_seen.insert(fp);
    auto page = std::make_shared<CrawlPage>();
    page->depth = from.depth + 1;
    page->parent = r.url;
    page->scope_root = from.scope_root;
    page->base_priority = from.base_priority;
    m_frontier.push_back(Entry{std::move(parsed.url), std::move(page)});
  }
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
