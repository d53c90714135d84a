#pragma once

#include "core/clock.hpp"
#include "core/job.hpp"
#include "core/record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace volley {

/// A transfer that ended: the job as it was started and what the attempt produced.
struct Completion {
  Job job;
  Record record;
};

/// The engine's only view of the network: the reactor in the tool, a fake in the engine's tests,
/// so scheduling, caps and retries can be tested without sockets.
class Transport {
 public:
  virtual ~Transport() = default;

  /// Transfers that may be in flight at once.
  virtual std::size_t limit() const = 0;
  virtual std::size_t in_flight() const = 0;
  virtual void start(Job job) = 0;
  /// Waits for progress, at most `timeout` (nullopt: no limit of the caller's), and appends
  /// finished transfers to `done`. Returns the time the wait ended.
  virtual TimePoint poll(std::optional<Duration> timeout, std::vector<Completion>& done) = 0;
  /// Adds or removes an fd (input pipe, eventfd) whose readiness ends poll(). False when it cannot
  /// be watched (failure() says why): the caller must not wait for it.
  [[nodiscard]] virtual bool watch(int fd, bool on) = 0;
  /// Ends every transfer in flight, reporting each as interrupted.
  virtual void abort_all(std::vector<Completion>& done) = 0;
  /// Why the loop itself cannot go on (its poller or libcurl's multi handle failed, an fd could
  /// not be watched); empty while it can. Then poll() no longer waits, and the caller ends the
  /// run with abort_all().
  [[nodiscard]] virtual std::string failure() const = 0;
};

}  // namespace volley
