#include "input/request_object.hpp"
#include "input/url_check.hpp"

#include <catch2/catch.hpp>

using namespace volley;

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

TEST_CASE("request_object: meta and a JSON body keep their text as written") {
  RequestObject r;
  REQUIRE(parse_request_object(
              R"({"url":"http://a/","body":{ "n" : 12345678901234567890123 },"meta": {"big": 12345678901234567890123, "e": 1E2, "inf": 1e400, "f": 1.50, "s": "\u00e9 \" "}})",
              r)
              .empty());
  CHECK(r.overrides.meta == R"({"big":12345678901234567890123,"e":1E2,"inf":1e400,"f":1.50,"s":"\u00e9 \" "})");
  CHECK(r.overrides.body == R"({"n":12345678901234567890123})");
  REQUIRE(parse_request_object(R"({"url":"http://a/","meta":null})", r = {}).empty());
  CHECK(r.overrides.meta == "null");
  CHECK(r.has_overrides);
}

TEST_CASE("request_object: a method must be a token of at most 32 characters") {
  for (const char* ok : {"GET", "M-SEARCH", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    RequestObject r;
    CHECK(parse_request_object(std::string(R"({"url":"http://a/","method":")") + ok + "\"}", r).empty());
    CHECK(r.overrides.method == ok);
  }
  for (const char* bad : {R"("GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\nGET")", R"("G\u0000T")", R"("GET ")",
                          R"("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")", "7", "null"}) {
    RequestObject r;
    const std::string err = parse_request_object(std::string(R"({"url":"http://a/","method":)") + bad + "}", r);
    CHECK(err.find("method") != std::string::npos);
  }
}

TEST_CASE("request_object: header names must be tokens and values free of control characters") {
  for (const char* bad : {R"({"Authorization ":"s"})", R"({"AUTHORIZATION\t":"s"})", R"({"":"s"})",
                          R"({"X":"a\u000bs"})", R"({"X":"a\u0000s"})", R"({"X":"a\u007fs"})", R"({"X":"a\r\nY: s"})",
                          R"([": s"])", R"(["X : s"])", R"(["X: a\u000bs"])", R"(["X"])", R"({"X":1})", "[1]"}) {
    RequestObject r;
    const std::string err = parse_request_object(std::string(R"({"url":"http://a/","headers":)") + bad + "}", r);
    CHECK_FALSE(err.empty());
    CHECK(err.find("a\v") == std::string::npos);
  }
  RequestObject r;
  REQUIRE(parse_request_object(R"({"url":"http://a/","headers":["X-A;","X-B:","X-C: a\tb"]})", r).empty());
  CHECK(r.overrides.headers == std::vector<std::string>{"X-A;", "X-B:", "X-C: a\tb"});
}

TEST_CASE("request_object: a key given twice is refused") {
  RequestObject r;
  CHECK(parse_request_object(R"({"url":"http://a/","method":"GET","method":"DELETE"})", r) ==
        R"(key "method" appears twice)");
  CHECK(parse_request_object(R"({"url":"http://a/","u\u0072l":"http://b/"})", r = {}) == R"(key "url" appears twice)");
}

TEST_CASE("request_object: a refused object still gives its url and meta") {
  RequestObject r;
  CHECK_FALSE(parse_request_object(R"({"meta":{"id":1},"headers":{"Authorization":"s"},"url":"http://a/","x":1})", r).empty());
  CHECK(r.has_url);
  CHECK(r.url == "http://a/");
  CHECK(r.overrides.meta == R"({"id":1})");
  CHECK_FALSE(parse_request_object(R"({"url":5,"meta":1})", r = {}).empty());
  CHECK_FALSE(r.has_url);
}

TEST_CASE("request_object: an invalid line is reported by its url and meta, echoed only when it has no url") {
  auto p = parse_input_line(R"({"url":"http://a/","method":"GET /x","headers":{"Authorization":"secret"},"meta":[1]})");
  CHECK(p.error == ErrorKind::invalid_input);
  CHECK(p.url == "http://a/");
  REQUIRE(p.request);
  CHECK(p.request->meta == "[1]");
  CHECK(p.request->headers.empty());

  const std::string unparseable = R"({"url":"http://a/","headers":{"X":")" + std::string(3000, 'z') + "secret";
  p = parse_input_line(unparseable);
  CHECK(p.error == ErrorKind::invalid_input);
  CHECK(p.url == unparseable.substr(0, max_echo_length));
  CHECK_FALSE(p.request);
}

TEST_CASE("url_check: a password in userinfo is hidden, the rest kept as written") {
  CHECK(redact_password("http://user:pw@h/p") == "http://user:***@h/p");
  CHECK(redact_password("https://u:p%40ss@h:8080/a?b=c:d@e#f") == "https://u:***@h:8080/a?b=c:d@e#f");
  CHECK(redact_password("http://u:p@ss@h/") == "http://u:***@h/");
  CHECK(redact_password("http://user@h/") == "http://user@h/");
  CHECK(redact_password("http://user:@h/") == "http://user:@h/");
  CHECK(redact_password("http://h:80/a@b:c") == "http://h:80/a@b:c");
  CHECK(redact_password("http://h/?u=a:b@c") == "http://h/?u=a:b@c");
  CHECK(redact_password("h:1@x") == "h:1@x");
}

TEST_CASE("request_object: a priority is an integer from -1,000,000 to 1,000,000, 0 when absent") {
  RequestObject r;
  REQUIRE(parse_request_object(R"({"url":"http://a/"})", r).empty());
  CHECK(r.priority == 0);
  for (const auto& [text, value] : std::vector<std::pair<std::string, int>>{
           {"7", 7}, {"-3", -3}, {"0", 0}, {"-0", 0}, {"1000000", 1000000}, {"-1000000", -1000000}}) {
    RequestObject p;
    REQUIRE(parse_request_object(R"({"url":"http://a/","priority":)" + text + "}", p).empty());
    CHECK(p.priority == value);
    // A priority alone is no override of the request: no RequestOverrides is made for it.
    CHECK_FALSE(p.has_overrides);
  }
}

TEST_CASE("request_object: a priority that is not an integer in range is refused, its url and meta kept") {
  for (const char* value : {R"("5")", "1.5", "1e20", "1e2", "1.0", "true", "null", "[1]", "1000001", "-1000001",
                            "99999999999999999999999"}) {
    const std::string line = std::string(R"({"url":"http://a/","priority":)") + value + R"(,"meta":7})";
    RequestObject r;
    CHECK(parse_request_object(line, r) == "\"priority\" must be an integer from -1000000 to 1000000");
    const ParsedLine p = parse_input_line(line);
    CHECK(p.error == ErrorKind::invalid_input);
    CHECK(p.url == "http://a/");
    REQUIRE(p.request);
    CHECK(p.request->meta == "7");
  }
}

TEST_CASE("request_object: an input line's priority reaches its parsed line") {
  CHECK(parse_input_line(R"({"url":"http://a/","priority":-12})").priority == -12);
  CHECK(parse_input_line("http://a/").priority == 0);
}
