#include "core/scheduler.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace volley;

using namespace std::chrono_literals;

namespace {
Job job(std::uint64_t seq, std::string host) {
  Job j;
  j.seq = seq;
  j.url = "http://" + host + "/" + std::to_string(seq);
  j.target = j.url;
  j.host_key = host + ":80";
  return j;
}
const TimePoint t0 = TimePoint{} + 1h;
}  // namespace

TEST_CASE("scheduler: without caps jobs start in input order") {
  Scheduler s(0, 0, 100);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  for (std::uint64_t i = 1; i <= 3; ++i) CHECK(s.next(t0)->seq == i);
  CHECK_FALSE(s.next(t0));
  CHECK(s.idle());
}

TEST_CASE("scheduler: a saturated host does not block others") {
  Scheduler s(2, 0, 100);
  // A list sorted by host: a's URLs first.
  for (std::uint64_t i = 1; i <= 5; ++i) s.push(job(i, "a"));
  for (std::uint64_t i = 6; i <= 10; ++i) s.push(job(i, "b"));
  std::map<std::string, int> started;
  while (auto j = s.next(t0)) ++started[j->host_key];
  CHECK(started["a:80"] == 2);
  CHECK(started["b:80"] == 2);
  s.release_host("a:80");
  auto j = s.next(t0);
  REQUIRE(j);
  CHECK(j->host_key == "a:80");
  CHECK(j->seq == 3);
  CHECK_FALSE(s.next(t0));
}

