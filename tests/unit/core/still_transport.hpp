#pragma once

#include "core/transport.hpp"

#include <set>
#include <string>

namespace volley {

/// A transport that runs nothing, for the engine's collaborators, which never start a transfer:
/// it says why the loop is broken when told to, and remembers the fds it watches.
class StillTransport final : public Transport {
 public:
  std::string why;      // failure()
  std::set<int> watched;
  bool refuse_watch = false;

  std::size_t limit() const override { return 1; }
  std::size_t in_flight() const override { return 0; }
  void start(Job) override {}
  TimePoint poll(std::optional<Duration>, std::vector<Completion>&) override { return TimePoint{}; }
  bool watch(int fd, bool on) override {
    if (refuse_watch) return false;
    if (on)
      watched.insert(fd);
    else
      watched.erase(fd);
    return true;
  }
  void abort_all(std::vector<Completion>&) override {}
  std::string failure() const override { return why; }
};

}  // namespace volley
