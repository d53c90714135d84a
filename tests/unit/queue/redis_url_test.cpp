#include "queue/redis_url.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
RedisUrl parsed(std::string_view text) {
  std::string why;
  auto url = parse_redis_url(text, why);
  INFO(text << ": " << why);
  REQUIRE(url);
  return *url;
}

std::string refused(std::string_view text) {
  std::string why;
  auto url = parse_redis_url(text, why);
  INFO(text);
  CHECK_FALSE(url);
  CHECK_FALSE(why.empty());
  return why;
}
}  // namespace

TEST_CASE("redis_url: host, port and stream") {
  RedisUrl u = parsed("redis://127.0.0.1:6380/urls");
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 6380);
  CHECK(u.stream == "urls");
  CHECK(u.password.empty());
  CHECK(parsed("REDIS://queue.internal/crawl:2026-11").port == 6379);
  CHECK(parsed("redis://queue.internal/crawl:2026-11").stream == "crawl:2026-11");
  CHECK(parsed("redis://[::1]:7000/s").host == "::1");
  CHECK(parsed("redis://[::1]/s").port == 6379);
}

TEST_CASE("redis_url: a password, with or without a user, percent-decoded") {
  RedisUrl u = parsed("redis://:s3cr%40t@h:1/q");
  CHECK(u.user.empty());
  CHECK(u.password == "s3cr@t");
  RedisUrl v = parsed("redis://worker:pw@h/q");
  CHECK(v.user == "worker");
  CHECK(v.password == "pw");
  CHECK(redis_url_text(v) == "redis://h:6379/q");
  CHECK(redis_url_text(parsed("redis://:pw@[::1]:7/q")) == "redis://[::1]:7/q");
}

TEST_CASE("redis_url: what is refused") {
  refused("");
  refused("http://h/q");
  refused("redis://h");
  refused("redis://h/");
  refused("redis://h:0/q");
  refused("redis://h:65536/q");
  refused("redis://h:/q");
  refused("redis://h:x/q");
  refused("redis:///q");
  refused("redis://h/q r");
  refused("redis://h/q\r\nFLUSHALL");
  refused("redis://h/a/b");
  refused("redis://h/q?db=1");
  refused("redis://h/q#x");
  refused("redis://h/q%20");
  refused("redis://pw@h/q");
  refused("redis://:p%0d%0aFLUSHALL@h/q");
  refused("redis://:p%zz@h/q");
  refused("redis://:p%4@h/q");
  refused("redis://[::1/q");
  refused("redis://[::1]x/q");
  refused("redis://[fe80::1%25eth0]/q");
  refused("redis://h\x7f/q");
  refused("redis://ho$t/q");
  refused("redis://h/" + std::string(257, 's'));
  CHECK(parsed("redis://h/" + std::string(256, 's')).stream.size() == 256);
}

TEST_CASE("redis_url: shard streams are STREAM:k") {
  CHECK(shard_stream("urls", 1) == "urls:1");
  CHECK(shard_stream("urls", 12) == "urls:12");
}
