#include "core/engine.hpp"

#include "core/backoff.hpp"
#include "core/host_health.hpp"
#include "core/intake.hpp"
#include "core/memory_cap.hpp"
#include "core/outlet.hpp"
#include "core/scheduler.hpp"
#include "core/stop_cause.hpp"
#include "core/transport.hpp"
#include "crawl/crawler.hpp"
#include "net/error_kind.hpp"
#include "net/redirect.hpp"
#include "output/line_plan.hpp"
#include "output/log_text.hpp"
#include "output/resume_file.hpp"
#include "robots/robots_path.hpp"
#include "scrape/body_worker.hpp"
#include "state/state_session.hpp"
#include "util/rss.hpp"
#include "util/wall_time.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace volley {

namespace {

// The loop: read while the window has room, start what may start, wait, complete what finished,
// and once more. What comes in is the intake's, the way to the scheduler the robots path's, what
// goes out the outlet's; the engine alone sees every stage and decides what a completion means.
class Engine {
 public:
  Engine(const Options& o, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
         Transport& transport, int wake_fd, std::function<int()> signalled, ResumeFile* resume,
         StateSession* state, Crawler* crawler)
      : m_transport(transport),
        m_stop(transport, std::move(signalled), state),
        m_scheduler(o.per_host, o.rate, o.read_ahead, o.per_host_delay),
        m_policy{o.retries, o.retry_delay, o.retry_max_delay},
        m_health(o.host_errors),
        m_rng(std::random_device{}()),
        m_outlet(o, input, writer, plan, m_now, m_stop, state, resume),
        m_path(o, m_scheduler, m_health, m_outlet, m_stop, state, m_now, crawler),
        m_intake(o, input, writer, resume, state, m_health, m_path, m_outlet, m_stop, m_now, crawler),
        m_memory(o.max_memory, current_rss_bytes),
        m_state(state),
        m_crawler(crawler),
        m_max_redirects(o.max_redirects) {
    if (wake_fd >= 0 && !m_transport.watch(wake_fd, true)) m_stop.fail("cannot watch the signal descriptor");
    if (plan.has_body_work()) {
      const unsigned threads = BodyWorker::threads_for(m_transport.limit());
      spdlog::debug("body work on {} thread(s)", threads);
      m_worker.emplace(plan, threads);
      if (!m_transport.watch(m_worker->wake_fd(), true)) m_stop.fail("cannot watch the body worker");
    }
  }

  /// --summary-json is written however the run ended, once its exit status is known.
  int run() { return m_outlet.write_summary_json(fetch_all()); }

 private:
  int fetch_all();
  void read_input();
  void read_frontier();
  bool follows(Completion& c);
  void emit(Record& r);
  void start_transfers(TimePoint now);
  void complete(Completion& c, TimePoint now);
  void give_up_host(const std::string& host_key, const std::string& why);
  void collect_from_worker(bool wait);
  std::size_t busy() const { return m_transport.in_flight() + (m_worker ? m_worker->pending() : 0); }
  bool has_room() const { return busy() < m_transport.limit(); }
  // --max-memory is asked last: it reads the resident set now and then, and only a read matters.
  bool wants_input() {
    return m_scheduler.wants_more(has_room(), m_path.held()) &&
           m_memory.allows_reading(m_now, busy(), m_scheduler.held() + m_path.held(), m_transport.limit());
  }
  void interrupt(std::string_view why);
  std::optional<Duration> wait_limit(TimePoint now) const;

