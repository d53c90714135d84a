#include "core/intake.hpp"

#include "core/engine_parts.hpp"
#include "input/shard.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

namespace {

InputItem url_item(std::uint64_t seq, const std::string& host) {
  InputItem item;
  item.job.seq = seq;
  item.job.url = "http://" + host + "/";
  item.job.target = item.job.url;
  item.job.host_key = host + ":80";
  return item;
}

// A host whose URLs shard `index` of 2 takes.
std::string host_in_shard(std::uint32_t index) {
  for (int i = 0;; ++i) {
    std::string host = "h" + std::to_string(i) + ".test";
    if (shard_of_host_key(host + ":80", 2) == index) return host;
  }
}

struct IntakeParts : EngineParts {
  explicit IntakeParts(Options o = {}) : EngineParts(std::move(o)) {
    intake.emplace(options, input, *writer, nullptr, nullptr, health, *path, *outlet, stop, now);
  }
  ~IntakeParts() { intake.reset(); }
  std::optional<Intake> intake;
};

}  // namespace

TEST_CASE("intake: another shard's URL is only counted; no URL and a dead host's URL end at once; the rest is queued") {
  Options o;
  o.shard = Shard{1, 2};
  o.host_errors = 1;
  IntakeParts p(o);
  const std::string mine = host_in_shard(1), dead = mine + ".dead", other = host_in_shard(2);
  Record refused;
  refused.error = ErrorKind::connect;
  p.health.note(dead + ":80", refused);
  REQUIRE(p.health.dead(dead + ":80"));

  InputItem invalid;
  invalid.job.seq = 2;
  invalid.job.url = "not a url";
  invalid.error = ErrorKind::invalid_url;
  invalid.message = "no host";
  p.input.items.push_back(url_item(1, other));
  p.input.items.push_back(std::move(invalid));
  p.input.items.push_back(url_item(3, dead));
  p.input.items.push_back(url_item(4, mine));

  p.intake->begin_turn();
  for (int n = 0; p.intake->may_read(n); ++n) REQUIRE(p.intake->read_one());
  CHECK(p.intake->done());

  CHECK(p.outlet->stats().other_shards() == 1);
  CHECK(p.outlet->stats().done() == 2);
  std::optional<Job> queued = p.scheduler.next(p.now);
  REQUIRE(queued);
  CHECK(queued->seq == 4);
  CHECK(p.scheduler.idle());
  const std::string out = p.output();
  CHECK(out.find("\"seq\":1,") == std::string::npos);
  CHECK(out.find("\"seq\":2,") != std::string::npos);
  CHECK(out.find("\"seq\":3,") != std::string::npos);
  CHECK(out.find("host_unreachable") != std::string::npos);
}

TEST_CASE("intake: a pipe with nothing for now ends the turn, and is watched only while there is room") {
  IntakeParts p;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  p.input.pipe_open = true;
  p.input.fd = fds[0];

  p.intake->begin_turn();
  CHECK_FALSE(p.intake->read_one());
  CHECK_FALSE(p.intake->done());
  p.intake->watch(p.transport, true);
  CHECK(p.transport.watched.count(fds[0]) == 1);
  p.intake->watch(p.transport, false);
  CHECK(p.transport.watched.empty());

  // Waiting for a pipe that cannot be watched would hang: the run fails instead.
  p.transport.refuse_watch = true;
  p.intake->watch(p.transport, true);
  CHECK(p.stop.failure() == "cannot watch the input");
  ::close(fds[0]);
  ::close(fds[1]);
}
