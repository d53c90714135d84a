#include "util/same_file.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <unistd.h>

using namespace volley;

TEST_CASE("same_file: the output named like an input, or linked to it, is that input") {
  ScratchDir d;
  const auto list = d.write("list.txt", "x\n");
  const auto other = d.write("other.txt", "x\n");
  CHECK(input_same_as_output(list, {other, list}) == list);
  CHECK(input_same_as_output(d / "./list.txt", {list}) == list);
  REQUIRE(link(list.c_str(), (d / "alias.txt").c_str()) == 0);
  CHECK(input_same_as_output(d / "alias.txt", {list}) == list);
}

TEST_CASE("same_file: a new output, another file or a device is no input") {
  ScratchDir d;
  const auto list = d.write("list.txt", "x\n");
  CHECK_FALSE(input_same_as_output(d / "new.jsonl", {list}));
  CHECK_FALSE(input_same_as_output(d.write("out.jsonl", "x\n"), {list}));
  CHECK_FALSE(input_same_as_output("/dev/null", {"/dev/null"}));
}
