#pragma once

#include <functional>
#include <string>

namespace volley {

class StateSession;
class Transport;

/// Why the run ends before its input does: the first failure (an input that cannot be read, a
/// broken loop, a store that cannot be written) or a signal. The engine's collaborators report
/// their failures here and the engine asks it once a turn whether to go on. Every URL read still
/// gets its line; then the exit status is 2 for a failure, 128 + the signal for a signal.
class StopCause {
 public:
  /// `signalled` says which signal asks the run to stop (0: none; empty: the process's own,
  /// received_signal()). `state`: the --state session, whose writer can fail too, or null.
  StopCause(Transport& transport, std::function<int()> signalled, StateSession* state);

  /// The first failure is the one reported; the transport's own says what broke in the loop.
  void fail(const std::string& what);
  /// A failure found at the very end (the store's last rows): kept only if none came before.
  void fail_last(std::string why);
  bool failed() const { return !m_failure.empty(); }
  const std::string& failure() const { return m_failure; }
  /// Whether the run stops now: a failure, the transport's or the store's included, or a signal.
  bool stopping();
  /// The signal that ends the run, or 0 (none, or a failure ends it).
  int signal() const { return failed() ? 0 : m_signalled(); }

 private:
  Transport& m_transport;
  std::function<int()> m_signalled;
  StateSession* m_state;
  std::string m_failure;
};

}  // namespace volley
