#include "state/state_store.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace volley {

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS fetches (
  method        TEXT NOT NULL,
  url           TEXT NOT NULL,
  body_sha256   TEXT NOT NULL DEFAULT '',
  fetched_at    INTEGER NOT NULL,
  ok_at         INTEGER,
  status        INTEGER,
  final_url     TEXT,
  etag          TEXT,
  last_modified TEXT,
  sha256        TEXT,
  size          INTEGER NOT NULL DEFAULT 0,
  content_type  TEXT,
  error         TEXT,
  failures      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (method, url, body_sha256)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS robots (
  url        TEXT PRIMARY KEY,
  fetched_at INTEGER NOT NULL,
  status     INTEGER NOT NULL,
  body       BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crawl_pages (
  seq           INTEGER PRIMARY KEY,
  fingerprint   INTEGER NOT NULL UNIQUE,
  url           TEXT NOT NULL,
  depth         INTEGER NOT NULL,
  parent        TEXT,
  scope_root    TEXT NOT NULL,
  base_priority INTEGER NOT NULL,
  from_sitemap  INTEGER NOT NULL DEFAULT 0,
  done          INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS crawl_links (
  url   TEXT PRIMARY KEY,
  links TEXT NOT NULL
);
)sql";

constexpr const char* select_sql =
    "SELECT fetched_at, ok_at, status, final_url, etag, last_modified, sha256, size, content_type, error, failures "
    "FROM fetches WHERE method = ?1 AND url = ?2 AND body_sha256 = ?3";
constexpr const char* select_robots_sql = "SELECT fetched_at, status, body FROM robots WHERE url = ?1";
constexpr const char* upsert_robots_sql =
    "INSERT OR REPLACE INTO robots (url, fetched_at, status, body) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* insert_page_sql =
    "INSERT OR REPLACE INTO crawl_pages (seq, fingerprint, url, depth, parent, scope_root, base_priority, "
    "from_sitemap, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* mark_done_sql = "UPDATE crawl_pages SET done = 1 WHERE seq = ?1";
constexpr const char* upsert_links_sql = "INSERT OR REPLACE INTO crawl_links (url, links) VALUES (?1, ?2)";
constexpr const char* select_links_sql = "SELECT links FROM crawl_links WHERE url = ?1";
constexpr const char* select_pages_sql =
    "SELECT seq, fingerprint, url, depth, parent, scope_root, base_priority, from_sitemap, done "
    "FROM crawl_pages WHERE seq > ?1 ORDER BY seq LIMIT ?2";
constexpr const char* upsert_sql =
    "INSERT OR REPLACE INTO fetches (method, url, body_sha256, fetched_at, ok_at, status, final_url, etag, "
    "last_modified, sha256, size, content_type, error, failures) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bind_text(sqlite3_stmt* s, int i, const std::optional<std::string>& v) {
  if (v)
    bind_text(s, i, *v);
  else
    sqlite3_bind_null(s, i);
}

std::optional<std::string> column_text(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}

std::optional<std::int64_t> column_int(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s, i);
}

// Outlinks are kept one a line: a link holds no line break (the extractor resolves each to a URL,
// and a URL with one would not be fetched), and the column stays readable in the sqlite3 shell.
std::string join_links(const std::vector<std::string>& links) {
  std::string out;
  for (const std::string& link : links) {
    if (link.find_first_of("\r\n") != std::string::npos) continue;
    if (!out.empty()) out += '\n';
    out += link;
  }
  return out;
}

std::vector<std::string> split_links(std::string_view text) {
  std::vector<std::string> links;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    links.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return links;
}

