#include "robots/robots_path.hpp"

#include "core/host_health.hpp"
#include "core/outlet.hpp"
#include "core/stop_cause.hpp"
#include "crawl/crawler.hpp"
#include "input/url_check.hpp"
#include "net/redirect.hpp"
#include "net/request_setup.hpp"
#include "output/log_text.hpp"
#include "state/state_rules.hpp"
#include "state/state_session.hpp"
#include "util/wall_time.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace volley {

RobotsPath::RobotsPath(const Options& options, Scheduler& scheduler, HostHealth& health, Outlet& outlet,
                       StopCause& stop, StateSession* state, const TimePoint& now, Crawler* crawler)
    : m_options(options),
      m_scheduler(scheduler),
      m_health(health),
      m_outlet(outlet),
      m_stop(stop),
      m_state(state),
      m_now(now),
      m_crawler(crawler) {
  if (options.robots) m_gate.emplace(robots_product_token(options.user_agent));
}

// A redirect hop goes ahead of its host's URLs not started, as a retry does: a chain under way
// ends before new ones begin, as when libcurl followed it at once, while the host's cap, pacing
// and back-off still apply to it.
void RobotsPath::queue(Job job) {
  if (job.redirects == 0) return m_scheduler.push(std::move(job));
  m_scheduler.defer(std::move(job), m_now);
}

// The first URL of its origin queues the robots.txt fetch, as a job of its host.
void RobotsPath::through_gate(Job job) {
  RobotsGate::Admission a = m_gate->admit(job);
  switch (a.kind) {
    case RobotsGate::Admission::Kind::go: return queue(std::move(job));
    case RobotsGate::Admission::Kind::disallowed:
      return disallow(job, a.message);
    case RobotsGate::Admission::Kind::held:
      if (a.fetch && !robots_from_store(*a.fetch)) m_scheduler.push(std::move(*a.fetch));
      return;
  }
}

// --robots with --state: an origin's robots.txt fetched in the last day decides without a request.
bool RobotsPath::robots_from_store(const Job& fetch) {
  if (!m_state) return false;
  std::optional<StoredRobots> stored;
  try {
    stored = m_state->robots(fetch.url, unix_ms(WallClock::now()));
  } catch (const std::runtime_error& e) {
    m_stop.fail(e.what());
    return false;
  }
  if (!stored) return false;
  spdlog::debug("{}: status {} from the state file", fetch.url, stored->status);
  release(m_gate->resolve(fetch.url, {stored->status, stored->body, {}}), fetch.host_key, m_now);
  return true;
}

void RobotsPath::robots_known(Completion& c, TimePoint now) {
  const RobotsGate::Outcome outcome = RobotsGate::outcome_of(c.record);
  if (m_state && outcome.status) m_state->keep_robots(c.job.url, *outcome.status, outcome.body, unix_ms(WallClock::now()));
  RobotsGate::Verdict v = m_gate->resolve(c.job.url, outcome);
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("{}: {} after {} attempt(s); {} waiting allowed, {} disallowed{}", c.job.url,
                  outcome_text(c.record), c.job.attempts, v.allowed.size(), v.disallowed.size(),
                  v.crawl_delay ? fmt::format(", Crawl-delay {}s", *v.crawl_delay) : std::string());
  release(std::move(v), c.job.host_key, now);
}

// An origin's verdict: its Crawl-delay paces the host, and the URLs that waited for it go on or end.
void RobotsPath::release(RobotsGate::Verdict v, const std::string& host_key, TimePoint now) {
  if (v.crawl_delay) m_scheduler.pace_host(host_key, from_seconds(*v.crawl_delay), now);
  for (Job& job : v.disallowed) disallow(job, v.message);
  for (Job& job : v.allowed) queue(std::move(job));
}

// A page a crawl found that robots.txt disallows is a link not followed (docs/crawl.md).
void RobotsPath::disallow(Job& job, const std::string& message) {
  if (m_crawler && m_crawler->drop_disallowed(job)) return;
  m_outlet.end_unstarted(job, ErrorKind::robots_disallowed, robots_denial(job, message));
}

void RobotsPath::abandon(const std::string& robots_url, const std::string& why) {
  for (Job& waiting : m_gate->abandon(robots_url, why)) m_outlet.end_unstarted(waiting, ErrorKind::host_unreachable, why);
}

void RobotsPath::interrupt(std::string_view why) {
  if (!m_gate) return;
  for (Job& job : m_gate->take_all()) m_outlet.end_unstarted(job, ErrorKind::interrupted, why);
}

// A hop to follow goes back through admission like a URL just read (its host's health, and with
// --robots its origin's robots.txt), as a job of its own host.
bool RobotsPath::follow_redirect(Completion& c) {
  Record& r = c.record;
  const RequestSetup setup = decide_request(m_options.method, m_options.data, c.job.request.get());
  RedirectStep step = next_redirect(c.job, r, m_options.max_redirects, setup);
  switch (step.kind) {
    case RedirectStep::Kind::stop: return false;
    case RedirectStep::Kind::too_many:
      r.error = ErrorKind::too_many_redirects;
      r.message = std::move(step.message);
      return false;
    case RedirectStep::Kind::blocked:
      r.error = ErrorKind::redirect_blocked;
      r.message = std::move(step.message);
      return false;
    case RedirectStep::Kind::follow: break;
  }
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("redirect #{} (hop {}) to {}", c.job.seq, c.job.redirects, redact_password(c.job.target));
  // --state: the stored validators go to the stored page only, wherever the chain meets it.
  if (c.job.state) c.job.extra_headers = validators_for(*c.job.state, c.job.target);
  if (const std::string* why = m_health.dead(c.job.host_key))
    m_outlet.end_unstarted(c.job, ErrorKind::host_unreachable, *why);
  else
    admit(std::move(c.job));
  return true;
}

}  // namespace volley
