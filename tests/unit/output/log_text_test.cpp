#include "output/log_text.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("log_text: a response shows its status and no error") {
  Record r;
  r.status = 200;
  CHECK(outcome_text(r) == "status 200");
}

TEST_CASE("log_text: no response shows - and the error kind") {
  Record r;
  r.error = ErrorKind::connect;
  CHECK(outcome_text(r) == "status - connect");
}

TEST_CASE("log_text: a response that broke shows both") {
  Record r;
  r.status = 206;
  r.error = ErrorKind::partial;
  CHECK(outcome_text(r) == "status 206 partial");
}
