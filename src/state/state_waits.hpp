#pragma once

#include <chrono>
#include <string>

namespace volley {

// The two ways the state file can be held by someone else, and how StateStore waits for each:
// another volley's flock() on the file, and another program's SQLite lock (a sqlite3 shell in a
// transaction). docs/state.md, "One run at a time".

/// Waits up to `wait` for an exclusive flock() on `fd`, polling, since flock() has no timed form.
/// Returns 0, or the errno of the last try (EWOULDBLOCK: still held).
int lock_within(int fd, std::chrono::milliseconds wait);

/// What one connection's busy handler knows: since when it has waited, and for how long it may.
struct BusyWait {
  std::string path;
  std::chrono::milliseconds limit;
  std::chrono::steady_clock::time_point since;
};

/// A sqlite3_busy_handler() for a connection whose BusyWait is `busy`: sleeps and says 1 (try
/// again) until the wait passes `limit`, then 0 (SQLITE_BUSY). Logs a -v note once it has waited
/// a few tries, so a lock held by another program is never a silent stall.
int wait_while_busy(void* busy, int tries);

}  // namespace volley