TEST_CASE("scheduler: without priorities the hosts that may start go in input order") {
  Scheduler s(0, 0, 100);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  for (std::uint64_t i = 4; i <= 6; ++i) s.push(job(i, "b"));
  s.push(job(7, "a"));
  std::vector<std::uint64_t> order;
  while (auto j = s.next(t0)) order.push_back(j->seq);
  CHECK(order == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("scheduler: the read-ahead window bounds what is queued") {
  Scheduler s(1, 0, 3);
  CHECK(s.wants_more());
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  CHECK_FALSE(s.wants_more());
  CHECK(s.next(t0));
  CHECK(s.wants_more());
}

TEST_CASE("scheduler: retries waiting for their time count against the read-ahead window") {
  // Every URL answers 503 with Retry-After: were waiting retries free, the input would be read to
  // its end while they wait, and memory would grow with the list.
  Scheduler s(0, 0, 3);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  std::vector<Job> started;
  while (auto j = s.next(t0)) started.push_back(std::move(*j));
  CHECK(s.wants_more());  // all three in flight: the transport's cap bounds those
  for (auto& j : started) {
    s.release_host(j.host_key);
    s.defer(std::move(j), t0 + 20s);
  }
  CHECK_FALSE(s.wants_more());
  CHECK_FALSE(s.next(t0 + 19s));
  CHECK_FALSE(s.wants_more());
  auto retry = s.next(t0 + 20s);  // due: released to the queue, and one of them starts
  REQUIRE(retry);
  CHECK(s.wants_more());
}

TEST_CASE("scheduler: a retry waits for its time without holding its host's slot") {
  Scheduler s(1, 0, 100);
  s.push(job(1, "a"));
  s.push(job(2, "a"));
  auto first = s.next(t0);
  REQUIRE(first);
  s.release_host("a:80");
  s.defer(std::move(*first), t0 + 500ms);
  CHECK(s.next_wakeup(t0) <= t0 + 500ms);
  auto second = s.next(t0);
  REQUIRE(second);
  CHECK(second->seq == 2);
  s.release_host("a:80");
  CHECK_FALSE(s.next(t0 + 499ms));
  REQUIRE(s.next_wakeup(t0 + 499ms) == t0 + 500ms);
  auto retry = s.next(t0 + 500ms);
  REQUIRE(retry);
  CHECK(retry->seq == 1);
}

TEST_CASE("scheduler: a due retry goes ahead of its host's new URLs") {
  Scheduler s(0, 0, 100);
  s.push(job(1, "a"));
  auto j = s.next(t0);
  s.release_host("a:80");
  s.push(job(2, "a"));
  s.defer(std::move(*j), t0);
  CHECK(s.next(t0)->seq == 1);
  CHECK(s.next(t0)->seq == 2);
}

TEST_CASE("scheduler: the rate caps starts and says when the next is due") {
  Scheduler s(0, 4, 100);  // one start per 250 ms
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  CHECK(s.next(t0));
  CHECK_FALSE(s.next(t0));
  CHECK(s.next_wakeup(t0) == t0 + 250ms);
  CHECK(s.next(t0 + 250ms));
}

TEST_CASE("scheduler: take_all returns queued and waiting jobs, not those started") {
  Scheduler s(1, 0, 100);
  for (std::uint64_t seq = 1; seq <= 4; ++seq) s.push(job(seq, seq == 3 ? "b" : "a"));
  auto started = s.next(t0);  // 1, on a; 2 and 4 wait behind it (one per host)
  auto retried = s.next(t0);  // 3, on b, then deferred for a retry
  REQUIRE(started->seq == 1);
  REQUIRE(retried->seq == 3);
  s.release_host("b:80");
  s.defer(std::move(*retried), t0 + 10s);
  std::vector<std::uint64_t> seqs;
  for (const Job& j : s.take_all()) seqs.push_back(j.seq);
  std::sort(seqs.begin(), seqs.end());
  CHECK(seqs == std::vector<std::uint64_t>{2, 3, 4});
  CHECK(s.idle());
  CHECK_FALSE(s.next(t0 + 1h));
  CHECK_FALSE(s.next_wakeup(t0));
}

TEST_CASE("scheduler: hosts with nothing left are forgotten") {
  Scheduler s(0, 0, 100);
  for (std::uint64_t i = 1; i <= 1000; ++i) {
    s.push(job(i, "h" + std::to_string(i)));
    auto j = s.next(t0);
    REQUIRE(j);
    s.release_host(j->host_key);
  }
  CHECK(s.idle());
  CHECK_FALSE(s.next_wakeup(t0));
}

TEST_CASE("scheduler: --per-host-delay spaces a host's starts without holding a slot or the others") {
  Scheduler s(0, 0, 100, 0.5);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  s.push(job(4, "b"));
  CHECK(s.next(t0)->seq == 1);
  CHECK(s.next(t0)->seq == 4);  // b is not held back by a's pacing
  CHECK_FALSE(s.next(t0));
  REQUIRE(s.next_wakeup(t0) == t0 + 500ms);
  CHECK_FALSE(s.next(t0 + 499ms));
  CHECK(s.next(t0 + 500ms)->seq == 2);
  CHECK_FALSE(s.next(t0 + 999ms));
  CHECK(s.next(t0 + 1s)->seq == 3);
}

TEST_CASE("scheduler: pacing outlives a host's last URL, so a URL read later still waits") {
  Scheduler s(0, 0, 100, 2);
  s.push(job(1, "a"));
  auto j = s.next(t0);
  REQUIRE(j);
  s.release_host("a:80");  // nothing queued or running: the host must still not be forgotten
  s.push(job(2, "a"));
  CHECK_FALSE(s.next(t0 + 1s));
  CHECK(s.next(t0 + 2s)->seq == 2);
}

TEST_CASE("scheduler: an idle paced host is forgotten once its time has passed") {
  Scheduler s(0, 0, 100, 1);
  for (std::uint64_t i = 1; i <= 100; ++i) {
    s.push(job(i, "h" + std::to_string(i)));
    auto j = s.next(t0);
    REQUIRE(j);
    s.release_host(j->host_key);
  }
  REQUIRE(s.next_wakeup(t0) == t0 + 1s);
  CHECK_FALSE(s.next(t0 + 1s));
  CHECK_FALSE(s.next_wakeup(t0 + 1s));  // every timer released: the hosts are gone
  // A host forgotten and seen again starts at once.
  s.push(job(101, "h1"));
  CHECK(s.next(t0 + 1s)->seq == 101);
}

TEST_CASE("scheduler: a paused host's queued URLs wait while the other hosts go on") {
  Scheduler s(0, 0, 100);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  for (std::uint64_t i = 4; i <= 6; ++i) s.push(job(i, "b"));
  auto first = s.next(t0);
  REQUIRE(first->seq == 1);
  s.release_host("a:80");
  s.pause_host("a:80", t0 + 10s);  // its 429 said Retry-After: 10
  s.defer(std::move(*first), t0 + 10s);
  std::vector<std::uint64_t> order;
  while (auto j = s.next(t0 + 1s)) order.push_back(j->seq);
  CHECK(order == std::vector<std::uint64_t>{4, 5, 6});
  CHECK(s.next_wakeup(t0 + 1s) == t0 + 10s);
  CHECK_FALSE(s.next(t0 + 9s));
  // URLs read during the pause wait too.
  s.push(job(7, "a"));
  CHECK_FALSE(s.next(t0 + 9s));
  order.clear();
  while (auto j = s.next(t0 + 10s)) order.push_back(j->seq);
  CHECK(order == std::vector<std::uint64_t>{1, 2, 3, 7});
}

TEST_CASE("scheduler: a shorter pause does not cut a longer one short") {
  Scheduler s(0, 0, 100);
  s.push(job(1, "a"));
  s.pause_host("a:80", t0 + 10s);
  s.pause_host("a:80", t0 + 2s);
  CHECK_FALSE(s.next(t0 + 5s));
  CHECK(s.next(t0 + 10s));
}

TEST_CASE("scheduler: take_host removes a host's queued and waiting URLs, and only those") {
  Scheduler s(1, 0, 100);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  s.push(job(4, "b"));
  auto a1 = s.next(t0);
  auto b = s.next(t0);
  REQUIRE(a1->seq == 1);
  REQUIRE(b->seq == 4);
  s.release_host("b:80");
  s.defer(std::move(*b), t0 + 5s);
  s.release_host("a:80");
  s.defer(std::move(*a1), t0 + 5s);
  std::vector<std::uint64_t> taken;
  for (const auto& j : s.take_host("a:80")) taken.push_back(j.seq);
  std::sort(taken.begin(), taken.end());
  CHECK(taken == std::vector<std::uint64_t>{1, 2, 3});
  CHECK_FALSE(s.next(t0));
  CHECK(s.next(t0 + 5s)->seq == 4);
  CHECK(s.idle());
}

TEST_CASE("scheduler: past the base window, reading goes on only while every queued URL waits and slots are free") {
  const std::size_t base = Scheduler::base_window;
  Scheduler s(4, 0, base + 100);
  std::uint64_t seq = 1;
  while (s.wants_more(true)) s.push(job(seq++, "a"));
  CHECK(seq - 1 == base);  // host a can still start some: no reason to read on
  for (int k = 0; k < 4; ++k) s.push(job(seq++, "a"));
  for (int k = 0; k < 4; ++k) REQUIRE(s.next(t0));
  CHECK_FALSE(s.next(t0));
  // a is at its cap and every queued URL is a's: read on, but only with free slots.
  CHECK_FALSE(s.wants_more(false));
  CHECK(s.wants_more(true));
  while (s.wants_more(true)) s.push(job(seq++, "a"));
  CHECK(seq - 1 - 4 == base + 100);  // up to --read-ahead (4 in flight), and not one more
  s.push(job(seq, "b"));
  CHECK(s.next(t0)->seq == seq);  // found by reading on, it starts while a waits
}

TEST_CASE("scheduler: retries waiting count against --read-ahead past the base window too") {
  Scheduler s(0, 0, Scheduler::base_window + 2);
  std::vector<Job> started;
  for (std::uint64_t i = 1; i <= Scheduler::base_window + 2; ++i) {
    s.push(job(i, "h" + std::to_string(i)));
    started.push_back(*s.next(t0));
  }
  for (auto& j : started) {
    s.release_host(j.host_key);
    s.defer(std::move(j), t0 + 20s);
  }
  CHECK_FALSE(s.wants_more(true));
}

TEST_CASE("scheduler: a host's own pacing (Crawl-delay) outlasts the host and yields to a longer --per-host-delay") {
  Scheduler s(0, 0, 100, 1.0);
  s.pace_host("a:80", 3s, t0);
  s.pace_host("b:80", 500ms, t0);  // shorter than --per-host-delay: changes nothing
  for (std::uint64_t i = 1; i <= 2; ++i) s.push(job(i, "a"));
  for (std::uint64_t i = 3; i <= 4; ++i) s.push(job(i, "b"));
  CHECK(s.next(t0)->seq == 3);  // a waits 3 s from the verdict; b does not
  CHECK_FALSE(s.next(t0));
  CHECK(s.next(t0 + 1s)->seq == 4);
  CHECK_FALSE(s.next(t0 + 2900ms));
  CHECK(s.next(t0 + 3s)->seq == 1);
  CHECK_FALSE(s.next(t0 + 5900ms));
  CHECK(s.next(t0 + 6s)->seq == 2);
  // Forgotten once idle, the host keeps its pace: a URL read later still waits 3 s.
  s.release_host("a:80");
  s.release_host("a:80");
  CHECK_FALSE(s.next(t0 + 9s));
  s.push(job(5, "a"));
  CHECK(s.next(t0 + 9s)->seq == 5);
  s.push(job(6, "a"));
  CHECK_FALSE(s.next(t0 + 11s));
  CHECK(s.next(t0 + 12s)->seq == 6);
}

TEST_CASE("scheduler: URLs held elsewhere (waiting on robots.txt) count against the read-ahead window") {
  Scheduler s(0, 0, 10);
  CHECK(s.wants_more(true, 9));
  CHECK_FALSE(s.wants_more(true, 10));
  s.push(job(1, "a"));
  CHECK_FALSE(s.wants_more(true, 9));
}

namespace {
Job long_job(std::uint64_t seq, std::size_t length) {
  Job j = job(seq, "a");
  j.url = "http://a/" + std::string(length, 'x');  // the same length whatever the seq
  j.target = j.url;
  return j;
}
}  // namespace

TEST_CASE("scheduler: the read-ahead window holds no more bytes than its budget, however few URLs") {
  // 1 KiB URLs waiting on a paused host: by count alone, 100,000 of them would be read.
  const Job one = long_job(1, 1024);
  const std::size_t budget = 100 * job_bytes(one);
  Scheduler s(0, 0, 100000, 0, budget);
  s.pause_host("a:80", t0 + 30s);
  std::uint64_t seq = 1;
  while (s.wants_more(true) && seq < 100000) s.push(long_job(seq++, 1024));
  CHECK(seq - 1 == 100);
  CHECK(s.held_bytes() == budget);
  // Once one starts, its bytes are free again and one more is read.
  REQUIRE(s.next(t0 + 30s));
  CHECK(s.held_bytes() == budget - job_bytes(one));
  CHECK(s.wants_more(true));
}

TEST_CASE("scheduler: short URLs fill the window by count before the byte budget") {
  Scheduler s(1, 0, 3, 0, 1 << 20);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(job(i, "a"));
  CHECK_FALSE(s.wants_more(true));
  CHECK(s.held_bytes() < (1 << 20));
}

TEST_CASE("scheduler: one URL longer than the whole budget is still read, and the next waits for it") {
  Scheduler s(0, 0, 100, 0, 1024);
  CHECK(s.wants_more(true));
  s.push(long_job(1, 4096));
  CHECK_FALSE(s.wants_more(true));
  REQUIRE(s.next(t0));
  CHECK(s.held_bytes() == 0);
  CHECK(s.wants_more(true));
}

TEST_CASE("scheduler: retries waiting count their bytes, and leave them when taken or started") {
  Scheduler s(0, 0, 100, 0, 1 << 20);
  s.push(long_job(1, 2000));
  s.push(job(2, "b"));
  const std::size_t both = s.held_bytes();
  Job a = *s.next(t0);
  Job b = *s.next(t0);
  CHECK(s.held_bytes() == 0);
  s.release_host(a.host_key);
  s.release_host(b.host_key);
  s.defer(std::move(a), t0 + 5s);
  s.defer(std::move(b), t0 + 5s);
  CHECK(s.held_bytes() == both);
  CHECK(s.take_host("a:80").size() == 1);
  CHECK(s.held_bytes() == job_bytes(job(2, "b")));
  s.take_all();
  CHECK(s.held_bytes() == 0);
}

TEST_CASE("job_bytes: counts a job's strings, its request object and a fixed overhead") {
  const Job plain = job(1, "a");
  CHECK(job_bytes(plain) >= sizeof(Job) + job_overhead_bytes);
  CHECK(job_bytes(long_job(1, 1024)) >= job_bytes(plain) + 2 * 1000);  // its text and its target
  Job with_body = plain;
  auto request = std::make_shared<RequestOverrides>();
  request->body = std::string(50000, 'b');
  with_body.request = request;
  CHECK(job_bytes(with_body) >= job_bytes(plain) + 50000);
}

namespace {
Job ranked(std::uint64_t seq, std::string host, std::int32_t priority) {
  Job j = job(seq, std::move(host));
  j.priority = priority;
  return j;
}

std::vector<std::uint64_t> drain(Scheduler& s, TimePoint now) {
  std::vector<std::uint64_t> order;
  while (auto j = s.next(now)) order.push_back(j->seq);
  return order;
}
}  // namespace

TEST_CASE("scheduler: the highest priority starts first, within a host and across hosts") {
  Scheduler s(0, 0, 100);
  s.push(ranked(1, "a", 0));
  s.push(ranked(2, "b", 3));
  s.push(ranked(3, "a", 7));
  s.push(ranked(4, "c", -2));
  s.push(ranked(5, "b", 7));
  s.push(ranked(6, "a", 3));
  CHECK(drain(s, t0) == std::vector<std::uint64_t>{3, 5, 2, 6, 1, 4});
}

TEST_CASE("scheduler: URLs of equal priority start in input order, whatever their hosts") {
  Scheduler s(0, 0, 100);
  const char* hosts[] = {"c", "a", "b", "a", "c", "b"};
  for (std::uint64_t i = 1; i <= 6; ++i) s.push(ranked(i, hosts[i - 1], 4));
  s.push(ranked(7, "z", 0));
  CHECK(drain(s, t0) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("scheduler: a high-priority host at its --per-host cap never keeps a slot from the others") {
  Scheduler s(1, 0, 100);
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(ranked(i, "a", 100));
  for (std::uint64_t i = 4; i <= 6; ++i) s.push(ranked(i, "b", 0));
  for (std::uint64_t i = 7; i <= 9; ++i) s.push(ranked(i, "c", -5));
  // One of a's, then the best of the hosts that may start: b, then c.
  CHECK(drain(s, t0) == std::vector<std::uint64_t>{1, 4, 7});
  // a's slot frees first: its next URL goes before the lower hosts' ones.
  s.release_host("c:80");
  s.release_host("a:80");
  CHECK(drain(s, t0) == std::vector<std::uint64_t>{2, 8});
}

TEST_CASE("scheduler: a paced or backing-off high-priority host lets lower ones start, and comes first again once due") {
  Scheduler s(0, 0, 100, 1.0);  // --per-host-delay 1
  for (std::uint64_t i = 1; i <= 3; ++i) s.push(ranked(i, "a", 9));
  for (std::uint64_t i = 4; i <= 6; ++i) s.push(ranked(i, "b", 1));
  s.push(ranked(7, "c", 0));
  CHECK(drain(s, t0) == std::vector<std::uint64_t>{1, 4, 7});
  CHECK(s.next_wakeup(t0) == t0 + 1s);
  CHECK(drain(s, t0 + 1s) == std::vector<std::uint64_t>{2, 5});
  // A 429 on a: its back-off outlasts its pacing, and b goes on meanwhile.
  s.pause_host("a:80", t0 + 5s);
  CHECK(drain(s, t0 + 2s) == std::vector<std::uint64_t>{6});
  CHECK(drain(s, t0 + 4s).empty());
  CHECK(s.next_wakeup(t0 + 4s) == t0 + 5s);
  s.push(ranked(8, "b", 1));
  CHECK(drain(s, t0 + 5s) == std::vector<std::uint64_t>{3, 8});
}

TEST_CASE("scheduler: a retry keeps its priority") {
  Scheduler s(0, 0, 100);
  s.push(ranked(1, "a", 5));
  s.push(ranked(2, "b", -5));
  Job high = *s.next(t0);
  Job low = *s.next(t0);
  s.release_host("a:80");
  s.release_host("b:80");
  high.attempts = low.attempts = 1;
  s.defer(std::move(high), t0 + 1s);
  s.defer(std::move(low), t0 + 1s);
  for (std::uint64_t i = 3; i <= 5; ++i) s.push(ranked(i, i == 4 ? "a" : "c", 0));
  // Due, the retry of priority 5 goes before the new URLs of 0; the one of -5 after them, its own
  // host's (b) included; at 0 a retry would go first (a chain under way ends before new ones).
  CHECK(drain(s, t0 + 1s) == std::vector<std::uint64_t>{1, 3, 4, 5, 2});
  Job again = ranked(9, "c", 0);
  again.attempts = 1;
  s.push(ranked(10, "c", 0));
  s.defer(std::move(again), t0 + 1s);
  CHECK(drain(s, t0 + 1s) == std::vector<std::uint64_t>{9, 10});
}

TEST_CASE("scheduler: picking moves O(log hosts) in the ready set, however many hosts wait at their cap") {
  // 4,096 hosts with random priorities at --per-host 1: every start and every slot freed moves a
  // host at most twice the heap's height; a scan of the hosts would cost 4,096 each.
  constexpr std::uint64_t hosts = 4096;
  constexpr std::uint64_t height = 13;  // floor(log2(4096)) + 1
  Scheduler s(1, 0, 4 * hosts);
  std::uint64_t seq = 0;
  std::uint32_t r = 12345;
  const auto random_priority = [&r] {
    r = r * 1103515245u + 12345u;
    return static_cast<std::int32_t>((r >> 16) % 2001) - 1000;
  };
  for (std::uint64_t h = 0; h < hosts; ++h)
    for (int k = 0; k < 2; ++k) s.push(ranked(++seq, "h" + std::to_string(h), random_priority()));
  const std::uint64_t before = s.ready_steps();
  std::vector<Job> started;
  std::int32_t last = 1000;
  while (auto j = s.next(t0)) {
    // Each host's first URL, its best, in priority order.
    CHECK(j->priority <= last);
    last = j->priority;
    started.push_back(std::move(*j));
  }
  REQUIRE(started.size() == hosts);
  CHECK(s.ready_steps() - before <= hosts * 2 * height);
  // Every host is at its cap with one URL queued: each slot freed starts that host's URL, at once.
  const std::uint64_t at_cap = s.ready_steps();
  for (std::size_t k = 0; k < 1000; ++k) {
    const Job& done = started[(k * 2654435761u) % hosts];
    s.release_host(done.host_key);
    auto j = s.next(t0);
    REQUIRE(j);
    CHECK(j->host_key == done.host_key);
  }
  CHECK(s.ready_steps() - at_cap <= 1000 * 2 * 2);
}

TEST_CASE("scheduler: a job started with nothing else of its host queued is marked its host's last") {
  Scheduler s(1, 0, 100);
  s.push(job(1, "a"));
  s.push(job(2, "a"));
  s.push(job(3, "b"));
  const auto a1 = s.next(t0);
  const auto b = s.next(t0);
  REQUIRE(a1);
  REQUIRE(b);
  CHECK_FALSE(a1->host_drained);  // a's second URL waits for the per-host cap, and reuses its connection
  CHECK(b->host_drained);
  CHECK_FALSE(s.next(t0));
  s.release_host("a:80");
  const auto a2 = s.next(t0);
  REQUIRE(a2);
  CHECK(a2->host_drained);
}
