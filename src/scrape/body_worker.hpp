#pragma once

#include "core/record.hpp"
#include "core/worker_thread.hpp"
#include "output/line_plan.hpp"

#include <condition_variable>
#include <deque>
#include <vector>

namespace volley {

/// Runs process_body (parsing, matching, hashing, saving) on a thread of its own, so a slow page
/// costs the reactor nothing: transfers go on while it is parsed. The engine counts submitted
/// records against the concurrency cap, which bounds the bodies held in memory.
class BodyWorker {
 public:
  explicit BodyWorker(const LinePlan& plan);
  BodyWorker(const BodyWorker&) = delete;
  BodyWorker& operator=(const BodyWorker&) = delete;

  /// Readable while finished records wait to be collected.
  int wake_fd() const { return m_thread.loop_fd(); }
  void submit(Record r);
  /// Moves out the finished records; with `wait`, first waits until every submitted one is done.
  void collect(std::vector<Record>& out, bool wait = false);
  /// Moves out the records not started yet, so an interrupted run waits only for the one being
  /// worked on: a queue of large pages to parse could otherwise hold a signal up for many seconds.
  void cancel(std::vector<Record>& out);
  /// Submitted and not yet collected.
  std::size_t pending() const { return m_pending; }

 private:
  void run();

  const LinePlan& m_plan;
  std::size_t m_pending = 0;  // only touched by the engine's thread
  std::condition_variable m_done_cv;
  std::deque<Record> m_todo;  // guarded by m_thread.mutex(), as m_done is
  std::vector<Record> m_done;
  WorkerThread m_thread;  // last: joined before the members its body uses go
};

}  // namespace volley
