#pragma once

namespace volley {

/// Where the engine stands with its input, as one state rather than flags spread over the loop
/// (a busy loop at end of file and a hang after 4,096 filtered lines both lived in such flags).
/// Pure: the engine reports what reading gave; the state says what to watch and whether the loop
/// may wait.
///
///   reading ──pipe has nothing──▶ waiting ──next turn──▶ reading
///   reading ──per-turn bound────▶ paused  ──next turn──▶ reading
///   reading ──end or read error─▶ done (for good)
class InputState {
 public:
  enum class Phase { reading, waiting, paused, done };
  /// Lines handled per loop turn at most, so a long run of invalid lines cannot starve transfers.
  static constexpr int per_turn = 4096;

  Phase phase() const { return m_phase; }
  bool done() const { return m_phase == Phase::done; }
  bool reading() const { return m_phase == Phase::reading; }

  /// A loop turn begins: reading resumes (a waiting pipe is simply tried again) unless done.
  void begin_turn();
  /// Whether the `n`th line of this turn may be read; at the bound the input pauses.
  bool may_read(int n);
  /// The pipe has nothing for now.
  void wait();
  /// End of the last input, or an input that cannot be read: nothing more will be read.
  void finish() { m_phase = Phase::done; }

  /// Paused at the bound with lines left: the loop must not wait, since nothing else may come to
  /// end the wait.
  bool must_not_wait() const { return m_phase == Phase::paused; }
  /// The input fd the loop should watch (-1: none), given the reader's fd and whether the
  /// read-ahead window has room. Only a pipe being waited for: one at end of file is always
  /// readable, and watching it would turn every wait into a busy loop.
  int fd_to_watch(int wait_fd, bool window_has_room) const;

  /// The input fd the transport watches now (-1: none).
  int watched() const { return m_watched; }
  void set_watched(int fd) { m_watched = fd; }

 private:
  Phase m_phase = Phase::reading;
  int m_watched = -1;
};

}  // namespace volley
