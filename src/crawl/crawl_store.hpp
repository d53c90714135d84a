#pragma once

#include "crawl/crawl_page.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace volley {

/// One page of a crawl as the store keeps it (docs/crawl-state.md): every page admitted, a seed
/// read or a link followed, under the seq its line gets.
struct StoredPage {
  std::uint64_t seq = 0;
  std::uint64_t fingerprint = 0;  // url_fingerprint of its canonical form
  std::string url;                // as it is fetched: the first form seen
  CrawlPage page;
  bool done = false;  // its line went out and its links were followed
};

/// Where a crawl keeps what does not fit in memory, and what must outlive the process (--state):
/// the pages admitted (the seen set and the frontier) and each page's outlinks. The Crawler
/// talks to it; the state store implements it (state/crawl_state.hpp). Writes are handed over
/// and committed later, by a thread of their own: reads see only what is committed.
class CrawlStore {
 public:
  virtual ~CrawlStore() = default;

  /// A page joined the crawl under `page.seq`.
  virtual void admitted(const StoredPage& page) = 0;
  /// Page `seq`'s line went out (or its body was fetched again only for its links) and its links
  /// were followed. `links`: the links of its body, kept as the outlinks of `url` for a later
  /// 304; null when there was no body to take them from (a 304, a cached line, an error), and the
  /// stored ones stand.
  virtual void expanded(std::uint64_t seq, const std::string& url, const std::vector<std::string>* links) = 0;
  /// The outlinks stored for `url` (the line's url) by this or an earlier run; nullopt when none.
  virtual std::optional<std::vector<std::string>> outlinks(const std::string& url) = 0;
  /// Up to `limit` committed pages with a seq above `after`, in seq order.
  virtual std::vector<StoredPage> pages_after(std::uint64_t after, std::size_t limit) = 0;
  /// The highest seq of the pages this run handed over that is committed (0: none yet).
  virtual std::uint64_t committed_seq() = 0;
  /// Waits until every page handed over is committed (or writing failed).
  virtual void flush() = 0;
  /// --resume: the committed page of `fingerprint`; nullopt when there is none.
  virtual std::optional<StoredPage> page_of(std::uint64_t fingerprint) = 0;
  /// --resume: each stored page's fingerprint and seq, in no order.
  virtual void for_each_page_key(const std::function<void(std::uint64_t fingerprint, std::uint64_t seq)>& f) = 0;
};

}  // namespace volley
