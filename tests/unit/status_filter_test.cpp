#include "status_filter.hpp"

#include <catch2/catch.hpp>

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
  for (const char* bad : {"", ",", "200,", ",200", "200,,301", "2xx", "20", "2000", "099", "-200", "200-",
                          "399-301", "200-300-400", "abc", "200;301", "+200", "2 00", "200\n"})
    CHECK_FALSE(parse_status_list(bad));
}
