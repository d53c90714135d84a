#include "core/worker_thread.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>

#include <poll.h>
#include <pthread.h>

using namespace volley;
using namespace std::chrono_literals;

namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

sigset_t current_mask() {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return mask;
}

}  // namespace

TEST_CASE("worker_thread: the loop wakes the thread, and the thread wakes the loop") {
  WorkerThread worker;
  bool asked = false;
  int answered = 0;
  worker.start([&] {
    std::unique_lock lock(worker.mutex());
    worker.wait(lock, [&] { return asked; });
    ++answered;
    worker.wake_loop();
  });
  CHECK_FALSE(readable(worker.loop_fd(), 50));
  {
    std::lock_guard lock(worker.mutex());
    asked = true;
  }
  worker.wake_thread();
  REQUIRE(readable(worker.loop_fd(), 5000));
  worker.clear_loop();
  CHECK_FALSE(readable(worker.loop_fd(), 0));
  worker.stop();
  CHECK(answered == 1);
}

TEST_CASE("worker_thread: stop ends a wait whose predicate never holds, and joins") {
  WorkerThread worker;
  std::atomic<bool> returned = false;
  bool saw_stop = false;
  worker.start([&] {
    std::unique_lock lock(worker.mutex());
    worker.wait_for(lock, 1h, [] { return false; });
    saw_stop = worker.stopping();
    returned = true;
  });
  CHECK_FALSE(returned);
  worker.stop();
  CHECK(returned);
  CHECK(saw_stop);
  worker.stop();  // a second stop is harmless
}

TEST_CASE("worker_thread: the destructor stops and joins a thread still waiting") {
  std::atomic<bool> returned = false;
  {
    WorkerThread worker;
    worker.start([&] {
      std::unique_lock lock(worker.mutex());
      worker.wait_until(lock, std::chrono::steady_clock::now() + 1h, [] { return false; });
      returned = true;
    });
  }
  CHECK(returned);
}

TEST_CASE("worker_thread: SIGINT, SIGTERM and SIGHUP are blocked on the thread, not on its starter") {
  const sigset_t before = current_mask();
  REQUIRE_FALSE(sigismember(&before, SIGINT));
  REQUIRE_FALSE(sigismember(&before, SIGTERM));
  WorkerThread worker;
  sigset_t inside;
  worker.start([&] { inside = current_mask(); });
  worker.stop();
  CHECK(sigismember(&inside, SIGINT));
  CHECK(sigismember(&inside, SIGTERM));
  CHECK(sigismember(&inside, SIGHUP));
  const sigset_t after = current_mask();
  CHECK_FALSE(sigismember(&after, SIGINT));
  CHECK_FALSE(sigismember(&after, SIGTERM));
}

TEST_CASE("worker_thread: several threads run the body, each with the signals blocked, and stop joins them all") {
  WorkerThread worker;
  int started = 0;
  int blocked = 0;
  int returned = 0;
  worker.start(
      [&] {
        const sigset_t inside = current_mask();
        std::unique_lock lock(worker.mutex());
        ++started;
        if (sigismember(&inside, SIGINT) && sigismember(&inside, SIGTERM) && sigismember(&inside, SIGHUP)) ++blocked;
        worker.wake_loop();
        worker.wait(lock, [] { return false; });
        ++returned;
      },
      3);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    std::unique_lock lock(worker.mutex());
    if (started == 3 || std::chrono::steady_clock::now() > deadline) break;
    lock.unlock();
    readable(worker.loop_fd(), 100);
    worker.clear_loop();
  }
  worker.stop();
  CHECK(started == 3);
  CHECK(blocked == 3);
  CHECK(returned == 3);
}
