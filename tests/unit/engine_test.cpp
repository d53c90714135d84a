#include "engine.hpp"
#include "finishing.hpp"
#include "input_reader.hpp"
#include "jsonl_writer.hpp"
#include "transport.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

// Completes each transfer `latency` after it starts, on a clock of its own that jumps ahead
// instead of sleeping, with the outcome `respond` decides.
class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::size_t limit) : m_limit(limit) {}

  std::function<void(const Job&, Record&)> respond = [](const Job&, Record& r) { r.status = 200; };
  Duration latency = 10ms;
  std::size_t max_in_flight = 0;
  std::map<std::string, std::size_t> max_per_host;
  std::vector<std::pair<std::uint64_t, TimePoint>> starts;    // seq, when
  std::vector<std::pair<std::uint64_t, TimePoint>> finishes;  // seq, when

  std::size_t limit() const override { return m_limit; }
  std::size_t in_flight() const override { return m_running.size(); }

  void start(Job job) override {
    if (m_running.size() >= m_limit) throw std::logic_error("started past the limit");
    ++job.attempts;
    starts.emplace_back(job.seq, m_now);
    auto& host = m_per_host[job.host_key];
    max_per_host[job.host_key] = std::max(max_per_host[job.host_key], ++host);
    m_running.emplace_back(m_now + latency, std::move(job));
    max_in_flight = std::max(max_in_flight, m_running.size());
  }

  TimePoint poll(std::optional<Duration> timeout, std::vector<Completion>& done) override {
    std::optional<TimePoint> until;
    for (const auto& [due, job] : m_running)
      if (!until || due < *until) until = due;
    if (timeout && (!until || m_now + *timeout < *until)) until = m_now + *timeout;
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

  void watch(int, bool) override {}
  void abort_all(std::vector<Completion>&) override { throw std::logic_error("not interrupted in these tests"); }

 private:
  std::size_t m_limit;
  TimePoint m_now = Clock::now() + 1s;
  std::vector<std::pair<TimePoint, Job>> m_running;
  std::map<std::string, std::size_t> m_per_host;
};

struct Run {
  int status = -1;
  std::vector<nlohmann::json> lines;
};

Run run_fake(Options o, FakeTransport& t) {
  o.quiet = true;
  o.progress = false;
  char path[] = "/tmp/volley-engine-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  Run run;
  {
    InputReader input(o.urls, {});
    JsonlWriter writer(fd);
    Finishing finishing = prepare_finishing(o);
    run.status = run_engine(o, input, writer, finishing, t, -1);
  }
  FILE* f = std::fopen(path, "r");
  REQUIRE(f);
  char* line = nullptr;
  std::size_t cap = 0;
  while (getline(&line, &cap, f) > 0) run.lines.push_back(nlohmann::json::parse(line));
  std::free(line);
  std::fclose(f);
  std::remove(path);
  std::sort(run.lines.begin(), run.lines.end(), [](const auto& a, const auto& b) { return a["seq"] < b["seq"]; });
  return run;
}

std::vector<std::string> urls(int n, const std::string& host = "a.test") {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back("http://" + host + "/" + std::to_string(i));
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
  o.urls = urls(20, "a.test");
  const auto more = urls(20, "b.test");
  o.urls.insert(o.urls.end(), more.begin(), more.end());
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
