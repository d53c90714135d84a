#include "core/engine.hpp"
#include "core/transport.hpp"
#include "crawl/crawler.hpp"
#include "input/input_reader.hpp"
#include "input/input_state.hpp"
#include "output/jsonl_writer.hpp"
#include "output/line_plan.hpp"
#include "output/resume_file.hpp"
#include "scratch_dir.hpp"
#include "test_pipe.hpp"
#include "state/state_store.hpp"
#include "util/wall_time.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <map>
#include <poll.h>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace volley;

using namespace std::chrono_literals;

namespace {

// Completes each transfer `latency` after it starts, on a clock of its own that jumps ahead
// instead of sleeping, with the outcome `respond` decides. Watched fds are real: a readable one
// ends a wait at once, and a wait with nothing due blocks on them (briefly) or fails as a hang.
class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::size_t limit) : m_limit(limit) {}

  std::function<void(const Job&, Record&)> respond = [](const Job&, Record& r) { r.status = 200; };
  Duration latency = 10ms;
  std::size_t max_in_flight = 0;
  std::map<std::string, std::size_t> max_per_host;
  std::vector<std::pair<std::uint64_t, TimePoint>> starts;    // seq, when
  std::vector<std::pair<std::uint64_t, TimePoint>> finishes;  // seq, when
  std::vector<std::pair<int, bool>> watches;                  // every watch() call
  std::vector<std::optional<Duration>> timeouts;              // every poll()'s timeout
  std::function<void()> on_start = [] {};
  bool refuse_watch = false;  // watch(fd, true) fails, as epoll_ctl can
  std::string broken;         // failure(): set to break the loop

  std::size_t limit() const override { return m_limit; }
  std::size_t in_flight() const override { return m_running.size(); }

  void start(Job job) override {
    if (m_running.size() >= m_limit) throw std::logic_error("started past the limit");
    on_start();
    job.count_start();
    starts.emplace_back(job.seq, m_now);
    auto& host = m_per_host[job.host_key];
    max_per_host[job.host_key] = std::max(max_per_host[job.host_key], ++host);
    m_running.emplace_back(m_now + latency, std::move(job));
    max_in_flight = std::max(max_in_flight, m_running.size());
  }

  TimePoint poll(std::optional<Duration> timeout, std::vector<Completion>& done) override {
    timeouts.push_back(timeout);
    if (!broken.empty()) return m_now;
    std::optional<TimePoint> until;
    for (const auto& [due, job] : m_running)
      if (!until || due < *until) until = due;
    if (timeout && (!until || m_now + *timeout < *until)) until = m_now + *timeout;
    // A readable watched fd ends the wait before anything is due; one that stays readable while
    // the engine does nothing about it is a busy loop.
    if (ready(until ? 0 : 10'000)) {
      if (++m_spins > 100'000) throw std::logic_error("a watched fd stays readable: a busy loop");
      return m_now;
    }
    m_spins = 0;
    if (!until) throw std::logic_error("the engine waits with nothing to wait for: a hang");
    m_now = std::max(m_now, *until);
    for (auto it = m_running.begin(); it != m_running.end();) {
      if (it->first > m_now) {
        ++it;
        continue;
      }
      Completion& c = done.emplace_back();
      c.job = std::move(it->second);
      c.record.final_url = c.job.target;
      respond(c.job, c.record);
      finishes.emplace_back(c.job.seq, m_now);
      --m_per_host[c.job.host_key];
      it = m_running.erase(it);
    }
    return m_now;
  }

  bool watch(int fd, bool on) override {
    watches.emplace_back(fd, on);
    if (on && refuse_watch) {
      broken = "epoll_ctl: No space left on device";
      return false;
    }
    if (on)
      m_watched.insert(fd);
    else
      m_watched.erase(fd);
    return true;
  }

  void abort_all(std::vector<Completion>& done) override {
    for (auto& [due, job] : m_running) {
      Completion& c = done.emplace_back();
      c.job = std::move(job);
      c.record.error = ErrorKind::interrupted;
      c.record.message = interrupted_message;
      --m_per_host[c.job.host_key];
    }
    m_running.clear();
  }

  std::string failure() const override { return broken; }
  const std::set<int>& watched() const { return m_watched; }

 private:
  bool ready(int wait_ms) const {
    if (m_watched.empty()) return false;
    std::vector<pollfd> fds;
    for (int fd : m_watched) fds.push_back({fd, POLLIN, 0});
    return ::poll(fds.data(), fds.size(), wait_ms) > 0;
  }

  std::size_t m_limit;
  TimePoint m_now = Clock::now();
  std::vector<std::pair<TimePoint, Job>> m_running;
  std::map<std::string, std::size_t> m_per_host;
  std::set<int> m_watched;
  int m_spins = 0;
};

struct Run {
  int status = -1;
  std::vector<nlohmann::json> lines;
};

struct Setup {
  std::function<int()> signalled = [] { return 0; };
  std::size_t block = 64 * 1024;  // 1: every line is written at once
  std::string* out_path = nullptr;
  StateStore* state = nullptr;  // --state
  Crawler* crawler = nullptr;   // --crawl
};

// The engine as main runs it, quiet, over `input` into `fd` (which the writer closes): lines planned
// from `o`, written in blocks of `setup.block` bytes.
int run_into(Options o, InputSource& input, int fd, Transport& t, const Setup& setup,
             ResumeFile* resume = nullptr) {
  o.quiet = true;
  o.progress = false;
  const LinePlan plan = plan_lines(o);
  JsonlWriter writer(fd, plan.fields, setup.block);
  return run_engine(o, input, writer, plan, t, -1, setup.signalled, resume, setup.state, setup.crawler);
}

Run run_fake(const Options& o, FakeTransport& t, const Setup& setup = {}) {
  ScratchDir dir;
  const std::string path = dir / "out.jsonl";
  if (setup.out_path) *setup.out_path = path;
  Run run;
  InputReader input(o.urls, o.inputs);
  run.status = run_into(o, input, JsonlWriter::open_output(path), t, setup);
  std::istringstream lines(file_text(path));
  for (std::string line; std::getline(lines, line);) run.lines.push_back(nlohmann::json::parse(line));
  std::sort(run.lines.begin(), run.lines.end(), [](const auto& a, const auto& b) { return a["seq"] < b["seq"]; });
  return run;
}

std::vector<std::string> urls(int n, const std::string& host = "a.test") {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back("http://" + host + "/" + std::to_string(i));
  return out;
}

// `a` URLs of a.test, then `b` of b.test: a host that may hold the others up, and one it must not.
std::vector<std::string> two_hosts(int a, int b) {
  std::vector<std::string> out = urls(a, "a.test");
  const auto more = urls(b, "b.test");
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

}  // namespace

TEST_CASE("engine: every URL read gets exactly one line, within the concurrency cap") {
  Options o;
  o.concurrency = 7;
  o.urls = urls(100);
  FakeTransport t(7);
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 100);
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    CHECK(r.lines[i]["seq"] == i + 1);
    CHECK(r.lines[i]["status"] == 200);
  }
  CHECK(t.max_in_flight == 7);
}

