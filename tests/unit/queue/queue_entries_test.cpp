#include "input/input_reader.hpp"
#include "queue/queue_entries.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
using Type = RedisValue::Type;

RedisValue str(std::string s) { return RedisValue{Type::string, std::move(s), 0, {}}; }
RedisValue integer(long long v) { return RedisValue{Type::integer, {}, v, {}}; }
RedisValue nil() { return RedisValue{}; }
RedisValue array(std::vector<RedisValue> e) { return RedisValue{Type::array, {}, 0, std::move(e)}; }
RedisValue entry(std::string id, std::vector<RedisValue> fields) { return array({str(std::move(id)), array(std::move(fields))}); }
}  // namespace

TEST_CASE("queue_entries: XREADGROUP's reply gives each entry's id and line") {
  const RedisValue reply = array({array({str("urls"), array({entry("1-0", {str("line"), str("http://a/")}),
                                                              entry("1-1", {str("other"), str("x"), str("line"), str("b")}),
                                                              entry("1-2", {str("other"), str("x")})})})});
  std::vector<StreamEntry> out;
  REQUIRE(read_xreadgroup(reply, out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].id == "1-0");
  CHECK(out[0].line == "http://a/");
  CHECK(out[1].line == "b");
  CHECK_FALSE(out[2].line);

  out.clear();
  CHECK(read_xreadgroup(nil(), out));  // BLOCK ran out
  CHECK(out.empty());
  CHECK_FALSE(read_xreadgroup(str("x"), out));
  CHECK_FALSE(read_xreadgroup(array({array({str("urls")})}), out));
}

TEST_CASE("queue_entries: XAUTOCLAIM's cursor and entries; deleted ids and nil entries give nothing to fetch") {
  const RedisValue reply = array({str("5-0"), array({entry("2-0", {str("line"), str("http://c/")}), nil()}),
                                  array({str("3-0")})});
  std::string cursor;
  std::vector<StreamEntry> out;
  REQUIRE(read_xautoclaim(reply, cursor, out));
  CHECK(cursor == "5-0");
  REQUIRE(out.size() == 1);
  CHECK(out[0].id == "2-0");
  // Redis 6.2 has no third element.
  out.clear();
  CHECK(read_xautoclaim(array({str("0-0"), array({})}), cursor, out));
  CHECK(cursor == "0-0");
  CHECK_FALSE(read_xautoclaim(array({str("0-0")}), cursor, out));
}

TEST_CASE("queue_entries: delivery counts and the pending total") {
  CHECK(read_deliveries(array({array({str("2-0"), str("w1"), integer(61000), integer(3)})})) == 3);
  CHECK_FALSE(read_deliveries(array({})));  // acknowledged meanwhile
  CHECK(read_pending_count(array({integer(7), str("1-0"), str("9-0"), array({})})) == 7);
  CHECK(read_pending_count(array({integer(0), nil(), nil(), nil()})) == 0);
  CHECK_FALSE(read_pending_count(str("x")));
}

TEST_CASE("queue_entries: an entry's line is judged as an input line is, and poisoned past --max-deliveries") {
  const auto item = entry_item({"1-0", std::string("example.com/a")}, 7, 1, 5);
  REQUIRE(item);
  CHECK(item->job.seq == 7);
  CHECK(item->job.id == "1-0");
  CHECK(item->job.target == "http://example.com/a");
  CHECK(item->job.host_key == "example.com:80");
  CHECK(item->error == ErrorKind::none);

  const auto fifth = entry_item({"1-0", std::string("http://a/")}, 1, 5, 5);
  CHECK(fifth->error == ErrorKind::none);
  const auto sixth = entry_item({"1-0", std::string("http://a/")}, 1, 6, 5);
  CHECK(sixth->error == ErrorKind::poisoned);
  CHECK(sixth->job.url == "http://a/");
  CHECK(sixth->message.find("6 times") != std::string::npos);

  // Whatever wrote the stream, its bytes are held to the input rules.
  const auto bad = entry_item({"1-1", std::string("http://a/\r\nX: y")}, 2, 1, 5);
  CHECK(bad->error == ErrorKind::invalid_url);
  const auto none = entry_item({"1-2", std::nullopt}, 3, 1, 5);
  CHECK(none->error == ErrorKind::invalid_input);
  CHECK(none->job.id == "1-2");
  CHECK_FALSE(entry_item({"1-3", std::string("# a comment")}, 4, 1, 5));
  // An entry of any size costs what a file's line does: its line echoes at most max_line_length.
  const auto huge = entry_item({"1-4", "http://a/" + std::string(10 << 20, 'x')}, 5, 1, 5);
  CHECK(huge->error == ErrorKind::invalid_url);
  CHECK(huge->job.url.size() <= max_line_length);
}

TEST_CASE("queue_entries: a request object's priority stays on its entry and reaches the job") {
  // Redis Streams keep no order but their own: the priority travels in the line, and orders what
  // a worker holds.
  const auto item = entry_item({"1-0", std::string(R"({"url":"http://a/","priority":40})")}, 1, 1, 5);
  REQUIRE(item);
  CHECK(item->job.priority == 40);
  const auto bad = entry_item({"1-1", std::string(R"({"url":"http://a/","priority":"high"})")}, 2, 1, 5);
  CHECK(bad->error == ErrorKind::invalid_input);
}

TEST_CASE("queue_entries: the ack book releases each held id once") {
  AckBook book;
  book.hold(1, "1-0");
  book.hold(2, "1-1");
  book.hold(3, "1-2");
  std::vector<std::string> ids;
  book.release({3, 1, 9}, ids);
  CHECK(ids == std::vector<std::string>{"1-2", "1-0"});
  CHECK(book.held() == 1);
  book.release({1}, ids);
  CHECK(ids.size() == 2);
}
