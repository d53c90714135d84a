#pragma once

namespace volley {

/// Installs SIGINT/SIGTERM/SIGHUP handlers that only record the signal and write to an eventfd (the
/// reactor watches it, so a signal wakes the loop at once), and ignores SIGPIPE so a closed pipe
/// shows up as EPIPE from write(). Returns the eventfd. Only the loop's thread may take these
/// signals, or its blocked write never sees EINTR: every thread volley starts is a WorkerThread
/// (core/worker_thread.hpp), which blocks them.
int install_signal_handlers();

/// The first SIGINT, SIGTERM or SIGHUP received, or 0.
int received_signal();

}  // namespace volley
