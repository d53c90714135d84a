#include "core/signals.hpp"

#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <sys/eventfd.h>
#include <unistd.h>

namespace volley {

namespace {

volatile std::sig_atomic_t g_signal = 0;
int g_wake_fd = -1;

extern "C" void on_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  // A second Ctrl-C ends the process at once, should the orderly stop take too long.
  std::signal(sig, SIG_DFL);
  const std::uint64_t one = 1;
  // Async-signal-safe; a full counter cannot happen with so few signals.
  [[maybe_unused]] ssize_t n = ::write(g_wake_fd, &one, sizeof one);
}

}  // namespace

int install_signal_handlers() {
  if (g_wake_fd < 0) {
    g_wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_wake_fd < 0) throw std::runtime_error("cannot create eventfd");
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a write blocked on a full pipe returns EINTR, and the writer gives up on it.
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed terminal or a session that ended: the run stops as for SIGTERM, lines and summary
  // included, rather than dying without either. Under nohup it stays ignored, as asked.
  struct sigaction hup {};
  if (sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);
  // A write past `ulimit -f` then fails with EFBIG instead of killing the process: the writer cuts
  // the output to its last whole line and the run ends with exit 2, as on a full disk.
  sigaction(SIGXFSZ, &ignore, nullptr);
  return g_wake_fd;
}

int received_signal() { return g_signal; }

}  // namespace volley
