#include "request_object.hpp"
#include "url_check.hpp"

#include <catch2/catch.hpp>

TEST_CASE("request_object: every key but url is optional") {
  RequestObject r;
  REQUIRE(parse_request_object(R"({"url": "http://a/x"})", r).empty());
  CHECK(r.url == "http://a/x");
  CHECK_FALSE(r.has_overrides);
}

TEST_CASE("request_object: method, headers, body and meta are read as given") {
  RequestObject r;
  const auto err = parse_request_object(
      R"({"url":"http://a/","method":"PUT","headers":{"X-A":"1","Authorization":"Bearer t"},"body":"hi","meta":{"user":7,"tags":["x"]}})",
      r);
  REQUIRE(err.empty());
  CHECK(r.has_overrides);
  CHECK(r.overrides.method == "PUT");
  CHECK(r.overrides.headers == std::vector<std::string>{"X-A: 1", "Authorization: Bearer t"});
  CHECK(r.overrides.body == "hi");
  CHECK(r.overrides.meta == R"({"user":7,"tags":["x"]})");
}

TEST_CASE("request_object: headers as an array and a JSON body") {
  RequestObject r;
  REQUIRE(parse_request_object(R"({"url":"http://a/","headers":["X-B: 2"],"body":{"k":[1,2]}})", r).empty());
  CHECK(r.overrides.headers == std::vector<std::string>{"X-B: 2"});
  CHECK(r.overrides.body == R"({"k":[1,2]})");
}

TEST_CASE("request_object: malformed objects are refused with a reason") {
  for (const char* line : {R"({"url":)", R"(["http://a/"])", R"({"method":"GET"})", R"({"url":5})",
                           R"({"url":"http://a/","metod":"GET"})", R"({"url":"http://a/","headers":"X: 1"})",
                           R"({"url":"http://a/","headers":{"X":"a\r\nB: c"}})", R"({"url":"http://a/","method":""})"}) {
    RequestObject r;
    CHECK_FALSE(parse_request_object(line, r).empty());
  }
}

TEST_CASE("request_object: an input line starting with { goes through the URL checks too") {
  auto p = parse_input_line(R"(  {"url":"127.0.0.1:9/x","meta":"m"} )");
  REQUIRE(p.kind == ParsedLine::Kind::url);
  CHECK(p.url == "127.0.0.1:9/x");
  CHECK(p.target == "http://127.0.0.1:9/x");
  REQUIRE(p.request);
  CHECK(p.request->meta == R"("m")");

  p = parse_input_line(R"({"url":"ftp://x/"})");
  CHECK(p.error == ErrorKind::unsupported_scheme);
  p = parse_input_line(R"({"url":"http://a/", oops})");
  CHECK(p.error == ErrorKind::invalid_input);
  CHECK(p.url == R"({"url":"http://a/", oops})");
}
