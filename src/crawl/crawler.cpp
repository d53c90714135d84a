#include "crawl/crawler.hpp"

#include "crawl/canonical_url.hpp"
#include "crawl/crawl_page.hpp"
#include "input/url_check.hpp"
#include "net/curl_ptr.hpp"

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

// libcurl's own spelling of a seed (`127.1` is 127.0.0.1, `http:///h/` is http://h/): its
// pages' links are resolved against it, so its scope root and seen key are taken from it too.
std::string as_fetched(const std::string& target) {
  const CurlUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, target.c_str(), 0) != CURLUE_OK) return target;
  const CurlChars text = url_part(u.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  return text ? std::string(text.get()) : target;
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

bool Crawler::number(Job& job) {
  if (budget_spent()) {
    skip(NotFollowed::budget);
    return false;
  }
  ++m_pages;
  job.seq = ++m_seq;
  return true;
}

bool Crawler::admit_seed(Job& job) {
  const std::string fetched = as_fetched(job.target);
  const std::optional<std::string> canonical = canonical_url(fetched);
  const std::uint64_t fp = canonical ? url_fingerprint(*canonical) : 0;
  if (canonical && !m_seen.insert(fp)) {
    skip(NotFollowed::seen);
    return false;
  }
  if (!take_budget(job.host_key)) {
    skip(NotFollowed::budget);
    return false;
  }
  auto page = std::make_shared<CrawlPage>();
  page->scope_root = m_rules.scope_root(fetched);
  page->base_priority = job.priority;
  job.priority = page_priority(*page);
  job.seq = ++m_seq;
  // A seed without a canonical form is no page of the crawl's (its line is an error).
  if (m_store && canonical) m_store->admitted(StoredPage{job.seq, fp, job.url, *page, false});
  if (m_sitemaps) m_sitemaps->seed(job, page->scope_root, page->base_priority);
  job.crawl = std::move(page);
  return true;
}

bool Crawler::may_follow_redirect(const Job& job, std::string_view next_url) {
  if (!job.crawl) return true;
  const std::optional<std::string> canonical = canonical_url(next_url);
  if (!canonical) return true;  // the redirect rules refuse it, with their own error
  // Another spelling of the page itself (`%7E` to `~`, a cookie check's 302 to its own URL) is
  // the page, seen already: --max-redirects bounds it.
  if (canonical_url(as_fetched(job.target)) == canonical) return true;
  if (const auto why = m_rules.check(next_url, *canonical, job.crawl->scope_root)) {
    // A seed is fetched whatever --include and --exclude say, and so is where it leads.
    const bool seed = job.crawl->depth == 0 && !job.crawl->from_sitemap;
    if (!(seed && *why == NotFollowed::excluded)) return false;
  }
  return m_seen.insert(url_fingerprint(*canonical));
}

bool Crawler::drop_disallowed(const Job& job) {
  // A page a sitemap listed is a page found, though at depth 0.
  if (!job.crawl || (job.crawl->depth == 0 && !job.crawl->from_sitemap) || job.redirects) return false;
  skip(NotFollowed::robots);
  // Its line is not written, so its place in the budgets is given back: --max-pages stays
  // the number of lines.
  --m_pages;
  if (m_options.max_pages_per_host) --m_per_host[job.host_key];
  return true;
}

// For a 304 or a cached line (no body), the links stored from the body they confirm; nullopt
// when the line's own body's links are the ones (or nothing is stored).
std::optional<std::vector<std::string>> Crawler::stored_links(const Record& r) {
  const bool unchanged = r.cached || (r.status == 304 && r.error == ErrorKind::none);
  if (!m_store || !unchanged) return std::nullopt;
  return m_store->outlinks(r.url);
}

void Crawler::expand(const Record& r) {
  if (!r.crawl) return;
  const CrawlPage& from = *r.crawl;
  const std::optional<std::vector<std::string>> stored = stored_links(r);
  const std::vector<std::string>& links = stored ? *stored : r.extracted.links;
  // The pages found on one page share their place in the crawl: one CrawlPage for all of them,
  // so that a page waiting in the frontier costs its URL and a pointer.
  std::shared_ptr<const CrawlPage> found;
  // Never fetched at any depth, so counted as such first; extract() keeps no list of them.
  m_not_followed[static_cast<std::size_t>(NotFollowed::scheme)] += r.extracted.other_schemes;
  // The flags are the body's: links from the store (a 304) have none, and are followed.
  const std::vector<bool> no_flags;
  const std::vector<bool>& link_nofollow = stored ? no_flags : r.extracted.link_nofollow;
  // The links of a page at --depth pass the rules all the same, so that each is counted under
  // the first reason that holds, in the documented order (docs/crawl.md).
  const bool too_deep = from.depth >= m_options.depth;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::string& link = links[i];
    // Under --robots, rel="nofollow" and the page's own robots meta hold a link back.
    const bool nofollow = m_options.robots && (r.extracted.nofollow || (i < link_nofollow.size() && link_nofollow[i]));
    std::optional<NotFollowed> held;
    if (too_deep)
      held = NotFollowed::depth;
    else if (nofollow)
      held = NotFollowed::nofollow;
    std::optional<Admitted> url = admit_found(link, from.scope_root, held);
    if (!url) continue;
    if (!found) {
      auto page = std::make_shared<CrawlPage>();
      page->depth = from.depth + 1;
      page->parent = r.url;
      page->scope_root = from.scope_root;
      page->base_priority = from.base_priority;
      found = std::move(page);
    }
    push_found(std::move(*url), found);
  }
  // After its links' rows, so that a page stored as done has every page it found stored too.
  if (m_store) {
    // A body's links are kept (none is a fact too); a 304, a cached line or an error keeps the
    // ones stored before.
    const bool body = r.status && r.status != 304 && r.error == ErrorKind::none && !r.cached;
    m_store->expanded(r.seq, r.url, body ? &r.extracted.links : nullptr);
  }
}

