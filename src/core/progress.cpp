#include "core/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace volley {

Progress::Progress(bool wanted, TimePoint start) : m_enabled(wanted && ::isatty(STDERR_FILENO)), m_start(start) {}

void Progress::update(TimePoint now, const Stats& stats, std::size_t in_flight) {
  if (!m_enabled || now - m_last < m_interval) return;
  m_last = now;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  const double rate = elapsed > 0 ? static_cast<double>(stats.done()) / elapsed : 0;
  std::fprintf(stderr, "\r\033[Kdone %llu  in flight %zu  errors %llu  %.0f/s",
               static_cast<unsigned long long>(stats.done()), in_flight,
               static_cast<unsigned long long>(stats.errors()), rate);
  std::fflush(stderr);
  m_drawn = true;
}

void Progress::clear() {
  if (!m_drawn) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace volley
