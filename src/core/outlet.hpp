#pragma once

#include "app/options.hpp"
#include "core/clock.hpp"
#include "core/job.hpp"
#include "core/progress.hpp"
#include "core/record.hpp"
#include "core/stats.hpp"
#include "output/jsonl_writer.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace volley {

class InputSource;
class ResumeFile;
class StateSession;
class StopCause;
struct LinePlan;

/// The engine's one way out. Owns what happens to a URL's line once the URL is done: the fields
/// it takes from its job (and --state's row), the stats it counts in, the status filter
/// (LinePlan), the writer and its flushes, telling the input which lines are out
/// (InputSource::written), keeping the progress line off the output, and at the end the summary,
/// --summary-json and the exit status.
class Outlet {
 public:
  /// `now` is the loop turn's time, which the engine owns and moves on. `state`: --state's
  /// session, or null. `resume`: --resume's file, whose lines the summary counts too, or null.
  Outlet(const Options& options, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
         const TimePoint& now, StopCause& stop, StateSession* state, const ResumeFile* resume = nullptr);

  /// What the line takes from the job, once the URL is done with in this loop turn.
  void stamp(Record& r, Job& job);
  /// Counts the line and writes it unless the status filter drops it.
  void emit(Record& r);
  /// The line of a URL that ends without a request (or without another, if it waited to be retried).
  void end_unstarted(Job& job, ErrorKind kind, std::string_view why);
  /// Flushes the writer when its flush delay has run out, then reports what is out.
  void flush_if_due();
  /// Tells the input the lines that are out of the process, once the writer holds none back.
  void report_written();
  /// Whether output goes on (not a broken pipe, a failed or a blocked write).
  bool ok() const { return m_output == JsonlWriter::Status::ok; }
  /// When the loop must wake for the outlet: a flush, or the progress line's next redraw, -v log
  /// line or step of its count (none: nothing due).
  std::optional<TimePoint> next_due(TimePoint now) const;
  void show_progress(TimePoint now, std::size_t busy) { m_progress.update(now, m_stats, busy); }
  Stats& stats() { return m_stats; }

  /// The end of the loop, `sig` the signal that ended it (0: none): the last lines go out, the
  /// store takes its last rows, the summary goes to stderr; returns the exit status.
  int finish(int sig);
  /// --summary-json, written however the run ended; returns `status`, or 2 if the file cannot be
  /// written.
  int write_summary_json(int status) const;

 private:
  void flush();
  void clear_progress_for_output();
  /// --resume: the whole file's stats, the last line of each seq (docs/output.md, "Summary").
  Stats file_stats() const;

  const Options& m_options;
  InputSource& m_input;
  JsonlWriter& m_writer;
  const LinePlan& m_plan;
  const TimePoint& m_now;
  StopCause& m_stop;
  StateSession* m_state;
  Stats m_stats;  // this run's: the progress line and the exit status are about it
  const ResumeFile* m_resume;
  std::optional<Stats> m_file;    // --resume: the file's earlier lines and this run's
  std::uint64_t m_refetched = 0;  // --resume: URLs of this run whose earlier lines were interrupted
  TimePoint m_start;
  Progress m_progress;
  std::vector<std::uint64_t> m_written;  // seqs whose lines wait for a flush (InputSource::written)
  JsonlWriter::Status m_output = JsonlWriter::Status::ok;
  bool m_output_shares_progress;  // stdout is the terminal that shows the progress line
};

}  // namespace volley
