#include "crawl/crawler.hpp"
#include "input/url_check.hpp"
#include "scratch_dir.hpp"
#include "sqlite_query.hpp"
#include "state/crawl_state.hpp"
#include "state/state_store.hpp"
#include "state/state_writer.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <map>

using namespace volley;

using namespace std::chrono_literals;

namespace {

StoredPage page(std::uint64_t seq, const std::string& path, int depth = 1) {
  StoredPage p;
  p.seq = seq;
  // The high bit set: SQLite's integers are signed, and a fingerprint uses all 64 bits.
  p.fingerprint = 0x8000000000000000ULL | seq;
  p.url = "http://a.test" + path;
  p.page.depth = depth;
  p.page.parent = depth ? "http://a.test/" : "";
  p.page.scope_root = "http://a.test";
  p.page.base_priority = -3;
  return p;
}

}  // namespace

TEST_CASE("crawl_state: a new file has the crawl's tables at schema version 3") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  { StateStore store(path); }
  CHECK(query(path, "PRAGMA user_version") == "3\n");
  CHECK(query(path, "SELECT count(*) FROM crawl_pages") == "0\n");
  CHECK(query(path, "SELECT count(*) FROM crawl_links") == "0\n");
}

TEST_CASE("crawl_state: a version 2 file gains the crawl's tables, its rows kept") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  {
    StateStore store(path);
    StoredRow row;
    row.fetched_at = 5;
    store.put({{RequestKey{"GET", "http://a.test/", ""}, row}});
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE crawl_pages; DROP TABLE crawl_links; PRAGMA user_version=2", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  { StateStore store(path); }
  CHECK(query(path, "PRAGMA user_version") == "3\n");
  CHECK(query(path, "SELECT url, fetched_at FROM fetches") == "http://a.test/|5\n");
  CHECK(query(path, "SELECT count(*) FROM crawl_pages") == "0\n");
}

TEST_CASE("crawl_state: pages come back after a seq, in seq order, with everything the crawl needs") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  StoreBatch batch;
  batch.pages = {page(1, "/", 0), page(2, "/a"), page(3, "/b"), page(4, "/c")};
  store.put(batch);
  const std::vector<StoredPage> got = store.pages_after(1, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].seq == 2);
  CHECK(got[1].seq == 3);
  CHECK(got[0].fingerprint == (0x8000000000000000ULL | 2));
  CHECK(got[0].url == "http://a.test/a");
  CHECK(got[0].page.depth == 1);
  CHECK(got[0].page.parent == "http://a.test/");
  CHECK(got[0].page.scope_root == "http://a.test");
  CHECK(got[0].page.base_priority == -3);
  CHECK_FALSE(got[0].done);
  const std::vector<StoredPage> seed = store.pages_after(0, 1);
  REQUIRE(seed.size() == 1);
  CHECK(seed[0].page.parent.empty());
  CHECK(store.pages_after(4, 10).empty());
  std::map<std::uint64_t, std::uint64_t> keys;
  store.for_each_page_key([&keys](std::uint64_t fp, std::uint64_t seq) { keys[seq] = fp; });
  CHECK(keys.size() == 4);
  CHECK(keys[4] == (0x8000000000000000ULL | 4));
}

TEST_CASE("crawl_state: a page admitted and expanded in one batch is done, with its outlinks") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  StoreBatch batch;
  batch.pages = {page(1, "/", 0)};
  batch.done = {PageDone{1, "http://a.test/", std::vector<std::string>{"http://a.test/x", "http://a.test/y"}}};
  store.put(batch);
  CHECK(store.pages_after(0, 10).at(0).done);
  CHECK(store.outlinks("http://a.test/") == std::vector<std::string>{"http://a.test/x", "http://a.test/y"});
  CHECK_FALSE(store.outlinks("http://a.test/x"));
  CHECK(query(path, "SELECT links FROM crawl_links") == "http://a.test/x\nhttp://a.test/y\n");
}

