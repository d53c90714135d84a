#include "output/summary_file.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace volley;

TEST_CASE("summary_file: the file is replaced whole and nothing else is left") {
  ScratchDir dir;
  const std::string path = dir / "summary.json";
  {
    std::ofstream old(path);
    old << std::string(10000, 'x');
  }
  REQUIRE(write_file_atomically(path, "{\"urls\":1}\n").empty());
  CHECK(file_text(path) == "{\"urls\":1}\n");
  CHECK(dir.names() == std::vector<std::string>{"summary.json"});
}

TEST_CASE("summary_file: a relative path is written in the working directory") {
  ScratchDir dir;
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  const std::string checked = check_summary_path("s.json");
  const std::string written = write_file_atomically("s.json", "{}\n");
  REQUIRE(::chdir(cwd) == 0);
  CHECK(checked.empty());
  CHECK(written.empty());
  CHECK(file_text(dir / "s.json") == "{}\n");
}

TEST_CASE("summary_file: a place that cannot hold the file is refused before the run, untouched") {
  ScratchDir dir;
  CHECK_FALSE(check_summary_path(dir / "missing/summary.json").empty());
  CHECK_FALSE(check_summary_path(dir.path().string()).empty());
  CHECK_FALSE(check_summary_path(dir.path().string() + "/").empty());
  CHECK_FALSE(check_summary_path("").empty());
  CHECK(check_summary_path(dir / "summary.json").empty());
  CHECK(dir.names().empty());
}

TEST_CASE("summary_file: a failed write says why and leaves no temporary file") {
  ScratchDir dir;
  REQUIRE(::mkdir((dir / "taken").c_str(), 0755) == 0);
  CHECK_FALSE(write_file_atomically(dir / "taken", "{}\n").empty());  // rename onto a directory
  CHECK(dir.names() == std::vector<std::string>{"taken"});
  CHECK_FALSE(write_file_atomically(dir / "missing/s.json", "{}\n").empty());
}
