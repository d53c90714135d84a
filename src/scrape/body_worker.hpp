#pragma once

#include "core/record.hpp"
#include "core/worker_thread.hpp"
#include "output/line_plan.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

namespace volley {

/// Runs process_body (parsing, matching, saving) on threads of their own, so a slow page costs the
/// reactor nothing: transfers go on while it is parsed, and pages are parsed on every core at once.
/// The threads take records from one queue, so a large page holds up only its own thread. The
/// engine counts submitted records against the concurrency cap, which bounds the bodies held in
/// memory however many threads there are. Records come back as they finish, not in the order they
/// were submitted.
class BodyWorker {
 public:
  /// What is done to each record; process_body but in tests.
  using Process = std::function<void(const LinePlan&, Record&)>;

  /// Starts `threads` threads (at least one). `plan` is read by all of them at once: it is only
  /// read (ExtractConfig and BodyStore are safe to share).
  BodyWorker(const LinePlan& plan, unsigned threads, Process process = process_body);
  BodyWorker(const BodyWorker&) = delete;
  BodyWorker& operator=(const BodyWorker&) = delete;

  /// One thread per CPU this process may run on (its affinity mask, as nproc counts: taskset or a
  /// cpuset narrows it), but no more than `concurrency`, the most records ever submitted at once.
  static unsigned threads_for(std::size_t concurrency);

  /// Readable while finished records wait to be collected.
  int wake_fd() const { return m_threads.loop_fd(); }
  void submit(Record r);
  /// Moves out the finished records; with `wait`, first waits until every submitted one is done.
  void collect(std::vector<Record>& out, bool wait = false);
  /// Moves out the records not started yet, so an interrupted run waits only for those being
  /// worked on (one per thread at most): a queue of large pages to parse could otherwise hold a
  /// signal up for many seconds.
  void cancel(std::vector<Record>& out);
  /// Submitted and not yet collected.
  std::size_t pending() const { return m_pending; }

 private:
  void run();

  const LinePlan& m_plan;
  const Process m_process;
  std::size_t m_pending = 0;  // only touched by the engine's thread
  std::condition_variable m_done_cv;
  std::deque<Record> m_todo;  // guarded by m_threads.mutex(), as m_done is
  std::vector<Record> m_done;
  WorkerThread m_threads;  // last: joined before the members their body uses go
};

}  // namespace volley