TEST_CASE("engine: a retryable status is retried after a backoff, without holding a slot") {
  Options o;
  o.concurrency = 1;
  o.urls = {"http://a.test/flaky", "http://a.test/ok"};
  FakeTransport t(1);
  int flaky_attempts = 0;
  t.respond = [&](const Job& job, Record& r) { r.status = job.url.ends_with("flaky") && ++flaky_attempts == 1 ? 503 : 200; };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0]["status"] == 200);
  CHECK(r.lines[0]["attempts"] == 2);
  // The other URL used the only slot while the retry waited.
  REQUIRE(t.starts.size() == 3);
  CHECK(t.starts[1].first == 2);
  CHECK(t.starts[2].first == 1);
  // Equal jitter: at least half of --retry-delay after the first attempt ended.
  CHECK(t.starts[2].second - t.finishes[0].second >= from_seconds(o.retry_delay / 2));
  // elapsed runs from the first attempt's start, the backoff included (the engine's first turn
  // reads the real clock, which is not the fake one: a few milliseconds either way).
  const auto seconds = [](Duration d) { return std::chrono::duration<double>(d).count(); };
  const double both_attempts = seconds(t.finishes.back().second - t.starts[0].second);
  CHECK(t.finishes.back().first == 1);
  CHECK(r.lines[0]["elapsed"].get<double>() >= both_attempts - 0.05);
  CHECK(r.lines[0]["elapsed"].get<double>() <= both_attempts + 1.0);
  CHECK(r.lines[1]["elapsed"].get<double>() < r.lines[0]["elapsed"].get<double>() - o.retry_delay / 2 + 0.02);
}

TEST_CASE("engine: when retries run out the last status stands, as a response") {
  Options o;
  o.retries = 3;
  o.urls = {"http://a.test/down"};
  FakeTransport t(4);
  t.respond = [](const Job&, Record& r) { r.status = 503; };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0]["status"] == 503);
  CHECK(r.lines[0]["attempts"] == 4);
  CHECK(r.lines[0]["error"].is_null());
}

TEST_CASE("engine: a Retry-After replaces the backoff, up to --retry-max-delay") {
  Options o;
  o.retry_max_delay = 2;
  o.urls = {"http://a.test/slow-down"};
  FakeTransport t(4);
  t.respond = [](const Job& job, Record& r) {
    r.status = job.attempts == 1 ? 429 : 200;
    r.retry_after = job.attempts == 1 ? 60 : -1;
  };
  const Run r = run_fake(o, t);
  REQUIRE(t.starts.size() == 2);
  CHECK(t.starts[1].second - t.finishes[0].second >= 2s);
  CHECK(t.starts[1].second - t.finishes[0].second < 3s);
  CHECK(r.lines[0]["status"] == 200);
}

TEST_CASE("engine: --per-host caps each host while the others keep going") {
  Options o;
  o.concurrency = 10;
  o.per_host = 2;
  o.urls = two_hosts(20, 20);
  FakeTransport t(10);
  const Run r = run_fake(o, t);
  CHECK(r.lines.size() == 40);
  CHECK(t.max_per_host["a.test:80"] == 2);
  CHECK(t.max_per_host["b.test:80"] == 2);
  CHECK(t.max_in_flight == 4);
}

TEST_CASE("engine: an error line makes the exit status 1; invalid lines are lines too") {
  Options o;
  o.retries = 0;
  o.urls = {"http://a.test/ok", "ftp://a.test/x", "http://a.test/refused"};
  FakeTransport t(4);
  t.respond = [](const Job& job, Record& r) {
    if (job.url.ends_with("refused"))
      r.error = ErrorKind::connect;
    else
      r.status = 200;
  };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_url_errors);
  REQUIRE(r.lines.size() == 3);
  CHECK(r.lines[1]["error"]["kind"] == "unsupported_scheme");
  CHECK(r.lines[2]["error"]["kind"] == "connect");
  CHECK(r.lines[2]["attempts"] == 1);
}

TEST_CASE("engine: a long run of invalid lines that the filters drop neither hangs nor is lost") {
  Options o;
  o.match_status = "200";  // error lines have no status: all dropped from the output
  for (int i = 0; i < 10000; ++i) o.urls.push_back("ftp://a.test/" + std::to_string(i));
  o.urls.push_back("http://a.test/last");
  FakeTransport t(4);  // throws if the engine waits with nothing to wait for
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_url_errors);
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0]["seq"] == 10001);
}

TEST_CASE("engine: --shard writes only its hosts' lines, keeps every seq, and refused lines go to shard 1") {
  Options o;
  o.urls = {"http://example.com/1", "ftp://x.test/2", "http://www.example.org/3", "http://EXAMPLE.com:8080/4"};
  // example.com is on shard 3 of 3 and www.example.org on shard 1 (shard_test.cpp).
  std::map<std::uint32_t, std::vector<std::uint64_t>> seqs;
  for (std::uint32_t k = 1; k <= 3; ++k) {
    o.shard = Shard{k, 3};
    FakeTransport t(4);
    for (const auto& line : run_fake(o, t).lines) seqs[k].push_back(line["seq"]);
  }
  CHECK(seqs[1] == std::vector<std::uint64_t>{2, 3});
  CHECK(seqs[2].empty());
  CHECK(seqs[3] == std::vector<std::uint64_t>{1, 4});
}

TEST_CASE("engine: a long run of another shard's URLs neither hangs nor loses the next one") {
  Options o;
  o.shard = Shard{1, 3};  // www.example.org is on shard 1, example.com on shard 3
  for (int i = 0; i < 10000; ++i) o.urls.push_back("http://example.com/" + std::to_string(i));
  o.urls.push_back("http://www.example.org/last");
  FakeTransport t(4);  // throws if the engine waits with nothing to wait for
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0]["seq"] == 10001);
  CHECK(t.starts.size() == 1);
}