// Fingerprints use all 64 bits; SQLite's integers are signed: the bits are kept as they are.
std::int64_t to_column(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t from_column(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// A row of select_pages_sql's columns.
StoredPage page_from_row(sqlite3_stmt* s) {
  StoredPage p;
  p.seq = from_column(sqlite3_column_int64(s, 0));
  p.fingerprint = from_column(sqlite3_column_int64(s, 1));
  p.url = column_text(s, 2).value_or("");
  p.page.depth = sqlite3_column_int(s, 3);
  p.page.parent = column_text(s, 4).value_or("");
  p.page.scope_root = column_text(s, 5).value_or("");
  p.page.base_priority = sqlite3_column_int(s, 6);
  p.page.from_sitemap = sqlite3_column_int(s, 7) != 0;
  p.done = sqlite3_column_int(s, 8) != 0;
  return p;
}

}  // namespace

StateStore::StateStore(const std::string& path, std::chrono::milliseconds wait)
    : m_path(path), m_write_busy{path, busy_wait, {}}, m_read_busy{path, busy_wait, {}} {
  const auto fail = [this](const std::string& why) {
    close_all();
    throw std::runtime_error("state file " + m_path + ": " + why);
  };
  const auto sqlite_fail = [&fail](sqlite3* db, const char* what) {
    fail(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
  };
  m_lock_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_lock_fd < 0) fail(std::strerror(errno));
  if (const int err = lock_within(m_lock_fd, wait)) {
    close_all();
    if (err == EWOULDBLOCK) throw StateInUse("state file in use: " + path + " (another volley holds it)");
    throw std::runtime_error("state file " + path + ": cannot lock: " + std::strerror(err));
  }
  if (sqlite3_open_v2(path.c_str(), &m_write, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    sqlite_fail(m_write, "cannot open");
  sqlite3_busy_handler(m_write, wait_while_busy, &m_write_busy);
  // WAL: readers (the engine's lookups, a user's sqlite3 shell) never wait for a batch being
  // written, and a commit is one append. synchronous=NORMAL keeps every committed batch through a
  // crash of the process (kill -9); only a power loss may take the last ones back.
  sqlite3_stmt* mode = nullptr;
  if (sqlite3_prepare_v2(m_write, "PRAGMA journal_mode=WAL", -1, &mode, nullptr) != SQLITE_OK)
    sqlite_fail(m_write, "not a SQLite database");
  const bool wal = sqlite3_step(mode) == SQLITE_ROW &&
                   std::strcmp(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0)), "wal") == 0;
  sqlite3_finalize(mode);
  if (!wal) sqlite_fail(m_write, "cannot use the WAL journal");
  sqlite3_stmt* version = nullptr;
  if (sqlite3_prepare_v2(m_write, "PRAGMA user_version", -1, &version, nullptr) != SQLITE_OK ||
      sqlite3_step(version) != SQLITE_ROW) {
    sqlite3_finalize(version);
    sqlite_fail(m_write, "cannot read the schema version");
  }
  const int found = sqlite3_column_int(version, 0);
  sqlite3_finalize(version);
  if (found > schema_version)
    fail("schema version " + std::to_string(found) + " is newer than this volley's (" +
         std::to_string(schema_version) + ")");
  if (found < schema_version) {
    const std::string create = std::string("BEGIN IMMEDIATE;") + schema +
                               "PRAGMA user_version=" + std::to_string(schema_version) + ";COMMIT;";
    if (sqlite3_exec(m_write, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      sqlite3_exec(m_write, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite_fail(m_write, "cannot create the table");
    }
  }
  if (sqlite3_exec(m_write, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(m_write, upsert_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_upsert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(m_write, upsert_robots_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_upsert_robots, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v3(m_write, insert_page_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_insert_page, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v3(m_write, mark_done_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_mark_done, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(m_write, upsert_links_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_upsert_links, nullptr) !=
          SQLITE_OK)
    sqlite_fail(m_write, "cannot prepare the writes");
  if (sqlite3_open_v2(path.c_str(), &m_read, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    sqlite_fail(m_read, "cannot open for reading");
  sqlite3_busy_handler(m_read, wait_while_busy, &m_read_busy);
  if (sqlite3_prepare_v3(m_read, select_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_select, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(m_read, select_robots_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_select_robots, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v3(m_read, select_links_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_select_links, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v3(m_read, select_pages_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_select_pages, nullptr) !=
          SQLITE_OK)
    sqlite_fail(m_read, "cannot prepare the lookups");
}

StateStore::~StateStore() { close_all(); }

// SQLite's connections first, the locked descriptor last (see the class comment).
void StateStore::close_all() {
  sqlite3_finalize(m_select);
  sqlite3_finalize(m_upsert);
  sqlite3_finalize(m_select_robots);
  sqlite3_finalize(m_upsert_robots);
  sqlite3_finalize(m_insert_page);
  sqlite3_finalize(m_mark_done);
  sqlite3_finalize(m_upsert_links);
  sqlite3_finalize(m_select_links);
  sqlite3_finalize(m_select_pages);
  m_select = m_upsert = m_select_robots = m_upsert_robots = nullptr;
  m_insert_page = m_mark_done = m_upsert_links = m_select_links = m_select_pages = nullptr;
  if (m_reading) sqlite3_exec(m_read, "COMMIT", nullptr, nullptr, nullptr);
  m_reading = false;
  sqlite3_close(m_read);
  sqlite3_close(m_write);
  m_read = m_write = nullptr;
  if (m_lock_fd >= 0) ::close(m_lock_fd);
  m_lock_fd = -1;
}

// A read transaction per statement costs more than the search itself (measured on a million rows:
// 10 µs a miss in its own transaction, 1.4 µs in a shared one). The shared one is renewed once
// put() has committed since it began: its snapshot then shows every row written, and is never
// older than the last batch, so the writer's checkpoints soon reuse the WAL behind it.
void StateStore::begin_read() {
  const std::uint64_t commits = m_commits.load(std::memory_order_acquire);
  if (m_reading && commits != m_read_commits) {
    sqlite3_exec(m_read, "COMMIT", nullptr, nullptr, nullptr);
    m_reading = false;
  }
  if (!m_reading) {
    if (sqlite3_exec(m_read, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
    m_reading = true;
    m_read_commits = commits;
  }
}

void StateStore::end_read() {
  if (!m_reading) return;
  sqlite3_exec(m_read, "COMMIT", nullptr, nullptr, nullptr);
  m_reading = false;
}

std::optional<StoredRow> StateStore::lookup(const RequestKey& key) {
  begin_read();
  sqlite3_stmt* s = m_select;
  bind_text(s, 1, key.method);
  bind_text(s, 2, key.url);
  bind_text(s, 3, key.body_sha256);
  const int rc = sqlite3_step(s);
  std::optional<StoredRow> row;
  if (rc == SQLITE_ROW) {
    StoredRow& r = row.emplace();
    r.fetched_at = sqlite3_column_int64(s, 0);
    r.ok_at = column_int(s, 1);
    if (auto status = column_int(s, 2)) r.status = static_cast<long>(*status);
    r.final_url = column_text(s, 3);
    r.etag = column_text(s, 4);
    r.last_modified = column_text(s, 5);
    r.sha256 = column_text(s, 6);
    r.size = static_cast<std::uint64_t>(sqlite3_column_int64(s, 7));
    r.content_type = column_text(s, 8);
    r.error = column_text(s, 9).value_or("");
    r.failures = sqlite3_column_int(s, 10);
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  return row;
}

std::optional<StoredRobots> StateStore::lookup_robots(const std::string& robots_url) {
  begin_read();
  sqlite3_stmt* s = m_select_robots;
  bind_text(s, 1, robots_url);
  const int rc = sqlite3_step(s);
  std::optional<StoredRobots> robots;
  if (rc == SQLITE_ROW) {
    StoredRobots& r = robots.emplace();
    r.fetched_at = sqlite3_column_int64(s, 0);
    r.status = static_cast<long>(sqlite3_column_int64(s, 1));
    const auto* body = static_cast<const char*>(sqlite3_column_blob(s, 2));
    r.body.assign(body ? body : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 2)));
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  return robots;
}

void StateStore::put(const std::vector<std::pair<RequestKey, StoredRow>>& rows,
                     const std::vector<std::pair<std::string, StoredRobots>>& robots) {
  StoreBatch batch;
  batch.rows = rows;
  batch.robots = robots;
  put(batch);
}

void StateStore::put(const StoreBatch& batch) {
  const auto fail = [this](const char* what) {
    const std::string why = sqlite3_errmsg(m_write);
    sqlite3_exec(m_write, "ROLLBACK", nullptr, nullptr, nullptr);
    throw std::runtime_error("state file " + m_path + ": " + what + ": " + why);
  };
  // Each statement is reset and unbound after its step, whatever the step returned.
  const auto step = [](sqlite3_stmt* q) {
    const int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE;
  };
  if (sqlite3_exec(m_write, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) fail("cannot write");
  if (batch.clear_pages && sqlite3_exec(m_write, "DELETE FROM crawl_pages", nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("cannot write");
  sqlite3_stmt* s = m_upsert;
  for (const auto& [key, row] : batch.rows) {
    bind_text(s, 1, key.method);
    bind_text(s, 2, key.url);
    bind_text(s, 3, key.body_sha256);
    sqlite3_bind_int64(s, 4, row.fetched_at);
    if (row.ok_at)
      sqlite3_bind_int64(s, 5, *row.ok_at);
    else
      sqlite3_bind_null(s, 5);
    if (row.status)
      sqlite3_bind_int64(s, 6, *row.status);
    else
      sqlite3_bind_null(s, 6);
    bind_text(s, 7, row.final_url);
    bind_text(s, 8, row.etag);
    bind_text(s, 9, row.last_modified);
    bind_text(s, 10, row.sha256);
    sqlite3_bind_int64(s, 11, static_cast<sqlite3_int64>(row.size));
    bind_text(s, 12, row.content_type);
    if (row.error.empty())
      sqlite3_bind_null(s, 13);
    else
      bind_text(s, 13, row.error);
    sqlite3_bind_int(s, 14, row.failures);
    if (!step(s)) fail("cannot write");
  }
  for (const auto& [url, r] : batch.robots) {
    sqlite3_stmt* q = m_upsert_robots;
    bind_text(q, 1, url);
    sqlite3_bind_int64(q, 2, r.fetched_at);
    sqlite3_bind_int64(q, 3, r.status);
    sqlite3_bind_blob(q, 4, r.body.data(), static_cast<int>(r.body.size()), SQLITE_STATIC);
    if (!step(q)) fail("cannot write");
  }
  for (const StoredPage& p : batch.pages) {
    sqlite3_stmt* q = m_insert_page;
    sqlite3_bind_int64(q, 1, to_column(p.seq));
    sqlite3_bind_int64(q, 2, to_column(p.fingerprint));
    bind_text(q, 3, p.url);
    sqlite3_bind_int(q, 4, p.page.depth);
    if (p.page.parent.empty())
      sqlite3_bind_null(q, 5);
    else
      bind_text(q, 5, p.page.parent);
    bind_text(q, 6, p.page.scope_root);
    sqlite3_bind_int(q, 7, p.page.base_priority);
    sqlite3_bind_int(q, 8, p.page.from_sitemap ? 1 : 0);
    sqlite3_bind_int(q, 9, p.done ? 1 : 0);
    if (!step(q)) fail("cannot write");
  }
  for (const PageDone& d : batch.done) {
    sqlite3_bind_int64(m_mark_done, 1, to_column(d.seq));
    if (!step(m_mark_done)) fail("cannot write");
    if (!d.links) continue;
    const std::string joined = join_links(*d.links);
    bind_text(m_upsert_links, 1, d.url);
    bind_text(m_upsert_links, 2, joined);
    if (!step(m_upsert_links)) fail("cannot write");
  }
  if (sqlite3_exec(m_write, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) fail("cannot commit");
  m_commits.fetch_add(1, std::memory_order_release);
}

std::optional<std::vector<std::string>> StateStore::outlinks(const std::string& url) {
  begin_read();
  sqlite3_stmt* s = m_select_links;
  bind_text(s, 1, url);
  const int rc = sqlite3_step(s);
  std::optional<std::vector<std::string>> links;
  if (rc == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    links = split_links(std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 0))));
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  return links;
}

std::vector<StoredPage> StateStore::pages_after(std::uint64_t after, std::size_t limit) {
  begin_read();
  sqlite3_stmt* s = m_select_pages;
  sqlite3_bind_int64(s, 1, to_column(after));
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(limit));
  std::vector<StoredPage> pages;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) pages.push_back(page_from_row(s));
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  return pages;
}

// When a crawl resumes, for the few pages whose lines went out before their rows were committed.
std::optional<StoredPage> StateStore::page_of(std::uint64_t fingerprint) {
  begin_read();
  sqlite3_stmt* s = nullptr;
  const std::string sql = std::string(select_pages_sql).substr(0, std::string(select_pages_sql).find(" WHERE")) +
                          " WHERE fingerprint = ?1";
  if (sqlite3_prepare_v2(m_read, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  sqlite3_bind_int64(s, 1, to_column(fingerprint));
  std::optional<StoredPage> found;
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) found = page_from_row(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  return found;
}

// Once, when a crawl resumes: a statement of its own, as the shared ones are for the loop.
void StateStore::for_each_page_key(const std::function<void(std::uint64_t, std::uint64_t)>& f) {
  begin_read();
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(m_read, "SELECT fingerprint, seq FROM crawl_pages", -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    f(from_column(sqlite3_column_int64(s, 0)), from_column(sqlite3_column_int64(s, 1)));
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE)
    throw std::runtime_error("state file " + m_path + ": cannot read: " + sqlite3_errmsg(m_read));
}

}  // namespace volley
