#include "util/utf8.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
std::string body(std::string_view s) {
  std::string out;
  append_json_string_body(out, s);
  return out;
}
}  // namespace

TEST_CASE("utf8: well-formed text passes and ill-formed text does not") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("Caf\xC3\xA9 \xC3\xBC" "ber \xF0\x9F\x98\x80"));
  CHECK_FALSE(is_valid_utf8("Caf\xE9"));             // Latin-1
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));            // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));        // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));    // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));            // truncated
}

TEST_CASE("utf8: JSON strings escape quotes, backslashes and control characters") {
  CHECK(body("a\"b\\c") == "a\\\"b\\\\c");
  CHECK(body("l1\nl2\r\t") == "l1\\nl2\\r\\t");
  CHECK(body(std::string_view("\0\x01\x1f", 3)) == "\\u0000\\u0001\\u001f");
  CHECK(body("/path?q=1&x=<>") == "/path?q=1&x=<>");
}

TEST_CASE("utf8: invalid bytes become U+FFFD and valid sequences survive") {
  CHECK(body("Caf\xE9 \xFC" "ber") == "Caf\xEF\xBF\xBD \xEF\xBF\xBD" "ber");
  CHECK(body("\xC3\xA9") == "\xC3\xA9");
  CHECK(body("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(is_valid_utf8(body("\xFF\xFE\xC0\x80\xED\xA0\x80 ok")));
}

TEST_CASE("utf8: a prefix is cut before a character, never inside it") {
  const std::string s = "ab\xc3\xa9\xf0\x9f\x98\x80";  // a b é 😀
  CHECK(utf8_prefix(s, 100) == s);
  CHECK(utf8_prefix(s, 2) == "ab");
  CHECK(utf8_prefix(s, 3) == "ab");
  CHECK(utf8_prefix(s, 4) == "ab\xc3\xa9");
  CHECK(utf8_prefix(s, 6) == "ab\xc3\xa9");
  CHECK(utf8_prefix(s, 7) == "ab\xc3\xa9");
  CHECK(utf8_prefix(s, 0).empty());
}

TEST_CASE("utf8: to_valid_utf8 replaces each ill-formed byte and keeps the rest") {
  CHECK(to_valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(to_valid_utf8("a\xE2 b") == "a\xEF\xBF\xBD b");  // a lone lead byte, as gumbo left one
  CHECK(to_valid_utf8("\xC3\xB0\xFF") == "\xC3\xB0\xEF\xBF\xBD");
  CHECK(is_valid_utf8(to_valid_utf8(std::string("\xE2\xC3\xB0\x80\xED\xA0\x80", 7))));
}