  Transport& m_transport;
  StopCause m_stop;
  Scheduler m_scheduler;
  RetryPolicy m_policy;
  HostHealth m_health;
  std::mt19937_64 m_rng;
  TimePoint m_now;  // this loop turn's time, so a turn reads the clock once; lent to the collaborators
  Outlet m_outlet;
  RobotsPath m_path;
  Intake m_intake;
  MemoryCap m_memory;
  StateSession* m_state;
  Crawler* m_crawler;
  const int m_max_redirects;
  std::optional<BodyWorker> m_worker;
  std::vector<Completion> m_done;
  std::vector<Record> m_finished;
};

void Engine::read_input() {
  m_intake.begin_turn();
  for (int n = 0; wants_input() && m_intake.may_read(n); ++n)
    if (!m_intake.read_one()) break;
  if (m_crawler) read_frontier();
}

// The pages a crawl found fill the window after the lines read: seeds are depth 0, and
// breadth-first starts them first. --sitemap's own fetches go straight to the scheduler, as
// robots.txt fetches do: they make no line and take no place in the window.
void Engine::read_frontier() {
  while (!m_stop.stopping()) {
    std::optional<Job> fetch = m_crawler->next_fetch();
    if (!fetch) break;
    m_scheduler.push(std::move(*fetch));
  }
  // With --state the frontier lives on disk: the scheduler holds no more of it than the crawler
  // keeps in memory, or the read-ahead window (100,000 jobs, 32 MiB) would hold it instead.
  const std::size_t most = m_crawler->on_disk() ? Crawler::frontier_window : SIZE_MAX;
  while (!m_stop.stopping() && wants_input() && m_scheduler.held() < most) {
    std::optional<Job> job = m_crawler->next();
    if (!job) return;
    m_intake.admit_found(std::move(*job));
  }
}

// A crawl follows a redirect only within its seed's scope and to a page not fetched yet (the
// crawler marks the target seen): otherwise the 3xx is the URL's line.
bool Engine::follows(Completion& c) {
  if (m_crawler && follows_redirect(c.job, c.record, m_max_redirects) &&
      !m_crawler->may_follow_redirect(c.job, *c.record.redirect_url))
    return false;
  return m_path.follow_redirect(c);
}

// A crawl's page goes out with its links followed: the crawler reads them as the line leaves.
void Engine::emit(Record& r) {
  if (m_crawler) m_crawler->expand(r);
  // Fetched again for its links alone (--resume): its line is in the output already.
  if (r.crawl && r.crawl->links_only) return;
  m_outlet.emit(r);
}

// Records in the body worker count against the cap: that bounds the bodies held in memory.
// Nothing starts while the input is paused at its per-turn bound with room in the window: the
// lines already there are read first (the next turn, without waiting), so the URL that starts is
// the most important of all the window may hold. A pipe with nothing for now holds nothing up.
void Engine::start_transfers(TimePoint now) {
  if (m_intake.must_not_wait()) return;
  std::optional<std::int64_t> wall;  // read once per turn that starts something
  while (has_room()) {
    std::optional<Job> job = m_scheduler.next(now);
    if (!job) break;
    if (!job->first_start) job->first_start = now;
    if (!wall) wall = unix_ms(WallClock::now());
    job->started_at_ms = wall;
    m_transport.start(std::move(*job));
  }
}

void Engine::complete(Completion& c, TimePoint now) {
  m_scheduler.release_host(c.job.host_key);
  Record& r = c.record;
  // The server asked for a pause: the whole host gets it, not only this URL's retry.
  if ((r.status == 429 || r.status == 503) && r.retry_after && *r.retry_after > 0)
    m_scheduler.pause_host(c.job.host_key, now + from_seconds(std::min(*r.retry_after, m_policy.max_delay)));
  // The failure that gives the host up keeps its own kind (the fifth timeout is a timeout) and
  // is not retried: a retry would only meet the dead host. A robots.txt fetch whose own failure
  // gave the host up decides its origin as unreachable (robots_known).
  const bool gave_up = m_health.note(c.job.host_key, r);
  if (gave_up) {
    give_up_host(c.job.host_key, *m_health.dead(c.job.host_key));
  } else if (!r.status && r.error != ErrorKind::none) {
    // Transfers already running when their host was given up end like its queued URLs.
    if (const std::string* why = m_health.dead(c.job.host_key)) {
      r.error = ErrorKind::host_unreachable;
      r.message = *why;
      // So do the URLs waiting on a robots.txt fetch that was running then.
      if (c.job.robots) {
        m_path.abandon(c.job.url, *why);
        return;
      }
    }
  }
  if (!gave_up && c.job.attempts <= m_policy.retries && is_retryable(r.error, r.status)) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
    const double delay = retry_delay(m_policy, c.job.attempts, r.retry_after, unit);
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("retry #{} in {:.3f}s after attempt {}: {}", c.job.seq, delay, c.job.attempts, outcome_text(r));
    c.job.chain_us = 0;  // a retry is a new attempt, with a whole --timeout for its hops
    m_scheduler.defer(std::move(c.job), now + from_seconds(delay));
    return;
  }
  if (c.job.robots) return m_path.robots_known(c, now);
  if (c.job.sitemap != SitemapFetch::none) return m_crawler->sitemap_fetched(c.job, r);
  if (follows(c)) return;
  m_outlet.stamp(r, c.job);
  if (m_worker && r.error == ErrorKind::none) {
    m_worker->submit(std::move(r));
    return;
  }
  emit(r);
}

// --host-errors: the host's URLs not started end now instead of each waiting out its timeouts.
void Engine::give_up_host(const std::string& host_key, const std::string& why) {
  spdlog::debug("giving up on {} after {} failures in a row: {}", host_key, m_health.limit(), why);
  for (Job& job : m_scheduler.take_host(host_key)) {
    if (job.sitemap != SitemapFetch::none) {
      m_crawler->sitemap_dropped(job);
      continue;
    }
    if (!job.robots) {
      m_outlet.end_unstarted(job, ErrorKind::host_unreachable, why);
      continue;
    }
    // A robots.txt fetch waiting for its retry: the URLs waiting for it end with the host.
    m_path.abandon(job.url, why);
  }
}

