#pragma once

#include "crawl/crawl_store.hpp"
#include "state/state_rules.hpp"
#include "state/state_waits.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace volley {

/// An origin's robots.txt as fetched (--robots with --state): only an answer that decides for
/// a day is kept, a 2xx (its body, up to robots_parse_limit) or a 4xx.
struct StoredRobots {
  std::int64_t fetched_at = 0;  // Unix ms
  long status = 0;
  std::string body;
};

/// A crawl's page whose line went out (CrawlStore::expanded): marked done, and its outlinks kept
/// when it had a body to take them from.
struct PageDone {
  std::uint64_t seq = 0;
  std::string url;
  std::optional<std::vector<std::string>> links;
};

/// What one transaction writes. The crawl's pages are written before their `done` marks, so a
/// page admitted and expanded within one batch ends up done.
struct StoreBatch {
  bool clear_pages = false;  // a new crawl: the last one's pages go first
  std::vector<std::pair<RequestKey, StoredRow>> rows;
  std::vector<std::pair<std::string, StoredRobots>> robots;
  std::vector<StoredPage> pages;
  std::vector<PageDone> done;

  /// What counts towards a batch's size and the writer's capacity (robots.txt answers ride along).
  std::size_t size() const { return rows.size() + pages.size() + done.size(); }
  bool empty() const { return !clear_pages && size() == 0 && robots.empty(); }
  void clear() { *this = StoreBatch{}; }
};

/// Another process holds the state file (StateStore's lock) for longer than the wait allowed.
struct StateInUse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The SQLite file behind --state (docs/state.md): WAL journal, schema versioned by
/// `PRAGMA user_version`, one row per request key. Nothing is loaded into memory: each lookup is
/// one primary-key search with a prepared statement.
///
/// One run at a time: an exclusive flock() on the file itself is held from open to close, so a
/// second volley waits up to `wait` and then gives up with StateInUse. The lock is not SQLite's
/// own (those are fcntl locks, a different kind on Linux): readers such as the sqlite3 shell are
/// not shut out, and the descriptor is closed only after SQLite has closed its own, since closing
/// any descriptor of the file would drop SQLite's fcntl locks.
///
/// Two connections: lookup() is for one thread (the engine's), put() for another (the writer's).
///
/// SQLite's own locks are another matter: a sqlite3 shell running a maintenance DELETE holds the
/// write lock for as long as its transaction lasts. Both connections wait up to `busy_wait` for
/// it (a -v note says so), and only then does a write fail.
class StateStore {
 public:
  // 2: the robots table; 3: the crawl's tables (crawl_pages, crawl_links). An older file gains
  // what it lacks when opened, its rows kept.
  static constexpr int schema_version = 3;
  static constexpr std::chrono::milliseconds busy_wait = std::chrono::seconds(60);

  /// Creates the file and its table when missing. Throws StateInUse, or std::runtime_error saying
  /// why the file cannot be used (not SQLite, a newer schema, no permission).
  explicit StateStore(const std::string& path, std::chrono::milliseconds wait = std::chrono::seconds(2));
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  /// The stored row of `key`; nullopt when there is none. Throws std::runtime_error on a read error.
  /// Sees every row put() has committed. Lookups share a read transaction, renewed after a
  /// commit (see lookup()).
  std::optional<StoredRow> lookup(const RequestKey& key);
  /// The stored robots.txt of the origin whose robots.txt URL is `robots_url`; nullopt when none.
  /// The same read transaction and thread as lookup(); throws std::runtime_error on a read error.
  std::optional<StoredRobots> lookup_robots(const std::string& robots_url);
  /// Writes `rows` and `robots` (keyed by robots.txt URL) in one transaction (inserting or
  /// replacing). Throws std::runtime_error, the transaction rolled back.
  void put(const std::vector<std::pair<RequestKey, StoredRow>>& rows,
           const std::vector<std::pair<std::string, StoredRobots>>& robots = {});
  /// Writes everything `batch` holds in one transaction, in the order StoreBatch says.
  void put(const StoreBatch& batch);

  // The crawl's tables, read on lookup()'s connection and thread, so they see what is committed.
  /// The outlinks stored for the page read as `url`; nullopt when none are.
  std::optional<std::vector<std::string>> outlinks(const std::string& url);
  /// Up to `limit` pages with a seq above `after`, in seq order.
  std::vector<StoredPage> pages_after(std::uint64_t after, std::size_t limit);
  /// The page of `fingerprint`; nullopt when there is none.
  std::optional<StoredPage> page_of(std::uint64_t fingerprint);
  /// Each page's fingerprint and seq.
  void for_each_page_key(const std::function<void(std::uint64_t, std::uint64_t)>& f);

  /// Ends the shared read transaction (begin_read). While one is open the WAL cannot restart from
  /// its beginning, however often it is checkpointed: a run that reads all the time (a crawl's
  /// frontier) grew it to 1.6 GB. The loop calls this before it waits.
  void end_read();

 private:
  void close_all();
  void begin_read();

  std::string m_path;
  int m_lock_fd = -1;
  sqlite3* m_write = nullptr;
  sqlite3* m_read = nullptr;
  sqlite3_stmt* m_select = nullptr;
  sqlite3_stmt* m_upsert = nullptr;
  sqlite3_stmt* m_select_robots = nullptr;
  sqlite3_stmt* m_upsert_robots = nullptr;
  sqlite3_stmt* m_insert_page = nullptr;
  sqlite3_stmt* m_mark_done = nullptr;
  sqlite3_stmt* m_upsert_links = nullptr;
  sqlite3_stmt* m_select_links = nullptr;
  sqlite3_stmt* m_select_pages = nullptr;
  BusyWait m_write_busy, m_read_busy;
  std::atomic<std::uint64_t> m_commits{0};  // put()'s transactions so far
  bool m_reading = false;                   // m_read holds a read transaction
  std::uint64_t m_read_commits = 0;         // m_commits when it began
};

}  // namespace volley
