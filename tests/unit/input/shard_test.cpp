#include "input/shard.hpp"
#include "input/url_check.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace volley;

// The published FNV-1a 64 vectors, then hosts worked out independently (docs/cron.md shows the
// same in Python): other tools that split a list the same way rely on these staying put.
TEST_CASE("shard: FNV-1a 64 matches the reference vectors") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
  CHECK(fnv1a64("example.com") == 0x576846634e2714c6ull);
  CHECK(fnv1a64("127.0.0.1") == 0xaabafe7104d914beull);
  CHECK(fnv1a64("b\xc3\xbc" "cher.example") == 0x5263ab40646afb2aull);
}

TEST_CASE("shard: a host's shard is fnv1a64(lower-cased host) % N + 1") {
  CHECK(shard_of_host("example.com", 3) == 3);
  CHECK(shard_of_host("example.com", 8) == 7);
  CHECK(shard_of_host("www.example.org", 3) == 1);
  CHECK(shard_of_host("127.0.0.1", 8) == 7);
  CHECK(shard_of_host("[::1]", 8) == 1);
  CHECK(shard_of_host("xn--bcher-kva.example", 8) == 5);
  CHECK(shard_of_host("b\xc3\xbc" "cher.example", 8) == 3);
  CHECK(shard_of_host("anything", 1) == 1);
  // Only ASCII letters are lower-cased: the host bytes are otherwise hashed as written.
  CHECK(shard_of_host("EXAMPLE.Com", 8) == shard_of_host("example.com", 8));
}

TEST_CASE("shard: the port is not hashed, so one host is on one shard whatever its ports") {
  const Shard s{3, 8};  // example.com is on shard 7 of 8, [::1] on shard 1
  CHECK_FALSE(shard_takes(s, false, "example.com:80"));
  CHECK(shard_takes(Shard{7, 8}, false, "example.com:80"));
  CHECK(shard_takes(Shard{7, 8}, false, "example.com:8443"));
  CHECK(shard_takes(Shard{1, 8}, false, "[::1]:443"));
  CHECK_FALSE(shard_takes(Shard{2, 8}, false, "[::1]:443"));
}

TEST_CASE("shard: a refused line is reported by shard 1 alone; 1/1 takes everything") {
  CHECK(shard_takes(Shard{1, 4}, true, ""));
  CHECK_FALSE(shard_takes(Shard{2, 4}, true, ""));
  CHECK_FALSE(shard_takes(Shard{4, 4}, true, ""));
  CHECK(shard_takes(Shard{}, true, ""));
  CHECK(shard_takes(Shard{}, false, "example.com:80"));
}

TEST_CASE("shard: every host lands on exactly one shard, and the shards share the hosts out") {
  std::map<std::uint32_t, int> per_shard;
  for (int i = 0; i < 3000; ++i) {
    const std::string key = "host" + std::to_string(i) + ".test:80";
    int takers = 0;
    for (std::uint32_t k = 1; k <= 3; ++k)
      if (shard_takes(Shard{k, 3}, false, key)) {
        ++takers;
        ++per_shard[k];
      }
    CHECK(takers == 1);
  }
  // A fair split gives 1000 each; a broken hash gives far fewer to some shard.
  for (std::uint32_t k = 1; k <= 3; ++k) CHECK(per_shard[k] > 800);
}

TEST_CASE("shard: K/N parses only as 1 <= K <= N") {
  const auto s = parse_shard("2/8");
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 8);
  CHECK(parse_shard("1/1"));
  CHECK(parse_shard("3/3"));
  CHECK(parse_shard("1000000/1000000"));
  for (const char* bad : {"0/3", "4/3", "a/b", "1/0", "0/0", "", "/", "1/", "/3", "1", "1/3/5", "-1/3", "+1/3",
                          " 1/3", "1/3 ", "1 /3", "1.0/3", "1/1000001", "1/99999999999999999999", "1\\3"}) {
    INFO(bad);
    CHECK_FALSE(parse_shard(bad));
  }
}

// What is hashed is the host part of url_check's host_key: pinned here, since docs/cron.md tells
// other tools which spelling of a host to hash.
TEST_CASE("shard: the host hashed is the URL's host as written, ASCII lower-cased, port dropped") {
  CHECK(parse_input_line("http://Example.COM/x").host_key == "example.com:80");
  CHECK(parse_input_line("https://example.com/x").host_key == "example.com:443");
  CHECK(parse_input_line("example.com:8080").host_key == "example.com:8080");
  CHECK(parse_input_line("http://user:pw@example.com/").host_key == "example.com:80");
  CHECK(parse_input_line("http://[::1]:8080/").host_key == "[::1]:8080");
  CHECK(parse_input_line("http://B\xc3\xbc" "cher.example/").host_key == "b\xc3\xbc" "cher.example:80");
  CHECK(parse_input_line("http://127.1/").host_key == "127.0.0.1:80");
}
