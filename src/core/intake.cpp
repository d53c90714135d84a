#include "core/intake.hpp"

#include "core/host_health.hpp"
#include "core/outlet.hpp"
#include "core/stop_cause.hpp"
#include "core/transport.hpp"
#include "crawl/crawler.hpp"
#include "input/shard.hpp"
#include "output/jsonl_writer.hpp"
#include "output/resume_file.hpp"
#include "robots/robots_path.hpp"
#include "state/state_rules.hpp"
#include "state/state_session.hpp"
#include "util/wall_time.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace volley {

Intake::Intake(const Options& options, InputSource& input, JsonlWriter& writer, ResumeFile* resume,
               StateSession* state, HostHealth& health, RobotsPath& path, Outlet& outlet, StopCause& stop,
               const TimePoint& now, Crawler* crawler)
    : m_options(options),
      m_input(input),
      m_writer(writer),
      m_resume(resume),
      m_state(state),
      m_health(health),
      m_path(path),
      m_outlet(outlet),
      m_stop(stop),
      m_now(now),
      m_crawler(crawler) {
  // --resume: no line goes out before the input is known to be the file's.
  if (resume_pending()) m_writer.hold(true);
}

bool Intake::resume_pending() { return m_resume && m_resume->check().verdict() == ResumeCheck::Verdict::pending; }

bool Intake::read_one() {
  InputSource::Status status;
  try {
    status = m_input.next(m_item);
  } catch (const std::runtime_error& e) {
    m_phase.finish();
    m_stop.fail(e.what());
    return false;
  }
  switch (status) {
    case InputSource::Status::eof:
      m_phase.finish();
      if (resume_pending()) {
        m_resume->check().end_of_input();
        settle_resume();
      }
      return true;
    case InputSource::Status::again: m_phase.wait(); return false;
    case InputSource::Status::item:
      // A crawl's seqs are its own count: the state file says which pages are done.
      if (m_resume && !m_crawler) {
        if (done_before(m_item)) return true;
        if (m_stop.failed()) return false;
      }
      take(m_item);
      return true;
  }
  return true;
}

void Intake::take(InputItem& item) {
  // Another shard's URL keeps its seq (the reader counted it) but gets no line here.
  if (!shard_takes(m_options.shard, item.error != ErrorKind::none, item.job.host_key)) {
    m_outlet.stats().add_other_shard();
  } else if (item.error != ErrorKind::none) {
    // A crawl's seqs are its own count, which the lines of bad seeds take their places in.
    if (!m_crawler || m_crawler->number(item.job)) m_outlet.end_unstarted(item.job, item.error, item.message);
  } else if (!m_crawler || m_crawler->admit_seed(item.job)) {
    admit(item.job);
  }
}

void Intake::admit_found(Job job) { admit(job); }

void Intake::admit(Job& job) {
  // Fetched again for its links alone (--resume): it has its line, and needs the body, not a 304.
  if (job.crawl && job.crawl->links_only) {
    if (!m_health.dead(job.host_key)) m_path.admit(std::move(job));
    return;
  }
  if (const std::string* why = m_health.dead(job.host_key))
    m_outlet.end_unstarted(job, ErrorKind::host_unreachable, *why);
  else if (!answer_from_store(job))
    m_path.admit(std::move(job));
}

// --resume: the input is checked against the output file as it is read (when it could not be
// read ahead), and a URL done there keeps its seq, is counted, and gets no request and no line.
bool Intake::done_before(const InputItem& item) {
  ResumeCheck& check = m_resume->check();
  if (check.verdict() == ResumeCheck::Verdict::pending) {
    check.add(item.job.seq, item.job.url);
    settle_resume();
    // A pipe far from the file's highest seq (a damaged file) must not be fetched into memory.
    if (m_resume->holds_too_much(m_writer.buffered())) {
      m_phase.finish();
      m_stop.fail(m_resume->held_too_much_message());
      return false;
    }
  }
  if (!m_resume->done(item.job.seq)) return false;
  m_outlet.stats().add_skipped();
  return true;
}

// Lines held until the input proved to be the file's go out now; a file written from another
// input stays untouched, and the run ends with exit 2.
void Intake::settle_resume() {
  switch (m_resume->check().verdict()) {
    case ResumeCheck::Verdict::pending: return;
    case ResumeCheck::Verdict::mismatch: m_phase.finish(); return m_stop.fail(m_resume->mismatch_message());
    case ResumeCheck::Verdict::match:
      if (std::string why = m_resume->commit(); !why.empty()) return m_stop.fail(why);
      m_writer.hold(false);
      return;
  }
}

// --state: a job the store answers (--max-age) gets its line now; any other gets its conditional
// headers. A store that cannot be read ends the run.
bool Intake::answer_from_store(Job& job) {
  if (!m_state || m_stop.failed()) return false;
  std::optional<StoredRow> row;
  try {
    row = m_state->admit(job, unix_ms(WallClock::now()));
  } catch (const std::runtime_error& e) {
    m_stop.fail(e.what());
    return false;
  }
  if (!row) return false;
  Record r;
  m_outlet.stamp(r, job);
  fill_cached(r, *row);
  // A cached page expands to the links stored from the body it stands for.
  if (m_crawler) m_crawler->expand(r);
  m_outlet.emit(r);
  return true;
}

void Intake::watch(Transport& transport, bool window_has_room) {
  const int fd = m_phase.fd_to_watch(m_input.wait_fd(), window_has_room);
  if (fd == m_phase.watched()) return;
  // Unwatching cannot fail: an fd the poller no longer holds has nothing to undo.
  if (m_phase.watched() >= 0) static_cast<void>(transport.watch(m_phase.watched(), false));
  m_phase.set_watched(-1);
  // Waiting for a pipe that is not watched would hang: the run ends instead.
  if (fd >= 0 && !transport.watch(fd, true)) return m_stop.fail("cannot watch the input");
  m_phase.set_watched(fd);
}

void Intake::warn_if_unchecked() {
  if (resume_pending())
    spdlog::warn("{} is left as it was: the run ended before its input could be checked against it", m_options.output);
}

}  // namespace volley
