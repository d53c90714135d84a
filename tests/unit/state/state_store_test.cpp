#include "scratch_dir.hpp"
#include "sqlite_query.hpp"
#include "state/state_store.hpp"
#include "state/state_writer.hpp"
#include "stored_row.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <fstream>
#include <thread>

using namespace volley;

using namespace std::chrono_literals;

namespace {

RequestKey key(const std::string& url) { return {"GET", url, ""}; }

StoredRow row(long status, const std::string& sha256) {
  StoredRow r = stored_row(status, sha256);
  r.final_url = "http://a.test/x";
  r.size = 12;
  return r;
}

// Polls until `sql` answers `expected` or `within` has passed; returns the last answer.
std::string wait_for(const std::string& path, const std::string& sql, const std::string& expected,
                     std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  std::string got = query(path, sql);
  while (got != expected && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(5ms);
    got = query(path, sql);
  }
  return got;
}

}  // namespace

TEST_CASE("state_store: a new file gets the table, WAL and the schema version") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  { StateStore store(path); }
  CHECK(query(path, "PRAGMA user_version") == "3\n");
  CHECK(query(path, "PRAGMA journal_mode") == "wal\n");
  CHECK(query(path, "SELECT count(*) FROM fetches") == "0\n");
}

TEST_CASE("state_store: a version 1 file gains the robots table, its rows kept") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  {
    StateStore store(path);
    StoredRow row;
    row.fetched_at = 5;
    store.put({{key("http://a.test/"), row}});
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE robots; PRAGMA user_version=1", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  StateStore store(path);
  CHECK(query(path, "PRAGMA user_version") == "3\n");
  CHECK(store.lookup(key("http://a.test/"))->fetched_at == 5);
  CHECK_FALSE(store.lookup_robots("http://a.test:80/robots.txt"));
  store.put({}, {{"http://a.test:80/robots.txt", StoredRobots{7, 200, std::string("User-agent: *\0x", 15)}}});
  const auto robots = store.lookup_robots("http://a.test:80/robots.txt");
  REQUIRE(robots);
  CHECK(robots->fetched_at == 7);
  CHECK(robots->status == 200);
  CHECK(robots->body == std::string("User-agent: *\0x", 15));  // a blob: a NUL does not end it
}

TEST_CASE("state_store: rows written come back by key; a key not stored is nullopt") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  CHECK_FALSE(store.lookup(key("http://a.test/")));
  StoredRow failed;
  failed.fetched_at = 7;
  failed.error = "timeout";
  failed.failures = 3;
  store.put({{key("http://a.test/"), row(200, "aaa")}, {key("http://b.test/"), failed}});
  const auto a = store.lookup(key("http://a.test/"));
  REQUIRE(a);
  CHECK(a->status == 200);
  CHECK(a->sha256 == "aaa");
  CHECK(a->etag == "\"v1\"");
  CHECK_FALSE(a->last_modified);
  CHECK(a->ok_at == 1000);
  CHECK(a->size == 12);
  CHECK(a->error.empty());
  const auto b = store.lookup(key("http://b.test/"));
  REQUIRE(b);
  CHECK_FALSE(b->status);
  CHECK_FALSE(b->ok_at);
  CHECK(b->error == "timeout");
  CHECK(b->failures == 3);
  // The method and the body's hash are part of the key.
  CHECK_FALSE(store.lookup({"POST", "http://a.test/", ""}));
  CHECK_FALSE(store.lookup({"GET", "http://a.test/", "abc"}));
}

TEST_CASE("state_store: a row written again replaces the old one") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  store.put({{key("http://a.test/"), row(200, "aaa")}});
  store.put({{key("http://a.test/"), row(404, "bbb")}});
  CHECK(store.lookup(key("http://a.test/"))->status == 404);
  CHECK(query(path, "SELECT count(*) FROM fetches") == "1\n");
}

