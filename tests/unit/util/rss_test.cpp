#include "util/rss.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <memory>

using namespace volley;

// The resident set is compared with the block alone, not with a reading before it: other tests'
// threads may return memory meanwhile, so a difference of two readings can even shrink.
TEST_CASE("rss: the resident set holds memory touched, and the peak never falls below it") {
  constexpr std::size_t size = 64u << 20;
  auto block = std::make_unique<char[]>(size);
  std::memset(block.get(), 1, size);
  const std::uint64_t during = current_rss_bytes();
  CHECK(during >= size);
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
