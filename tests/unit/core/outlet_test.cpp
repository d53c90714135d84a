#include "core/outlet.hpp"

#include "core/engine.hpp"
#include "core/stop_cause.hpp"
#include "core/transport.hpp"
#include "input/input_source.hpp"
#include "output/line_plan.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <unistd.h>
#include <vector>

using namespace volley;

namespace {

// Records what the outlet reports written; it is never read from.
class WrittenLog final : public InputSource {
 public:
  std::vector<std::uint64_t> seqs;

  Status next(InputItem&) override { return Status::eof; }
  int wait_fd() const override { return -1; }
  void written(const std::vector<std::uint64_t>& s) override { seqs.insert(seqs.end(), s.begin(), s.end()); }
};

class IdleTransport final : public Transport {
 public:
  std::size_t limit() const override { return 1; }
  std::size_t in_flight() const override { return 0; }
  void start(Job) override {}
  TimePoint poll(std::optional<Duration>, std::vector<Completion>&) override { return TimePoint{}; }
  bool watch(int, bool) override { return true; }
  void abort_all(std::vector<Completion>&) override {}
  std::string failure() const override { return {}; }
};

Record response(std::uint64_t seq, long status) {
  Record r;
  r.seq = seq;
  r.url = "http://a.test/" + std::to_string(seq);
  r.status = status;
  return r;
}

// An outlet writing to a pipe, quiet, with no progress line; `now` is the loop's clock.
struct Bench {
  explicit Bench(Options o) : options(std::move(o)), plan(plan_lines(options)) {
    REQUIRE(::pipe(fds) == 0);
    writer.emplace(fds[1]);
    outlet.emplace(options, input, *writer, plan, now, stop, nullptr);
  }
  ~Bench() {
    outlet.reset();
    writer.reset();
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string output() {
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

  Options options;
  LinePlan plan;
  WrittenLog input;
  IdleTransport transport;
  StopCause stop{transport, [] { return 0; }, nullptr};
  TimePoint now{};
  int fds[2] = {-1, -1};
  std::optional<JsonlWriter> writer;
  std::optional<Outlet> outlet;
};

Options quiet() {
  Options o;
  o.quiet = true;
  o.progress = false;
  return o;
}

}  // namespace

TEST_CASE("outlet: a line the status filter drops still counts, and is out once the kept ones are flushed") {
  Options o = quiet();
  o.match_status = "200-299";
  Bench b(o);
  Record ok = response(1, 200), missing = response(2, 404);
  b.outlet->emit(ok);
  b.outlet->emit(missing);
  CHECK(b.outlet->stats().done() == 2);
  // The kept line waits in the writer, so neither is out of the process yet.
  CHECK(b.input.seqs.empty());
  const std::optional<TimePoint> due = b.outlet->next_due(b.now);
  REQUIRE(due);
  b.now = *due;
  b.outlet->flush_if_due();
  CHECK(b.input.seqs == std::vector<std::uint64_t>{1, 2});
  const std::string out = b.output();
  CHECK(out.find("\"seq\":1") != std::string::npos);
  CHECK(out.find("\"seq\":2") == std::string::npos);
}

TEST_CASE("outlet: an interrupted line is written but never reported written") {
  Bench b(quiet());
  Record r = response(1, 200);
  r.error = ErrorKind::interrupted;
  b.outlet->emit(r);
  CHECK(b.outlet->finish(0) == exit_url_errors);
  CHECK(b.input.seqs.empty());
  CHECK(b.output().find("\"seq\":1") != std::string::npos);
}

TEST_CASE("outlet: a URL ended unstarted takes its seq and url from the job") {
  Bench b(quiet());
  Job job;
  job.seq = 7;
  job.url = "http://gone.test/";
  b.outlet->end_unstarted(job, ErrorKind::host_unreachable, "connect: refused");
  CHECK(b.outlet->finish(0) == exit_url_errors);
  const std::string out = b.output();
  CHECK(out.find("\"seq\":7") != std::string::npos);
  CHECK(out.find("http://gone.test/") != std::string::npos);
  CHECK(out.find("connect: refused") != std::string::npos);
}

TEST_CASE("outlet: the exit status: a failure, a signal, or whether any URL failed") {
  SECTION("all good") {
    Bench b(quiet());
    Record r = response(1, 200);
    b.outlet->emit(r);
    CHECK(b.outlet->finish(0) == exit_ok);
  }
  SECTION("a signal") {
    Bench b(quiet());
    CHECK(b.outlet->finish(15) == 143);
  }
  SECTION("a failure of the run") {
    Bench b(quiet());
    Record r = response(1, 200);
    b.outlet->emit(r);
    b.stop.fail("cannot read the input");
    CHECK(b.outlet->finish(0) == exit_usage);
  }
}
