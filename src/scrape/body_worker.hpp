#pragma once

#include "core/record.hpp"
#include "output/line_plan.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace volley {

/// Runs process_body (parsing, matching, hashing, saving) on a thread of its own, so a slow page
/// costs the reactor nothing: transfers go on while it is parsed. The engine counts submitted
/// records against the concurrency cap, which bounds the bodies held in memory.
class BodyWorker {
 public:
  explicit BodyWorker(const LinePlan& plan);
  ~BodyWorker();
  BodyWorker(const BodyWorker&) = delete;
  BodyWorker& operator=(const BodyWorker&) = delete;

  /// Readable while finished records wait to be collected.
  int wake_fd() const { return m_wake_fd; }
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
  int m_wake_fd = -1;
  std::size_t m_pending = 0;  // only touched by the engine's thread
  std::mutex m_mutex;
  std::condition_variable m_work;
  std::condition_variable m_done_cv;
  std::deque<Record> m_todo;
  std::vector<Record> m_done;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace volley