namespace {

std::size_t count_lines(const std::string& path) {
  std::ifstream f(path);
  return static_cast<std::size_t>(std::count(std::istreambuf_iterator<char>(f), {}, '\n'));
}

}  // namespace

TEST_CASE("engine: a long run of invalid lines pauses the input, and the loop does not wait then") {
  Options o;
  for (int i = 0; i < InputState::per_turn + 10; ++i) o.urls.push_back("ftp://a.test/" + std::to_string(i));
  o.urls.push_back("http://a.test/last");
  FakeTransport t(4);
  const Run r = run_fake(o, t);
  CHECK(r.lines.size() == o.urls.size());
  // A bare-argument input has no fd to wait for: nothing is ever watched.
  CHECK(t.watches.empty());
  CHECK(std::find(t.timeouts.begin(), t.timeouts.end(), std::optional<Duration>(Duration::zero())) != t.timeouts.end());
}

TEST_CASE("engine: a pipe is watched only while the engine waits for it, never at end of file") {
  TestPipe pipe;
  REQUIRE(pipe.send("http://a.test/1\nhttp://a.test/2\n"));
  Options o;
  o.inputs = {pipe.path()};
  FakeTransport t(4);
  t.latency = 5s;
  int answered = 0;
  t.respond = [&](const Job&, Record& r) {
    r.status = 200;
    // The writer finishes while the last transfers are still running: EOF must not be watched.
    if (++answered == 2) {
      REQUIRE(pipe.send("http://a.test/3\n"));
      pipe.close_writer();
    }
  };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  CHECK(r.lines.size() == 3);
  REQUIRE(t.watches.size() >= 2);
  CHECK(t.watches.front().second);
  CHECK_FALSE(t.watches.back().second);
  CHECK(t.watched().empty());
}

TEST_CASE("engine: a signal ends the run; every queued, waiting or running URL gets an interrupted line") {
  Options o;
  // First, so that it starts (in input order) and waits for its retry when the signal comes.
  o.urls = {"http://b.test/retry"};
  const auto a = urls(50);
  o.urls.insert(o.urls.end(), a.begin(), a.end());
  FakeTransport t(3);
  int answered = 0;
  t.respond = [&](const Job& job, Record& r) {
    ++answered;
    r.status = job.host_key == "b.test:80" ? 503 : 200;
  };
  Setup s;
  s.signalled = [&] { return answered >= 10 ? SIGTERM : 0; };
  const Run r = run_fake(o, t, s);
  CHECK(r.status == 128 + SIGTERM);
  REQUIRE(r.lines.size() == 51);
  int interrupted = 0;
  for (const auto& line : r.lines) {
    if (line["error"].is_null()) continue;
    CHECK(line["error"]["kind"] == "interrupted");
    CHECK(line["error"]["message"] == std::string(interrupted_message));
    ++interrupted;
  }
  CHECK(interrupted >= 51 - answered);
  CHECK(t.in_flight() == 0);
  // The retry waiting for its time was interrupted too.
  CHECK(r.lines[0]["error"]["kind"] == "interrupted");
  CHECK(r.lines[0]["attempts"] == 1);
}

TEST_CASE("engine: an input that fails to read mid-run: every URL read gets a line, then exit 2") {
  std::vector<std::string> lines;
  for (int i = 1; i <= 3000; ++i) lines.push_back("http://a.test/" + std::to_string(i));
  ScratchDir dir;
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  Options o;
  o.inputs = {dir.write("urls.txt", text), dir.path().string()};
  o.read_ahead = 100;  // the directory is reached while transfers run
  FakeTransport t(4);
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_usage);
  REQUIRE(r.lines.size() == 3000);
  int interrupted = 0;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    CHECK(r.lines[i]["seq"] == i + 1);
    if (r.lines[i]["error"].is_null()) continue;
    CHECK(r.lines[i]["error"]["kind"] == "interrupted");
    CHECK(r.lines[i]["error"]["message"].get<std::string>().find("Is a directory") != std::string::npos);
    ++interrupted;
  }
  CHECK(interrupted > 0);
  CHECK(interrupted < 3000);
}

TEST_CASE("engine: a loop that breaks mid-run interrupts every URL read with its reason, exit 2") {
  Options o;
  o.urls = urls(30);
  FakeTransport t(4);
  int answered = 0;
  t.respond = [&](const Job&, Record& r) {
    r.status = 200;
    if (++answered == 5) t.broken = "epoll_wait: Bad file descriptor";
  };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_usage);
  REQUIRE(r.lines.size() == 30);
  for (const auto& line : r.lines)
    if (!line["error"].is_null()) CHECK(line["error"]["message"] == "epoll_wait: Bad file descriptor");
  CHECK(t.starts.size() < 30);
}

TEST_CASE("engine: an input pipe that cannot be watched ends the run instead of waiting forever") {
  TestPipe pipe;
  REQUIRE(pipe.send("http://a.test/1\nhttp://a.test/2\n"));
  Options o;
  o.inputs = {pipe.path()};
  FakeTransport t(4);
  t.refuse_watch = true;
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_usage);
  REQUIRE(r.lines.size() == 2);
  for (const auto& line : r.lines) {
    CHECK(line["error"]["kind"] == "interrupted");
    CHECK(line["error"]["message"] == "cannot watch the input: epoll_ctl: No space left on device");
  }
}

TEST_CASE("engine: bodies waiting for the worker count against the concurrency cap") {
  Options o;
  o.title = true;  // body work: each complete response goes through the body worker
  o.urls = urls(40);
  const std::size_t limit = 2;
  FakeTransport t(limit);
  std::size_t answered = 0;
  t.respond = [&](const Job&, Record& r) {
    r.status = 200;
    r.body.assign(1 << 20, 'x');  // scanning it takes the worker a while
    ++answered;
  };
  std::string out;
  // Every complete response is in flight, at the worker, or written (each line at once).
  std::size_t worst = 0;
  t.on_start = [&] { worst = std::max(worst, t.in_flight() + answered - count_lines(out)); };
  Setup s;
  s.block = 1;
  s.out_path = &out;
  const Run r = run_fake(o, t, s);
  CHECK(r.status == exit_ok);
  CHECK(r.lines.size() == 40);
  CHECK(worst < limit);
}

