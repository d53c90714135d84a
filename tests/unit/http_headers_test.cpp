#include "http_headers.hpp"

#include <catch2/catch.hpp>

TEST_CASE("http_headers: status lines start a new response, fields are lower-cased and trimmed") {
  CHECK(parse_header_line("HTTP/1.1 302 Found\r\n").kind == HeaderLine::Kind::status);
  CHECK(parse_header_line("HTTP/2 200\r\n").kind == HeaderLine::Kind::status);
  const auto h = parse_header_line("Content-Type:  text/html; charset=utf-8 \t\r\n");
  REQUIRE(h.kind == HeaderLine::Kind::field);
  CHECK(h.name == "content-type");
  CHECK(h.value == "text/html; charset=utf-8");
  CHECK(parse_header_line("X-Empty:\r\n").value.empty());
  CHECK(parse_header_line("\r\n").kind == HeaderLine::Kind::other);
  CHECK(parse_header_line(": no name\r\n").kind == HeaderLine::Kind::other);
}

TEST_CASE("http_headers: a request object's header replaces the command line's of the same name") {
  const std::vector<std::string> global{"User-Agent: g/1", "X-Keep: 1", "Accept: */*"};
  const std::vector<std::string> own{"user-agent: mine", "X-New: 2"};
  CHECK(merge_headers(global, own) ==
        std::vector<std::string>{"X-Keep: 1", "Accept: */*", "user-agent: mine", "X-New: 2"});
  CHECK(merge_headers(global, {}) == global);
}
