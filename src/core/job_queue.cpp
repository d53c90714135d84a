#include "core/job_queue.hpp"

#include <algorithm>

namespace volley {

namespace {
// std::push_heap keeps the greatest on top: "greater" is "starts first".
bool starts_later(const Job& a, const Job& b) { return StartRank::of(b) < StartRank::of(a); }
}  // namespace

void JobQueue::push(Job job) {
  const StartRank rank = StartRank::of(job);
  if (m_sorted.empty() || !(rank < StartRank::of(m_sorted.back()))) {
    m_sorted.push_back(std::move(job));
  } else if (rank < StartRank::of(m_sorted.front())) {
    m_sorted.push_front(std::move(job));
  } else {
    m_heap.push_back(std::move(job));
    std::push_heap(m_heap.begin(), m_heap.end(), starts_later);
  }
}

Job JobQueue::pop() {
  if (!from_heap()) {
    Job job = std::move(m_sorted.front());
    m_sorted.pop_front();
    return job;
  }
  std::pop_heap(m_heap.begin(), m_heap.end(), starts_later);
  Job job = std::move(m_heap.back());
  m_heap.pop_back();
  return job;
}

void JobQueue::take_all(std::vector<Job>& out) {
  for (auto& job : m_sorted) out.push_back(std::move(job));
  for (auto& job : m_heap) out.push_back(std::move(job));
  m_sorted.clear();
  m_heap.clear();
}

}  // namespace volley
