#pragma once

#include "app/options.hpp"
#include "core/job.hpp"
#include "core/record.hpp"
#include "crawl/crawl_rules.hpp"
#include "crawl/crawl_store.hpp"
#include "crawl/seen_set.hpp"
#include "crawl/sitemap_seeder.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace volley {

struct CrawlPage;

/// The crawl's frontier and seen set (docs/crawl.md), the engine's collaborator under --crawl.
/// Seeds come from the intake, links from each page's record as its line goes out; the pages to
/// fetch go to the engine when its read-ahead window has room, breadth-first (in the order found,
/// and with a priority lowered by depth for the scheduler). Every page it hands out gets a line.
class Crawler {
 public:
  explicit Crawler(const Options& options, CrawlRules rules);
  ~Crawler();

  /// --state (docs/crawl-state.md): every page admitted and every page's outlinks go to `store`;
  /// the frontier keeps at most frontier_window pages in memory and reads the rest back; a 304 or
  /// a cached line expands from the outlinks stored. With `has_line` (--resume), the crawl goes
  /// on from the store's pages: their fingerprints are seen, the seqs go on from the highest, and
  /// a page is fetched again unless `has_line(seq)` and its links are stored (with `has_line`
  /// only, it is fetched for its links alone). Throws std::runtime_error when the store cannot be read.
  void use_store(CrawlStore& store, std::function<bool(std::uint64_t)> has_line = {});
  /// --resume, after use_store(): a line of the output file. A page with a line whose row never
  /// reached the store (killed before its batch was committed) is taken as seen, and fetched
  /// again for its links alone: they never reached the store either. Seqs go on after the
  /// highest line's. Then resumed_lines_read().
  void resume_line(std::uint64_t seq, const std::string& url, int depth, const std::string& parent);
  /// Puts the pages resume_line() found unstored into the frontier, with their seed's scope.
  void resumed_lines_read();
  /// Whether the frontier beyond frontier_window lives in a store (use_store()).
  bool on_disk() const { return m_store != nullptr; }
  /// Pages of the frontier held in memory at most with a store.
  static constexpr std::size_t frontier_window = 10000;

  /// A URL read from the input: whether it is fetched (its job then carries its CrawlPage and a
  /// seq of the crawl's count) or makes no line (its canonical form seen already, or over a budget).
  bool admit_seed(Job& job);
  /// Gives `job`, a line read that is no URL, the next seq of the crawl's count; false when
  /// --max-pages is spent, and it makes no line (the budget bounds the lines, whatever is read).
  bool number(Job& job);
  /// Whether --max-pages is spent: nothing read from now on makes a line.
  bool budget_spent() const { return m_options.max_pages && m_pages >= m_options.max_pages; }
  /// Whether the redirect of `job` (one the redirect rules follow) to `next_url` may be
  /// followed: in the scope of its seed and not seen. The target is marked seen, so a page
  /// reached by a redirect and directly is fetched once. Not counted in not_followed: the page
  /// has its line, the 3xx.
  bool may_follow_redirect(const Job& job, std::string_view next_url);
  /// Whether `job`, which robots.txt disallows, is a page the crawl found (not a seed, not a
  /// redirect hop of a page under way): then it is a link not followed and makes no line.
  bool drop_disallowed(const Job& job);
  /// A page's line goes out: the links of its body that pass the rules join the frontier.
  void expand(const Record& r);
  /// The next page to fetch; nullopt when the frontier is empty.
  std::optional<Job> next();
  /// --sitemap: the next of its own fetches (Job::sitemap), which go straight to the scheduler.
  std::optional<Job> next_fetch() { return m_sitemaps ? m_sitemaps->next_fetch() : std::nullopt; }
  /// --sitemap: --robots knows an origin's robots.txt (fetched, or from --state's store); its
  /// Sitemap: lines are read. `status`: none when no response came.
  void robots_known(const std::string& robots_url, std::optional<long> status, std::string_view body) {
    if (m_sitemaps) m_sitemaps->robots_txt(robots_url, status, body);
  }
  /// --sitemap: one of its fetches ended; a sitemap's pages join the frontier as seeds found
  /// (depth 0, the sitemap as parent), in scope, each once, within the budgets.
  void sitemap_fetched(const Job& job, const Record& r);
  /// --sitemap: one of its fetches will never run (its host given up).
  void sitemap_dropped(const Job& job) {
    if (m_sitemaps) m_sitemaps->dropped(job);
  }
  /// Pages found and --sitemap fetches not handed out yet (with a store, at least one while
  /// --resume has stored pages left to look at).
  std::size_t pending() const {
    return m_frontier.size() + m_on_disk + (m_resume_cursor < m_resume_until ? 1 : 0) +
           (m_sitemaps ? m_sitemaps->pending() : 0);
  }
  /// Links not followed, by reason, named as the summary names them (not_followed_name).
  std::vector<std::pair<std::string, std::uint64_t>> not_followed_counts() const;

 private:
  struct Entry {
    std::uint64_t seq;
    std::string url;
    std::shared_ptr<const CrawlPage> page;
  };
  void refill();
  void read_resumed();
  std::optional<std::vector<std::string>> stored_links(const Record& r);
  bool take_budget(const std::string& host_key);
  struct Admitted {
    std::string url;  // as parsed
    std::uint64_t fingerprint;
  };
  // A link or a sitemap's location that passes the rules, the seen set and the budgets: its URL
  // as parsed, marked seen; nullopt when it is skipped (and counted).
  std::optional<Admitted> admit_found(const std::string& link, std::string_view scope_root,
                                      std::optional<NotFollowed> held);
  void push_found(Admitted a, const std::shared_ptr<const CrawlPage>& page);
  void skip(NotFollowed why) { ++m_not_followed[static_cast<std::size_t>(why)]; }

  const Options& m_options;
  CrawlRules m_rules;
  SeenSet m_seen;
  std::deque<Entry> m_frontier;
  std::optional<SitemapSeeder> m_sitemaps;  // --sitemap
  // Pages admitted (and lines of bad seeds): a page's seq is its place in this count, so that
  // the store keeps the frontier in seq order.
  std::uint64_t m_seq = 0;
  std::uint64_t m_pages = 0;  // pages admitted (seeds and links), for --max-pages
  std::unordered_map<std::string, std::uint64_t> m_per_host;  // --max-pages-per-host
  std::array<std::uint64_t, not_followed_kinds> m_not_followed{};
  // With a store: pages admitted while the window was full are read back from it, in seq order
  // from m_disk_cursor; --resume's stored pages up to m_resume_until, from m_resume_cursor.
  CrawlStore* m_store = nullptr;
  std::function<bool(std::uint64_t)> m_has_line;
  std::uint64_t m_on_disk = 0;
  std::uint64_t m_disk_cursor = 0;
  std::uint64_t m_resume_cursor = 0;
  std::uint64_t m_resume_until = 0;
  // resume_line()'s pages with a line and no row, by URL: few (a batch's worth at most).
  struct Unstored {
    std::uint64_t seq;
    std::uint64_t fingerprint;
    int depth;
    std::string parent;
  };
  std::unordered_map<std::string, Unstored> m_unstored;
  std::optional<CrawlPage> unstored_page(const std::string& url, int hops);
};

}  // namespace volley