TEST_CASE("crawl_state: outlinks stand when a line had no body (a 304), and are replaced by a body's") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  StoreBatch first;
  first.pages = {page(1, "/", 0)};
  first.done = {PageDone{1, "http://a.test/", std::vector<std::string>{"http://a.test/x"}}};
  store.put(first);
  StoreBatch not_modified;
  not_modified.done = {PageDone{1, "http://a.test/", std::nullopt}};
  store.put(not_modified);
  CHECK(store.outlinks("http://a.test/") == std::vector<std::string>{"http://a.test/x"});
  StoreBatch changed;
  changed.done = {PageDone{1, "http://a.test/", std::vector<std::string>{}}};
  store.put(changed);
  // A body without links is kept as such: a 304 on it later expands to nothing, rightly.
  CHECK(store.outlinks("http://a.test/") == std::vector<std::string>{});
}

TEST_CASE("crawl_state: a new crawl clears the last one's pages and keeps the outlinks") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  StateStore store(path);
  StoreBatch night1;
  night1.pages = {page(1, "/", 0), page(2, "/a")};
  night1.done = {PageDone{1, "http://a.test/", std::vector<std::string>{"http://a.test/a"}}};
  store.put(night1);
  StoreBatch night2;
  night2.clear_pages = true;
  // The same fingerprint again, under a new seq: the old row is gone first.
  StoredPage again = page(7, "/", 0);
  again.fingerprint = page(1, "/").fingerprint;
  night2.pages = {again};
  store.put(night2);
  CHECK(query(path, "SELECT seq, done FROM crawl_pages") == "7|0\n");
  CHECK(store.outlinks("http://a.test/") == std::vector<std::string>{"http://a.test/a"});
}

TEST_CASE("crawl_state: the writer says which pages are committed, and flush() waits for them") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  StateWriter writer(store, 1000, 10s);
  CrawlState crawl(store, writer);
  CHECK(crawl.committed_seq() == 0);
  for (std::uint64_t seq = 1; seq <= 5; ++seq) crawl.admitted(page(seq, "/" + std::to_string(seq)));
  const std::vector<std::string> links{"http://a.test/9"};
  crawl.expanded(2, "http://a.test/2", &links);
  // Nothing is due for 10 s: no page is readable yet.
  CHECK(crawl.pages_after(0, 10).empty());
  crawl.flush();
  CHECK(crawl.committed_seq() == 5);
  const std::vector<StoredPage> got = crawl.pages_after(0, 10);
  REQUIRE(got.size() == 5);
  CHECK(got[1].done);
  CHECK(crawl.outlinks("http://a.test/2") == links);
  crawl.flush();  // nothing waits: returns at once
  CHECK(writer.close().empty());
}

namespace {

// A page's line as the engine hands it to the crawler: a 200 whose body linked `links`.
Record line_of(const Job& job, std::vector<std::string> links) {
  Record r;
  r.seq = job.seq;
  r.url = job.url;
  r.status = 200;
  r.crawl = job.crawl;
  r.extracted.links = std::move(links);
  return r;
}

Job seed_job(const std::string& url) {
  ParsedLine parsed = parse_input_line(url);
  Job job;
  job.url = parsed.url;
  job.target = parsed.target;
  job.host_key = parsed.host_key;
  return job;
}

}  // namespace

