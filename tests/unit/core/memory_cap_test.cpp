#include "core/memory_cap.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {
constexpr std::uint64_t MiB = std::uint64_t{1} << 20;
}  // namespace

TEST_CASE("memory_cap: the fixed part is the start, the run, a slot per transfer and, when kept, a body each") {
  CHECK(fixed_memory_bytes(10 * MiB, 1, false, 10 * MiB) == 10 * MiB + run_bytes + slot_bytes);
  CHECK(fixed_memory_bytes(10 * MiB, 500, false, 10 * MiB) == 10 * MiB + run_bytes + 500 * slot_bytes);
  // --title, --links, --extract, --save: the transfers and the body worker hold -c bodies at most.
  CHECK(fixed_memory_bytes(10 * MiB, 50, true, 1 * MiB) == 10 * MiB + run_bytes + 50 * (slot_bytes + MiB));
  // -c is at least 1 by its flag's check; the formula does not count on it.
  CHECK(fixed_memory_bytes(0, 0, false, 0) == run_bytes + slot_bytes);
}

TEST_CASE("memory_cap: the message gives the size needed as the flag takes it, rounded up, and a MiB to spare") {
  CHECK(memory_too_small_message(8 * MiB, 36 * MiB + 1, 500, false, 10 * MiB) ==
        "--max-memory 8M is too small for -c 500: needs at least 38M");
  CHECK(memory_too_small_message(8 * MiB, 37 * MiB, 500, false, 10 * MiB) ==
        "--max-memory 8M is too small for -c 500: needs at least 38M");
  CHECK(memory_too_small_message(100 * MiB, 520 * MiB, 50, true, 10 * MiB) ==
        "--max-memory 100M is too small for -c 50 keeping bodies of up to --max-body 10M: needs at least 521M");
}

TEST_CASE("memory_cap: below the mark the read-ahead is untouched, above it only free slots are filled") {
  const std::uint64_t limit = 40 * MiB;
  SECTION("no limit: always") { CHECK(memory_allows_reading(1ull << 40, 0, 50, 100000, 50)); }
  SECTION("below 90%: however much is queued") {
    CHECK(memory_allows_reading(35 * MiB, limit, 50, 100000, 50));
  }
  SECTION("at or above 90%: nothing read ahead") {
    CHECK_FALSE(memory_allows_reading(36 * MiB, limit, 50, 0, 50));
    CHECK_FALSE(memory_allows_reading(39 * MiB, limit, 1, 49, 50));
    CHECK_FALSE(memory_allows_reading(39 * MiB, limit, 0, 1, 1));
  }
  SECTION("above it, a free slot with nothing queued for it is filled") {
    CHECK(memory_allows_reading(39 * MiB, limit, 49, 0, 50));
    CHECK(memory_allows_reading(39 * MiB, limit, 10, 20, 50));
  }
  SECTION("nothing in flight and nothing queued: one URL is read whatever the memory, so the run moves on") {
    CHECK(memory_allows_reading(1ull << 40, limit, 0, 0, 1));
    CHECK(memory_allows_reading(1ull << 40, 1, 0, 0, 50));
  }
}

TEST_CASE("memory_cap: the resident set is read at most every 5 ms or every 64 questions") {
  int reads = 0;
  std::uint64_t rss = 10 * MiB;
  MemoryCap cap(40 * MiB, [&] {
    ++reads;
    return rss;
  });
  const TimePoint t0{};
  CHECK(cap.allows_reading(t0, 50, 1000, 50));
  CHECK(reads == 1);
  rss = 39 * MiB;
  // Within the same turn: the last sample stands until 64 questions were asked.
  for (int i = 1; i < MemoryCap::sample_every; ++i) CHECK(cap.allows_reading(t0, 50, 1000, 50));
  CHECK(reads == 1);
  CHECK_FALSE(cap.allows_reading(t0, 50, 1000, 50));
  CHECK(reads == 2);
  rss = 10 * MiB;
  CHECK_FALSE(cap.allows_reading(t0 + std::chrono::milliseconds(4), 50, 1000, 50));
  CHECK(reads == 2);
  CHECK(cap.allows_reading(t0 + std::chrono::milliseconds(6), 50, 1000, 50));
  CHECK(reads == 3);
}

TEST_CASE("memory_cap: without a limit the resident set is never read") {
  int reads = 0;
  MemoryCap cap(0, [&] {
    ++reads;
    return std::uint64_t{1} << 40;
  });
  for (int i = 0; i < 1000; ++i) CHECK(cap.allows_reading(TimePoint{} + std::chrono::seconds(i), 50, 1000, 50));
  CHECK(reads == 0);
}
