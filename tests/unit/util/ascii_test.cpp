#include "util/ascii.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("ascii: each syntax trims its own white space") {
  CHECK(trim(" \t\f\r\nx y\n", html_space) == "x y");
  CHECK(trim("\vx\v", html_space) == "\vx\v");  // VT is no HTML whitespace
  CHECK(trim("\vx\v", line_space) == "x");
  CHECK(trim(" \tx\t ", http_ows) == "x");
  CHECK(trim("\fx", http_ows) == "\fx");
  CHECK(trim("\fx", json_space) == "\fx");
  CHECK(trim("   ", html_space).empty());
  CHECK(trim("", http_ows).empty());
}

TEST_CASE("ascii: case folds ASCII letters only") {
  CHECK(ascii_lowered("Content-TYPE \xC3\x89") == "content-type \xC3\x89");
  CHECK(ascii_iequals("Content-Type", "content-type"));
  CHECK_FALSE(ascii_iequals("content-type", "content-typ"));
  CHECK_FALSE(ascii_iequals("\xC3\x89", "\xC3\xA9"));
  CHECK(ascii_istarts_with("<META charset", "<meta"));
  CHECK_FALSE(ascii_istarts_with("<met", "<meta"));
}
