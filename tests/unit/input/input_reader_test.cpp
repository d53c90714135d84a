#include "input/input_reader.hpp"
#include "input/url_check.hpp"

#include "scratch_dir.hpp"
#include "test_pipe.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string_view>
#include <unistd.h>

using namespace volley;

TEST_CASE("input_reader: lines are trimmed; blanks and comments are skipped") {
  CHECK(parse_input_line("").kind == ParsedLine::Kind::skip);
  CHECK(parse_input_line("   \t\r").kind == ParsedLine::Kind::skip);
  CHECK(parse_input_line("  # a comment").kind == ParsedLine::Kind::skip);
  const auto p = parse_input_line("  https://Example.com/a?b=1 \r");
  REQUIRE(p.kind == ParsedLine::Kind::url);
  CHECK(p.url == "https://Example.com/a?b=1");
  CHECK(p.target == "https://Example.com/a?b=1");
  CHECK(p.host_key == "example.com:443");
}

TEST_CASE("input_reader: a URL without a scheme gets http:// as curl gives it") {
  const auto p = parse_input_line("127.0.0.1:8080/x");
  REQUIRE(p.kind == ParsedLine::Kind::url);
  CHECK(p.url == "127.0.0.1:8080/x");
  CHECK(p.target == "http://127.0.0.1:8080/x");
  CHECK(p.host_key == "127.0.0.1:8080");
  CHECK(parse_input_line("example.com").host_key == "example.com:80");
}

TEST_CASE("input_reader: other schemes are refused as unsupported") {
  for (const char* line : {"ftp://x/y", "file:///etc/passwd", "gopher://h/", "HTTPX://a"}) {
    const auto p = parse_input_line(line);
    CHECK(p.kind == ParsedLine::Kind::error);
    CHECK(p.error == ErrorKind::unsupported_scheme);
  }
  CHECK(parse_input_line("HTTP://a/").kind == ParsedLine::Kind::url);
}

TEST_CASE("input_reader: malformed lines are invalid_url, with a reason") {
  const std::string nul("http://a/\0b", 11);
  const std::string huge = "http://a/" + std::string(max_url_length, 'x');
  for (const std::string& line :
       {nul, std::string("http://a/\xE9"), huge, std::string("http://a b/"), std::string("http://"),
        std::string("http://[::1/")}) {
    const auto p = parse_input_line(line);
    CHECK(p.kind == ParsedLine::Kind::error);
    CHECK(p.error == ErrorKind::invalid_url);
    CHECK_FALSE(p.message.empty());
  }
}

namespace {

// A pipe standing in for stdin for one test; stdin is put back however the test ends.
class StdinPipe : public TestPipe {
 public:
  StdinPipe() {
    m_saved = dup(STDIN_FILENO);
    dup2(read_fd(), STDIN_FILENO);
  }
  ~StdinPipe() {
    dup2(m_saved, STDIN_FILENO);
    close(m_saved);
  }

 private:
  int m_saved = -1;
};
}  // namespace

TEST_CASE("input_reader: arguments come first, then files; seq counts URLs, errors included") {
  ScratchDir dir;
  const std::string path = dir.write("list.txt", "# list\n\nb.test/1\n  ftp://no \nc.test/2");  // no final newline
  InputReader reader({"a.test/0"}, {path});
  std::vector<InputItem> items;
  InputItem item;
  while (reader.next(item) == InputReader::Status::item) items.push_back(item);
  REQUIRE(items.size() == 4);
  CHECK(items[0].job.url == "a.test/0");
  CHECK(items[1].job.url == "b.test/1");
  CHECK(items[2].error == ErrorKind::unsupported_scheme);
  CHECK(items[3].job.url == "c.test/2");
  for (std::size_t i = 0; i < items.size(); ++i) CHECK(items[i].job.seq == i + 1);
}

