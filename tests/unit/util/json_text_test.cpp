#include "util/json_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

TEST_CASE("json_text: RFC 8259 values pass, numbers of any size included") {
  for (const char* ok : {"0", "-0.0", "1E2", "1e400", "12345678901234567890123", "-1.5e-7", "\"\"", "\"a\\u00e9\\n\"",
                         "true", "false", "null", "[]", "{}", " [1, [2, {\"a\": [null]}]] ", "{\"a\":{\"b\":{}}}",
                         "\"caf\xc3\xa9\""})
    CHECK(is_json(ok));
  for (const char* bad : {"", " ", "01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "Infinity", "tru", "nul",
                          "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "[1 2]", "\"\\x\"",
                          "\"\\u12\"", "\"a", "'a'", "[1]]", "{} {}", "\"\x01\"", "\"\xff\"", "[\"\xc3\"]"})
    CHECK_FALSE(is_json(bad));
}

TEST_CASE("json_text: deep nesting is scanned without recursion") {
  const std::string deep = std::string(500000, '[') + std::string(500000, ']');
  CHECK(is_json(deep));
  CHECK_FALSE(is_json(deep.substr(1)));
}

TEST_CASE("json_text: an object's members are spans of the text, in order, duplicates kept") {
  const std::string text = R"( { "url" : "http://a/" , "meta":{"n": 1e400 , "s":"}"}, "url":[1] } )";
  const auto m = json_object_members(text);
  REQUIRE(m);
  REQUIRE(m->size() == 3);
  CHECK((*m)[0].key == R"("url")");
  CHECK((*m)[0].value == R"("http://a/")");
  CHECK((*m)[1].key == R"("meta")");
  CHECK((*m)[1].value == R"({"n": 1e400 , "s":"}"})");
  CHECK((*m)[2].value == "[1]");
  CHECK(json_object_members("{}")->empty());
  CHECK_FALSE(json_object_members("[1]"));
  CHECK_FALSE(json_object_members(R"({"a":1} x)"));
  CHECK_FALSE(json_object_members(R"({"a":01})"));
}

TEST_CASE("json_text: an array's items are spans of the text") {
  const auto items = json_array_items(R"([ "a: 1" , {"b":2}, 3 ])");
  REQUIRE(items);
  CHECK(*items == std::vector<std::string_view>{R"("a: 1")", R"({"b":2})", "3"});
  CHECK(json_array_items("[]")->empty());
  CHECK_FALSE(json_array_items("{}"));
  CHECK_FALSE(json_array_items("[1,]"));
}

TEST_CASE("json_text: string literals decode to UTF-8; a lone surrogate does not") {
  CHECK(decode_json_string(R"("a\"b\\c\u00e9\ud83d\ude00\n")") == std::string("a\"b\\c\xc3\xa9\xf0\x9f\x98\x80\n"));
  CHECK(decode_json_string(R"("a\u0000b")") == std::string("a\0b", 3));
  CHECK_FALSE(decode_json_string(R"("\ud800")"));
  CHECK_FALSE(decode_json_string("12"));
  CHECK_FALSE(decode_json_string(""));
}

TEST_CASE("json_text: minify drops whitespace between tokens and keeps every token as written") {
  CHECK(minify_json(" {\n\t\"a b\" : [ 1E2 , 1e400,\r\n12345678901234567890123, \"x \\\" y\" ] } ") ==
        R"({"a b":[1E2,1e400,12345678901234567890123,"x \" y"]})");
  CHECK(minify_json(R"("\\" )") == R"("\\")");
  CHECK(minify_json("-0.0") == "-0.0");
}
