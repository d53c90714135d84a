#include "output/summary_file.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fstream>
#include <sstream>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace volley;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/volley-summary-XXXXXX";
    REQUIRE(::mkdtemp(name));
    path = name;
  }
  ~TempDir() {
    if (DIR* d = ::opendir(path.c_str())) {
      while (dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") ::unlink((path + "/" + n).c_str());
      }
      ::closedir(d);
    }
    ::rmdir(path.c_str());
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(path.c_str());
    REQUIRE(d);
    while (dirent* e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    ::closedir(d);
    return out;
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("summary_file: the file is replaced whole and nothing else is left") {
  TempDir dir;
  const std::string path = dir.path + "/summary.json";
  {
    std::ofstream old(path);
    old << std::string(10000, 'x');
  }
  REQUIRE(write_file_atomically(path, "{\"urls\":1}\n").empty());
  CHECK(read(path) == "{\"urls\":1}\n");
  CHECK(dir.names() == std::vector<std::string>{"summary.json"});
}

TEST_CASE("summary_file: a relative path is written in the working directory") {
  TempDir dir;
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  REQUIRE(::chdir(dir.path.c_str()) == 0);
  const std::string checked = check_summary_path("s.json");
  const std::string written = write_file_atomically("s.json", "{}\n");
  REQUIRE(::chdir(cwd) == 0);
  CHECK(checked.empty());
  CHECK(written.empty());
  CHECK(read(dir.path + "/s.json") == "{}\n");
}

TEST_CASE("summary_file: a place that cannot hold the file is refused before the run, untouched") {
  TempDir dir;
  CHECK_FALSE(check_summary_path(dir.path + "/missing/summary.json").empty());
  CHECK_FALSE(check_summary_path(dir.path).empty());
  CHECK_FALSE(check_summary_path(dir.path + "/").empty());
  CHECK_FALSE(check_summary_path("").empty());
  CHECK(check_summary_path(dir.path + "/summary.json").empty());
  CHECK(dir.names().empty());
}

TEST_CASE("summary_file: a failed write says why and leaves no temporary file") {
  TempDir dir;
  REQUIRE(::mkdir((dir.path + "/taken").c_str(), 0755) == 0);
  CHECK_FALSE(write_file_atomically(dir.path + "/taken", "{}\n").empty());  // rename onto a directory
  CHECK(dir.names() == std::vector<std::string>{"taken"});
  CHECK_FALSE(write_file_atomically(dir.path + "/missing/s.json", "{}\n").empty());
}
