#include "input/input_state.hpp"

#include <catch2/catch.hpp>

using namespace volley;

using Phase = InputState::Phase;

TEST_CASE("input_state: reading goes on until the end, which is for good") {
  InputState s;
  CHECK(s.phase() == Phase::reading);
  CHECK(s.may_read(0));
  s.finish();
  CHECK(s.done());
  s.begin_turn();
  CHECK(s.done());
  CHECK_FALSE(s.may_read(0));
  CHECK_FALSE(s.must_not_wait());
  CHECK(s.fd_to_watch(5, true) == -1);  // a pipe at end of file is never watched
}

TEST_CASE("input_state: a pipe with nothing is watched while the window has room") {
  InputState s;
  s.wait();
  CHECK(s.phase() == Phase::waiting);
  CHECK_FALSE(s.may_read(1));
  CHECK(s.fd_to_watch(5, true) == 5);
  CHECK(s.fd_to_watch(5, false) == -1);  // a full window: nothing to read it for
  CHECK_FALSE(s.must_not_wait());
  s.begin_turn();
  CHECK(s.phase() == Phase::reading);
  CHECK(s.fd_to_watch(5, true) == -1);
}

TEST_CASE("input_state: the per-turn bound pauses reading, and then the loop must not wait") {
  InputState s;
  CHECK(s.may_read(InputState::per_turn - 1));
  CHECK_FALSE(s.may_read(InputState::per_turn));
  CHECK(s.phase() == Phase::paused);
  CHECK(s.must_not_wait());
  CHECK(s.fd_to_watch(5, true) == -1);
  s.begin_turn();
  CHECK(s.phase() == Phase::reading);
  CHECK_FALSE(s.must_not_wait());
}

TEST_CASE("input_state: the watched fd is remembered apart from the phase") {
  InputState s;
  CHECK(s.watched() == -1);
  s.set_watched(7);
  s.finish();
  CHECK(s.watched() == 7);  // the engine still has to remove it
}
