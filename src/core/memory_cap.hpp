#pragma once

#include "core/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace volley {

// --max-memory SIZE: the run keeps its resident set under SIZE by back-pressure on the input,
// never by dropping work (docs/behaviour.md, "Memory"). What it cannot hold back is the fixed
// part: the transfers' own buffers and the bodies kept for the body worker, checked at start.

/// What a transfer in flight costs beyond the bodies it keeps: libcurl's easy handle, its
/// receive buffer and connection, TLS state. Measured on loopback (GNU time's peak RSS at -c 1,
/// 100, 500): about 17 KiB a transfer over HTTP, 71 KiB over HTTPS; rounded up.
inline constexpr std::uint64_t slot_bytes = 80u << 10;
/// What a run takes beyond the memory measured when it starts and its transfers: the trust
/// store libcurl loads on the first TLS handshake, the writer's and the input's buffers, the
/// latency sample (512 KiB when full). Measured: a one-URL run over HTTPS peaks 2.1 MiB above
/// its start (15.0 MiB); twice that leaves room for the sample and the allocator's slack.
inline constexpr std::uint64_t run_bytes = 4u << 20;
/// The share of --max-memory past which the input is held back: the mark leaves room for what
/// is read between two looks at the resident set and for what transfers allocate meanwhile.
inline constexpr double memory_mark = 0.9;

/// The fixed part of a run, in bytes: `baseline` (the resident set measured at start) and
/// run_bytes, plus slot_bytes for each of `concurrency` transfers, plus, when `keeps_bodies`
/// (--title, --links, --extract, --save), `max_body` for each of them: the transfers and the
/// body worker together hold at most -c bodies (Engine::has_room). The read-ahead is not in it:
/// that is what --max-memory holds back.
std::uint64_t fixed_memory_bytes(std::uint64_t baseline, int concurrency, bool keeps_bodies, std::uint64_t max_body);

/// The message that ends a run whose fixed part does not fit in `limit`: the size needed, as
/// --max-memory takes it, rounded up to whole MiB.
std::string memory_too_small_message(std::uint64_t limit, std::uint64_t needed, int concurrency, bool keeps_bodies,
                                     std::uint64_t max_body);

/// Whether --max-memory `limit` (0: none) lets the input be read on, the resident set being
/// `rss`. Below the mark, the read-ahead is what it would be without the flag. At or above it,
/// no URL is read ahead: one is read only while the URLs held, `in_flight` (transfers and bodies
/// in the worker) and `queued` (waiting on their host, their retry or their robots.txt), are
/// fewer than `slots` (-c), so free slots still fill and the run always moves on, even when
/// freed memory never leaves the process (glibc keeps it for reuse).
bool memory_allows_reading(std::uint64_t rss, std::uint64_t limit, std::size_t in_flight, std::size_t queued,
                           std::size_t slots);

/// memory_allows_reading over the process's resident set, read at most once every
/// sample_interval of loop time or every sample_every questions (each URL read asks once): a
/// read of /proc per URL would cost more than the URL.
class MemoryCap {
 public:
  static constexpr Duration sample_interval = std::chrono::milliseconds(5);
  static constexpr int sample_every = 64;

  /// `limit`: --max-memory in bytes, 0 for none. `read_rss`: the resident set now (the tests'
  /// is a fake).
  explicit MemoryCap(std::uint64_t limit, std::function<std::uint64_t()> read_rss);

  bool allows_reading(TimePoint now, std::size_t in_flight, std::size_t queued, std::size_t slots);

 private:
  std::uint64_t m_limit;
  std::function<std::uint64_t()> m_read_rss;
  std::uint64_t m_rss = 0;
  TimePoint m_sampled_at{};
  int m_unsampled = sample_every;  // questions since the last sample: the first one samples
};

}  // namespace volley
