#include "core/outlet.hpp"

#include "core/engine.hpp"
#include "core/stop_cause.hpp"
#include "input/input_source.hpp"
#include "output/line_plan.hpp"
#include "output/resume_file.hpp"
#include "output/summary_file.hpp"
#include "state/state_session.hpp"
#include "util/rss.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace volley {

Outlet::Outlet(const Options& options, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
               const TimePoint& now, StopCause& stop, StateSession* state, const ResumeFile* resume)
    : m_options(options),
      m_input(input),
      m_writer(writer),
      m_plan(plan),
      m_now(now),
      m_stop(stop),
      m_state(state),
      m_resume(resume),
      m_start(Clock::now()),
      m_progress(options, m_start),
      m_output_shares_progress(m_progress.enabled() && ::isatty(writer.fd())) {
  if (m_resume) m_file = m_resume->earlier();
}

void Outlet::stamp(Record& r, Job& job) {
  r.seq = job.seq;
  r.url = std::move(job.url);
  r.attempts = job.attempts;
  if (job.redirects) r.redirects = job.redirects;  // hops the engine followed (net/redirect.hpp)
  if (!job.id.empty()) r.id = std::move(job.id);
  // The loop's clock is read once per turn, before libcurl's work in it, while libcurl times the
  // attempt to its very end: elapsed never claims less than the last attempt's time.total.
  if (job.first_start)
    r.elapsed_us = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(m_now - *job.first_start).count(), r.total_us);
  r.fetched_at_ms = job.started_at_ms;
  if (job.request && !job.request->meta.empty()) r.meta = job.request->meta;
  r.crawl = job.crawl;
  if (m_state && job.state) m_state->stamp_and_store(r, job);
}

// Lines dropped by --match-status/--filter-status still count in the summary and exit status.
// Interrupted lines are not reported as written: a queue leaves their entries to another worker.
void Outlet::emit(Record& r) {
  if (r.error != ErrorKind::interrupted) m_written.push_back(r.seq);
  m_stats.add(r);
  if (m_file) {
    m_file->add(r);
    // A URL fetched again has lines in the file only when they were interrupted: this line is its last.
    if (m_resume->state().lines_of(r.seq)) ++m_refetched;
  }
  if (!m_plan.keeps(r)) return;
  if (!ok()) return;
  clear_progress_for_output();
  m_output = m_writer.write(r, m_now);
  // A full block went out with this line: under load that is how lines leave, the buffer never
  // waiting out its flush delay.
  report_written();
}

void Outlet::end_unstarted(Job& job, ErrorKind kind, std::string_view why) {
  Record r;
  stamp(r, job);
  r.error = kind;
  r.message = why;
  emit(r);
}

// Only once the writer holds nothing back is every line emitted so far out of the process.
void Outlet::report_written() {
  if (m_written.empty() || !ok() || m_writer.flush_due()) return;
  m_input.written(m_written);
  m_written.clear();
}

void Outlet::flush_if_due() {
  if (auto due = m_writer.flush_due(); due && *due <= m_now) flush();
  report_written();
}

void Outlet::flush() {
  if (!ok()) return;
  clear_progress_for_output();
  m_output = m_writer.flush();
}

// Lines written after the progress line on the same terminal would be glued to it; cheap when
// stdout is not that terminal.
void Outlet::clear_progress_for_output() {
  if (m_output_shares_progress) m_progress.clear();
}

std::optional<TimePoint> Outlet::next_due(TimePoint now) const {
  std::optional<TimePoint> due = m_writer.flush_due();
  if (auto next = m_progress.next_due(now); next && (!due || *next < *due)) due = next;
  return due;
}

Stats Outlet::file_stats() const {
  Stats all = *m_file;
  Record unfinished;
  unfinished.error = ErrorKind::interrupted;
  // URLs whose lines were all interrupted and that this run did not reach (a signal, --shard):
  // an interrupted line is still their last.
  const std::uint64_t before = m_resume->state().unfinished_count();
  for (auto n = before > m_refetched ? before - m_refetched : 0; n > 0; --n) all.add(unfinished);
  return all;
}

int Outlet::finish(int sig) {
  flush();
  report_written();
  m_progress.clear();
  // Every row of a line written is in the store before the run says it is done.
  if (m_state) m_stop.fail_last(m_state->close());
  // A --results line that never reached its stream is lost to this run, though not to the fleet.
  m_stop.fail_last(m_input.finish());

  if (m_output == JsonlWriter::Status::broken_pipe) return exit_broken_pipe;
  if (m_output == JsonlWriter::Status::failed) {
    spdlog::error("cannot write output: {}", std::strerror(m_writer.error_number()));
    return exit_usage;
  }
  if (m_stop.failed()) {
    spdlog::error("{}", m_stop.failure());
    return exit_usage;
  }
  if (m_output == JsonlWriter::Status::blocked) spdlog::warn("output blocked: the last lines were not written");
  if (!m_options.quiet) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
    const std::uint64_t peak = peak_rss_bytes();
    std::fputs((m_file ? file_stats().summary(elapsed, peak, &m_stats) : m_stats.summary(elapsed, peak)).c_str(),
               stderr);
  }
  if (sig) return 128 + sig;
  return m_stats.errors() ? exit_url_errors : exit_ok;
}

int Outlet::write_summary_json(int status) const {
  if (m_options.summary_json.empty()) return status;
  const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
  const std::uint64_t peak = peak_rss_bytes();
  const std::string json = m_file ? file_stats().summary_json(elapsed, status, peak, &m_stats)
                                  : m_stats.summary_json(elapsed, status, peak);
  const std::string why = write_file_atomically(m_options.summary_json, json);
  if (why.empty()) return status;
  spdlog::error("cannot write --summary-json {}: {}", m_options.summary_json, why);
  return status == exit_ok || status == exit_url_errors ? exit_usage : status;
}

}  // namespace volley
