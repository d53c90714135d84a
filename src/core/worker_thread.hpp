#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace volley {

/// The thread of a stage that works beside the loop (the state writer, the queue input), or several
/// threads running the same body (the body workers, one per CPU). They start with SIGINT, SIGTERM
/// and SIGHUP blocked: they belong to the loop's thread, whose blocked write or wait only a signal
/// handled there ends with EINTR (core/signals.hpp). The loop wakes the threads through a condition
/// variable, the threads wake the loop through an eventfd, and the destructor asks the body to
/// return and joins every thread, so an owner cannot forget any of these. Declared last in its
/// owner, it is destroyed, and so joined, before the members the body uses.
///
/// mutex() guards the owner's shared state and the stop request alike, for all the threads; the
/// body waits with wait(), wait_for() or wait_until(), which also return once a stop was asked for.
class WorkerThread {
 public:
  /// Creates the eventfd; throws std::runtime_error when it cannot.
  WorkerThread();
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  /// Runs `body` on `threads` threads at once (at least one); called once, when everything the
  /// body uses is ready.
  void start(std::function<void()> body, unsigned threads = 1);

  std::mutex& mutex() { return m_mutex; }
  /// Ends every thread's current wait, so each looks again at what its predicate checks.
  void wake_thread() { m_cv.notify_all(); }
  /// Ends one waiting thread's wait: for one more piece of work that any thread may take.
  void wake_one() { m_cv.notify_one(); }
  /// True once a stop was asked for; read with mutex() held.
  bool stopping() const { return m_stop; }

  template <class Ready>
  void wait(std::unique_lock<std::mutex>& lock, Ready ready) {
    m_cv.wait(lock, [&] { return m_stop || ready(); });
  }
  template <class Rep, class Period, class Ready>
  void wait_for(std::unique_lock<std::mutex>& lock, std::chrono::duration<Rep, Period> d, Ready ready) {
    m_cv.wait_for(lock, d, [&] { return m_stop || ready(); });
  }
  template <class Clock, class Duration, class Ready>
  void wait_until(std::unique_lock<std::mutex>& lock, std::chrono::time_point<Clock, Duration> t, Ready ready) {
    m_cv.wait_until(lock, t, [&] { return m_stop || ready(); });
  }

  /// For the loop to watch: readable after wake_loop(), until clear_loop().
  int loop_fd() const { return m_loop_fd; }
  void wake_loop();
  void clear_loop();

  /// Asks the body to return and wakes every thread, without waiting for them.
  void request_stop();
  /// request_stop(), then waits until the body has returned on every thread. Idempotent.
  void stop();

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  int m_loop_fd = -1;
  std::vector<std::thread> m_threads;
};

}  // namespace volley
