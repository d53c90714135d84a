#pragma once

#include "core/clock.hpp"
#include "core/job.hpp"
#include "core/job_queue.hpp"
#include "core/rate_limiter.hpp"

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace volley {

/// Decides which queued URL starts next: of the URLs that may start now, the first in start order
/// (StartRank: the highest priority, then retries and redirect hops, then input order). As in
/// Mercator's frontier, each host keeps its own queue in that order, and only the hosts that may
/// start one now (below the --per-host cap, not pacing, not backing off) stand in the ready set,
/// a heap on their first URL's rank: a host held back never keeps a free slot from another, and
/// picking costs O(log hosts + log URLs). Also a global --rate, a host's pacing
/// (--per-host-delay) and back-off (a 429 or 503 with Retry-After), and retries waiting for their
/// time. Nothing that waits holds a slot. The global concurrency cap is the caller's (the
/// reactor's capacity). Hosts are keyed "host:port", so the per-host cap, pacing and back-off are
/// per host:port. Pure: time is passed in, nothing here touches the network.
class Scheduler {
 public:
  /// URLs read ahead while some host could start one: enough to keep every slot busy across many
  /// hosts. Past it, the input is read on (up to `read_ahead`) only while every queued URL waits.
  static constexpr std::size_t base_window = 4096;
  /// Bytes the URLs held unstarted (queued and retries waiting) may take, as job_bytes() counts
  /// them, whatever their number: a count alone let 40,000 URLs of 1 KiB take 130 MiB.
  static constexpr std::size_t default_byte_budget = std::size_t{32} << 20;

  Scheduler(int per_host_cap, double rate, std::size_t read_ahead, double per_host_delay = 0,
            std::size_t byte_budget = default_byte_budget);

  /// Whether another URL should be read from the input. Up to base_window, always; beyond, up to
  /// `read_ahead`, only when `slots_free` and no queued URL may start (each waits on its host's
  /// cap, pacing or back-off): a list that begins with thousands of URLs of one host would
  /// otherwise leave the slots idle while the other hosts' URLs sit unread. Retries waiting for
  /// their time count too: with every server answering 503 and Retry-After, the input would
  /// otherwise be read to its end while they wait, and memory would grow with the list.
  /// Never once the jobs held reach the byte budget, unless none is held: one URL always fits.
  /// `held_elsewhere`: URLs read and waiting outside the scheduler (on their robots.txt), which
  /// count as queued ones that cannot start.
  bool wants_more(bool slots_free = false, std::size_t held_elsewhere = 0) const;
  /// Jobs held unstarted: queued, and retries waiting for their time.
  std::size_t held() const { return m_queued + m_deferred.size(); }
  /// Bytes of the jobs held unstarted, as job_bytes() counts them.
  std::size_t held_bytes() const { return m_held_bytes; }
  void push(Job job);
  /// A retry or a redirect hop: queued again once `due` has passed, with its priority, ahead of
  /// the URLs of that priority not yet started.
  void defer(Job job, TimePoint due);
  /// Back-off: none of the host's URLs, queued or to come, starts before `until`.
  void pause_host(const std::string& host_key, TimePoint until);
  /// The host's own pacing (robots.txt's Crawl-delay) for the rest of the run: its starts at
  /// least `delay` apart, the next not before `now + delay`. A longer --per-host-delay prevails.
  void pace_host(const std::string& host_key, Duration delay, TimePoint now);
  /// Removes every job of the host not started, queued or waiting to be retried (a dead host).
  std::vector<Job> take_host(const std::string& host_key);

  /// A job allowed to start at `now`, counted against its host until release_host() is called;
  /// Job::host_drained says whether it leaves nothing of its host queued.
  std::optional<Job> next(TimePoint now);
  void release_host(const std::string& host_key);

  /// When waiting makes something startable (a retry comes due, a host's pacing or back-off
  /// ends, rate credit accrues); nullopt when only a finished transfer or new input can.
  std::optional<TimePoint> next_wakeup(TimePoint now) const;

  bool idle() const { return m_queued == 0 && m_deferred.empty(); }
  /// Moves made in the ready set so far: what a test of the cost of picking counts.
  std::uint64_t ready_steps() const { return m_ready_steps; }
  /// Removes every job not started (for an interrupted run).
  std::vector<Job> take_all();

 private:
  static constexpr std::size_t not_ready = static_cast<std::size_t>(-1);
  struct Host {
    JobQueue queue;
    StartRank head;  // of queue.front(), while in m_ready
    int in_flight = 0;
    std::size_t ready_at = not_ready;  // its place in m_ready
    bool waiting = false;  // not before not_before: a timer in m_host_timers stands for it
    TimePoint not_before{};
  };
  struct Deferred {
    TimePoint due;
    std::uint64_t order;  // keeps equal due times first-in first-out
    Job job;
    bool operator>(const Deferred& o) const { return due != o.due ? due > o.due : order > o.order; }
  };
  struct HostTimer {
    TimePoint at;
    std::string host_key;
    bool operator>(const HostTimer& o) const { return at > o.at; }
  };

  bool has_room(const Host& h) const { return m_per_host <= 0 || h.in_flight < m_per_host; }
  /// Puts the host in m_ready, moves it there or takes it out, as it may start a URL now and as
  /// its first URL ranks; after any change to its queue, in_flight or waiting.
  void update_ready(Host& h);
  void ready_erase(Host& h);
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void place(Host* h, std::size_t i) {
    m_ready[i] = h;
    h->ready_at = i;
  }
  void hold_until(Host& h, const std::string& host_key, TimePoint until);
  void release_due(TimePoint now);
  void forget_if_unused(std::unordered_map<std::string, Host>::iterator it);
  Duration delay_of(const std::string& host_key) const;

  int m_per_host;
  Duration m_per_host_delay;
  // Hosts paced beyond m_per_host_delay, kept for the run: forgetting one would lose its pace.
  std::unordered_map<std::string, Duration> m_host_delays;
  std::size_t m_window;
  std::size_t m_read_ahead;
  std::size_t m_byte_budget;
  std::size_t m_held_bytes = 0;  // of the jobs queued and deferred
  RateLimiter m_rate;
  std::unordered_map<std::string, Host> m_hosts;
  // Hosts that may start a URL now (queued jobs, room, not waiting): a heap on Host::head, the
  // host whose first URL starts first on top. Each host knows its place, so a host that changes
  // moves in O(log hosts) rather than being searched for.
  std::vector<Host*> m_ready;
  std::uint64_t m_ready_steps = 0;
  std::size_t m_queued = 0;
  std::priority_queue<Deferred, std::vector<Deferred>, std::greater<>> m_deferred;
  std::uint64_t m_defer_order = 0;
  // Hosts waiting for their pacing or back-off to end. An entry whose host has since been
  // forgotten or given a later time is stale and skipped; at most one per start within the delay.
  std::priority_queue<HostTimer, std::vector<HostTimer>, std::greater<>> m_host_timers;
};

}  // namespace volley
