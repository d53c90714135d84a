#include "util/rss.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <memory>

using namespace volley;

TEST_CASE("rss: the resident set grows with memory touched, and the peak never falls below it") {
  const std::uint64_t before = current_rss_bytes();
  REQUIRE(before > 0);
  constexpr std::size_t size = 64u << 20;
  auto block = std::make_unique<char[]>(size);
  std::memset(block.get(), 1, size);
  const std::uint64_t during = current_rss_bytes();
  CHECK(during >= before + size / 2);
  CHECK(peak_rss_bytes() >= during - (1u << 20));
  CHECK(block[size - 1] == 1);
}

TEST_CASE("rss: human_bytes uses powers of 1024 with one decimal") {
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(1023) == "1023 B");
  CHECK(human_bytes(1024) == "1.0 KiB");
  CHECK(human_bytes(18u * 1024 * 1024 + 400 * 1024) == "18.4 MiB");
  CHECK(human_bytes(3ull << 30) == "3.0 GiB");
  CHECK(human_bytes(5ull << 50) == "5120.0 TiB");
}
