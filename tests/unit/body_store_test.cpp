#include "body_store.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <unistd.h>

namespace fs = std::filesystem;

// Written against BodyStore's interface (save → path, or an error) and the file it leaves, so
// that how the bytes get there (one open, or a temporary file and a rename) may change.

namespace {
std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("body_store: a body is saved byte for byte as DIR/<seq>.body") {
  ScratchDir tmp;
  const BodyStore store(tmp.path().string());
  const std::string body("\x00\xFF<html>\r\n\x1B caf\xC3\xA9", 16);
  std::string error;
  const std::string path = store.save(7, body, error);
  CHECK(error.empty());
  CHECK(path == tmp / "7.body");
  CHECK(contents(path) == body);
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
  CHECK(contents(tmp / "bodies/2.body") == "x");
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
  CHECK(contents(tmp / "victim") == "precious");
  // Refusing the write or replacing the link with a file of its own are both safe.
  if (path.empty()) {
    CHECK_FALSE(error.empty());
  } else {
    CHECK(fs::is_regular_file(fs::symlink_status(path)));
    CHECK(contents(path) == "attacker's body");
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
