#include "engine.hpp"

#include "backoff.hpp"
#include "body_worker.hpp"
#include "finishing.hpp"
#include "host_health.hpp"
#include "input_reader.hpp"
#include "input_state.hpp"
#include "jsonl_writer.hpp"
#include "log_text.hpp"
#include "progress.hpp"
#include "reactor.hpp"
#include "same_file.hpp"
#include "transport.hpp"
#include "scheduler.hpp"
#include "shard.hpp"
#include "signals.hpp"
#include "state_session.hpp"
#include "stats.hpp"
#include "summary_file.hpp"
#include "wall_time.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace {

class Engine {
 public:
  Engine(const Options& o, InputReader& input, JsonlWriter& writer, const Finishing& finishing,
         Transport& transport, int wake_fd, std::function<int()> signalled, StateStore* state)
      : m_options(o),
        m_input(input),
        m_writer(writer),
        m_finishing(finishing),
        m_signalled(signalled ? std::move(signalled) : received_signal),
        m_scheduler(o.per_host, o.rate, o.read_ahead, o.per_host_delay),
        m_transport(transport),
        m_policy{o.retries, o.retry_delay, o.retry_max_delay},
        m_health(o.host_errors),
        m_start(Clock::now()),
        m_progress(o.progress && !o.quiet, m_start),
        m_rng(std::random_device{}()),
        m_output_shares_progress(m_progress.enabled() && ::isatty(writer.fd())) {
    if (wake_fd >= 0 && !m_transport.watch(wake_fd, true)) fail("cannot watch the signal descriptor");
    if (state) m_state.emplace(*state, o);
    if (finishing.has_body_work()) {
      m_worker.emplace(finishing);
      if (!m_transport.watch(m_worker->wake_fd(), true)) fail("cannot watch the body worker");
    }
  }

  int run();

 private:
  int fetch_all();
  void clear_progress_for_output();
  void read_input();
  void start_transfers(TimePoint now);
  void complete(Completion& c, TimePoint now);
  void give_up_host(const std::string& host_key, const std::string& why);
  bool answer_from_store(Job& job);
  void emit(Record& r);
  void stamp(Record& r, Job& job, TimePoint now);
  void collect_finished(bool wait);
  void watch_input();
  std::size_t busy() const { return m_transport.in_flight() + (m_worker ? m_worker->pending() : 0); }
  bool has_room() const { return busy() < m_transport.limit(); }
  void fail(const std::string& what);
  bool stopping();
  void interrupt(std::string_view why);
  std::optional<Duration> wait_limit(TimePoint now) const;

  const Options& m_options;
  InputReader& m_input;
  JsonlWriter& m_writer;
  const Finishing& m_finishing;
  std::function<int()> m_signalled;
  Scheduler m_scheduler;
  Transport& m_transport;
  RetryPolicy m_policy;
  HostHealth m_health;
  Stats m_stats;
  TimePoint m_start;
  Progress m_progress;
  std::mt19937_64 m_rng;
  std::optional<BodyWorker> m_worker;
  std::optional<StateSession> m_state;
  std::vector<Completion> m_done;
  std::vector<Record> m_finished;
  TimePoint m_now;  // this loop turn's time, so a turn reads the clock once
  InputState m_input_state;
  // Why the run ends before its input does (an input that cannot be read, a broken loop); empty
  // while it goes on. Every URL read still gets its line, then the exit status is 2.
  std::string m_failure;
  JsonlWriter::Status m_output = JsonlWriter::Status::ok;
  // stdout is the terminal that shows the progress line (set in the constructor).
  bool m_output_shares_progress = false;
};

// Lines dropped by --match-status/--filter-status still count in the summary and exit status.
void Engine::emit(Record& r) {
  m_stats.add(r);
  if (!m_finishing.keeps(r)) return;
  if (m_output != JsonlWriter::Status::ok) return;
  clear_progress_for_output();
  m_output = m_writer.write(r, m_now);
}

// Lines written after the progress line on the same terminal would be glued to it; cheap when
// stdout is not that terminal.
void Engine::clear_progress_for_output() {
  if (m_output_shares_progress) m_progress.clear();
}