TEST_CASE("engine: --summary-json is written with the exit status, even when a signal ends the run") {
  ScratchDir dir;
  Options o;
  o.urls = urls(20);
  o.summary_json = dir / "summary.json";
  FakeTransport t(3);
  int answered = 0;
  t.respond = [&](const Job&, Record& r) {
    ++answered;
    r.status = 200;
  };
  Setup s;
  s.signalled = [&] { return answered >= 5 ? SIGINT : 0; };
  const Run r = run_fake(o, t, s);
  CHECK(r.status == 128 + SIGINT);
  std::ifstream in(o.summary_json);
  const auto summary = nlohmann::json::parse(in);
  CHECK(summary["urls"] == 20);
  CHECK(summary["interrupted"] == 20 - answered);
  CHECK(summary["exit_status"] == 128 + SIGINT);
}

TEST_CASE("engine: one busy host at the head of the list does not idle the slots the others could use") {
  // Issue 9: with --per-host 4 the read-ahead window filled with a's URLs and b's were read only
  // once a had nearly drained, while six slots sat idle.
  Options o;
  o.concurrency = 10;
  o.per_host = 4;
  o.urls = two_hosts(10000, 20);
  FakeTransport t(10);
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  CHECK(r.lines.size() == 10020);
  std::size_t a_done_before_last_b = 0;
  std::size_t b_done = 0;
  for (const auto& [seq, when] : t.finishes) {
    if (seq > 10000) ++b_done;
    else if (b_done < 20) ++a_done_before_last_b;
  }
  CHECK(b_done == 20);
  CHECK(a_done_before_last_b <= 100);
  CHECK(t.max_per_host["a.test:80"] == 4);
}

// The URLs read so far, and at each start how many were read and not yet finished: what the
// engine held, queued or in flight.
class CountingInput final : public InputSource {
 public:
  explicit CountingInput(std::vector<std::string> urls) : m_reader(std::move(urls), {}) {}
  Status next(InputItem& out) override {
    const Status s = m_reader.next(out);
    if (s == Status::item) ++read;
    return s;
  }
  int wait_fd() const override { return m_reader.wait_fd(); }
  std::size_t read = 0;

 private:
  InputReader m_reader;
};

// The most URLs held at once by a run of 3,000 URLs of one host at --per-host 1, -c 10.
std::size_t most_held(std::uint64_t max_memory) {
  Options o;
  o.concurrency = 10;
  o.per_host = 1;
  o.max_memory = max_memory;
  FakeTransport t(10);
  CountingInput input(urls(3000));
  std::size_t most = 0;
  t.on_start = [&] { most = std::max(most, input.read - t.finishes.size()); };
  ScratchDir dir;
  const std::string path = dir / "out.jsonl";
  CHECK(run_into(o, input, JsonlWriter::open_output(path), t, {}) == exit_ok);
  std::istringstream lines(file_text(path));
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) ++n;
  CHECK(n == 3000);
  return most;
}

TEST_CASE("engine: above --max-memory's mark nothing is read ahead, yet the run goes on to its end") {
  // A cap of one byte: the resident set is always above the mark, the worst case. The engine
  // reads only to fill free slots, never more than -c URLs held, and every URL gets its line.
  CHECK(most_held(1) <= 10);
  // Without it, the read-ahead window fills with the host's URLs.
  CHECK(most_held(0) >= 2990);
}

namespace {
std::string ranked_line(const std::string& url, int priority) {
  return R"({"url":")" + url + R"(","priority":)" + std::to_string(priority) + "}";
}

std::vector<std::uint64_t> start_order(const FakeTransport& t) {
  std::vector<std::uint64_t> seqs;
  for (const auto& [seq, when] : t.starts) seqs.push_back(seq);
  return seqs;
}
}  // namespace

TEST_CASE("engine: at -c 1 the URLs read ahead start by priority, ties in input order; a bad priority is that line's error") {
  Options o;
  o.concurrency = 1;
  o.urls = {ranked_line("http://a.test/1", 0), ranked_line("http://b.test/2", 10), R"({"url":"http://a.test/3","priority":1.5})",
            "http://c.test/4", ranked_line("http://a.test/5", 10), ranked_line("http://c.test/6", -1)};
  FakeTransport t(1);
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_url_errors);
  REQUIRE(r.lines.size() == 6);
  CHECK(r.lines[2]["error"]["kind"] == "invalid_input");
  CHECK(r.lines[2]["url"] == "http://a.test/3");
  CHECK(start_order(t) == std::vector<std::uint64_t>{2, 5, 1, 4, 6});
}

TEST_CASE("engine: lines there to be read are read before the next URL starts, past the per-turn bound too") {
  // A URL of priority 0, then more invalid lines than one turn reads, then one of priority 5: the
  // turn that pauses at the bound must not start the first before the second is seen.
  Options o;
  o.concurrency = 1;
  o.urls = {ranked_line("http://a.test/low", 0)};
  for (int i = 0; i < InputState::per_turn + 10; ++i) o.urls.push_back("ftp://a.test/" + std::to_string(i));
  o.urls.push_back(ranked_line("http://b.test/high", 5));
  FakeTransport t(1);
  const Run r = run_fake(o, t);
  CHECK(r.lines.size() == o.urls.size());
  CHECK(start_order(t) == std::vector<std::uint64_t>{o.urls.size(), 1});
}

TEST_CASE("engine: --per-host-delay spaces each host's starts while other hosts go on") {
  Options o;
  o.per_host_delay = 0.5;
  o.urls = two_hosts(5, 5);
  FakeTransport t(10);
  const Run r = run_fake(o, t);
  CHECK(r.lines.size() == 10);
  std::map<bool, std::vector<TimePoint>> by_host;
  for (const auto& [seq, when] : t.starts) by_host[seq > 5].push_back(when);
  for (auto& [is_b, times] : by_host) {
    REQUIRE(times.size() == 5);
    for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= 500ms);
  }
  // b's first start did not wait behind a's pacing.
  CHECK(by_host[true][0] - by_host[false][0] < 100ms);
}

TEST_CASE("engine: a 429 with Retry-After pauses its whole host; the other hosts go on") {
  Options o;
  o.per_host = 1;
  o.retry_max_delay = 60;
  o.urls = two_hosts(4, 4);
  FakeTransport t(10);
  t.respond = [](const Job& job, Record& r) {
    const bool first = job.seq == 1 && job.attempts == 1;
    r.status = first ? 429 : 200;
    if (first) r.retry_after = 5;
  };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 8);
  const TimePoint answered = t.finishes.front().second;
  REQUIRE(t.finishes.front().first == 1);
  int b_during_pause = 0;
  for (const auto& [seq, when] : t.starts) {
    if (when < answered) continue;
    if (seq <= 4)
      CHECK(when - answered >= 5s);  // a's queued URLs waited too, not only the one retried
    else if (when - answered < 5s)
      ++b_during_pause;
  }
  CHECK(b_during_pause == 3);  // b's first started alongside a's first, and was not paused
}