TEST_CASE("state_store: a 304 written keeps the validators and hash stored before it") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  store.put({{key("http://a.test/"), row(200, "aaa")}});
  Record r;
  r.status = 304;
  r.attempts = 1;
  r.fetched_at_ms = 5000;
  r.sha256 = "e3b0";
  r.final_url = "http://a.test/x";
  store.put({{key("http://a.test/"), next_row(store.lookup(key("http://a.test/")), r)}});
  const auto got = store.lookup(key("http://a.test/"));
  CHECK(got->status == 200);
  CHECK(got->sha256 == "aaa");
  CHECK(got->etag == "\"v1\"");
  CHECK(got->fetched_at == 5000);
}

TEST_CASE("state_store: a second opener waits, then is told the file is in use") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore first(path);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(StateStore(path, 100ms), StateInUse);
  CHECK(std::chrono::steady_clock::now() - start >= 100ms);
  try {
    StateStore again(path, 0ms);
  } catch (const StateInUse& e) {
    CHECK(std::string(e.what()).find("state file in use") == 0);
  }
  // The first still works: the failed opener touched nothing.
  first.put({{key("http://a.test/"), row(200, "aaa")}});
  CHECK(first.lookup(key("http://a.test/")));
}

TEST_CASE("state_store: the file is free again once the first store is closed") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  { StateStore first(path); }
  StateStore second(path, 0ms);
  CHECK_FALSE(second.lookup(key("http://a.test/")));
}

TEST_CASE("state_store: a file that is not SQLite, or of a newer schema, is refused with a reason") {
  ScratchDir dir;
  const std::string junk = dir / "junk.db";
  std::ofstream(junk) << "this is not a database, but it is long enough to have a header......................";
  CHECK_THROWS_WITH(StateStore(junk), Catch::Contains("state file " + junk));
  const std::string newer = dir / "newer.db";
  { StateStore store(newer); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(newer.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(StateStore(newer), Catch::Contains("schema version 99"));
}

TEST_CASE("state_writer: rows reach the file in a batch when enough wait, or when the delay passes") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  {
    StateWriter writer(store, 3, 10s);
    writer.put(key("http://a.test/1"), row(200, "a"));
    writer.put(key("http://a.test/2"), row(200, "a"));
    std::this_thread::sleep_for(50ms);  // nothing is due: two rows, the delay far away
    CHECK(query(path, "SELECT count(*) FROM fetches") == "0\n");
    writer.put(key("http://a.test/3"), row(200, "a"));
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (query(path, "SELECT count(*) FROM fetches") != "3\n" && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    CHECK(query(path, "SELECT count(*) FROM fetches") == "3\n");
  }
  {
    StateWriter writer(store, 1000, 20ms);
    writer.put(key("http://a.test/4"), row(200, "a"));
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (query(path, "SELECT count(*) FROM fetches") != "4\n" && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    CHECK(query(path, "SELECT count(*) FROM fetches") == "4\n");
    CHECK(writer.close().empty());
  }
}

TEST_CASE("state_writer: close writes what waits") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  StateWriter writer(store, 1000, 10s);
  for (int i = 0; i < 10; ++i) writer.put(key("http://a.test/" + std::to_string(i)), row(200, "a"));
  CHECK(writer.close().empty());
  CHECK(query(path, "SELECT count(*) FROM fetches") == "10\n");
}

TEST_CASE("state_writer: an idle writer wakes for the first row, and for a robots.txt alone") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  StateWriter writer(store, 1000, 20ms);
  // Each row is put once the writer has written the one before and gone back to sleep: what
  // used to wait for a full batch, or the end, however long the run.
  for (int i = 1; i <= 3; ++i) {
    writer.put(key("http://a.test/" + std::to_string(i)), row(200, "a"));
    CHECK(wait_for(path, "SELECT count(*) FROM fetches", std::to_string(i) + "\n", 3s) == std::to_string(i) + "\n");
  }
  writer.put_robots("http://a.test/robots.txt", StoredRobots{1000, 200, "User-agent: *\n"});
  CHECK(wait_for(path, "SELECT count(*) FROM robots", "1\n", 3s) == "1\n");
  CHECK(writer.close().empty());
}