void Engine::read_input() {
  m_input_state.begin_turn();
  InputItem item;
  for (int n = 0; m_scheduler.wants_more(has_room()) && m_input_state.may_read(n); ++n) {
    InputReader::Status status;
    try {
      status = m_input.next(item);
    } catch (const std::runtime_error& e) {
      m_input_state.finish();
      fail(e.what());
      return;
    }
    switch (status) {
      case InputReader::Status::eof: m_input_state.finish(); break;
      case InputReader::Status::again: m_input_state.wait(); return;
      case InputReader::Status::item:
        // Another shard's URL keeps its seq (the reader counted it) but gets no line here.
        if (!shard_takes(m_options.shard, item.error != ErrorKind::none, item.job.host_key)) {
          m_stats.add_other_shard();
        } else if (item.error != ErrorKind::none) {
          Record r;
          stamp(r, item.job, m_now);
          r.error = item.error;
          r.message = std::move(item.message);
          emit(r);
        } else if (const std::string* why = m_health.dead(item.job.host_key)) {
          Record r;
          stamp(r, item.job, m_now);
          r.error = ErrorKind::host_unreachable;
          r.message = *why;
          emit(r);
        } else if (!answer_from_store(item.job)) {
          m_scheduler.push(std::move(item.job));
        }
        break;
    }
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
  m_scheduler.finished(c.job.host_key);
  Record& r = c.record;
  // The server asked for a pause: the whole host gets it, not only this URL's retry.
  if ((r.status == 429 || r.status == 503) && r.retry_after && *r.retry_after > 0)
    m_scheduler.pause_host(c.job.host_key, now + from_seconds(std::min(*r.retry_after, m_policy.max_delay)));
  if (m_health.note(c.job.host_key, r)) give_up_host(c.job.host_key, *m_health.dead(c.job.host_key));
  // Transfers already running when their host was given up end like its queued URLs.
  if (!r.status && r.error != ErrorKind::none) {
    if (const std::string* why = m_health.dead(c.job.host_key)) {
      r.error = ErrorKind::host_unreachable;
      r.message = *why;
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
    Record r;
    stamp(r, job, m_now);
    r.error = ErrorKind::host_unreachable;
    r.message = why;
    emit(r);
  }
}

// What the line takes from the job, once the URL is done with at `now`.
void Engine::stamp(Record& r, Job& job, TimePoint now) {
  r.seq = job.seq;
  r.url = std::move(job.url);
  r.attempts = job.attempts;
  // The loop's clock is read once per turn, before libcurl's work in it, while libcurl times the
  // attempt to its very end: elapsed never claims less than the last attempt's time.total.
  if (job.first_start)
    r.elapsed_us = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - *job.first_start).count(), r.total_us);
  r.fetched_at_ms = job.started_at_ms;
  if (job.request) r.meta = job.request->meta;
  if (m_state && job.state) m_state->finish(r, job);
}

void Engine::watch_input() {
  const int fd = m_input_state.fd_to_watch(m_input.wait_fd(), m_scheduler.wants_more(has_room()));
  if (fd == m_input_state.watched()) return;
  if (m_input_state.watched() >= 0) m_transport.watch(m_input_state.watched(), false);
  m_input_state.set_watched(-1);
  // Waiting for a pipe that is not watched would hang: the run ends instead.
  if (fd >= 0 && !m_transport.watch(fd, true)) return fail("cannot watch the input");
  m_input_state.set_watched(fd);
}

void Engine::collect_finished(bool wait) {
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
      r.extracted.sha256.reset();  // hashed as it arrived, but an error line shows no extraction
      emit(r);
    }
  }
  collect_finished(true);
  for (Job& job : m_scheduler.take_all()) {
    Record r;
    stamp(r, job, m_now);
    r.error = ErrorKind::interrupted;
    r.message = why;
    emit(r);
  }
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
    if (m_input_state.reading() && m_scheduler.wants_more(has_room())) {
      read_input();
      if (stopping()) break;
      start_transfers(m_now);
    }
    if (m_input_state.done() && m_scheduler.idle() && busy() == 0) break;
    if (auto due = m_writer.flush_due(); due && *due <= m_now) flush();

    watch_input();
    m_done.clear();
    m_now = m_transport.poll(wait_limit(m_now), m_done);
    for (auto& c : m_done) complete(c, m_now);
    collect_finished(false);
    m_progress.update(m_now, m_stats, busy());
  }

  const int sig = m_failure.empty() ? m_signalled() : 0;
  if (sig || !m_failure.empty()) interrupt(sig ? interrupted_message : std::string_view(m_failure));
  flush();
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

int run_engine(const Options& options, InputReader& input, JsonlWriter& writer, const Finishing& finishing,
               Transport& transport, int wake_fd, std::function<int()> signalled, StateStore* state) {
  Engine engine(options, input, writer, finishing, transport, wake_fd, std::move(signalled), state);
  return engine.run();
}

int run(const Options& options) {
  int wake_fd = -1;
  // Before anything is opened: opening the output empties it.
  const std::vector<std::string> stdin_only{"-"};
  const auto& inputs = options.inputs.empty() && options.urls.empty() ? stdin_only : options.inputs;
  if (auto same = input_same_as_output(options.output, inputs)) {
    spdlog::error("output {} is the same file as input {}", options.output.empty() ? "(stdout)" : options.output,
                  *same == "-" ? "(stdin)" : *same);
    return exit_usage;
  }
  std::optional<InputReader> input;
  std::optional<StateStore> state;
  int out_fd = STDOUT_FILENO;
  try {
    if (!options.summary_json.empty())
      if (std::string why = check_summary_path(options.summary_json); !why.empty())
        throw std::runtime_error("cannot write --summary-json " + options.summary_json + ": " + why);
    // Before the output is opened (and emptied): a state file in use leaves everything as it was.
    if (!options.state.empty()) state.emplace(options.state);
    wake_fd = install_signal_handlers();
    input.emplace(options.urls, options.inputs);
    if (!options.output.empty()) out_fd = JsonlWriter::open_output(options.output);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_usage;
  }
  Finishing finishing;
  try {
    finishing = prepare_finishing(options);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    if (out_fd != STDOUT_FILENO) ::close(out_fd);
    return exit_usage;
  }
  JsonlWriter writer(out_fd, finishing.fields);
  try {
    Reactor reactor(options, finishing.has_body_work());
    return run_engine(options, *input, writer, finishing, reactor, wake_fd, {}, state ? &*state : nullptr);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_usage;
  }
}
