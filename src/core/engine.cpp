#include "core/engine.hpp"

#include "core/backoff.hpp"
#include "core/host_health.hpp"
#include "core/progress.hpp"
#include "core/scheduler.hpp"
#include "core/signals.hpp"
#include "core/stats.hpp"
#include "core/transport.hpp"
#include "input/input_source.hpp"
#include "input/input_state.hpp"
#include "input/shard.hpp"
#include "input/url_check.hpp"
#include "net/request_setup.hpp"
#include "output/jsonl_writer.hpp"
#include "output/line_plan.hpp"
#include "output/log_text.hpp"
#include "output/resume_file.hpp"
#include "output/summary_file.hpp"
#include "robots/robots_gate.hpp"
#include "robots/robots_redirect.hpp"
#include "scrape/body_worker.hpp"
#include "state/state_session.hpp"
#include "util/wall_time.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace volley {

namespace {

class Engine {
 public:
  Engine(const Options& o, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
         Transport& transport, int wake_fd, std::function<int()> signalled, ResumeFile* resume,
         StateStore* state)
      : m_options(o),
        m_input(input),
        m_writer(writer),
        m_plan(plan),
        m_signalled(signalled ? std::move(signalled) : received_signal),
        m_scheduler(o.per_host, o.rate, o.read_ahead, o.per_host_delay),
        m_transport(transport),
        m_policy{o.retries, o.retry_delay, o.retry_max_delay},
        m_health(o.host_errors),
        m_start(Clock::now()),
        m_progress(o.progress && !o.quiet, m_start),
        m_rng(std::random_device{}()),
        m_output_shares_progress(m_progress.enabled() && ::isatty(writer.fd())),
        m_resume(resume) {
    if (wake_fd >= 0 && !m_transport.watch(wake_fd, true)) fail("cannot watch the signal descriptor");
    if (o.robots) m_robots.emplace(robots_product_token(o.user_agent));
    if (state) m_state.emplace(*state, o);
    if (plan.has_body_work()) {
      m_worker.emplace(plan);
      if (!m_transport.watch(m_worker->wake_fd(), true)) fail("cannot watch the body worker");
    }
    if (m_resume && m_resume->check().verdict() == ResumeCheck::Verdict::pending) m_writer.hold(true);
  }

  int run();

 private:
  int fetch_all();
  void clear_progress_for_output();
  void read_input();
  bool done_before(const InputItem& item);
  void settle_resume();
  void start_transfers(TimePoint now);
  void complete(Completion& c, TimePoint now);
  void give_up_host(const std::string& host_key, const std::string& why);
  void admit(Job job);
  void robots_known(Completion& c, TimePoint now);
  bool robots_from_store(const Job& fetch);
  void release(RobotsGate::Verdict v, const std::string& host_key, TimePoint now);
  bool follow_redirect(Completion& c);
  void end_unstarted(Job& job, ErrorKind kind, std::string_view why);
  bool answer_from_store(Job& job);
  void emit(Record& r);
  void report_written();
  void stamp(Record& r, Job& job, TimePoint now);
  void collect_from_worker(bool wait);
  void watch_input();
  std::size_t busy() const { return m_transport.in_flight() + (m_worker ? m_worker->pending() : 0); }
  bool has_room() const { return busy() < m_transport.limit(); }
  std::size_t held() const { return m_robots ? m_robots->held() : 0; }
  bool wants_input() const { return m_scheduler.wants_more(has_room(), held()); }
  void fail(const std::string& what);
  bool stopping();
  void interrupt(std::string_view why);
  std::optional<Duration> wait_limit(TimePoint now) const;

