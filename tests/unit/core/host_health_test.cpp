#include "core/host_health.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
Record failed(ErrorKind kind, std::string message = "Failed to connect") {
  Record r;
  r.error = kind;
  r.message = std::move(message);
  return r;
}
Record answered(long status) {
  Record r;
  r.status = status;
  return r;
}
}  // namespace

TEST_CASE("host_health: a host is given up after N unreachable failures in a row, with the last error") {
  HostHealth h(3);
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::dns)));
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::tls)));
  CHECK_FALSE(h.dead("a:80"));
  CHECK(h.note("a:80", failed(ErrorKind::connect, "Connection refused")));
  REQUIRE(h.dead("a:80"));
  CHECK(*h.dead("a:80") == "connect: Connection refused");
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::timeout)));  // already dead: said once
  CHECK_FALSE(h.dead("b:80"));
}

TEST_CASE("host_health: a response of any status resets the count and revives the host") {
  HostHealth h(2);
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::timeout)));
  CHECK_FALSE(h.note("a:80", answered(500)));
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::timeout)));
  CHECK(h.note("a:80", failed(ErrorKind::timeout)));
  Record partial = failed(ErrorKind::partial);
  partial.status = 200;  // a response, even cut short
  CHECK_FALSE(h.note("a:80", partial));
  CHECK_FALSE(h.dead("a:80"));
  CHECK(h.size() == 0);
}

TEST_CASE("host_health: other failures neither count nor reset") {
  HostHealth h(2);
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::connect)));
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::connection)));
  CHECK_FALSE(h.note("a:80", failed(ErrorKind::protocol)));
  CHECK(h.note("a:80", failed(ErrorKind::connect)));
}

TEST_CASE("host_health: 0 turns it off") {
  HostHealth h(0);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(h.note("a:80", failed(ErrorKind::connect)));
  CHECK_FALSE(h.dead("a:80"));
  CHECK(h.size() == 0);
}

TEST_CASE("host_health: memory is bounded; the least recently seen host is forgotten first") {
  HostHealth h(1, 3);
  CHECK(h.note("a:80", failed(ErrorKind::dns)));
  CHECK(h.note("b:80", failed(ErrorKind::dns)));
  CHECK(h.note("c:80", failed(ErrorKind::dns)));
  CHECK(h.dead("a:80"));  // seen again: now the most recent
  CHECK(h.note("d:80", failed(ErrorKind::dns)));
  CHECK(h.size() == 3);
  CHECK(h.dead("a:80"));
  CHECK_FALSE(h.dead("b:80"));
  CHECK(h.dead("c:80"));
  CHECK(h.dead("d:80"));
  for (int i = 0; i < 10000; ++i) h.note("h" + std::to_string(i) + ":80", failed(ErrorKind::dns));
  CHECK(h.size() == 3);
}
