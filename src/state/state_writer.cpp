#include "state/state_writer.hpp"

namespace volley {

StateWriter::StateWriter(StateStore& store, std::size_t batch_rows, std::chrono::milliseconds batch_delay,
                         std::size_t capacity)
    : m_store(store), m_batch_rows(batch_rows), m_batch_delay(batch_delay), m_capacity(std::max(capacity, batch_rows)) {
  m_thread.start([this] { run(); });
}

// A writer dropped without close() (the run already failed) still joins its thread; what the
// rows' failure was is reported by whoever called close() or failure() first.
StateWriter::~StateWriter() { static_cast<void>(close()); }

bool StateWriter::make_room(std::unique_lock<std::mutex>& lock) {
  m_room.wait(lock, [this] { return m_waiting.size() < m_capacity || !m_failure.empty() || m_thread.stopping(); });
  return m_failure.empty() && !m_thread.stopping();
}

void StateWriter::added(bool first) {
  if (first) m_oldest = std::chrono::steady_clock::now();
  // The first item starts the clock the writer waits on (an idle writer sleeps with no deadline);
  // a full batch is due at once.
  if (first || m_waiting.size() >= m_batch_rows) m_thread.wake_thread();
}

void StateWriter::put(RequestKey key, StoredRow row) {
  std::unique_lock lock(m_thread.mutex());
  if (!make_room(lock)) return;
  const bool first = m_waiting.empty();
  m_waiting.rows.emplace_back(std::move(key), std::move(row));
  added(first);
}

void StateWriter::put_robots(std::string robots_url, StoredRobots robots) {
  std::lock_guard lock(m_thread.mutex());
  if (!m_failure.empty() || m_thread.stopping()) return;
  const bool first = m_waiting.empty();
  m_waiting.robots.emplace_back(std::move(robots_url), std::move(robots));
  added(first);
}

void StateWriter::put_page(StoredPage page) {
  std::unique_lock lock(m_thread.mutex());
  if (!make_room(lock)) return;
  const bool first = m_waiting.empty();
  m_waiting.pages.push_back(std::move(page));
  added(first);
}

void StateWriter::put_done(PageDone done) {
  std::unique_lock lock(m_thread.mutex());
  if (!make_room(lock)) return;
  const bool first = m_waiting.empty();
  m_waiting.done.push_back(std::move(done));
  added(first);
}

void StateWriter::clear_pages() {
  std::lock_guard lock(m_thread.mutex());
  if (!m_failure.empty() || m_thread.stopping()) return;
  const bool first = m_waiting.empty();
  m_waiting.clear_pages = true;
  added(first);
}

void StateWriter::flush() {
  std::unique_lock lock(m_thread.mutex());
  if (m_waiting.empty() && !m_writing) return;
  // Due now, whatever the delay says.
  m_oldest = std::chrono::steady_clock::now() - m_batch_delay;
  m_thread.wake_thread();
  m_written.wait(lock, [this] {
    return (m_waiting.empty() && !m_writing) || !m_failure.empty() || m_thread.stopping();
  });
}

std::string StateWriter::close() {
  m_thread.request_stop();
  m_room.notify_all();
  m_written.notify_all();
  m_thread.stop();
  return failure();
}

std::string StateWriter::failure() {
  std::lock_guard lock(m_thread.mutex());
  return m_failure;
}

void StateWriter::run() {
  StoreBatch batch;
  std::unique_lock lock(m_thread.mutex());
  const auto idle = [this] { return m_waiting.empty(); };
  for (;;) {
    // A batch is due when full, when its oldest row has waited long enough, or at the end.
    const auto due = [this] { return m_thread.stopping() || m_waiting.size() >= m_batch_rows; };
    if (idle())
      m_thread.wait(lock, [&idle] { return !idle(); });
    else
      m_thread.wait_until(lock, m_oldest + m_batch_delay, due);
    if (idle()) {
      if (m_thread.stopping()) return;
      continue;
    }
    if (!due() && std::chrono::steady_clock::now() < m_oldest + m_batch_delay) continue;
    std::swap(batch, m_waiting);
    m_writing = true;
    m_room.notify_all();
    const bool stopping = m_thread.stopping();
    lock.unlock();
    std::string why;
    try {
      m_store.put(batch);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why.empty())
      for (const StoredPage& p : batch.pages)
        if (p.seq > m_committed_seq.load(std::memory_order_relaxed)) m_committed_seq.store(p.seq, std::memory_order_release);
    batch.clear();
    lock.lock();
    m_writing = false;
    if (!why.empty() && m_failure.empty()) {
      m_failure = std::move(why);
      m_waiting.clear();
      m_room.notify_all();
    }
    m_written.notify_all();
    if (stopping && idle()) return;
  }
}

}  // namespace volley
