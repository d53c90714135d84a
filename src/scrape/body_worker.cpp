#include "scrape/body_worker.hpp"

#include <algorithm>
#include <sched.h>
#include <thread>

namespace volley {

BodyWorker::BodyWorker(const LinePlan& plan, unsigned threads, Process process)
    : m_plan(plan), m_process(std::move(process)) {
  m_threads.start([this] { run(); }, threads);
}

// std::thread::hardware_concurrency counts the machine's CPUs, not those this process may use.
unsigned BodyWorker::threads_for(std::size_t concurrency) {
  unsigned cpus = 0;
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<unsigned>(CPU_COUNT(&set));
  if (cpus == 0) cpus = std::thread::hardware_concurrency();
  return static_cast<unsigned>(std::max<std::size_t>(std::min<std::size_t>(cpus, concurrency), 1));
}

void BodyWorker::submit(Record r) {
  {
    std::lock_guard lock(m_threads.mutex());
    m_todo.push_back(std::move(r));
  }
  ++m_pending;
  m_threads.wake_one();
}

void BodyWorker::collect(std::vector<Record>& out, bool wait) {
  std::unique_lock lock(m_threads.mutex());
  if (wait) m_done_cv.wait(lock, [this] { return m_done.size() == m_pending; });
  m_threads.clear_loop();
  m_pending -= m_done.size();
  for (auto& r : m_done) out.push_back(std::move(r));
  m_done.clear();
}

void BodyWorker::cancel(std::vector<Record>& out) {
  std::lock_guard lock(m_threads.mutex());
  m_pending -= m_todo.size();
  for (auto& r : m_todo) out.push_back(std::move(r));
  m_todo.clear();
}

void BodyWorker::run() {
  std::unique_lock lock(m_threads.mutex());
  for (;;) {
    m_threads.wait(lock, [this] { return !m_todo.empty(); });
    if (m_threads.stopping()) return;
    Record r = std::move(m_todo.front());
    m_todo.pop_front();
    lock.unlock();
    try {
      m_process(m_plan, r);
    } catch (const std::exception& e) {
      // A page that defeats the extractor costs its own line, not the run.
      r.error = ErrorKind::other;
      r.message = std::string("extraction failed: ") + e.what();
      r.body.clear();
    }
    lock.lock();
    m_done.push_back(std::move(r));
    m_threads.wake_loop();
    m_done_cv.notify_one();
  }
}

}  // namespace volley