  const Options& m_options;
  InputSource& m_input;
  JsonlWriter& m_writer;
  const LinePlan& m_plan;
  std::function<int()> m_signalled;
  Scheduler m_scheduler;
  Transport& m_transport;
  RetryPolicy m_policy;
  HostHealth m_health;
  std::optional<RobotsGate> m_robots;  // --robots
  Stats m_stats;
  TimePoint m_start;
  Progress m_progress;
  std::mt19937_64 m_rng;
  std::optional<BodyWorker> m_worker;
  std::optional<StateSession> m_state;
  std::vector<Completion> m_done;
  std::vector<Record> m_finished;
  std::vector<std::uint64_t> m_written;  // seqs whose lines wait for a flush (InputSource::written)
  TimePoint m_now;  // this loop turn's time, so a turn reads the clock once
  InputState m_input_state;
  // Why the run ends before its input does (an input that cannot be read, a broken loop); empty
  // while it goes on. Every URL read still gets its line, then the exit status is 2.
  std::string m_failure;
  JsonlWriter::Status m_output = JsonlWriter::Status::ok;
  // stdout is the terminal that shows the progress line (set in the constructor).
  bool m_output_shares_progress = false;
  ResumeFile* m_resume;
};

// Lines dropped by --match-status/--filter-status still count in the summary and exit status.
// Interrupted lines are not reported as written: a queue leaves their entries to another worker.
void Engine::emit(Record& r) {
  if (r.error != ErrorKind::interrupted) m_written.push_back(r.seq);
  m_stats.add(r);
  if (!m_plan.keeps(r)) return;
  if (m_output != JsonlWriter::Status::ok) return;
  clear_progress_for_output();
  m_output = m_writer.write(r, m_now);
  // A full block went out with this line: under load that is how lines leave, the buffer never
  // waiting out its flush delay.
  report_written();
}

// Only once the writer holds nothing back is every line emitted so far out of the process.
void Engine::report_written() {
  if (m_written.empty() || m_output != JsonlWriter::Status::ok || m_writer.flush_due()) return;
  m_input.written(m_written);
  m_written.clear();
}

// Lines written after the progress line on the same terminal would be glued to it; cheap when
// stdout is not that terminal.
void Engine::clear_progress_for_output() {
  if (m_output_shares_progress) m_progress.clear();
}

void Engine::read_input() {
  m_input_state.begin_turn();
  InputItem item;
  for (int n = 0; wants_input() && m_input_state.may_read(n); ++n) {
    InputSource::Status status;
    try {
      status = m_input.next(item);
    } catch (const std::runtime_error& e) {
      m_input_state.finish();
      fail(e.what());
      return;
    }
    switch (status) {
      case InputSource::Status::eof:
        m_input_state.finish();
        if (m_resume && m_resume->check().verdict() == ResumeCheck::Verdict::pending) {
          m_resume->check().end_of_input();
          settle_resume();
        }
        break;
      case InputSource::Status::again: m_input_state.wait(); return;
      case InputSource::Status::item:
        if (m_resume) {
          if (done_before(item)) break;
          if (!m_failure.empty()) return;
        }
        // Another shard's URL keeps its seq (the reader counted it) but gets no line here.
        if (!shard_takes(m_options.shard, item.error != ErrorKind::none, item.job.host_key)) {
          m_stats.add_other_shard();
        } else if (item.error != ErrorKind::none) {
          end_unstarted(item.job, item.error, item.message);
        } else if (const std::string* why = m_health.dead(item.job.host_key)) {
          end_unstarted(item.job, ErrorKind::host_unreachable, *why);
        } else if (!answer_from_store(item.job)) {
          admit(std::move(item.job));
        }
        break;
    }
  }
}

// --resume: the input is checked against the output file as it is read (when it could not be
// read ahead), and a URL done there keeps its seq, is counted, and gets no request and no line.
bool Engine::done_before(const InputItem& item) {
  ResumeCheck& check = m_resume->check();
  if (check.verdict() == ResumeCheck::Verdict::pending) {
    check.add(item.job.seq, item.job.url);
    settle_resume();
    // A pipe far from the file's highest seq (a damaged file) must not be fetched into memory.
    if (m_resume->holds_too_much(m_writer.buffered())) {
      m_input_state.finish();
      fail(m_resume->held_too_much_message());
      return false;
    }
  }
  if (!m_resume->done(item.job.seq)) return false;
  m_stats.add_skipped();
  return true;
}

// Lines held until the input proved to be the file's go out now; a file written from another
// input stays untouched, and the run ends with exit 2.
void Engine::settle_resume() {
  switch (m_resume->check().verdict()) {
    case ResumeCheck::Verdict::pending: return;
    case ResumeCheck::Verdict::mismatch: m_input_state.finish(); return fail(m_resume->mismatch_message());
    case ResumeCheck::Verdict::match:
      if (std::string why = m_resume->commit(); !why.empty()) return fail(why);
      m_writer.hold(false);
      return;
  }
}

// --state: a job the store answers (--max-age) gets its line now; any other gets its conditional
// headers. A store that cannot be read ends the run.
bool Engine::answer_from_store(Job& job) {
  if (!m_state || !m_failure.empty()) return false;
  std::optional<StoredRow> row;
  try {
    row = m_state->admit(job, unix_ms(WallClock::now()));
  } catch (const std::runtime_error& e) {
    fail(e.what());
    return false;
  }
  if (!row) return false;
  Record r;
  stamp(r, job, m_now);
  fill_cached(r, *row);
  emit(r);
  return true;
}

// Records in the body worker count against the cap: that bounds the bodies held in memory.
void Engine::start_transfers(TimePoint now) {
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
  const bool gave_up = m_health.note(c.job.host_key, r);
  if (gave_up) give_up_host(c.job.host_key, *m_health.dead(c.job.host_key));
  // Transfers already running when their host was given up end like its queued URLs.
  if (!r.status && r.error != ErrorKind::none) {
    if (const std::string* why = m_health.dead(c.job.host_key)) {
      r.error = ErrorKind::host_unreachable;
      r.message = *why;
      // So do the URLs waiting on a robots.txt fetch that was running then; a fetch whose own
      // failure gave the host up decides its origin as unreachable (robots_known).
      if (c.job.robots && !gave_up) {
        for (Job& waiting : m_robots->abandon(c.job.url, *why)) end_unstarted(waiting, ErrorKind::host_unreachable, *why);
        return;
      }
    }
  }
  if (c.job.attempts <= m_policy.retries && is_retryable(r.error, r.status)) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
    const double delay = retry_delay(m_policy, c.job.attempts, r.retry_after, unit);
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("retry #{} in {:.3f}s after attempt {}: {}", c.job.seq, delay, c.job.attempts, outcome_text(r));
    m_scheduler.defer(std::move(c.job), now + from_seconds(delay));
    return;
  }
  if (c.job.robots) return robots_known(c, now);
  if (m_robots && follow_redirect(c)) return;
  stamp(r, c.job, now);
  if (m_worker && r.error == ErrorKind::none) {
    m_worker->submit(std::move(r));
    return;
  }
  emit(r);
}

