#include "crawl/seen_set.hpp"

namespace volley {

namespace {

// The fingerprints are hashes already: their low bits spread evenly over the table.
std::size_t slot_of(std::uint64_t fp, std::size_t mask) { return static_cast<std::size_t>(fp) & mask; }

}  // namespace

bool SeenSet::insert(std::uint64_t fingerprint) {
  if (fingerprint == 0) fingerprint = 1;
  // At most half full: a probe then ends within a few slots.
  if ((m_size + 1) * 2 > m_slots.size()) grow();
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = slot_of(fingerprint, mask);; i = (i + 1) & mask) {
    if (m_slots[i] == fingerprint) return false;
    if (m_slots[i] == 0) {
      m_slots[i] = fingerprint;
      ++m_size;
      return true;
    }
  }
}

bool SeenSet::contains(std::uint64_t fingerprint) const {
  if (fingerprint == 0) fingerprint = 1;
  if (m_slots.empty()) return false;
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = slot_of(fingerprint, mask);; i = (i + 1) & mask) {
    if (m_slots[i] == fingerprint) return true;
    if (m_slots[i] == 0) return false;
  }
}

void SeenSet::grow() {
  std::vector<std::uint64_t> old = std::move(m_slots);
  m_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
  m_size = 0;
  for (std::uint64_t fp : old)
    if (fp) insert(fp);
}

}  // namespace volley
