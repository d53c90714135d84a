#include "input/input_state.hpp"

namespace volley {

void InputState::begin_turn() {
  if (m_phase != Phase::done) m_phase = Phase::reading;
}

bool InputState::may_read(int n) {
  if (m_phase != Phase::reading) return false;
  if (n < per_turn) return true;
  m_phase = Phase::paused;
  return false;
}

void InputState::wait() {
  if (m_phase == Phase::reading) m_phase = Phase::waiting;
}

int InputState::fd_to_watch(int wait_fd, bool window_has_room) const {
  return m_phase == Phase::waiting && window_has_room ? wait_fd : -1;
}

}  // namespace volley
