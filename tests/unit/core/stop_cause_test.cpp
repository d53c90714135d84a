#include "core/stop_cause.hpp"

#include "core/still_transport.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

TEST_CASE("stop_cause: the first failure is the one reported, with the transport's reason") {
  StillTransport t;
  StopCause stop(t, [] { return 0; }, nullptr);
  CHECK_FALSE(stop.stopping());
  t.why = "epoll_ctl: Bad file descriptor";
  stop.fail("cannot watch the input");
  stop.fail("a later failure");
  CHECK(stop.failure() == "cannot watch the input: epoll_ctl: Bad file descriptor");
  stop.fail_last("the store's last rows");
  CHECK(stop.failure() == "cannot watch the input: epoll_ctl: Bad file descriptor");
}

TEST_CASE("stop_cause: a broken loop stops the run by itself, and then no signal is reported") {
  StillTransport t;
  int sig = 15;
  StopCause stop(t, [&sig] { return sig; }, nullptr);
  CHECK(stop.stopping());
  CHECK(stop.signal() == 15);
  CHECK_FALSE(stop.failed());
  t.why = "curl_multi_poll: out of memory";
  CHECK(stop.stopping());
  CHECK(stop.failure() == "curl_multi_poll: out of memory");
  CHECK(stop.signal() == 0);
}

TEST_CASE("stop_cause: a failure found at the end counts only when none came before") {
  StillTransport t;
  StopCause stop(t, [] { return 0; }, nullptr);
  stop.fail_last("");
  CHECK_FALSE(stop.failed());
  stop.fail_last("disk full");
  CHECK(stop.failure() == "disk full");
}
