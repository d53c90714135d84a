#include "net/request_setup.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

namespace {

using Base = RequestSetup::Base;

// The request line's method as libcurl will write it.
std::string wire_method(const RequestSetup& s) {
  if (!s.custom_method.empty()) return s.custom_method;
  return s.base == Base::head ? "HEAD" : s.base == Base::post ? "POST" : "GET";
}

}  // namespace

TEST_CASE("request_setup: the command line alone") {
  const std::optional<std::string> none, data = std::string("d");
  auto s = decide_request("", none, nullptr);
  CHECK((s.base == Base::get && s.custom_method.empty() && !s.body));
  s = decide_request("", data, nullptr);
  CHECK((s.base == Base::post && s.custom_method.empty() && *s.body == "d"));
  s = decide_request("HEAD", data, nullptr);
  CHECK((s.base == Base::head && s.custom_method.empty() && !s.body));
  s = decide_request("GET", data, nullptr);
  CHECK((s.base == Base::post && s.custom_method == "GET" && *s.body == "d"));
  s = decide_request("POST", none, nullptr);
  CHECK((s.base == Base::get && s.custom_method == "POST" && !s.body));
  s = decide_request("PUT", data, nullptr);
  CHECK((s.base == Base::post && s.custom_method == "PUT" && *s.body == "d"));
}

TEST_CASE("request_setup: every combination of -X, -d, and an object's method and body") {
  const std::vector<std::string> cli_methods{"", "GET", "HEAD", "POST", "PUT"};
  const std::vector<std::optional<std::string>> cli_datas{std::nullopt, std::string("cli-data"), std::string()};
  const std::vector<std::optional<std::string>> object_methods{std::nullopt, "GET", "HEAD", "POST", "DELETE"};
  const std::vector<std::optional<std::string>> object_bodies{std::nullopt, std::string("object-body"), std::string()};
  int cases = 0;
  for (const auto& cli_method : cli_methods)
    for (const auto& cli_data : cli_datas)
      for (const bool has_object : {false, true})
        for (const auto& object_method : object_methods)
          for (const auto& object_body : object_bodies) {
            if (!has_object && (object_method || object_body)) continue;
            RequestOverrides object;
            object.method = object_method;
            object.body = object_body;
            const RequestSetup s = decide_request(cli_method, cli_data, has_object ? &object : nullptr);
            ++cases;
            INFO("-X '" << cli_method << "' -d " << (cli_data ? "'" + *cli_data + "'" : "none") << " object "
                        << (has_object ? "yes" : "no") << " method " << object_method.value_or("none") << " body "
                        << object_body.value_or("none"));

            // The object's fields win over the flags, each on its own.
            const std::string method = has_object && object.method ? *object.method : cli_method;
            const std::optional<std::string>& body = has_object && object.body ? object.body : cli_data;
            const std::string expected_method = !method.empty() ? method : body ? "POST" : "GET";
            CHECK(wire_method(s) == expected_method);
            if (method == "HEAD") {
              // libcurl's own HEAD, which reads no body; a custom "HEAD" would wait for one.
              CHECK(s.base == Base::head);
              CHECK(s.custom_method.empty());
              CHECK_FALSE(s.body);
            } else if (body) {
              CHECK(s.base == Base::post);
              REQUIRE(s.body);
              CHECK(s.body == &*body);  // the caller's bytes, not a copy that would die first
            } else {
              CHECK(s.base == Base::get);
              CHECK_FALSE(s.body);
            }
            // A custom method only where libcurl's own word would be a different one.
            CHECK(s.custom_method != (s.base == Base::post ? "POST" : "GET"));
          }
  CHECK(cases == 5 * 3 * (1 + 5 * 3));
}
