#pragma once

#include "app/options.hpp"
#include "core/clock.hpp"
#include "core/job.hpp"
#include "core/scheduler.hpp"
#include "core/transport.hpp"
#include "robots/robots_gate.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace volley {

class Crawler;
class HostHealth;
class Outlet;
class StateSession;
class StopCause;

/// The way from the intake to the scheduler, which the engine asks about every URL admitted and
/// every redirect hop. Without --robots a URL or hop simply goes to the scheduler, as a job of its
/// own host. With it, a URL waits in the RobotsGate for its origin's robots.txt (fetched as a job
/// of its host, or taken from --state's store), goes on or ends disallowed; robots.txt fetches
/// come back here when done, and the hops of a redirect come back through the gate like URLs just
/// read.
class RobotsPath {
 public:
  /// `now` is the loop turn's time, which the engine owns. `state`: --state's session, or null.
  /// `crawler`: --crawl's, whose pages found and disallowed make no line; or null.
  RobotsPath(const Options& options, Scheduler& scheduler, HostHealth& health, Outlet& outlet, StopCause& stop,
             StateSession* state, const TimePoint& now, Crawler* crawler = nullptr);

  /// A URL to fetch: queued, held for its origin's robots.txt, or ended as disallowed.
  void admit(Job job) {
    if (!m_gate) return queue(std::move(job));
    through_gate(std::move(job));
  }
  /// A robots.txt fetch is done (retries included): its origin's verdict releases the URLs waiting.
  void robots_known(Completion& c, TimePoint now);
  /// Whether a response of a URL is a redirect the engine follows (libcurl follows none), the
  /// next hop admitted again; a hop not followed may turn `c.record` into an error.
  bool follow_redirect(Completion& c);
  /// The robots.txt fetch `robots_url` will never complete (its host given up): the URLs that
  /// waited for it end as unreachable, with `why`.
  void abandon(const std::string& robots_url, const std::string& why);
  /// URLs waiting for a verdict: they count against the read-ahead window.
  std::size_t held() const { return m_gate ? m_gate->held() : 0; }
  /// Every URL waiting ends, with `why` (an interrupted run).
  void interrupt(std::string_view why);

 private:
  void queue(Job job);
  void through_gate(Job job);
  bool robots_from_store(const Job& fetch);
  void release(RobotsGate::Verdict v, const std::string& host_key, TimePoint now);
  void disallow(Job& job, const std::string& message);

  const Options& m_options;
  Scheduler& m_scheduler;
  HostHealth& m_health;
  Outlet& m_outlet;
  StopCause& m_stop;
  StateSession* m_state;
  const TimePoint& m_now;
  Crawler* m_crawler;
  std::optional<RobotsGate> m_gate;  // --robots
};

}  // namespace volley
