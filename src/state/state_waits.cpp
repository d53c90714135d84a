#include "state/state_waits.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <sys/file.h>
#include <thread>

namespace volley {

int lock_within(int fd, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return 0;
    const int err = errno;
    if (err != EWOULDBLOCK && err != EINTR) return err;
    if (std::chrono::steady_clock::now() >= until) return EWOULDBLOCK;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

// SQLite calls this while another connection holds the lock it needs, `tries` counting from 0 for
// each lock it waits on. Short sleeps first (most holders are a commit: milliseconds), then
// 100 ms ones.
int wait_while_busy(void* busy, int tries) {
  auto& w = *static_cast<BusyWait*>(busy);
  const auto now = std::chrono::steady_clock::now();
  const auto limit_s = std::chrono::duration_cast<std::chrono::seconds>(w.limit).count();
  if (tries == 0) {
    w.since = now;
  } else if (tries == 5) {
    // Not at once: a lock held for a commit's milliseconds is not worth a note.
    spdlog::debug("state file {}: locked by another program (a sqlite3 shell?); waiting up to {} s", w.path,
                  limit_s);
  }
  if (now - w.since >= w.limit) {
    spdlog::debug("state file {}: still locked after {} s; giving up", w.path, limit_s);
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(tries < 7 ? 1 << tries : 100));
  return 1;
}

}  // namespace volley
