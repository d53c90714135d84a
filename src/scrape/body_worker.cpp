#include "scrape/body_worker.hpp"

#include "core/signals.hpp"

#include <cstdint>
#include <stdexcept>
#include <sys/eventfd.h>
#include <unistd.h>

namespace volley {

BodyWorker::BodyWorker(const LinePlan& plan) : m_plan(plan) {
  m_wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m_wake_fd < 0) throw std::runtime_error("cannot create eventfd");
  m_thread = thread_without_signals([this] { run(); });
}

BodyWorker::~BodyWorker() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_work.notify_one();
  m_thread.join();
  ::close(m_wake_fd);
}

void BodyWorker::submit(Record r) {
  {
    std::lock_guard lock(m_mutex);
    m_todo.push_back(std::move(r));
  }
  ++m_pending;
  m_work.notify_one();
}

void BodyWorker::collect(std::vector<Record>& out, bool wait) {
  std::unique_lock lock(m_mutex);
  if (wait) m_done_cv.wait(lock, [this] { return m_done.size() == m_pending; });
  std::uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(m_wake_fd, &count, sizeof count);  // clears the wake-up
  m_pending -= m_done.size();
  for (auto& r : m_done) out.push_back(std::move(r));
  m_done.clear();
}

void BodyWorker::cancel(std::vector<Record>& out) {
  std::lock_guard lock(m_mutex);
  m_pending -= m_todo.size();
  for (auto& r : m_todo) out.push_back(std::move(r));
  m_todo.clear();
}

void BodyWorker::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_work.wait(lock, [this] { return m_stop || !m_todo.empty(); });
    if (m_stop) return;
    Record r = std::move(m_todo.front());
    m_todo.pop_front();
    lock.unlock();
    try {
      process_body(m_plan, r);
    } catch (const std::exception& e) {
      // A page that defeats the extractor costs its own line, not the run.
      r.error = ErrorKind::other;
      r.message = std::string("extraction failed: ") + e.what();
      r.body.clear();
    }
    lock.lock();
    m_done.push_back(std::move(r));
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(m_wake_fd, &one, sizeof one);
    m_done_cv.notify_one();
  }
}

}  // namespace volley
