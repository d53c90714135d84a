#include "body_store.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/volley-store-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    DIR* dir = opendir(path.c_str());
    while (dirent* e = readdir(dir))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    closedir(dir);
    return out;
  }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("body_store: a hard link named like the body is replaced, not written through") {
  TempDir d;
  const std::string victim = d.path + "/victim";
  std::ofstream(victim) << "precious";
  TempDir save;
  REQUIRE(link(victim.c_str(), (save.path + "/3.body").c_str()) == 0);
  BodyStore store(save.path);
  std::string error;
  CHECK(store.save(3, "body", error) == save.path + "/3.body");
  CHECK(error.empty());
  CHECK(read_all(victim) == "precious");
  CHECK(read_all(save.path + "/3.body") == "body");
  CHECK(save.names() == std::vector<std::string>{"3.body"});
}

TEST_CASE("body_store: a FIFO named like the body is replaced without blocking") {
  TempDir save;
  REQUIRE(mkfifo((save.path + "/1.body").c_str(), 0644) == 0);
  BodyStore store(save.path);
  std::string error;
  CHECK(store.save(1, "hello", error) == save.path + "/1.body");
  struct stat st {};
  REQUIRE(lstat((save.path + "/1.body").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
}

TEST_CASE("body_store: a body that cannot be put in place leaves nothing behind") {
  TempDir save;
  REQUIRE(mkdir((save.path + "/2.body").c_str(), 0755) == 0);
  BodyStore store(save.path);
  std::string error;
  CHECK(store.save(2, "x", error).empty());
  CHECK(error.find("2.body") != std::string::npos);
  CHECK(save.names() == std::vector<std::string>{"2.body"});
}

TEST_CASE("body_store: missing parents of DIR are created, as mkdir -p") {
  TempDir t;
  const std::string dir = t.path + "/a/b//c/";
  BodyStore store(dir);
  std::string error;
  CHECK(store.save(3, "x", error) == t.path + "/a/b//c/3.body");
  CHECK(read_all(t.path + "/a/b/c/3.body") == "x");
  struct stat st {};
  REQUIRE(stat((t.path + "/a/b").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
}

TEST_CASE("body_store: a file where a parent should be is refused") {
  TempDir t;
  std::ofstream(t.path + "/f") << "x";
  CHECK_THROWS_WITH(BodyStore(t.path + "/f/sub"), Catch::Contains("cannot create --save directory"));
}