void Crawler::use_store(CrawlStore& store, std::function<bool(std::uint64_t)> has_line) {
  m_store = &store;
  if (!has_line) return;
  m_has_line = std::move(has_line);
  m_store->for_each_page_key([this](std::uint64_t fp, std::uint64_t seq) {
    m_seen.insert(fp);
    m_seq = std::max(m_seq, seq);
    ++m_pages;
  });
  m_resume_until = m_seq;
}

void Crawler::resume_line(std::uint64_t seq, const std::string& url, int depth, const std::string& parent) {
  m_seq = std::max(m_seq, seq);
  const std::optional<std::string> canonical = canonical_url(url);
  if (!canonical || depth < 0) return;
  const std::uint64_t fp = url_fingerprint(*canonical);
  if (!m_seen.insert(fp)) return;
  ++m_pages;
  m_unstored.emplace(url, Unstored{seq, fp, depth, parent});
}

// Where an unstored page sits: as its line says, and under the scope of the seed it descends
// from, found through its parents (stored, or unstored too). nullopt when the chain breaks.
std::optional<CrawlPage> Crawler::unstored_page(const std::string& url, int hops) {
  const auto it = m_unstored.find(url);
  if (it == m_unstored.end() || hops > m_options.depth + 1) return std::nullopt;
  CrawlPage page;
  page.depth = it->second.depth;
  page.parent = it->second.parent;
  if (page.parent.empty()) {
    page.scope_root = m_rules.scope_root(parse_input_line(url).target);
    return page;
  }
  std::optional<CrawlPage> from = unstored_page(page.parent, hops + 1);
  if (!from) {
    const std::optional<std::string> canonical = canonical_url(page.parent);
    if (!canonical) return std::nullopt;
    std::optional<StoredPage> stored = m_store->page_of(url_fingerprint(*canonical));
    if (!stored) return std::nullopt;
    from = std::move(stored->page);
  }
  page.scope_root = from->scope_root;
  page.base_priority = from->base_priority;
  return page;
}

void Crawler::resumed_lines_read() {
  std::vector<std::pair<std::uint64_t, std::string>> by_seq;
  for (const auto& [url, u] : m_unstored) by_seq.emplace_back(u.seq, url);
  std::sort(by_seq.begin(), by_seq.end());
  for (const auto& [seq, url] : by_seq) {
    std::optional<CrawlPage> page = unstored_page(url, 0);
    if (!page) continue;
    m_store->admitted(StoredPage{seq, m_unstored.at(url).fingerprint, url, *page, false});
    page->links_only = true;
    m_frontier.push_back(Entry{seq, url, std::make_shared<CrawlPage>(std::move(*page))});
  }
  m_unstored.clear();
}

