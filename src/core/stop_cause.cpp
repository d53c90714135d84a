#include "core/stop_cause.hpp"

#include "core/signals.hpp"
#include "core/transport.hpp"
#include "state/state_session.hpp"

namespace volley {

StopCause::StopCause(Transport& transport, std::function<int()> signalled, StateSession* state)
    : m_transport(transport), m_signalled(signalled ? std::move(signalled) : received_signal), m_state(state) {}

void StopCause::fail(const std::string& what) {
  if (failed()) return;
  const std::string why = m_transport.failure();
  m_failure = why.empty() ? what : what + ": " + why;
}

void StopCause::fail_last(std::string why) {
  if (!why.empty() && !failed()) m_failure = std::move(why);
}

bool StopCause::stopping() {
  if (!failed()) fail_last(m_transport.failure());
  if (!failed() && m_state) fail_last(m_state->failure());
  return failed() || m_signalled() != 0;
}

}  // namespace volley
