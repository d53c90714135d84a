#include "scrape/body_worker.hpp"

namespace volley {

BodyWorker::BodyWorker(const LinePlan& plan) : m_plan(plan) {
  m_thread.start([this] { run(); });
}

void BodyWorker::submit(Record r) {
  {
    std::lock_guard lock(m_thread.mutex());
    m_todo.push_back(std::move(r));
  }
  ++m_pending;
  m_thread.wake_thread();
}

void BodyWorker::collect(std::vector<Record>& out, bool wait) {
  std::unique_lock lock(m_thread.mutex());
  if (wait) m_done_cv.wait(lock, [this] { return m_done.size() == m_pending; });
  m_thread.clear_loop();
  m_pending -= m_done.size();
  for (auto& r : m_done) out.push_back(std::move(r));
  m_done.clear();
}

void BodyWorker::cancel(std::vector<Record>& out) {
  std::lock_guard lock(m_thread.mutex());
  m_pending -= m_todo.size();
  for (auto& r : m_todo) out.push_back(std::move(r));
  m_todo.clear();
}

void BodyWorker::run() {
  std::unique_lock lock(m_thread.mutex());
  for (;;) {
    m_thread.wait(lock, [this] { return !m_todo.empty(); });
    if (m_thread.stopping()) return;
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
    m_thread.wake_loop();
    m_done_cv.notify_one();
  }
}

}  // namespace volley
