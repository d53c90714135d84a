#include "queue/results_stream.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
using Type = RedisValue::Type;

RedisValue str(std::string s) { return RedisValue{Type::string, std::move(s), 0, {}}; }
RedisValue integer(long long v) { return RedisValue{Type::integer, {}, v, {}}; }
RedisValue array(std::vector<RedisValue> e) { return RedisValue{Type::array, {}, 0, std::move(e)}; }
}  // namespace

TEST_CASE("results_stream: the run_id of INFO server, a key at the start of a line") {
  const std::string info = "# Server\r\nredis_version:7.0.15\r\nmaster_run_id:zzz\r\nrun_id:4f2a9c\r\ntcp_port:6379\r\n";
  CHECK(read_run_id(info) == "4f2a9c");
  CHECK(read_run_id("run_id:abc") == "abc");
  CHECK_FALSE(read_run_id("# Server\r\nmaster_run_id:zzz\r\n"));
  CHECK_FALSE(read_run_id("run_id:\r\n"));
  CHECK_FALSE(read_run_id(""));
}

TEST_CASE("results_stream: XINFO GROUPS lists a group by its name only") {
  const RedisValue groups = array({array({str("name"), str("volley"), str("consumers"), integer(1)}),
                                   array({str("name"), str("other"), str("pending"), integer(0)})});
  CHECK(lists_group(groups, "volley"));
  CHECK(lists_group(groups, "other"));
  CHECK_FALSE(lists_group(groups, "consumers"));
  CHECK_FALSE(lists_group(groups, "vol"));
  CHECK_FALSE(lists_group(array({}), "volley"));
  CHECK_FALSE(lists_group(RedisValue{Type::error, "NOGROUP", 0, {}}, "volley"));
}
