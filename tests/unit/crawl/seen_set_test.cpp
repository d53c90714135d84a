#include "crawl/seen_set.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace volley;

TEST_CASE("seen_set: each fingerprint once, through growth") {
  SeenSet seen;
  std::mt19937_64 rng(20);
  std::vector<std::uint64_t> fps;
  for (int i = 0; i < 100000; ++i) fps.push_back(rng());
  for (auto fp : fps) CHECK(seen.insert(fp));
  for (auto fp : fps) CHECK_FALSE(seen.insert(fp));
  CHECK(seen.size() == fps.size());
  for (auto fp : fps) CHECK(seen.contains(fp));
  CHECK_FALSE(seen.contains(rng()));
  // 8 bytes a slot, at most half full: 16 to 32 bytes a URL (docs/crawl.md, "Memory").
  CHECK(seen.bytes() <= 32 * fps.size());
  CHECK(seen.bytes() >= 16 * fps.size());
}

TEST_CASE("seen_set: 0, the empty slot's mark, is a fingerprint like another") {
  SeenSet seen;
  CHECK_FALSE(seen.contains(0));
  CHECK(seen.insert(0));
  CHECK(seen.contains(0));
  CHECK_FALSE(seen.insert(0));
}
