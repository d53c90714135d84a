#include "input/line_count.hpp"

#include "scratch_dir.hpp"
#include "test_pipe.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <sys/stat.h>

using namespace volley;

namespace {

std::uint64_t count_in_blocks(const std::string& text, std::size_t cut) {
  InputLineCount::Scan scan;
  InputLineCount::count(std::string_view(text).substr(0, cut), scan);
  InputLineCount::count(std::string_view(text).substr(cut), scan);
  return scan.lines;
}

std::uint64_t counted(InputLineCount& c) {
  while (c.counting()) c.step(1 << 20);
  REQUIRE(c.complete());
  REQUIRE(c.total());
  return *c.total();
}

}  // namespace

TEST_CASE("line_count: URL lines count, blanks and comments do not, as the reader skips them") {
  const std::string text = "http://a/\n\n   \t\r\n  # a comment\n#x\n  http://b/  \r\n{\"url\":\"http://c/\"}\n \x0b\nhttp://d/";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    INFO(cut);
    CHECK(count_in_blocks(text, cut) == 4);
  }
}

TEST_CASE("line_count: files and arguments add up; a blank argument and a byte order mark are no lines") {
  ScratchDir dir;
  const auto a = dir.write("a.txt", "\xEF\xBB\xBFhttp://a/1\nhttp://a/2\n\n");
  const auto bom_only = dir.write("bom.txt", "\xEF\xBB\xBF\n# none\n");
  const auto b = dir.write("b.txt", "http://b/1\nhttp://b/2\nhttp://b/3");
  const auto empty = dir.write("empty.txt", "");
  InputLineCount c({"http://x/", "  ", "http://y/"}, {a, bom_only, b, empty});
  CHECK(c.counting());
  CHECK(counted(c) == 7);
}

TEST_CASE("line_count: until the count is done, the total is scaled from what was counted") {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "http://h/" + std::to_string(1000 + i) + "\n";  // 14 bytes a line
  const auto file = dir.write("urls.txt", text);
  InputLineCount c({}, {file});
  CHECK_FALSE(c.total());
  c.step(1);  // one block at least: all of so small a file
  REQUIRE(c.total());
  CHECK(*c.total() == 1000);
  CHECK(c.complete());

  InputLineCount two({}, {file, file});
  two.step(1);
  REQUIRE(two.total());
  CHECK(*two.total() == 2000);
  CHECK_FALSE(two.complete());
  CHECK(counted(two) == 2000);
}

TEST_CASE("line_count: a pipe or a FIFO among the inputs leaves no total, without waiting for a writer") {
  ScratchDir dir;
  const auto file = dir.write("urls.txt", "http://a/\n");
  TestPipe pipe;
  InputLineCount with_pipe({}, {file, pipe.path()});
  CHECK_FALSE(with_pipe.counting());
  CHECK_FALSE(with_pipe.total());

  const std::string fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  InputLineCount with_fifo({}, {fifo});
  CHECK_FALSE(with_fifo.total());

  InputLineCount args_only({"http://a/", "b.test", "# not a URL", "c.test"}, {});
  CHECK(args_only.complete());
  CHECK(*args_only.total() == 3);
}
