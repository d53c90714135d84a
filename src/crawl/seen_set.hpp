#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace volley {

/// The canonical URLs a crawl has fetched or queued, as 64-bit fingerprints (url_fingerprint) in
/// an open-addressing table: 8 bytes a URL at a load of one half to one quarter, 16 to 32 bytes
/// in all, rather than the string (docs/crawl.md, "Memory").
class SeenSet {
 public:
  /// Adds `fingerprint`; false when it was there already.
  bool insert(std::uint64_t fingerprint);
  bool contains(std::uint64_t fingerprint) const;
  std::size_t size() const { return m_size; }
  std::size_t bytes() const { return m_slots.capacity() * sizeof(std::uint64_t); }

 private:
  void grow();

  std::vector<std::uint64_t> m_slots;  // 0: empty (a fingerprint of 0 is kept as 1)
  std::size_t m_size = 0;
};

}  // namespace volley