TEST_CASE("engine: a dead host's URLs end at once as host_unreachable; other hosts are unaffected") {
  Options o;
  o.concurrency = 20;
  o.retries = 2;
  o.timeout = 30;
  o.urls = urls(1000, "dead.test");
  const auto b = urls(50, "b.test");
  o.urls.insert(o.urls.end(), b.begin(), b.end());
  const auto later = urls(5, "dead.test");  // read after the host was given up
  o.urls.insert(o.urls.end(), later.begin(), later.end());
  FakeTransport t(20);
  t.latency = 30s;  // each attempt waits out its --timeout
  t.respond = [](const Job& job, Record& r) {
    if (job.host_key == "dead.test:80") {
      r.error = ErrorKind::timeout;
      r.message = "Connection timed out after 30000 milliseconds";
    } else {
      r.status = 200;
    }
  };
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_url_errors);
  REQUIRE(r.lines.size() == 1055);
  std::size_t unreachable = 0;
  std::size_t timeouts = 0;
  for (const auto& line : r.lines) {
    if (line["url"].get<std::string>().starts_with("http://b.test/")) {
      CHECK(line["status"] == 200);
      continue;
    }
    REQUIRE(line["error"].is_object());
    // The one failure that gave the host up stays what it was; every other URL of the host ends
    // as host_unreachable, with that failure as its message.
    if (line["error"]["kind"] == "timeout") {
      ++timeouts;
      CHECK(line["error"]["message"] == "Connection timed out after 30000 milliseconds");
      continue;
    }
    CHECK(line["error"]["kind"] == "host_unreachable");
    CHECK(line["error"]["message"] == "timeout: Connection timed out after 30000 milliseconds");
    ++unreachable;
  }
  CHECK(timeouts == 1);
  CHECK(unreachable == 1004);
  std::size_t dead_attempts = 0;
  for (const auto& [seq, when] : t.starts) dead_attempts += seq <= 1000 || seq > 1050;
  CHECK(dead_attempts <= 20);  // the first batch in flight, no retries
  // The first 20 of dead.test time out together, then b.test's 50 go 20 at a time (input order):
  // 4 rounds of 30 s, not 1,000 × 3 attempts × 30 s.
  const auto first = t.starts.front().second;
  CHECK(t.finishes.back().second - first <= 130s);
}

TEST_CASE("engine: --host-errors 0 never gives a host up") {
  Options o;
  o.host_errors = 0;
  o.retries = 0;
  o.urls = urls(20, "dead.test");
  FakeTransport t(4);
  t.respond = [](const Job&, Record& r) { r.error = ErrorKind::connect; };
  const Run r = run_fake(o, t);
  REQUIRE(r.lines.size() == 20);
  for (const auto& line : r.lines) CHECK(line["error"]["kind"] == "connect");
  CHECK(t.starts.size() == 20);
}

namespace {

// --robots over the fake transport: each host's robots.txt as `robots` gives it (a status, and a
// body for a 2xx), counting the fetches per host and when each answered.
struct RobotsSite {
  std::map<std::string, std::pair<long, std::string>> robots;  // host_key → status, body
  std::map<std::string, int> fetches;
  std::vector<std::string> answered;  // host_keys, in the order of t.finishes' seq-0 entries

  void serve(FakeTransport& t) {
    t.respond = [this](const Job& job, Record& r) {
      if (!job.robots) {
        r.status = 200;
        return;
      }
      CHECK(job.target == "http://" + job.host_key + "/robots.txt");
      ++fetches[job.host_key];
      answered.push_back(job.host_key);
      const auto& [status, body] = robots.at(job.host_key);
      r.status = status;
      r.body = body;
    };
  }
  // When each host's robots.txt answered (the last time, if retried).
  std::map<std::string, TimePoint> answer_times(const FakeTransport& t) const {
    std::map<std::string, TimePoint> at;
    std::size_t k = 0;
    for (const auto& [seq, when] : t.finishes)
      if (seq == 0) at[answered.at(k++)] = when;
    return at;
  }
};

std::string host_of(const std::string& url) { return url.substr(7, url.find('/', 7) - 7) + ":80"; }

// --robots with --host-errors 1 over two URLs each of two origins (https, http) of one host:port,
// alternating: one robots.txt failure gives up the host whose other origin is still undecided.
Options robots_two_origins() {
  Options o;
  o.robots = true;
  o.host_errors = 1;
  o.urls = {"https://a.test:8080/1", "http://a.test:8080/1", "https://a.test:8080/2", "http://a.test:8080/2"};
  return o;
}

}  // namespace

TEST_CASE("engine: --robots fetches each origin's robots.txt once, first; disallowed URLs get no request") {
  Options o;
  o.robots = true;
  o.concurrency = 4;
  o.urls = {"http://a.test/private/1", "http://a.test/public/1", "http://b.test/1", "http://a.test/private/2",
            "http://a.test/public/2", "http://b.test/2"};
  FakeTransport t(4);
  RobotsSite site;
  site.robots["a.test:80"] = {200, "User-agent: *\nDisallow: /private\n"};
  site.robots["b.test:80"] = {404, "User-agent: *\nDisallow: /\n"};
  site.serve(t);
  const Run r = run_fake(o, t);
  CHECK(r.status == exit_url_errors);  // a disallowed URL is an error line like any other
  REQUIRE(r.lines.size() == 6);        // no line for the robots.txt fetches
  for (const auto& line : r.lines) {
    const std::string url = line["url"];
    if (url.find("/private/") != std::string::npos) {
      CHECK(line["error"]["kind"] == "robots_disallowed");
      CHECK(line["error"]["message"] == "disallowed by http://a.test:80/robots.txt");
      CHECK(line["status"].is_null());
      CHECK(line["attempts"] == 0);
    } else {
      CHECK(line["status"] == 200);
    }
  }
  CHECK(site.fetches == std::map<std::string, int>{{"a.test:80", 1}, {"b.test:80", 1}});
  const auto answered = site.answer_times(t);
  std::set<std::uint64_t> started;
  for (const auto& [seq, when] : t.starts) {
    if (seq == 0) continue;
    started.insert(seq);
    CHECK(when >= answered.at(host_of(o.urls[seq - 1])));
  }
  CHECK(started == std::set<std::uint64_t>{2, 3, 5, 6});
}

