#pragma once

#include "app/options.hpp"
#include "core/clock.hpp"
#include "input/input_source.hpp"
#include "input/input_state.hpp"

#include <string>

namespace volley {

class Crawler;
class HostHealth;
class JsonlWriter;
class Outlet;
class ResumeFile;
class RobotsPath;
class StateSession;
class StopCause;
class Transport;

/// Where URLs come in. Owns reading the input (InputSource, as InputState allows) and what
/// becomes of each item read before any request: another --shard's URL is only counted, a line
/// that is no URL or a URL of a host already given up ends at once, --resume checks the input
/// against its file and skips what the file holds, --state answers what is fresh enough; every
/// other URL is handed to the RobotsPath. The engine decides how much is read (the read-ahead
/// window), the intake what is read.
class Intake {
 public:
  /// `resume`: --resume's output file, or null; `state`: --state's session, or null. `now` is the
  /// loop turn's time, which the engine owns.
  /// `crawler`: --crawl's, which takes each URL read as a seed, or null.
  Intake(const Options& options, InputSource& input, JsonlWriter& writer, ResumeFile* resume, StateSession* state,
         HostHealth& health, RobotsPath& path, Outlet& outlet, StopCause& stop, const TimePoint& now,
         Crawler* crawler = nullptr);

  /// A loop turn begins: a waiting pipe is tried again.
  void begin_turn() {
    m_phase.begin_turn();
    // A turn starts from an empty item, as when each turn had its own: a source fills in only
    // what it knows, and what the last turn left must not reach the next.
    m_item = InputItem{};
  }
  /// Whether the `n`th item of this turn may be read.
  bool may_read(int n) { return m_phase.may_read(n); }
  /// Reads one item and sees it on its way; false when this turn reads no more (the pipe has
  /// nothing for now, or the run fails).
  bool read_one();
  /// --crawl: a page the crawl found goes the way of a URL read (a dead host, --state, robots).
  void admit_found(Job job);
  /// Has `transport` watch the input's pipe only while there is one to wait for and room to read.
  void watch(Transport& transport, bool window_has_room);
  bool reading() const { return m_phase.reading(); }
  bool done() const { return m_phase.done(); }
  /// Paused with lines left: the loop must not wait.
  bool must_not_wait() const { return m_phase.must_not_wait(); }
  /// --resume: says so when the run ended before the input could be checked against the file.
  void warn_if_unchecked();

 private:
  void take(InputItem& item);
  void admit(Job& job);
  bool resume_pending();
  bool done_before(const InputItem& item);
  void settle_resume();
  bool answer_from_store(Job& job);

  const Options& m_options;
  InputSource& m_input;
  JsonlWriter& m_writer;
  ResumeFile* m_resume;
  StateSession* m_state;
  HostHealth& m_health;
  RobotsPath& m_path;
  Outlet& m_outlet;
  StopCause& m_stop;
  const TimePoint& m_now;
  Crawler* m_crawler;
  InputState m_phase;
  InputItem m_item;  // reused within a turn
};

}  // namespace volley
