#pragma once

#include <functional>
#include <thread>

namespace volley {

/// Installs SIGINT/SIGTERM/SIGHUP handlers that only record the signal and write to an eventfd (the
/// reactor watches it, so a signal wakes the loop at once), and ignores SIGPIPE so a closed pipe
/// shows up as EPIPE from write(). Returns the eventfd.
int install_signal_handlers();

/// The first SIGINT, SIGTERM or SIGHUP received, or 0.
int received_signal();

/// A helper thread (body worker, state writer) that never takes SIGINT, SIGTERM or SIGHUP: they
/// belong to the loop's thread, whose wait they must end.
std::thread thread_without_signals(std::function<void()> body);

}  // namespace volley
