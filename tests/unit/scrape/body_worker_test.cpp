#include "scrape/body_worker.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include <poll.h>
#include <sched.h>

using namespace volley;

namespace {

Record page(std::uint64_t seq, std::string body) {
  Record r;
  r.seq = seq;
  r.status = 200;
  r.content_type = "text/html";
  r.body = std::move(body);
  return r;
}

Record titled(std::uint64_t seq) { return page(seq, "<title>page " + std::to_string(seq) + "</title>"); }

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

LinePlan titles() {
  LinePlan f;
  f.extract.title = true;
  return f;
}

// One thread, as on a machine of one CPU, and more threads than this machine may have CPUs.
unsigned some_threads() { return GENERATE(1u, 4u); }

// Holds every record in process until opened, and counts how many are in process at once.
class Gate {
 public:
  BodyWorker::Process process() {
    return [this](const LinePlan& plan, Record& r) {
      {
        std::unique_lock lock(m_mutex);
        m_most = std::max(m_most, ++m_inside);
        m_cv.notify_all();
        m_cv.wait_for(lock, std::chrono::seconds(10), [this] { return m_open; });
        --m_inside;
      }
      process_body(plan, r);
    };
  }
  /// Waits (10 s at most) until `n` records are in process at once; true when they were.
  bool wait_inside(int n) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, std::chrono::seconds(10), [&] { return m_inside >= n; });
  }
  void open() {
    std::lock_guard lock(m_mutex);
    m_open = true;
    m_cv.notify_all();
  }
  int most() {
    std::lock_guard lock(m_mutex);
    return m_most;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_inside = 0;
  int m_most = 0;
  bool m_open = false;
};

}  // namespace

TEST_CASE("body_worker: records come back extracted, their bodies emptied") {
  LinePlan f = titles();
  BodyWorker worker(f, some_threads());
  worker.submit(page(1, "abc"));
  worker.submit(titled(2));
  CHECK(worker.pending() == 2);
  std::vector<Record> out;
  worker.collect(out, true);
  CHECK(worker.pending() == 0);
  REQUIRE(out.size() == 2);
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.seq < b.seq; });
  CHECK(out[1].extracted.title == "page 2");
  for (const Record& r : out) {
    CHECK(r.body.empty());
    CHECK(r.error == ErrorKind::none);
  }
}

TEST_CASE("body_worker: the wake fd is readable while finished records wait, and collect clears it") {
  const LinePlan f = titles();
  BodyWorker worker(f, some_threads());
  CHECK_FALSE(readable(worker.wake_fd(), 0));
  worker.submit(titled(1));
  REQUIRE(readable(worker.wake_fd(), 10000));
  std::vector<Record> out;
  worker.collect(out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].extracted.title == "page 1");
  CHECK(worker.pending() == 0);
  CHECK_FALSE(readable(worker.wake_fd(), 0));
}

TEST_CASE("body_worker: a failed transfer's record is not extracted from") {
  const LinePlan f = titles();
  BodyWorker worker(f, some_threads());
  Record r = titled(1);
  r.error = ErrorKind::partial;
  r.message = "cut short";
  worker.submit(std::move(r));
  std::vector<Record> out;
  worker.collect(out, true);
  REQUIRE(out.size() == 1);
  CHECK_FALSE(out[0].extracted.title);
  CHECK(out[0].error == ErrorKind::partial);
  CHECK(out[0].message == "cut short");
  CHECK(out[0].body.empty());
}

TEST_CASE("body_worker: a body that cannot be saved makes a save error on its own line") {
  ScratchDir tmp;
  LinePlan f;
  f.store.emplace(tmp / "bodies");
  BodyWorker worker(f, some_threads());
  worker.submit(page(1, "kept"));
  std::vector<Record> out;
  worker.collect(out, true);
  REQUIRE(out.size() == 1);
  CHECK(out[0].error == ErrorKind::none);
  CHECK(out[0].saved == tmp / "bodies/1.body");

  std::filesystem::remove_all(tmp / "bodies");
  worker.submit(page(2, "lost"));
  out.clear();
  worker.collect(out, true);
  REQUIRE(out.size() == 1);
  CHECK(out[0].error == ErrorKind::save);
  CHECK_FALSE(out[0].message.empty());
  CHECK_FALSE(out[0].saved);
}

TEST_CASE("body_worker: many records, collected as they finish, each come back once") {
  const LinePlan f = titles();
  BodyWorker worker(f, some_threads());
  constexpr std::uint64_t count = 500;
  std::vector<Record> out;
  for (std::uint64_t seq = 1; seq <= count; ++seq) {
    worker.submit(titled(seq));
    if (seq % 50 == 0) worker.collect(out);  // while the worker is busy with the rest
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (out.size() < count && std::chrono::steady_clock::now() < deadline)
    if (readable(worker.wake_fd(), 1000)) worker.collect(out);
  REQUIRE(out.size() == count);
  CHECK(worker.pending() == 0);
  std::vector<std::uint64_t> seqs;
  for (const Record& r : out) {
    seqs.push_back(r.seq);
    CHECK(r.extracted.title == "page " + std::to_string(r.seq));
  }
  std::sort(seqs.begin(), seqs.end());
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());
  CHECK(seqs.front() == 1);
  CHECK(seqs.back() == count);
}