// --resume: the stored pages, in seq order, that the output has no line for (fetched as they
// were, under their seq) or whose links never reached the store (fetched for them alone).
void Crawler::read_resumed() {
  std::vector<StoredPage> rows = m_store->pages_after(m_resume_cursor, frontier_window / 2);
  if (rows.empty()) {
    m_resume_cursor = m_resume_until;
    return;
  }
  for (StoredPage& p : rows) {
    if (p.seq > m_resume_until) {
      m_resume_cursor = m_resume_until;
      return;
    }
    m_resume_cursor = p.seq;
    const bool has_line = m_has_line(p.seq);
    if (has_line && p.done) continue;
    p.page.links_only = has_line;
    m_frontier.push_back(Entry{p.seq, std::move(p.url), std::make_shared<CrawlPage>(std::move(p.page))});
  }
}

// Only committed rows are read; they are a prefix of those handed over, as batches commit in
// order. When the window is empty and the rest is still in the writer's hands, it is waited for
// (at most one batch's commit).
void Crawler::refill() {
  while (m_frontier.size() < frontier_window / 2) {
    if (m_resume_cursor < m_resume_until) {
      read_resumed();
      continue;
    }
    if (m_on_disk == 0) return;
    // Rows are read only once this run has committed past the cursor: before its first commit
    // the file still holds the last crawl's pages (a new crawl deletes them in its first batch).
    if (m_store->committed_seq() <= m_disk_cursor) {
      if (!m_frontier.empty()) return;
      m_store->flush();
    }
    std::vector<StoredPage> rows;
    if (m_store->committed_seq() > m_disk_cursor) rows = m_store->pages_after(m_disk_cursor, frontier_window / 2);
    // Nothing even then: writing failed, which ends the run; these pages are not fetched.
    if (rows.empty()) {
      m_on_disk = 0;
      return;
    }
    for (StoredPage& p : rows) {
      m_disk_cursor = p.seq;
      if (p.page.depth == 0) continue;  // a seed, handed out when it was read
      m_frontier.push_back(Entry{p.seq, std::move(p.url), std::make_shared<CrawlPage>(std::move(p.page))});
      if (--m_on_disk == 0) break;
    }
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
    std::optional<Admitted> url = admit_found(f.url, f.scope_root, std::nullopt);
    if (!url) continue;
    if (!found) {
      auto page = std::make_shared<CrawlPage>();
      page->parent = std::move(f.sitemap);
      page->scope_root = std::move(f.scope_root);
      page->base_priority = f.priority;
      page->from_sitemap = true;
      found = std::move(page);
    }
    push_found(std::move(*url), found);
  }
}

std::optional<Crawler::Admitted> Crawler::admit_found(const std::string& link, std::string_view scope_root,
                                                      std::optional<NotFollowed> held) {
  const std::optional<std::string> canonical = canonical_url(link);
  if (!canonical) {
    skip(NotFollowed::scheme);
    return std::nullopt;
  }
  if (const auto why = m_rules.check(link, *canonical, scope_root)) {
    skip(*why);
    return std::nullopt;
  }
  // After the rules: `held` (depth, nofollow) counts the links only it held back.
  if (held) {
    skip(*held);
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
  return Admitted{std::move(parsed.url), fp};
}

// A page admitted joins the frontier under the next seq; with a store, its row goes there too.
void Crawler::push_found(Admitted a, const std::shared_ptr<const CrawlPage>& page) {
  const std::uint64_t seq = ++m_seq;
  if (!m_store) {
    m_frontier.push_back(Entry{seq, std::move(a.url), page});
    return;
  }
  m_store->admitted(StoredPage{seq, a.fingerprint, a.url, *page, false});
  // Once a page has gone to the store alone, the ones after it follow it there: the frontier
  // is read back in seq order, so it stays first in, first out.
  if (m_on_disk == 0 && m_frontier.size() < frontier_window) {
    m_frontier.push_back(Entry{seq, std::move(a.url), page});
  } else if (m_on_disk++ == 0) {
    m_disk_cursor = seq - 1;
  }
}

std::vector<std::pair<std::string, std::uint64_t>> Crawler::not_followed_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < not_followed_kinds; ++i)
    out.emplace_back(not_followed_name(static_cast<NotFollowed>(i)), m_not_followed[i]);
  return out;
}

std::optional<Job> Crawler::next() {
  if (m_store) refill();
  if (m_frontier.empty()) return std::nullopt;
  Entry e = std::move(m_frontier.front());
  m_frontier.pop_front();
  ParsedLine parsed = parse_input_line(e.url);
  Job job;
  job.seq = e.seq;
  job.url = std::move(parsed.url);
  job.target = std::move(parsed.target);
  job.host_key = std::move(parsed.host_key);
  job.priority = page_priority(*e.page);
  job.crawl = std::move(e.page);
  return job;
}

}  // namespace volley
