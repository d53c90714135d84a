#include "util/directories.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <sys/stat.h>

using namespace volley;

namespace {
bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

TEST_CASE("directories: every missing parent of a path is created, as mkdir -p") {
  ScratchDir d;
  CHECK(make_parent_directories(d / "out/2026-12-06/night.jsonl").empty());
  CHECK(is_dir(d / "out/2026-12-06"));
  CHECK(make_parent_directories(d / "out/2026-12-06/again.jsonl").empty());  // already there
  CHECK(make_directories(d / "a//b/").empty());
  CHECK(is_dir(d / "a/b"));
  CHECK(make_parent_directories("no-slash.jsonl").empty());
  CHECK(make_parent_directories("/at-the-root").empty());
}

TEST_CASE("directories: a file in the way is an error that names it") {
  ScratchDir d;
  const auto file = d.write("taken", "x");
  const std::string why = make_parent_directories(file + "/sub/out.jsonl");
  CHECK(why == file + "/sub: Not a directory");
}
