#pragma once

#include "core/host_health.hpp"
#include "core/outlet.hpp"
#include "core/scheduler.hpp"
#include "core/still_transport.hpp"
#include "core/stop_cause.hpp"
#include "input/input_source.hpp"
#include "output/jsonl_writer.hpp"
#include "output/line_plan.hpp"
#include "robots/robots_path.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <fcntl.h>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace volley {

/// An input of given items, then `again` (a pipe with nothing for now, on `fd`) or end of file;
/// it remembers the seqs reported written.
class ListInput final : public InputSource {
 public:
  std::deque<InputItem> items;
  bool pipe_open = false;
  int fd = -1;
  std::vector<std::uint64_t> written_seqs;

  Status next(InputItem& out) override {
    if (items.empty()) return pipe_open ? Status::again : Status::eof;
    out = std::move(items.front());
    items.pop_front();
    return Status::item;
  }
  int wait_fd() const override { return fd; }
  void written(const std::vector<std::uint64_t>& s) override {
    written_seqs.insert(written_seqs.end(), s.begin(), s.end());
  }
};

/// The engine's collaborators wired as the engine wires them, without the engine: lines go to a
/// pipe (read back with output()), the loop's time is `now`, quiet and without a progress line.
struct EngineParts {
  explicit EngineParts(Options o = {}) : options(quiet(std::move(o))), plan(plan_lines(options)) {
    REQUIRE(::pipe(fds) == 0);
    // output() reads what is there and stops, never waiting for more.
    REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
    writer.emplace(fds[1]);
    outlet.emplace(options, input, *writer, plan, now, stop, nullptr);
    path.emplace(options, scheduler, health, *outlet, stop, nullptr, now);
  }
  ~EngineParts() {
    path.reset();
    outlet.reset();
    writer.reset();
    ::close(fds[0]);
    ::close(fds[1]);
  }
  EngineParts(const EngineParts&) = delete;
  EngineParts& operator=(const EngineParts&) = delete;

  /// What has reached the pipe so far (the writer flushed first).
  std::string output() {
    CHECK(writer->flush() == JsonlWriter::Status::ok);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

  static Options quiet(Options o) {
    o.quiet = true;
    o.progress = false;
    return o;
  }

  Options options;
  LinePlan plan;
  ListInput input;
  StillTransport transport;
  StopCause stop{transport, [] { return 0; }, nullptr};
  Scheduler scheduler{options.per_host, options.rate, options.read_ahead, options.per_host_delay};
  HostHealth health{options.host_errors};
  TimePoint now{};
  int fds[2] = {-1, -1};
  std::optional<JsonlWriter> writer;
  std::optional<Outlet> outlet;
  std::optional<RobotsPath> path;
};

}  // namespace volley
