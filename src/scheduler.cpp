#include "scheduler.hpp"

Scheduler::Scheduler(int per_host_cap, double rate, std::size_t read_ahead)
    : m_per_host(per_host_cap), m_read_ahead(read_ahead == 0 ? 1 : read_ahead), m_rate(rate) {}

void Scheduler::mark_ready(Host& h) {
  if (!h.ready && !h.queue.empty() && has_room(h)) {
    h.ready = true;
    m_ready.push_back(&h);
  }
}

void Scheduler::push(Job job) {
  Host& h = m_hosts[job.host_key];
  h.queue.push_back(std::move(job));
  ++m_queued;
  mark_ready(h);
}

void Scheduler::defer(Job job, TimePoint due) {
  m_deferred.push(Deferred{due, m_defer_order++, std::move(job)});
}

void Scheduler::release_due(TimePoint now) {
  while (!m_deferred.empty() && m_deferred.top().due <= now) {
    // priority_queue::top is const; the element is popped right after, so moving from it is safe.
    Job job = std::move(const_cast<Deferred&>(m_deferred.top()).job);
    m_deferred.pop();
    Host& h = m_hosts[job.host_key];
    h.queue.push_front(std::move(job));
    ++m_queued;
    mark_ready(h);
  }
}

std::optional<Job> Scheduler::next(TimePoint now) {
  release_due(now);
  if (m_ready.empty()) return std::nullopt;
  if (!m_rate.try_acquire(now)) return std::nullopt;
  Host& h = *m_ready.front();
  m_ready.pop_front();
  h.ready = false;
  Job job = std::move(h.queue.front());
  h.queue.pop_front();
  --m_queued;
  ++h.in_flight;
  mark_ready(h);
  return job;
}

void Scheduler::finished(const std::string& host_key) {
  auto it = m_hosts.find(host_key);
  if (it == m_hosts.end()) return;
  --it->second.in_flight;
  mark_ready(it->second);
  forget_if_unused(it);
}

// Hosts come and go in a long crawl; only those with work or transfers stay in memory.
void Scheduler::forget_if_unused(std::unordered_map<std::string, Host>::iterator it) {
  const Host& h = it->second;
  if (h.in_flight == 0 && h.queue.empty() && !h.ready) m_hosts.erase(it);
}

std::optional<TimePoint> Scheduler::next_wakeup(TimePoint now) const {
  std::optional<TimePoint> at;
  if (!m_ready.empty()) at = m_rate.next_allowed(now);
  if (!m_deferred.empty() && (!at || m_deferred.top().due < *at)) at = m_deferred.top().due;
  return at;
}

std::vector<Job> Scheduler::take_all() {
  std::vector<Job> jobs;
  for (auto& [key, h] : m_hosts)
    for (auto& job : h.queue) jobs.push_back(std::move(job));
  while (!m_deferred.empty()) {
    jobs.push_back(std::move(const_cast<Deferred&>(m_deferred.top()).job));
    m_deferred.pop();
  }
  m_hosts.clear();
  m_ready.clear();
  m_queued = 0;
  return jobs;
}