TEST_CASE("engine: --robots: a 5xx robots.txt, retried like any URL, disallows its whole host") {
  Options o;
  o.robots = true;
  o.retries = 1;
  o.retry_delay = 0.1;
  o.urls = two_hosts(5, 2);
  FakeTransport t(4);
  RobotsSite site;
  site.robots["a.test:80"] = {500, ""};
  site.robots["b.test:80"] = {200, ""};
  site.serve(t);
  const Run r = run_fake(o, t);
  REQUIRE(r.lines.size() == 7);
  for (int i = 0; i < 5; ++i) {
    CHECK(r.lines[i]["error"]["kind"] == "robots_disallowed");
    CHECK(r.lines[i]["error"]["message"] ==
          "http://a.test:80/robots.txt answered 500: the host is disallowed for the run");
  }
  CHECK(r.lines[5]["status"] == 200);
  CHECK(r.lines[6]["status"] == 200);
  CHECK(site.fetches["a.test:80"] == 2);
  for (const auto& [seq, when] : t.starts) CHECK((seq == 0 || seq > 5));
}

TEST_CASE("engine: --robots: URLs waiting for robots.txt get interrupted lines when a signal ends the run") {
  Options o;
  o.robots = true;
  o.urls = urls(20, "a.test");
  FakeTransport t(4);
  t.latency = 10s;
  RobotsSite site;
  site.robots["a.test:80"] = {200, ""};
  site.serve(t);
  Setup s;
  s.signalled = [&] { return t.starts.empty() ? 0 : SIGINT; };
  const Run r = run_fake(o, t, s);
  CHECK(r.status == 128 + SIGINT);
  REQUIRE(r.lines.size() == 20);
  for (const auto& line : r.lines) {
    CHECK(line["error"]["kind"] == "interrupted");
    CHECK(line["attempts"] == 0);
  }
  REQUIRE(t.starts.size() == 1);
  CHECK(t.starts[0].first == 0);  // only the robots.txt fetch started
}

TEST_CASE("engine: --robots: Crawl-delay paces the host unless --per-host-delay asks for more") {
  Options o;
  o.robots = true;
  o.urls = two_hosts(4, 4);
  double expect = 2.0;
  SECTION("Crawl-delay alone") {}
  SECTION("a longer --per-host-delay") {
    o.per_host_delay = 3.0;
    expect = 3.0;
  }
  FakeTransport t(8);
  RobotsSite site;
  site.robots["a.test:80"] = {200, "User-agent: *\nCrawl-delay: 2\n"};
  site.robots["b.test:80"] = {200, ""};
  site.serve(t);
  const Run r = run_fake(o, t);
  REQUIRE(r.lines.size() == 8);
  const auto answered = site.answer_times(t);
  std::vector<TimePoint> a_starts, b_starts;
  for (const auto& [seq, when] : t.starts)
    if (seq > 0) (seq <= 4 ? a_starts : b_starts).push_back(when);
  REQUIRE(a_starts.size() == 4);
  CHECK(a_starts[0] - answered.at("a.test:80") >= from_seconds(std::min(expect, 2.0)));
  for (std::size_t i = 1; i < a_starts.size(); ++i) CHECK(a_starts[i] - a_starts[i - 1] >= from_seconds(expect));
  if (o.per_host_delay == 0) {
    // b has no Crawl-delay: its URLs went at once, not behind a's pacing.
    REQUIRE(b_starts.size() == 4);
    CHECK(b_starts.back() - answered.at("b.test:80") < 100ms);
  }
}

TEST_CASE("engine: --robots: when a host is given up, URLs waiting on its robots.txt retry end as host_unreachable") {
  // Two origins of one host:port, so that one robots.txt fetch waits for its retry while the
  // other's failure gives the host up.
  Options o = robots_two_origins();
  o.per_host = 1;
  o.retry_delay = 10;
  FakeTransport t(4);
  t.respond = [](const Job& job, Record& r) {
    REQUIRE(job.robots);
    if (job.target.starts_with("https:")) {
      r.status = 503;
    } else {
      r.error = ErrorKind::connect;
      r.message = "Failed to connect";
    }
  };
  const Run r = run_fake(o, t);
  REQUIRE(r.lines.size() == 4);
  for (int i : {0, 2}) {
    CHECK(r.lines[i]["error"]["kind"] == "host_unreachable");
    CHECK(r.lines[i]["error"]["message"] == "connect: Failed to connect");
  }
  // The fetch whose own failure gave the host up keeps its kind, and so does its origin's denial.
  for (int i : {1, 3}) {
    CHECK(r.lines[i]["error"]["kind"] == "robots_disallowed");
    CHECK(r.lines[i]["error"]["message"] ==
          "http://a.test:8080/robots.txt unreachable (connect: Failed to connect): the host is "
          "disallowed for the run");
  }
  CHECK(t.starts.size() == 2);  // the two fetches, no retry, no URL
  CHECK(t.finishes.back().second - t.starts.front().second < 1s);
}

TEST_CASE("engine: --robots: URLs waiting on a robots.txt fetch running when its host is given up end as host_unreachable") {
  // Two origins of one host:port, both fetches running; the https one's failure, reaped first,
  // gives the host up while the http one is still in flight.
  Options o = robots_two_origins();
  o.per_host = 2;
  o.retries = 0;
  FakeTransport t(4);
  t.respond = [](const Job& job, Record& r) {
    REQUIRE(job.robots);
    r.error = ErrorKind::connect;
    r.message = job.target.starts_with("https:") ? "Failed to connect" : "Failed to connect again";
  };
  const Run r = run_fake(o, t);
  REQUIRE(r.lines.size() == 4);
  // The fetch whose failure gave the host up decides its origin as unreachable, as documented.
  for (int i : {0, 2}) CHECK(r.lines[i]["error"]["kind"] == "robots_disallowed");
  for (int i : {1, 3}) {
    CHECK(r.lines[i]["error"]["kind"] == "host_unreachable");
    CHECK(r.lines[i]["error"]["message"] == "connect: Failed to connect");
  }
  CHECK(t.starts.size() == 2);
}

