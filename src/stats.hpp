#pragma once

#include "record.hpp"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

/// Run totals for the summary and the progress line. Latency percentiles come from a fixed-size
/// reservoir sample (as h2load bounds its samples), so memory stays flat however long the run.
class Stats {
 public:
  explicit Stats(std::size_t reservoir = 1 << 16, std::uint64_t seed = 1);

  void add(const Record& r);

  std::uint64_t done() const { return m_done; }
  std::uint64_t errors() const { return m_errors; }
  std::uint64_t by_class(int hundreds) const { return m_classes[hundreds]; }
  std::uint64_t by_kind(ErrorKind k) const { return m_kinds[static_cast<int>(k)]; }
  /// p in [0,100] of time.total, in seconds; 0 when nothing finished.
  double percentile(double p) const;

  /// The stderr summary: URLs, responses by status class, errors by kind, rate, percentiles.
  std::string summary(double elapsed_seconds) const;

 private:
  std::uint64_t m_done = 0;
  std::uint64_t m_errors = 0;
  std::array<std::uint64_t, 6> m_classes{};  // [0]: no status
  std::array<std::uint64_t, error_kind_count> m_kinds{};
  std::size_t m_capacity;
  std::uint64_t m_sampled = 0;
  std::vector<double> m_samples;
  std::mt19937_64 m_rng;
};