TEST_CASE("input_reader: each item carries its own line's priority, 0 for a plain URL") {
  // The engine reads into one item all turn long: a priority must not stay behind for the next.
  InputReader reader({R"({"url":"http://a/1","priority":5})", "http://a/2", R"({"url":"http://a/3","priority":-1})"}, {});
  InputItem item;
  std::vector<int> priorities;
  while (reader.next(item) == InputReader::Status::item) priorities.push_back(item.job.priority);
  CHECK(priorities == std::vector<int>{5, 0, -1});
}

TEST_CASE("input_reader: an over-long line is one error and the next line is read") {
  ScratchDir dir;
  const std::string path = dir.write("list.txt", "http://a/" + std::string(3 * max_line_length, 'x') + "\nhttp://b/\n");
  InputReader reader({}, {path});
  InputItem item;
  REQUIRE(reader.next(item) == InputReader::Status::item);
  CHECK(item.error == ErrorKind::invalid_url);
  REQUIRE(reader.next(item) == InputReader::Status::item);
  CHECK(item.job.url == "http://b/");
  CHECK(item.job.seq == 2);
  CHECK(reader.next(item) == InputReader::Status::eof);
}

TEST_CASE("input_reader: an empty pipe says again instead of blocking") {
  StdinPipe in;
  InputReader reader({}, {"-"});
  InputItem item;
  CHECK(reader.next(item) == InputReader::Status::again);
  REQUIRE(in.send("http://a/\nhttp://b"));
  REQUIRE(reader.next(item) == InputReader::Status::item);
  CHECK(item.job.url == "http://a/");
  CHECK(reader.next(item) == InputReader::Status::again);  // "http://b" may still grow
  in.close_writer();
  REQUIRE(reader.next(item) == InputReader::Status::item);
  CHECK(item.job.url == "http://b");
  CHECK(reader.next(item) == InputReader::Status::eof);
}

TEST_CASE("input_reader: a UTF-8 BOM at the start of each file is skipped, elsewhere it is data") {
  const std::string bom = "\xEF\xBB\xBF";
  ScratchDir dir;
  const std::string a = dir.write("a", bom + "http://a/\n" + bom + "http://b/\n");
  const std::string b = dir.write("b", bom + "http://c/");  // a file that is one line without "\n"
  const std::string c = dir.write("c", bom);                 // a file that is only a BOM
  const std::string d = dir.write("d", "\xEF\xBBhttp://d/\n");  // not a BOM: line 1 stays invalid
  InputReader reader({}, {a, b, c, d});
  std::vector<InputItem> items;
  InputItem item;
  while (reader.next(item) == InputReader::Status::item) items.push_back(item);
  REQUIRE(items.size() == 4);
  CHECK(items[0].job.url == "http://a/");
  CHECK(items[0].error == ErrorKind::none);
  CHECK(items[1].job.url == bom + "http://b/");  // kept as read: only a source's first bytes are a BOM
  CHECK(items[2].job.url == "http://c/");
  CHECK(items[2].error == ErrorKind::none);
  CHECK(items[3].error == ErrorKind::invalid_url);
}

TEST_CASE("input_reader: a BOM that arrives on a pipe a byte at a time is skipped") {
  StdinPipe in;
  InputReader reader({}, {"-"});
  InputItem item;
  for (const char* byte : {"\xEF", "\xBB", "\xBF"}) {
    REQUIRE(in.send(byte));
    CHECK(reader.next(item) == InputReader::Status::again);
  }
  REQUIRE(in.send("http://a/\n"));
  REQUIRE(reader.next(item) == InputReader::Status::item);
  CHECK(item.job.url == "http://a/");
  CHECK(item.error == ErrorKind::none);
  in.close_writer();
  CHECK(reader.next(item) == InputReader::Status::eof);
}

TEST_CASE("input_reader: a missing file fails at once with its name") {
  CHECK_THROWS_WITH(InputReader({}, {"/nonexistent/list.txt"}), Catch::Contains("/nonexistent/list.txt"));
}
