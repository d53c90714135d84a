#pragma once

#include "app/options.hpp"
#include "core/clock.hpp"
#include "core/stats.hpp"
#include "input/line_count.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace volley {

/// What the progress line says, gathered at one redraw.
struct ProgressFigures {
  /// Lines out, with the URLs --resume found done and those left to other shards: what the
  /// total counts.
  std::uint64_t done = 0;
  /// URL lines in the input; none when an input is a pipe, a terminal or a queue.
  std::optional<std::uint64_t> total;
  bool estimated = false;  // the total is still being counted (InputLineCount)
  std::uint64_t in_flight = 0;
  std::uint64_t errors = 0;
  double elapsed_seconds = 0;
  double rate = 0;  // lines of this run per second: what the ETA divides the rest by
  std::uint64_t rss_bytes = 0;
};

/// A span of time for people, at most two units: "45s", "1m23s", "2h05m".
std::string duration_text(std::uint64_t seconds);

/// The progress line, at most `width - 1` columns so that the terminal never wraps it; fields
/// go from the least important (elapsed, in flight, rate, RSS, errors, ETA, percentage) until
/// it fits, and a line that still does not is cut. With a total:
/// "1234/10000  12%  in flight 50  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB" ("~10000" while
/// counted); without: "done 1234  in flight 50  errors 3  40/s  1m05s  RSS 18.4 MiB".
std::string progress_line(const ProgressFigures& f, std::size_t width);

/// The live line on stderr, redrawn a few times a second, only when stderr is a terminal: a log
/// file or a pipe never sees it. With -v, the same figures go to the log every ten seconds
/// instead. Either way it counts the input's URL lines ahead, for the total.
class Progress {
 public:
  Progress(const Options& options, TimePoint start);
  /// Whether the line is drawn (stderr is a terminal and it was not turned off).
  bool enabled() const { return m_draw; }
  /// When the loop must wake for the next redraw, log line or step of the count (none: never).
  std::optional<TimePoint> next_due(TimePoint now) const;
  void update(TimePoint now, const Stats& stats, std::size_t in_flight);
  /// Erases the line, so the summary starts on a clean line.
  void clear();

 private:
  ProgressFigures figures(TimePoint now, const Stats& stats, std::size_t in_flight) const;

  bool m_draw;
  bool m_log;
  TimePoint m_start;
  TimePoint m_last_draw{};
  TimePoint m_last_log;
  TimePoint m_last_count{};
  bool m_drawn = false;
  std::unique_ptr<InputLineCount> m_count;  // null: nothing shown, or a queue
};

}  // namespace volley