namespace {

struct ResumeRun {
  int status = -1;
  std::vector<std::uint64_t> started;
  std::string before;  // the file's bytes before the run
  std::string after;
};

// A --resume run over `list` into a file holding lines for `done` seqs of urls(5). URL arguments
// are not read ahead here, so the engine checks them as it reads them, as it does a pipe.
ResumeRun resume_run(const std::vector<std::uint64_t>& done, const std::vector<std::string>& list,
                     std::size_t hold_budget = resume_hold_budget, const std::string& damaged_line = "",
                     std::size_t read_ahead = 100000) {
  ScratchDir dir;
  ResumeRun run;
  for (std::uint64_t seq : done)
    run.before += "{\"url\":\"" + urls(5)[seq - 1] + "\",\"seq\":" + std::to_string(seq) + ",\"error\":null}\n";
  run.before += damaged_line;
  const std::string path = dir.write("out.jsonl", run.before);
  Options o;
  o.urls = list;
  o.output = path;
  o.resume = true;
  o.read_ahead = read_ahead;
  FakeTransport t(4);
  {
    ResumeFile file(path, hold_budget);
    InputReader input(o.urls, o.inputs);
    run.status = run_into(o, input, file.output_fd(), t, {}, &file);
  }
  for (const auto& [seq, when] : t.starts) run.started.push_back(seq);
  std::sort(run.started.begin(), run.started.end());
  run.after = file_text(path);
  return run;
}

}  // namespace

TEST_CASE("engine: --resume fetches only the seqs the file lacks, and appends their lines") {
  const ResumeRun r = resume_run({2, 4}, urls(5));
  CHECK(r.status == exit_ok);
  CHECK(r.started == std::vector<std::uint64_t>{1, 3, 5});
  REQUIRE(r.after.starts_with(r.before));
  std::vector<std::uint64_t> appended;
  std::istringstream rest(r.after.substr(r.before.size()));
  for (std::string line; std::getline(rest, line);) appended.push_back(nlohmann::json::parse(line)["seq"]);
  std::sort(appended.begin(), appended.end());
  CHECK(appended == std::vector<std::uint64_t>{1, 3, 5});
}

TEST_CASE("engine: --resume over another list writes nothing and exits 2") {
  std::vector<std::string> other = urls(5);
  other[3] = "http://a.test/changed";
  const ResumeRun r = resume_run({2, 4}, other);
  CHECK(r.status == exit_usage);
  CHECK(r.after == r.before);
}

TEST_CASE("engine: --resume on a pipe stops when the lines held for the check pass the budget") {
  // A damaged file names a seq far past the input's end: every URL read is fetched, and its line
  // held until the input reaches that seq, which it never does.
  std::vector<std::string> list;
  for (int i = 1; i <= 2000; ++i) list.push_back("http://h" + std::to_string(i % 7) + ".test/" + std::to_string(i));
  list[0] = urls(5)[0];
  const ResumeRun r = resume_run({1}, list, 4096, "{\"url\":\"http://x.test/\",\"seq\":999999999999,\"error\":null}\n", 8);
  CHECK(r.status == exit_usage);
  CHECK(r.after == r.before);
  CHECK(r.started.size() < 100);
}

namespace {

// An input that reports which lines the engine said were out, and how many lines the output file
// held at that moment.
class WatchedInput final : public InputSource {
 public:
  WatchedInput(std::vector<std::string> urls, std::string path) : m_reader(std::move(urls), {}), m_path(std::move(path)) {}
  Status next(InputItem& out) override { return m_reader.next(out); }
  int wait_fd() const override { return m_reader.wait_fd(); }
  void written(const std::vector<std::uint64_t>& seqs) override {
    std::ifstream in(m_path);
    const auto lines = std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
    for (auto seq : seqs) {
      reported.push_back(seq);
      on_disk_when_reported.push_back(lines);
    }
    ++calls;
  }
  int calls = 0;
  std::vector<std::uint64_t> reported;
  std::vector<long> on_disk_when_reported;

 private:
  InputReader m_reader;
  std::string m_path;
};

}  // namespace

TEST_CASE("engine: a line is reported written only once it is out of the process; interrupted ones never") {
  ScratchDir dir;
  const std::string path = dir / "out.jsonl";
  FakeTransport t(3);
  int answered = 0;
  t.respond = [&](const Job&, Record& r) {
    ++answered;
    r.status = 200;
  };
  WatchedInput input(urls(40), path);
  Setup s;
  s.block = 512;
  s.signalled = [&] { return answered >= 20 ? SIGTERM : 0; };
  const int status = run_into({}, input, JsonlWriter::open_output(path), t, s);
  CHECK(status == 128 + SIGTERM);
  CHECK(input.reported.size() == static_cast<std::size_t>(answered));
  std::set<std::uint64_t> unique(input.reported.begin(), input.reported.end());
  CHECK(unique.size() == input.reported.size());
  // Every line reported so far was in the file when it was reported.
  for (std::size_t i = 0; i < input.reported.size(); ++i)
    CHECK(input.on_disk_when_reported[i] >= static_cast<long>(i + 1));
}

TEST_CASE("engine: under load lines are reported as each block goes out, not only when the output idles") {
  ScratchDir dir;
  const std::string path = dir / "out.jsonl";
  FakeTransport t(50);
  t.latency = 1ms;  // 50 lines a millisecond: a 64 KiB block fills long before the 20 ms flush delay
  WatchedInput input(urls(3000), path);
  CHECK(run_into({}, input, JsonlWriter::open_output(path), t, {}) == exit_ok);
  CHECK(input.reported.size() == 3000);
  CHECK(input.calls >= 5);
}

TEST_CASE("engine: fetched_at is when the last attempt started, null for a line never started") {
  Options o;
  o.urls = {"http://a.test/ok", "ftp://a.test/refused"};
  FakeTransport t(4);
  const auto before = unix_ms(WallClock::now());
  const Run r = run_fake(o, t);
  const auto after = unix_ms(WallClock::now());
  REQUIRE(r.lines.size() == 2);
  const std::string at = r.lines[0]["fetched_at"];
  REQUIRE(at.size() == 24);
  std::string low, high;
  append_iso8601_ms(low, before);
  append_iso8601_ms(high, after);
  CHECK(at >= low);
  CHECK(at <= high);
  CHECK(r.lines[1]["fetched_at"].is_null());
}