// --host-errors: the host's URLs not started end now instead of each waiting out its timeouts.
void Engine::give_up_host(const std::string& host_key, const std::string& why) {
  spdlog::debug("giving up on {} after {} failures in a row: {}", host_key, m_options.host_errors, why);
  for (Job& job : m_scheduler.take_host(host_key)) {
    if (!job.robots) {
      end_unstarted(job, ErrorKind::host_unreachable, why);
      continue;
    }
    // A robots.txt fetch waiting for its retry: the URLs waiting for it end with the host.
    for (Job& waiting : m_robots->abandon(job.url, why)) end_unstarted(waiting, ErrorKind::host_unreachable, why);
  }
}

// --robots: a URL goes to the scheduler, waits in the gate for its origin's robots.txt (the first
// of its origin queues that fetch, as a job of its host) or ends here, disallowed.
void Engine::admit(Job job) {
  if (!m_robots) return m_scheduler.push(std::move(job));
  RobotsGate::Admission a = m_robots->admit(job);
  switch (a.kind) {
    case RobotsGate::Admission::Kind::go: return m_scheduler.push(std::move(job));
    case RobotsGate::Admission::Kind::disallowed:
      return end_unstarted(job, ErrorKind::robots_disallowed, robots_denial(job, a.message));
    case RobotsGate::Admission::Kind::held:
      if (a.fetch && !robots_from_store(*a.fetch)) m_scheduler.push(std::move(*a.fetch));
      return;
  }
}

// --robots with --state: an origin's robots.txt fetched in the last day decides without a request.
bool Engine::robots_from_store(const Job& fetch) {
  if (!m_state) return false;
  std::optional<StoredRobots> stored;
  try {
    stored = m_state->robots(fetch.url, unix_ms(WallClock::now()));
  } catch (const std::runtime_error& e) {
    fail(e.what());
    return false;
  }
  if (!stored) return false;
  spdlog::debug("{}: status {} from the state file", fetch.url, stored->status);
  release(m_robots->resolve(fetch.url, {stored->status, stored->body, {}}), fetch.host_key, m_now);
  return true;
}

