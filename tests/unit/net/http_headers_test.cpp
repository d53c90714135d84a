#include "net/http_headers.hpp"

#include <catch2/catch.hpp>

using namespace volley;

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

TEST_CASE("http_headers: methods and header names are RFC 9110 tokens") {
  for (const char* ok : {"GET", "M-SEARCH", "x", "!#$%&'*+-.^_`|~09azAZ"}) CHECK(is_http_token(ok));
  for (const char* bad : {"", "GET ", " GET", "GET\t", "G:T", "G(T)", "G\"T", "G/T", "GÉT", "Authorization "})
    CHECK_FALSE(is_http_token(bad));
  CHECK_FALSE(is_http_token(std::string_view("G\0T", 3)));

  CHECK(check_method("PATCH").empty());
  CHECK(check_method(std::string(max_method_length, 'A')).empty());
  CHECK_FALSE(check_method(std::string(max_method_length + 1, 'A')).empty());
  CHECK_FALSE(check_method("GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\nGET").empty());
  CHECK_FALSE(check_method("").empty());
}

TEST_CASE("http_headers: values hold no control character but tab") {
  for (const char* ok : {"", "a b", "a\tb", "caf\xc3\xa9", "\xff"}) CHECK(is_header_value(ok));
  for (const char* bad : {"a\rb", "a\nb", "a\vb", "a\fb", "a\x1b", "a\x7f"}) CHECK_FALSE(is_header_value(bad));
  CHECK_FALSE(is_header_value(std::string_view("a\0b", 3)));
}

TEST_CASE("http_headers: curl's -H forms are checked, and reasons never quote the value") {
  for (const char* ok : {"X-A: 1", "X-A:1", "X-A:", "X-A: ", "X-A;", "X-A: a;b: c", "X-A: a\tb"})
    CHECK(check_header_line(ok).empty());
  for (const char* bad : {"Authorization : secret", ": v", "X A: 1", "X-A: a\vsecret", "no colon", "X; v", ";",
                          "X-A: a\r\nX-B: secret", "X-A;;"}) {
    const std::string err = check_header_line(bad);
    CHECK_FALSE(err.empty());
    CHECK(err.find("secret") == std::string::npos);
  }
  CHECK(check_header("X-A", "v").empty());
  CHECK_FALSE(check_header("", "v").empty());
  CHECK_FALSE(check_header("AUTHORIZATION\t", "v").empty());
}

TEST_CASE("http_headers: curl's \"Name;\" form replaces a header of the same name") {
  CHECK(merge_headers({"X-A: 1", "X-B: 2"}, {"X-A;"}) == std::vector<std::string>{"X-B: 2", "X-A;"});
  CHECK(merge_headers({"X-A;"}, {"x-a: 3"}) == std::vector<std::string>{"x-a: 3"});
}

TEST_CASE("http_headers: a response header line loses its line ending and OWS, its name its case") {
  const HeaderLine h = parse_header_line("X-Thing:\t  two words \t\r\n");
  CHECK(h.kind == HeaderLine::Kind::field);
  CHECK(h.name == "x-thing");
  CHECK(h.value == "two words");
  CHECK(parse_header_line("X-Empty:\r\n").value.empty());
  CHECK(parse_header_line("X-Lax: v\n").value == "v");
  CHECK(parse_header_line("\r\n").kind == HeaderLine::Kind::other);
}
