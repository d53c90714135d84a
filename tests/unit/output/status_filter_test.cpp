#include "output/status_filter.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("status_filter: single codes and ranges") {
  const auto set = parse_status_list("200,301-399");
  REQUIRE(set);
  CHECK(set->contains(200));
  CHECK(set->contains(301));
  CHECK(set->contains(350));
  CHECK(set->contains(399));
  CHECK_FALSE(set->contains(201));
  CHECK_FALSE(set->contains(300));
  CHECK_FALSE(set->contains(400));
  CHECK_FALSE(set->contains(0));
}

TEST_CASE("status_filter: spaces around items and a one-code range are fine") {
  const auto set = parse_status_list(" 404 , 500 - 599,418-418");
  REQUIRE(set);
  CHECK(set->contains(404));
  CHECK(set->contains(503));
  CHECK(set->contains(418));
  CHECK_FALSE(set->contains(200));
  CHECK(parse_status_list("999")->contains(999));
}

TEST_CASE("status_filter: malformed lists are refused") {
  for (const char* bad : {"", ",", "200,", ",200", "200,,301", "20", "2000", "099", "-200", "200-",
                          "399-301", "200-300-400", "abc", "200;301", "+200", "2 00", "200\n", "xxx", "0xx",
                          "2x", "2xxx", "2x0", "20x", "x00", "3xx-2xx", "2yy"})
    CHECK_FALSE(parse_status_list(bad));
}

TEST_CASE("status_filter: a class stands for its hundred codes") {
  const auto set = parse_status_list("2xx");
  REQUIRE(set);
  CHECK(set->contains(200));
  CHECK(set->contains(299));
  CHECK_FALSE(set->contains(199));
  CHECK_FALSE(set->contains(300));

  const auto errors = parse_status_list("4xx, 5XX");
  REQUIRE(errors);
  CHECK(errors->contains(400));
  CHECK(errors->contains(503));
  CHECK(errors->contains(599));
  CHECK_FALSE(errors->contains(399));
  CHECK_FALSE(errors->contains(600));
}

TEST_CASE("status_filter: classes and codes mix in ranges") {
  const auto set = parse_status_list("2xx-3xx,404,450-4xx");
  REQUIRE(set);
  CHECK(set->contains(200));
  CHECK(set->contains(399));
  CHECK(set->contains(404));
  CHECK(set->contains(450));
  CHECK(set->contains(499));
  CHECK_FALSE(set->contains(405));
  CHECK_FALSE(set->contains(500));
  const auto same = parse_status_list("200-299");
  REQUIRE(same);
  for (long s : {199L, 200L, 250L, 299L, 300L}) CHECK(same->contains(s) == parse_status_list("2xx")->contains(s));
}
