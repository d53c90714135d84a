#include "core/scheduler.hpp"

#include <algorithm>

namespace volley {

Scheduler::Scheduler(int per_host_cap, double rate, std::size_t read_ahead, double per_host_delay,
                     std::size_t byte_budget)
    : m_per_host(per_host_cap),
      m_per_host_delay(from_seconds(std::max(0.0, per_host_delay))),
      m_read_ahead(read_ahead == 0 ? 1 : read_ahead),
      m_byte_budget(byte_budget),
      m_rate(rate) {
  m_window = std::min(base_window, m_read_ahead);
}

bool Scheduler::wants_more(bool slots_free, std::size_t held_elsewhere) const {
  const std::size_t held = m_queued + m_deferred.size() + held_elsewhere;
  if (held > 0 && m_held_bytes >= m_byte_budget) return false;
  if (held < m_window) return true;
  return slots_free && m_ready.empty() && held < m_read_ahead;
}

void Scheduler::update_ready(Host& h) {
  if (h.waiting || h.queue.empty() || !has_room(h)) return ready_erase(h);
  h.head = StartRank::of(h.queue.front());
  if (h.ready_at == not_ready) {
    m_ready.push_back(&h);
    h.ready_at = m_ready.size() - 1;
  }
  sift_up(h.ready_at);
  sift_down(h.ready_at);
}

void Scheduler::ready_erase(Host& h) {
  const std::size_t i = h.ready_at;
  if (i == not_ready) return;
  h.ready_at = not_ready;
  Host* last = m_ready.back();
  m_ready.pop_back();
  if (last == &h) return;
  place(last, i);
  sift_up(i);
  sift_down(last->ready_at);
}

void Scheduler::sift_up(std::size_t i) {
  Host* h = m_ready[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!(h->head < m_ready[parent]->head)) break;
    place(m_ready[parent], i);
    i = parent;
    ++m_ready_steps;
  }
  place(h, i);
}

void Scheduler::sift_down(std::size_t i) {
  Host* h = m_ready[i];
  for (;;) {
    std::size_t first = 2 * i + 1;
    if (first >= m_ready.size()) break;
    if (first + 1 < m_ready.size() && m_ready[first + 1]->head < m_ready[first]->head) ++first;
    if (!(m_ready[first]->head < h->head)) break;
    place(m_ready[first], i);
    i = first;
    ++m_ready_steps;
  }
  place(h, i);
}

void Scheduler::push(Job job) {
  m_held_bytes += job_bytes(job);
  Host& h = m_hosts[job.host_key];
  h.queue.push(std::move(job));
  ++m_queued;
  update_ready(h);
}

void Scheduler::defer(Job job, TimePoint due) {
  m_held_bytes += job_bytes(job);
  m_deferred.push(Deferred{due, m_defer_order++, std::move(job)});
}

void Scheduler::hold_until(Host& h, const std::string& host_key, TimePoint until) {
  if (h.waiting && until <= h.not_before) return;
  h.waiting = true;
  h.not_before = until;
  m_host_timers.push(HostTimer{until, host_key});
  ready_erase(h);
}

void Scheduler::pause_host(const std::string& host_key, TimePoint until) {
  hold_until(m_hosts[host_key], host_key, until);
}

void Scheduler::pace_host(const std::string& host_key, Duration delay, TimePoint now) {
  if (delay <= m_per_host_delay) return;
  m_host_delays[host_key] = delay;
  hold_until(m_hosts[host_key], host_key, now + delay);
}

Duration Scheduler::delay_of(const std::string& host_key) const {
  if (m_host_delays.empty()) return m_per_host_delay;
  const auto it = m_host_delays.find(host_key);
  return it == m_host_delays.end() ? m_per_host_delay : it->second;
}

