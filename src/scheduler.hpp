#pragma once

#include "clock.hpp"
#include "job.hpp"
#include "rate_limiter.hpp"

#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

/// Decides which queued URL starts next: per-host queues served round-robin, so a host at its
/// --per-host cap never holds back the others; a global --rate; and retries waiting for their
/// time, which hold no slot. The global concurrency cap is the caller's (the reactor's capacity).
/// Pure: time is passed in, nothing here touches the network.
class Scheduler {
 public:
  Scheduler(int per_host_cap, double rate, std::size_t read_ahead);

  /// Whether the read-ahead window has room for another URL from the input. Retries waiting for
  /// their time count against it too: with every server answering 503 and Retry-After, the input
  /// would otherwise be read to its end while they wait, and memory would grow with the list.
  bool wants_more() const { return m_queued + m_deferred.size() < m_read_ahead; }
  void push(Job job);
  /// A retry: queued again (ahead of its host's new URLs) once `due` has passed.
  void defer(Job job, TimePoint due);

  /// A job allowed to start at `now`, counted against its host until finished() is called.
  std::optional<Job> next(TimePoint now);
  void finished(const std::string& host_key);

  /// When waiting makes something startable (a retry comes due, rate credit accrues); nullopt
  /// when only a finished transfer or new input can.
  std::optional<TimePoint> next_wakeup(TimePoint now) const;

  bool idle() const { return m_queued == 0 && m_deferred.empty(); }
  /// Removes every job not started (for an interrupted run).
  std::vector<Job> take_all();

 private:
  struct Host {
    std::deque<Job> queue;
    int in_flight = 0;
    bool ready = false;  // listed in m_ready
  };
  struct Deferred {
    TimePoint due;
    std::uint64_t order;  // keeps equal due times first-in first-out
    Job job;
    bool operator>(const Deferred& o) const { return due != o.due ? due > o.due : order > o.order; }
  };

  bool has_room(const Host& h) const { return m_per_host <= 0 || h.in_flight < m_per_host; }
  void mark_ready(Host& h);
  void release_due(TimePoint now);
  void forget_if_unused(std::unordered_map<std::string, Host>::iterator it);

  int m_per_host;
  std::size_t m_read_ahead;
  RateLimiter m_rate;
  std::unordered_map<std::string, Host> m_hosts;
  std::deque<Host*> m_ready;  // hosts with queued jobs and room, in round-robin order
  std::size_t m_queued = 0;
  std::priority_queue<Deferred, std::vector<Deferred>, std::greater<>> m_deferred;
  std::uint64_t m_defer_order = 0;
};
