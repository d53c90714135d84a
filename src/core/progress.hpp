#pragma once

#include "core/clock.hpp"
#include "core/stats.hpp"

namespace volley {

/// The live line on stderr (done, in flight, errors, rate), redrawn a few times a second, only
/// when stderr is a terminal: a log file or a pipe never sees it.
class Progress {
 public:
  Progress(bool wanted, TimePoint start);
  bool enabled() const { return m_enabled; }
  /// How long the reactor may sleep before the next redraw is due.
  Duration interval() const { return m_interval; }
  void update(TimePoint now, const Stats& stats, std::size_t in_flight);
  /// Erases the line, so the summary starts on a clean line.
  void clear();

 private:
  bool m_enabled;
  TimePoint m_start;
  TimePoint m_last{};
  bool m_drawn = false;
  Duration m_interval = std::chrono::milliseconds(250);
};

}  // namespace volley