// A robots.txt fetch is done (retries included): its origin's verdict releases the URLs waiting.
void Engine::robots_known(Completion& c, TimePoint now) {
  const RobotsGate::Outcome outcome = RobotsGate::outcome_of(c.record);
  if (m_state && outcome.status) m_state->keep_robots(c.job.url, *outcome.status, outcome.body, unix_ms(WallClock::now()));
  RobotsGate::Verdict v = m_robots->resolve(c.job.url, outcome);
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("{}: {} after {} attempt(s); {} waiting allowed, {} disallowed{}", c.job.url,
                  outcome_text(c.record), c.job.attempts, v.allowed.size(), v.disallowed.size(),
                  v.crawl_delay ? fmt::format(", Crawl-delay {}s", *v.crawl_delay) : std::string());
  release(std::move(v), c.job.host_key, now);
}

// An origin's verdict: its Crawl-delay paces the host, and the URLs that waited for it go on or end.
void Engine::release(RobotsGate::Verdict v, const std::string& host_key, TimePoint now) {
  if (v.crawl_delay) m_scheduler.pace_host(host_key, from_seconds(*v.crawl_delay), now);
  for (Job& job : v.disallowed) end_unstarted(job, ErrorKind::robots_disallowed, robots_denial(job, v.message));
  for (Job& job : v.allowed) m_scheduler.push(std::move(job));
}

// --robots: libcurl followed no redirect of this URL; a hop to follow goes back through the gate
// like a URL just read (its host's health and robots.txt), as a job of its own host.
bool Engine::follow_redirect(Completion& c) {
  Record& r = c.record;
  const RequestSetup setup = decide_request(m_options.method, m_options.data, c.job.request.get());
  const bool get_like = setup.custom_method.empty() && setup.base != RequestSetup::Base::post;
  RedirectStep step = next_redirect(c.job, r, m_options.max_redirects, get_like);
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
  if (const std::string* why = m_health.dead(c.job.host_key))
    end_unstarted(c.job, ErrorKind::host_unreachable, *why);
  else
    admit(std::move(c.job));
  return true;
}

// The line of a URL that ends here, without a request (or without another, if it waited to be retried).
void Engine::end_unstarted(Job& job, ErrorKind kind, std::string_view why) {
  Record r;
  stamp(r, job, m_now);
  r.error = kind;
  r.message = why;
  emit(r);
}

// What the line takes from the job, once the URL is done with at `now`.
void Engine::stamp(Record& r, Job& job, TimePoint now) {
  r.seq = job.seq;
  r.url = std::move(job.url);
  r.attempts = job.attempts;
  if (job.redirects) r.redirects = job.redirects;  // --robots: hops the engine followed
  if (!job.id.empty()) r.id = std::move(job.id);
  // The loop's clock is read once per turn, before libcurl's work in it, while libcurl times the
  // attempt to its very end: elapsed never claims less than the last attempt's time.total.
  if (job.first_start)
    r.elapsed_us = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - *job.first_start).count(), r.total_us);
  r.fetched_at_ms = job.started_at_ms;
  if (job.request && !job.request->meta.empty()) r.meta = job.request->meta;
  if (m_state && job.state) m_state->stamp_and_store(r, job);
}

void Engine::watch_input() {
  const int fd = m_input_state.fd_to_watch(m_input.wait_fd(), wants_input());
  if (fd == m_input_state.watched()) return;
  if (m_input_state.watched() >= 0) m_transport.watch(m_input_state.watched(), false);
  m_input_state.set_watched(-1);
  // Waiting for a pipe that is not watched would hang: the run ends instead.
  if (fd >= 0 && !m_transport.watch(fd, true)) return fail("cannot watch the input");
  m_input_state.set_watched(fd);
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
  if (!m_failure.empty() || m_input_state.must_not_wait()) return Duration::zero();
  if (has_room()) sooner(m_scheduler.next_wakeup(now));
  sooner(m_writer.flush_due());
  if (m_progress.enabled()) sooner(now + m_progress.interval());
  if (!until) return std::nullopt;
  return std::max(Duration::zero(), *until - now);
}

// The first failure is the one reported; the transport's own says what broke in the loop.
void Engine::fail(const std::string& what) {
  if (!m_failure.empty()) return;
  const std::string why = m_transport.failure();
  m_failure = why.empty() ? what : what + ": " + why;
}

bool Engine::stopping() {
  if (m_failure.empty()) {
    if (std::string why = m_transport.failure(); !why.empty()) m_failure = std::move(why);
  }
  if (m_failure.empty() && m_state) {
    if (std::string why = m_state->failure(); !why.empty()) m_failure = std::move(why);
  }
  return !m_failure.empty() || m_signalled() != 0;
}

