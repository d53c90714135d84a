#include "util/same_file.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace volley;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/volley-same-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
  std::string file(const std::string& name, const std::string& text = "x\n") const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

}  // namespace

TEST_CASE("same_file: the output named like an input, or linked to it, is that input") {
  TempDir d;
  const auto list = d.file("list.txt");
  const auto other = d.file("other.txt");
  CHECK(input_same_as_output(list, {other, list}) == list);
  CHECK(input_same_as_output(d.path + "/./list.txt", {list}) == list);
  REQUIRE(link(list.c_str(), (d.path + "/alias.txt").c_str()) == 0);
  CHECK(input_same_as_output(d.path + "/alias.txt", {list}) == list);
}

TEST_CASE("same_file: a new output, another file or a device is no input") {
  TempDir d;
  const auto list = d.file("list.txt");
  CHECK_FALSE(input_same_as_output(d.path + "/new.jsonl", {list}));
  CHECK_FALSE(input_same_as_output(d.file("out.jsonl"), {list}));
  CHECK_FALSE(input_same_as_output("/dev/null", {"/dev/null"}));
}
