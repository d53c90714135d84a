#pragma once

#include "app/options.hpp"
#include "state/crawl_state.hpp"
#include "state/state_rules.hpp"
#include "state/state_store.hpp"
#include "state/state_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// How long a stored robots.txt stands for the origin's own (issue 9: a day, as RFC 9309 2.4
/// lets a crawler cache it).
inline constexpr std::int64_t robots_keep_ms = 24 * 3600 * 1000LL;

/// --state in the loop. A job read is looked up once (on the engine's thread: a primary-key
/// search is microseconds, and the answer decides whether it is fetched at all); it then carries
/// its key, its stored row and its conditional headers. Its line gets `changed` and
/// `last_fetched`, and its new row goes to the writer thread.
class StateSession {
 public:
  StateSession(StateStore& store, const Options& options);

  /// For a job just read, at `now_ms`: the stored row when --max-age says it is fresh (the line
  /// comes from it, fill_cached()); otherwise nullopt, and the job is ready to be fetched.
  /// Throws std::runtime_error when the store cannot be read.
  std::optional<StoredRow> admit(Job& job, std::int64_t now_ms);
  /// Stamps the line of a job that admit() let through, and hands its row to the writer.
  void stamp_and_store(Record& r, const Job& job);
  /// --robots: the robots.txt of the origin of `robots_url` as stored less than
  /// robots_keep_ms before `now_ms`; nullopt when there is none that recent.
  std::optional<StoredRobots> robots(const std::string& robots_url, std::int64_t now_ms);
  /// Keeps a robots.txt answer for the next runs when it decides for a day: a 2xx or 4xx. A 5xx,
  /// or no answer, decides only this run (RFC 9309 2.3.1.4: the site may be back tomorrow).
  void keep_robots(const std::string& robots_url, long status, std::string_view body, std::int64_t now_ms);
  /// The loop is about to wait: the store's read snapshot is let go (StateStore::end_read).
  void before_wait() { m_store.end_read(); }
  /// --crawl: the crawl's pages and outlinks in the same file, through the same writer.
  CrawlStore& crawl_store() { return m_crawl; }
  /// Why the store cannot be written; empty while it can.
  [[nodiscard]] std::string failure() { return m_writer.failure(); }
  /// Writes the rows that wait and stops the writer; says why a write failed (empty: none did).
  [[nodiscard]] std::string close() { return m_writer.close(); }

 private:
  StateStore& m_store;
  const Options& m_options;
  StateWriter m_writer;
  CrawlState m_crawl;
};

}  // namespace volley