TEST_CASE("crawl_state: past the window the frontier lives in the file, and comes back in seq order") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  StateWriter writer(store, 1000, 10s);
  CrawlState crawl(store, writer);
  Options options;
  options.crawl = true;
  Crawler crawler(options, CrawlRules(options));
  crawler.use_store(crawl);
  Job seed = seed_job("http://a.test/");
  REQUIRE(crawler.admit_seed(seed));
  const std::size_t n = Crawler::frontier_window * 2 + 500;
  std::vector<std::string> links;
  for (std::size_t i = 0; i < n; ++i) links.push_back("http://a.test/p" + std::to_string(i));
  crawler.expand(line_of(seed, links));
  CHECK(crawler.pending() == n);
  // Nothing is committed yet (the batch waits 10 s): the window runs out, and then the loop
  // waits for the writer rather than losing the rest.
  std::uint64_t last = seed.seq;
  for (std::size_t i = 0; i < n; ++i) {
    std::optional<Job> job = crawler.next();
    REQUIRE(job);
    CHECK(job->url == links[i]);
    CHECK(job->seq == last + 1);
    CHECK(job->crawl->depth == 1);
    CHECK(job->crawl->parent == "http://a.test/");
    last = job->seq;
  }
  CHECK_FALSE(crawler.next());
  CHECK(crawler.pending() == 0);
  CHECK(writer.close().empty());
}

TEST_CASE("crawl_state: --resume fetches what has no line, refetches for links what was not expanded") {
  ScratchDir dir;
  const std::string path = dir / "state.db";
  Options options;
  options.crawl = true;
  {
    StateStore store(path);
    StateWriter writer(store, 1000, 10s);
    CrawlState crawl(store, writer);
    Crawler crawler(options, CrawlRules(options));
    crawler.use_store(crawl);
    Job seed = seed_job("http://a.test/");
    REQUIRE(crawler.admit_seed(seed));  // seq 1
    crawler.expand(line_of(seed, {"http://a.test/a", "http://a.test/b", "http://a.test/c"}));  // 2, 3, 4
    Job a = *crawler.next();
    crawler.expand(line_of(a, {"http://a.test/d"}));  // 5
    CHECK(writer.close().empty());
  }
  StateStore store(path);
  StateWriter writer(store, 1000, 10s);
  CrawlState crawl(store, writer);
  Crawler crawler(options, CrawlRules(options));
  // Lines in the output: the seed and /a (both expanded), /b (not expanded: killed between).
  crawler.use_store(crawl, [](std::uint64_t seq) { return seq <= 3; });
  Job seed = seed_job("http://a.test/");
  CHECK_FALSE(crawler.admit_seed(seed));  // seen: no second line
  std::vector<std::pair<std::string, bool>> got;
  while (std::optional<Job> job = crawler.next()) got.emplace_back(job->url, job->crawl->links_only);
  const std::vector<std::pair<std::string, bool>> want{
      {"http://a.test/b", true}, {"http://a.test/c", false}, {"http://a.test/d", false}};
  CHECK(got == want);
  CHECK(writer.close().empty());
}

TEST_CASE("crawl_state: a new crawl never reads back the last one's pages, deleted by its first batch") {
  ScratchDir dir;
  StateStore store(dir / "state.db");
  StoreBatch last_night;
  for (std::uint64_t seq = 1; seq <= 40000; ++seq) last_night.pages.push_back(page(seq, "/old" + std::to_string(seq)));
  store.put(last_night);
  // No batch is due before the frontier has run through its window: nothing of tonight's is
  // committed, the clearing of last night's pages included.
  StateWriter writer(store, 100000, 10s);
  CrawlState crawl(store, writer);
  writer.clear_pages();
  Options options;
  options.crawl = true;
  Crawler crawler(options, CrawlRules(options));
  crawler.use_store(crawl);
  Job seed = seed_job("http://a.test/");
  REQUIRE(crawler.admit_seed(seed));
  std::vector<std::string> links;
  for (std::size_t i = 0; i < Crawler::frontier_window + 100; ++i) links.push_back("http://a.test/p" + std::to_string(i));
  crawler.expand(line_of(seed, links));
  std::size_t i = 0;
  while (std::optional<Job> job = crawler.next()) {
    REQUIRE(i < links.size());
    CHECK(job->url == links[i++]);
  }
  CHECK(i == links.size());
  CHECK(writer.close().empty());
}
