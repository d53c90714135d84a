#include "net/sha256.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("sha256: the known digests, whole or fed in pieces") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("a");
  h.update("");
  h.update("bc");
  CHECK(h.hex() == sha256_hex("abc"));
}

TEST_CASE("sha256: reset starts over") {
  Sha256 h;
  h.update("xyz");
  h.reset();
  h.update("abc");
  CHECK(h.hex() == sha256_hex("abc"));
  h.reset();
  CHECK(h.hex() == sha256_hex(""));
}
