#include "scrape/body_store.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace volley;

namespace fs = std::filesystem;

TEST_CASE("body_store: a hard link named like the body is replaced, not written through") {
  ScratchDir d;
  const std::string victim = d / "victim";
  std::ofstream(victim) << "precious";
  ScratchDir save;
  REQUIRE(link(victim.c_str(), (save / "3.body").c_str()) == 0);
  BodyStore store(save.path().string());
  std::string error;
  CHECK(store.save(3, "body", error) == save / "3.body");
  CHECK(error.empty());
  CHECK(file_text(victim) == "precious");
  CHECK(file_text(save / "3.body") == "body");
  CHECK(save.names() == std::vector<std::string>{"3.body"});
}

TEST_CASE("body_store: a FIFO named like the body is replaced without blocking") {
  ScratchDir save;
  REQUIRE(mkfifo((save / "1.body").c_str(), 0644) == 0);
  BodyStore store(save.path().string());
  std::string error;
  CHECK(store.save(1, "hello", error) == save / "1.body");
  struct stat st {};
  REQUIRE(lstat((save / "1.body").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
}

TEST_CASE("body_store: a body that cannot be put in place leaves nothing behind") {
  ScratchDir save;
  REQUIRE(mkdir((save / "2.body").c_str(), 0755) == 0);
  BodyStore store(save.path().string());
  std::string error;
  CHECK(store.save(2, "x", error).empty());
  CHECK(error.find("2.body") != std::string::npos);
  CHECK(save.names() == std::vector<std::string>{"2.body"});
}

// The cases below go through save() and the file it leaves only, not how the bytes get there.

TEST_CASE("body_store: a body is saved byte for byte as DIR/<seq>.body") {
  ScratchDir tmp;
  const BodyStore store(tmp.path().string());
  const std::string body("\x00\xFF<html>\r\n\x1B caf\xC3\xA9", 16);
  std::string error;
  const std::string path = store.save(7, body, error);
  CHECK(error.empty());
  CHECK(path == tmp / "7.body");
  CHECK(file_text(path) == body);
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
}

TEST_CASE("body_store: an empty body gives an empty file") {
  ScratchDir tmp;
  const BodyStore store(tmp.path().string());
  std::string error;
  const std::string path = store.save(1, "", error);
  REQUIRE_FALSE(path.empty());
  CHECK(fs::file_size(path) == 0);
}

TEST_CASE("body_store: a missing DIR is created; a trailing slash makes no double slash") {
  ScratchDir tmp;
  const BodyStore store(tmp / "bodies/");
  CHECK(fs::is_directory(tmp / "bodies"));
  std::string error;
  const std::string path = store.save(2, "x", error);
  CHECK(path == tmp / "bodies/2.body");
  CHECK(file_text(tmp / "bodies/2.body") == "x");
}

TEST_CASE("body_store: a DIR that is a file is refused when the store is made") {
  ScratchDir tmp;
  std::ofstream(tmp / "file") << "x";
  CHECK_THROWS_AS(BodyStore(tmp / "file"), std::runtime_error);
}

TEST_CASE("body_store: a symlink planted under DIR does not redirect the write") {
  ScratchDir tmp;
  std::ofstream(tmp / "victim") << "precious";
  fs::create_directory(tmp / "bodies");
  fs::create_symlink(tmp / "victim", tmp / "bodies/3.body");
  const BodyStore store(tmp / "bodies");
  std::string error;
  const std::string path = store.save(3, "attacker's body", error);
  CHECK(file_text(tmp / "victim") == "precious");
  // Refusing the write or replacing the link with a file of its own are both safe.
  if (path.empty()) {
    CHECK_FALSE(error.empty());
  } else {
    CHECK(fs::is_regular_file(fs::symlink_status(path)));
    CHECK(file_text(path) == "attacker's body");
  }
}

TEST_CASE("body_store: a failed write is an error for that body, not an exception") {
  ScratchDir tmp;
  const BodyStore store(tmp / "bodies");
  fs::remove(tmp / "bodies");
  std::string error;
  CHECK(store.save(4, "x", error).empty());
  CHECK_FALSE(error.empty());
  CHECK_FALSE(fs::exists(tmp / "bodies"));
}

TEST_CASE("body_store: missing parents of DIR are created, as mkdir -p") {
  ScratchDir t;
  const std::string dir = t.path().string() + "/a/b//c/";
  BodyStore store(dir);
  std::string error;
  CHECK(store.save(3, "x", error) == t.path().string() + "/a/b//c/3.body");
  CHECK(file_text(t.path().string() + "/a/b/c/3.body") == "x");
  struct stat st {};
  REQUIRE(stat((t.path().string() + "/a/b").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
}

TEST_CASE("body_store: a file where a parent should be is refused") {
  ScratchDir t;
  std::ofstream(t.path().string() + "/f") << "x";
  CHECK_THROWS_WITH(BodyStore(t.path().string() + "/f/sub"), Catch::Contains("cannot create --save directory"));
}