void Engine::collect_from_worker(bool wait) {
  if (!m_worker) return;
  m_finished.clear();
  m_worker->collect(m_finished, wait);
  for (auto& r : m_finished) emit(r);
}

std::optional<Duration> Engine::wait_limit(TimePoint now) const {
  std::optional<TimePoint> until;
  const auto sooner = [&until](std::optional<TimePoint> t) {
    if (t && (!until || *t < *until)) until = t;
  };
  // A failed run only finishes the turn; paused input has lines left that nothing else announces.
  if (m_stop.failed() || m_intake.must_not_wait()) return Duration::zero();
  if (has_room()) sooner(m_scheduler.next_wakeup(now));
  sooner(m_outlet.next_due(now));
  if (!until) return std::nullopt;
  return std::max(Duration::zero(), *until - now);
}

// Every URL read and not finished gets an interrupted line saying why; its elapsed time runs to
// the end of the turn that saw the signal or failure.
void Engine::interrupt(std::string_view why) {
  m_done.clear();
  m_transport.abort_all(m_done);
  for (auto& c : m_done) {
    if (c.job.robots || c.job.sitemap != SitemapFetch::none) continue;
    m_outlet.stamp(c.record, c.job);
    c.record.message = why;
    m_outlet.emit(c.record);
  }
  // Complete responses still queued for the body worker end here, keeping their status; only
  // those being worked on (one per thread at most) are waited for.
  if (m_worker) {
    m_finished.clear();
    m_worker->cancel(m_finished);
    for (auto& r : m_finished) {
      r.error = ErrorKind::interrupted;
      r.message = why;
      r.body.clear();
      r.sha256.reset();  // hashed as it arrived, but no error line carries a hash
      m_outlet.emit(r);
    }
  }
  collect_from_worker(true);
  for (Job& job : m_scheduler.take_all())
    if (!job.robots && job.sitemap == SitemapFetch::none) m_outlet.end_unstarted(job, ErrorKind::interrupted, why);
  m_path.interrupt(why);
}

int Engine::fetch_all() {
  m_now = Clock::now();
  while (m_outlet.ok() && !m_stop.stopping()) {
    read_input();
    if (m_stop.stopping()) break;
    start_transfers(m_now);
    // Past its base window the scheduler reads on only when no queued URL may start, which is
    // known once those that may have started: one busy host must not idle the free slots.
    if (m_intake.reading() && wants_input()) {
      read_input();
      if (m_stop.stopping()) break;
      start_transfers(m_now);
    }
    // A crawl whose --max-pages is spent makes no more lines, whatever the input still holds.
    const bool no_more_input = m_intake.done() || (m_crawler && m_crawler->budget_spent());
    if (no_more_input && m_scheduler.idle() && busy() == 0 && m_path.held() == 0 &&
        !(m_crawler && m_crawler->pending()))
      break;
    m_outlet.flush_if_due();

    m_intake.watch(m_transport, wants_input());
    m_done.clear();
    if (m_state) m_state->before_wait();
    m_now = m_transport.poll(wait_limit(m_now), m_done);
    for (auto& c : m_done) complete(c, m_now);
    collect_from_worker(false);
    m_outlet.show_progress(m_now, busy());
  }

  const int sig = m_stop.signal();
  if (sig || m_stop.failed()) interrupt(sig ? interrupted_message : std::string_view(m_stop.failure()));
  m_intake.warn_if_unchecked();
  if (m_crawler) m_outlet.stats().set_not_followed(m_crawler->not_followed_counts());
  return m_outlet.finish(sig);
}

}  // namespace

int run_engine(const Options& options, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
               Transport& transport, int wake_fd, std::function<int()> signalled, ResumeFile* resume,
               StateStore* state, Crawler* crawler) {
  // Owned here, lent to the engine's collaborators: the intake, the robots path and the outlet.
  std::optional<StateSession> session;
  if (state) session.emplace(*state, options);
  // --state keeps the crawl's pages and outlinks; --resume goes on from them, fetching again what
  // the output has no finished line for.
  if (crawler && session) {
    std::function<bool(std::uint64_t)> has_line;
    if (resume) has_line = [resume](std::uint64_t seq) { return resume->done(seq); };
    crawler->use_store(session->crawl_store(), std::move(has_line));
    if (resume) {
      // An interrupted line's page is fetched again with a line: only its seq counts.
      resume->for_each_line([crawler](const ResumeLine& l) {
        if (l.interrupted())
          crawler->resume_line(l.seq, {}, -1, {});
        else
          crawler->resume_line(l.seq, l.url, l.depth, l.parent);
      });
      crawler->resumed_lines_read();
    }
  }
  Engine engine(options, input, writer, plan, transport, wake_fd, std::move(signalled), resume,
                session ? &*session : nullptr, crawler);
  return engine.run();
}

}  // namespace volley
