#pragma once

#include "core/job.hpp"

#include <cstdint>
#include <deque>
#include <vector>

namespace volley {

/// Where a waiting job stands in the start order: the higher priority first; at equal priority a
/// job already under way (a retry, a redirect hop) before a URL not yet started, so that a chain
/// ends before new ones begin; then input order. A robots.txt fetch has seq 0 and the priority of
/// the URL that asked for it, so it goes first among that URL's peers.
struct StartRank {
  std::int32_t priority = 0;
  bool fresh = true;
  std::uint64_t seq = 0;

  static StartRank of(const Job& job) { return {job.priority, job.attempts == 0, job.seq}; }
  /// Whether this one starts first.
  bool operator<(const StartRank& o) const {
    if (priority != o.priority) return priority > o.priority;
    if (fresh != o.fresh) return !fresh;
    return seq < o.seq;
  }
};

/// One host's waiting jobs in start order. Most come in that order already (one priority, input
/// order), and cost O(1) at the end of a deque, as the queue cost before priorities; a retry
/// before them all goes to the deque's front; any other goes to a heap, O(log n).
class JobQueue {
 public:
  bool empty() const { return m_sorted.empty() && m_heap.empty(); }
  std::size_t size() const { return m_sorted.size() + m_heap.size(); }
  void push(Job job);
  /// The job that starts next. Not on an empty queue.
  const Job& front() const { return from_heap() ? m_heap.front() : m_sorted.front(); }
  /// Removes and returns front().
  Job pop();
  /// Moves every job to `out`, in no particular order, and leaves the queue empty.
  void take_all(std::vector<Job>& out);

 private:
  bool from_heap() const {
    return !m_heap.empty() && (m_sorted.empty() || StartRank::of(m_heap.front()) < StartRank::of(m_sorted.front()));
  }

  std::deque<Job> m_sorted;  // in start order
  std::vector<Job> m_heap;   // a heap whose front starts first
};

}  // namespace volley