TEST_CASE("engine: --state marks each line changed or not against the run before, and stores it") {
  ScratchDir dir;
  Options o;
  o.state = dir / "state.db";
  o.urls = {"http://a.test/same", "http://a.test/edited", "http://a.test/gone", "http://a.test/new"};
  StateStore store(o.state);
  FakeTransport first(4);
  first.respond = [](const Job& job, Record& r) {
    if (job.url.ends_with("/new")) {
      r.error = ErrorKind::connect;  // no complete response: nothing to compare, a failure stored
      return;
    }
    r.status = 200;
    r.sha256 = "v1";
    r.etag = "\"e-" + job.url.substr(job.url.rfind('/') + 1) + "\"";
  };
  Setup setup;
  setup.state = &store;
  const Run one = run_fake(o, first, setup);
  REQUIRE(one.lines.size() == 4);
  for (int i = 0; i < 3; ++i) {
    CHECK(one.lines[i]["changed"] == true);
    CHECK(one.lines[i]["last_fetched"].is_null());
    CHECK(one.lines[i]["cached"] == false);
  }
  CHECK(one.lines[3]["changed"].is_null());

  FakeTransport second(4);
  std::map<std::string, std::vector<std::string>> sent;
  second.respond = [&sent](const Job& job, Record& r) {
    sent[job.url] = job.extra_headers;
    r.status = job.url.ends_with("/gone") ? 404 : 200;
    r.sha256 = job.url.ends_with("/edited") ? "v2" : "v1";
  };
  const Run two = run_fake(o, second, setup);
  REQUIRE(two.lines.size() == 4);
  CHECK(two.lines[0]["changed"] == false);
  CHECK(two.lines[1]["changed"] == true);
  CHECK(two.lines[2]["changed"] == true);
  CHECK(two.lines[3]["changed"] == true);  // stored, but never with a response
  CHECK(two.lines[0]["last_fetched"] == one.lines[0]["fetched_at"]);
  CHECK(two.lines[3]["last_fetched"].is_null());
  CHECK(sent["http://a.test/same"] == std::vector<std::string>{"If-None-Match: \"e-same\""});
  CHECK(sent["http://a.test/new"].empty());
  const auto gone = store.lookup({"GET", "http://a.test/gone", ""});
  REQUIRE(gone);
  CHECK(gone->status == 404);
  CHECK(gone->failures == 1);
}

TEST_CASE("engine: --max-age answers a URL fetched recently from the store, without a request") {
  ScratchDir dir;
  Options o;
  o.state = dir / "state.db";
  o.urls = {"http://a.test/fresh", "http://a.test/failed"};
  StateStore store(o.state);
  Setup setup;
  setup.state = &store;
  FakeTransport first(4);
  first.respond = [](const Job& job, Record& r) {
    if (job.url.ends_with("/failed")) {
      r.error = ErrorKind::timeout;
      return;
    }
    r.status = 200;
    r.size = 5;
    r.content_type = "text/plain";
    r.sha256 = "v1";
  };
  run_fake(o, first, setup);
  o.max_age_ms = 3'600'000;
  FakeTransport second(4);
  const Run two = run_fake(o, second, setup);
  REQUIRE(second.starts.size() == 1);  // only the URL that failed is fetched again
  CHECK(second.starts[0].first == 2);
  REQUIRE(two.lines.size() == 2);
  const auto& cached = two.lines[0];
  CHECK(cached["cached"] == true);
  CHECK(cached["status"] == 200);
  CHECK(cached["size"] == 5);
  CHECK(cached["content_type"] == "text/plain");
  CHECK(cached["attempts"] == 0);
  CHECK(cached["changed"] == false);
  CHECK(cached["time"]["total"] == 0);
  CHECK(cached["fetched_at"] == cached["last_fetched"]);
  CHECK(two.lines[1]["cached"] == false);
}

namespace {

// A binary tree of pages on a.test: /N links to /2N+1 and /2N+2 while they are at most `top`.
void serve_tree(FakeTransport& t, int top) {
  t.respond = [top](const Job& job, Record& r) {
    const int n = std::stoi(job.target.substr(job.target.rfind('/') + 1));
    r.status = 200;
    r.content_type = "text/html";
    r.final_url = job.target;
    for (int c = 2 * n + 1; c <= 2 * n + 2 && c <= top; ++c) r.body += "<a href='/" + std::to_string(c) + "'>x</a>";
  };
}

int page_of(const nlohmann::json& line) {
  const std::string url = line["url"];
  return std::stoi(url.substr(url.rfind('/') + 1));
}

}  // namespace

TEST_CASE("engine: a crawl fetches each page of a tree once, breadth-first, with its depth and parent") {
  Options o;
  o.crawl = true;
  o.urls = {"http://a.test/0"};
  FakeTransport t(1);
  serve_tree(t, 30);
  Crawler crawler(o, CrawlRules(o));
  Setup s;
  s.crawler = &crawler;
  const Run r = run_fake(o, t, s);
  CHECK(r.status == exit_ok);
  REQUIRE(r.lines.size() == 31);
  std::set<int> pages;
  int last_depth = 0;
  for (const auto& line : r.lines) {  // by seq: the order pages were handed out, one at a time
    const int n = page_of(line);
    pages.insert(n);
    const int depth = line["depth"];
    CHECK(depth >= last_depth);
    last_depth = depth;
    if (n == 0)
      CHECK(line["parent"].is_null());
    else
      CHECK(line["parent"] == "http://a.test/" + std::to_string((n - 1) / 2));
  }
  CHECK(pages.size() == 31);
  CHECK(last_depth == 4);
}

TEST_CASE("engine: a crawl cut by a signal gives each page handed out one line, and no other") {
  Options o;
  o.crawl = true;
  o.concurrency = 4;
  o.urls = {"http://a.test/0"};
  FakeTransport t(4);
  serve_tree(t, 1000);
  int answered = 0;
  const auto respond = t.respond;
  t.respond = [&](const Job& job, Record& r) {
    ++answered;
    respond(job, r);
  };
  Crawler crawler(o, CrawlRules(o));
  Setup s;
  s.crawler = &crawler;
  s.signalled = [&] { return answered >= 20 ? SIGTERM : 0; };
  const Run r = run_fake(o, t, s);
  CHECK(r.status == 128 + SIGTERM);
  std::set<std::uint64_t> seqs;
  for (const auto& line : r.lines) CHECK(seqs.insert(line["seq"].get<std::uint64_t>()).second);
  CHECK(*seqs.rbegin() == seqs.size());  // 1..N: nothing handed out is without its line
  CHECK(r.lines.size() >= t.starts.size());
}
