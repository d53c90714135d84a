#pragma once

#include "core/worker_thread.hpp"
#include "state/state_store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <string>
#include <utility>
#include <vector>

namespace volley {

/// Writes rows to the StateStore on a thread of its own, in batched transactions: when
/// `batch_rows` wait, or `batch_delay` after the oldest of them was handed over, so a commit
/// (an fsync at a WAL checkpoint) never holds the loop up, and a crash (kill -9) loses at most
/// the rows of the last `batch_delay` and the batch being written. The hand-off is bounded: put() waits while `capacity` rows are waiting, so a
/// disk slower than the network slows the run instead of growing memory.
class StateWriter {
 public:
  StateWriter(StateStore& store, std::size_t batch_rows = 1000,
              std::chrono::milliseconds batch_delay = std::chrono::milliseconds(250), std::size_t capacity = 8000);
  ~StateWriter();
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  void put(RequestKey key, StoredRow row);
  /// An origin's robots.txt (--robots), written with the next batch.
  void put_robots(std::string robots_url, StoredRobots robots);
  /// A crawl's page admitted (CrawlStore::admitted).
  void put_page(StoredPage page);
  /// A crawl's page expanded (CrawlStore::expanded).
  void put_done(PageDone done);
  /// A new crawl: the last one's pages are deleted first thing in the next batch.
  void clear_pages();
  /// The highest seq of the pages put_page() handed over that are committed (0: none yet).
  std::uint64_t committed_seq() const { return m_committed_seq.load(std::memory_order_acquire); }
  /// Waits until everything handed over is committed, or writing has failed or stopped.
  void flush();
  /// Writes what waits, stops the thread, and says why a write failed (empty: none did).
  [[nodiscard]] std::string close();
  /// Why a write failed; empty while none has. Rows after a failure are dropped.
  [[nodiscard]] std::string failure();

 private:
  void run();
  // With the mutex held: waits for room, and says whether the item may be taken.
  bool make_room(std::unique_lock<std::mutex>& lock);
  // With the mutex held, after an item was added.
  void added(bool first);

  StateStore& m_store;
  const std::size_t m_batch_rows;
  const std::chrono::milliseconds m_batch_delay;
  const std::size_t m_capacity;
  // Guarded by m_thread.mutex(), which the thread waits on for rows or the stop.
  std::condition_variable m_room;   // room for put()
  std::condition_variable m_written;  // a batch was committed (flush())
  // Robots.txt answers are few (one per origin a day) and never the reason a batch is due: they
  // ride with the rows.
  StoreBatch m_waiting;
  bool m_writing = false;  // a batch is in the store's hands
  std::chrono::steady_clock::time_point m_oldest;
  std::atomic<std::uint64_t> m_committed_seq{0};
  std::string m_failure;
  WorkerThread m_thread;  // last: joined before the members its body uses go
};

}  // namespace volley