TEST_CASE("body_worker: cancel hands back the records not started, the rest still finish") {
  const LinePlan f = titles();
  BodyWorker worker(f, some_threads());
  constexpr std::uint64_t count = 200;
  for (std::uint64_t seq = 1; seq <= count; ++seq) worker.submit(titled(seq));
  std::vector<Record> cancelled;
  worker.cancel(cancelled);
  std::vector<Record> done;
  worker.collect(done, true);
  CHECK(worker.pending() == 0);
  CHECK(cancelled.size() + done.size() == count);
  std::vector<std::uint64_t> seqs;
  for (const Record& r : cancelled) {
    seqs.push_back(r.seq);
    CHECK_FALSE(r.extracted.title);  // never worked on: the caller decides what its line says
  }
  for (const Record& r : done) {
    seqs.push_back(r.seq);
    CHECK(r.extracted.title == "page " + std::to_string(r.seq));
  }
  std::sort(seqs.begin(), seqs.end());
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());
  CHECK(seqs.size() == count);
}

TEST_CASE("body_worker: destroyed with records still queued, it stops without hanging") {
  const LinePlan f = titles();
  {
    BodyWorker worker(f, some_threads());
    for (std::uint64_t seq = 1; seq <= 200; ++seq) worker.submit(titled(seq));
  }
  SUCCEED("the destructor returned");
}

TEST_CASE("body_worker: with several threads, that many records are in process at once") {
  const LinePlan f = titles();
  Gate gate;
  BodyWorker worker(f, 3, gate.process());
  for (std::uint64_t seq = 1; seq <= 3; ++seq) worker.submit(titled(seq));
  // A worker with fewer threads never gets there, and the gate lets its records go after 10 s.
  CHECK(gate.wait_inside(3));
  gate.open();
  std::vector<Record> out;
  worker.collect(out, true);
  CHECK(out.size() == 3);
  CHECK(gate.most() == 3);
}

TEST_CASE("body_worker: while every thread is busy, cancel takes only the records not started") {
  const LinePlan f = titles();
  Gate gate;
  BodyWorker worker(f, 2, gate.process());
  for (std::uint64_t seq = 1; seq <= 7; ++seq) worker.submit(titled(seq));
  CHECK(worker.pending() == 7);
  REQUIRE(gate.wait_inside(2));
  std::vector<Record> cancelled;
  worker.cancel(cancelled);
  CHECK(cancelled.size() == 5);
  CHECK(worker.pending() == 2);
  for (const Record& r : cancelled) CHECK_FALSE(r.extracted.title);

  // collect without waiting takes nothing while both are held; with waiting, both.
  std::vector<Record> done;
  worker.collect(done);
  CHECK(done.empty());
  gate.open();
  worker.collect(done, true);
  CHECK(worker.pending() == 0);
  REQUIRE(done.size() == 2);
  for (const Record& r : done) CHECK(r.extracted.title == "page " + std::to_string(r.seq));
  CHECK(gate.most() == 2);
}

TEST_CASE("body_worker: pending counts what is submitted and not collected, across threads") {
  const LinePlan f = titles();
  BodyWorker worker(f, 4);
  std::vector<Record> out;
  std::size_t submitted = 0;
  for (std::uint64_t seq = 1; seq <= 300; ++seq) {
    worker.submit(titled(seq));
    ++submitted;
    if (seq % 7 == 0) worker.collect(out);
    CHECK(worker.pending() == submitted - out.size());
  }
  worker.collect(out, true);
  CHECK(out.size() == 300);
  CHECK(worker.pending() == 0);
}

TEST_CASE("body_worker: threads_for is at least one, and never more than the concurrency") {
  CHECK(BodyWorker::threads_for(1) == 1);
  CHECK(BodyWorker::threads_for(0) == 1);
  const unsigned many = BodyWorker::threads_for(100000);
  CHECK(many >= 1);
  CHECK(many <= std::max(1u, std::thread::hardware_concurrency()));
  CHECK(BodyWorker::threads_for(2) <= 2);
}

TEST_CASE("body_worker: threads_for counts the CPUs of the affinity mask, as taskset narrows it") {
  // sched_setaffinity(0, …) narrows the calling thread alone, which is what threads_for reads.
  cpu_set_t before;
  REQUIRE(::sched_getaffinity(0, sizeof before, &before) == 0);
  int first = 0;
  while (!CPU_ISSET(first, &before)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
  const unsigned narrowed = BodyWorker::threads_for(100);
  REQUIRE(::sched_setaffinity(0, sizeof before, &before) == 0);
  CHECK(narrowed == 1);
  CHECK(BodyWorker::threads_for(100) == static_cast<unsigned>(CPU_COUNT(&before)));
}