std::vector<Job> Scheduler::take_host(const std::string& host_key) {
  std::vector<Job> jobs;
  if (auto it = m_hosts.find(host_key); it != m_hosts.end()) {
    Host& h = it->second;
    m_queued -= h.queue.size();
    h.queue.take_all(jobs);
    ready_erase(h);
    forget_if_unused(it);
  }
  // Once per dead host, over the retries waiting: no index by host to keep up on every retry.
  std::vector<Deferred> keep;
  while (!m_deferred.empty()) {
    Deferred d = std::move(const_cast<Deferred&>(m_deferred.top()));
    m_deferred.pop();
    if (d.job.host_key == host_key)
      jobs.push_back(std::move(d.job));
    else
      keep.push_back(std::move(d));
  }
  for (auto& d : keep) m_deferred.push(std::move(d));
  for (const Job& job : jobs) m_held_bytes -= job_bytes(job);
  return jobs;
}

void Scheduler::release_due(TimePoint now) {
  while (!m_deferred.empty() && m_deferred.top().due <= now) {
    // priority_queue::top is const; the element is popped right after, so moving from it is safe.
    Job job = std::move(const_cast<Deferred&>(m_deferred.top()).job);
    m_deferred.pop();
    Host& h = m_hosts[job.host_key];
    h.queue.push(std::move(job));
    ++m_queued;
    update_ready(h);
  }
  while (!m_host_timers.empty() && m_host_timers.top().at <= now) {
    const std::string key = std::move(const_cast<HostTimer&>(m_host_timers.top()).host_key);
    m_host_timers.pop();
    auto it = m_hosts.find(key);
    if (it == m_hosts.end() || !it->second.waiting || it->second.not_before > now) continue;
    it->second.waiting = false;
    update_ready(it->second);
    forget_if_unused(it);
  }
}

std::optional<Job> Scheduler::next(TimePoint now) {
  release_due(now);
  if (m_ready.empty()) return std::nullopt;
  if (!m_rate.try_acquire(now)) return std::nullopt;
  Host& h = *m_ready.front();
  Job job = h.queue.pop();
  job.host_drained = h.queue.empty();
  --m_queued;
  m_held_bytes -= job_bytes(job);
  ++h.in_flight;
  if (const Duration delay = delay_of(job.host_key); delay > Duration::zero()) hold_until(h, job.host_key, now + delay);
  update_ready(h);
  return job;
}

void Scheduler::release_host(const std::string& host_key) {
  auto it = m_hosts.find(host_key);
  if (it == m_hosts.end()) return;
  --it->second.in_flight;
  update_ready(it->second);
  forget_if_unused(it);
}

// Hosts come and go in a long crawl; only those with work, transfers or a time to wait for stay
// in memory (a forgotten host would lose its pacing).
void Scheduler::forget_if_unused(std::unordered_map<std::string, Host>::iterator it) {
  const Host& h = it->second;
  if (h.in_flight == 0 && h.queue.empty() && h.ready_at == not_ready && !h.waiting) m_hosts.erase(it);
}

std::optional<TimePoint> Scheduler::next_wakeup(TimePoint now) const {
  std::optional<TimePoint> at;
  const auto sooner = [&at](TimePoint t) {
    if (!at || t < *at) at = t;
  };
  if (!m_ready.empty()) sooner(m_rate.next_allowed(now));
  if (!m_deferred.empty()) sooner(m_deferred.top().due);
  if (!m_host_timers.empty()) sooner(m_host_timers.top().at);
  return at;
}

std::vector<Job> Scheduler::take_all() {
  std::vector<Job> jobs;
  for (auto& [key, h] : m_hosts) h.queue.take_all(jobs);
  while (!m_deferred.empty()) {
    jobs.push_back(std::move(const_cast<Deferred&>(m_deferred.top()).job));
    m_deferred.pop();
  }
  m_hosts.clear();
  m_ready.clear();
  m_host_timers = {};
  m_queued = 0;
  m_held_bytes = 0;
  return jobs;
}

}  // namespace volley
