#include "core/memory_cap.hpp"

#include "util/units.hpp"

#include <utility>

namespace volley {

std::uint64_t fixed_memory_bytes(std::uint64_t baseline, int concurrency, bool keeps_bodies, std::uint64_t max_body) {
  const std::uint64_t slots = static_cast<std::uint64_t>(concurrency > 0 ? concurrency : 1);
  const std::uint64_t per_slot = slot_bytes + (keeps_bodies ? max_body : 0);
  return baseline + run_bytes + slots * per_slot;
}

std::string memory_too_small_message(std::uint64_t limit, std::uint64_t needed, int concurrency, bool keeps_bodies,
                                     std::uint64_t max_body) {
  const std::uint64_t mib = std::uint64_t{1} << 20;
  std::string text = "--max-memory " + size_text(limit) + " is too small for -c " + std::to_string(concurrency);
  if (keeps_bodies) text += " keeping bodies of up to --max-body " + size_text(max_body);
  // One MiB over the figure rounded up: the resident set at start, a part of `needed`, differs
  // from run to run by some hundreds of KiB, and the size quoted must pass when given back.
  return text + ": needs at least " + std::to_string((needed + mib - 1) / mib + 1) + "M";
}

bool memory_allows_reading(std::uint64_t rss, std::uint64_t limit, std::size_t in_flight, std::size_t queued,
                           std::size_t slots) {
  if (limit == 0) return true;
  if (static_cast<double>(rss) < memory_mark * static_cast<double>(limit)) return true;
  return in_flight + queued < slots;
}

MemoryCap::MemoryCap(std::uint64_t limit, std::function<std::uint64_t()> read_rss)
    : m_limit(limit), m_read_rss(std::move(read_rss)) {}

bool MemoryCap::allows_reading(TimePoint now, std::size_t in_flight, std::size_t queued, std::size_t slots) {
  if (m_limit == 0) return true;
  if (m_unsampled >= sample_every || now - m_sampled_at >= sample_interval) {
    m_rss = m_read_rss();
    m_sampled_at = now;
    m_unsampled = 0;
  }
  ++m_unsampled;
  return memory_allows_reading(m_rss, m_limit, in_flight, queued, slots);
}

}  // namespace volley