// Every URL read and not finished gets an interrupted line saying why; its elapsed time runs to
// the end of the turn that saw the signal or failure.
void Engine::interrupt(std::string_view why) {
  m_done.clear();
  m_transport.abort_all(m_done);
  for (auto& c : m_done) {
    if (c.job.robots) continue;
    stamp(c.record, c.job, m_now);
    c.record.message = why;
    emit(c.record);
  }
  // Complete responses still queued for the body worker end here, keeping their status; only
  // the one being worked on is waited for.
  if (m_worker) {
    m_finished.clear();
    m_worker->cancel(m_finished);
    for (auto& r : m_finished) {
      r.error = ErrorKind::interrupted;
      r.message = why;
      r.body.clear();
      r.sha256.reset();  // hashed as it arrived, but no error line carries a hash
      emit(r);
    }
  }
  collect_from_worker(true);
  for (Job& job : m_scheduler.take_all())
    if (!job.robots) end_unstarted(job, ErrorKind::interrupted, why);
  if (m_robots)
    for (Job& job : m_robots->take_all()) end_unstarted(job, ErrorKind::interrupted, why);
}

// --summary-json is written however the run ended, once its exit status is known.
int Engine::run() {
  int status = fetch_all();
  if (m_options.summary_json.empty()) return status;
  const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
  const std::string why = write_file_atomically(m_options.summary_json, m_stats.summary_json(elapsed, status));
  if (why.empty()) return status;
  spdlog::error("cannot write --summary-json {}: {}", m_options.summary_json, why);
  return status == exit_ok || status == exit_url_errors ? exit_usage : status;
}

int Engine::fetch_all() {
  const auto flush = [this] {
    if (m_output != JsonlWriter::Status::ok) return;
    clear_progress_for_output();
    m_output = m_writer.flush();
  };
  m_now = Clock::now();
  while (m_output == JsonlWriter::Status::ok && !stopping()) {
    read_input();
    if (stopping()) break;
    start_transfers(m_now);
    // Past its base window the scheduler reads on only when no queued URL may start, which is
    // known once those that may have started: one busy host must not idle the free slots.
    if (m_input_state.reading() && wants_input()) {
      read_input();
      if (stopping()) break;
      start_transfers(m_now);
    }
    if (m_input_state.done() && m_scheduler.idle() && busy() == 0 && held() == 0) break;
    if (auto due = m_writer.flush_due(); due && *due <= m_now) flush();
    report_written();

    watch_input();
    m_done.clear();
    m_now = m_transport.poll(wait_limit(m_now), m_done);
    for (auto& c : m_done) complete(c, m_now);
    collect_from_worker(false);
    m_progress.update(m_now, m_stats, busy());
  }

  const int sig = m_failure.empty() ? m_signalled() : 0;
  if (sig || !m_failure.empty()) interrupt(sig ? interrupted_message : std::string_view(m_failure));
  if (m_resume && m_resume->check().verdict() == ResumeCheck::Verdict::pending)
    spdlog::warn("{} is left as it was: the run ended before its input could be checked against it", m_options.output);
  flush();
  report_written();
  m_progress.clear();
  // Every row of a line written is in the store before the run says it is done.
  if (m_state)
    if (std::string why = m_state->close(); !why.empty() && m_failure.empty()) m_failure = std::move(why);

  if (m_output == JsonlWriter::Status::broken_pipe) return exit_broken_pipe;
  if (m_output == JsonlWriter::Status::failed) {
    spdlog::error("cannot write output: {}", std::strerror(m_writer.error_number()));
    return exit_usage;
  }
  if (!m_failure.empty()) {
    spdlog::error("{}", m_failure);
    return exit_usage;
  }
  if (m_output == JsonlWriter::Status::blocked) spdlog::warn("output blocked: the last lines were not written");
  if (!m_options.quiet) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
    std::fputs(m_stats.summary(elapsed).c_str(), stderr);
  }
  if (sig) return 128 + sig;
  return m_stats.errors() ? exit_url_errors : exit_ok;
}

}  // namespace

int run_engine(const Options& options, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
               Transport& transport, int wake_fd, std::function<int()> signalled, ResumeFile* resume,
               StateStore* state) {
  Engine engine(options, input, writer, plan, transport, wake_fd, std::move(signalled), resume, state);
  return engine.run();
}

}  // namespace volley
