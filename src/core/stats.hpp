#pragma once

#include "core/record.hpp"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace volley {

/// Run totals for the summary and the progress line. Latency percentiles come from a fixed-size
/// reservoir sample (as h2load bounds its samples), so memory stays flat however long the run.
class Stats {
 public:
  explicit Stats(std::size_t reservoir = 1 << 16, std::uint64_t seed = 1);

  void add(const Record& r);
  /// A URL read and left to another --shard: it gets no line here.
  void add_other_shard() { ++m_other_shards; }
  /// A URL read that --resume found done in the output file: it gets no new line.
  void add_skipped() { ++m_skipped; }
  /// --crawl: the links found and not fetched, by reason (crawl/crawl_rules.hpp, NotFollowed), in
  /// the order the summary shows them; the summary has no such part when never set.
  void set_not_followed(std::vector<std::pair<std::string, std::uint64_t>> counts) { m_not_followed = std::move(counts); }

  /// Lines: every URL read.
  std::uint64_t done() const { return m_done; }
  /// URLs whose last attempt ran to an end of its own: neither refused before fetching nor interrupted.
  std::uint64_t fetched() const { return m_fetched; }
  std::uint64_t errors() const { return m_errors; }
  std::uint64_t other_shards() const { return m_other_shards; }
  std::uint64_t skipped() const { return m_skipped; }
  /// Lines answered from the --state store (--max-age): not fetched, not counted as responses.
  std::uint64_t cached() const { return m_cached; }
  std::uint64_t by_class(int hundreds) const { return m_classes[hundreds]; }
  std::uint64_t by_kind(ErrorKind k) const { return m_kinds[static_cast<int>(k)]; }
  /// p in [0,100] of time.total, in seconds; 0 when nothing finished.
  double percentile(double p) const;

  /// The stderr summary: URLs, responses by status class, errors by kind, rate, percentiles.
  /// The rate is over URLs fetched, so a run cut short does not count what never started.
  /// `this_run` (--resume): these stats are the whole output file's, and this run's are a part
  /// of them, which the first line names and the rate is over. `peak_rss`, the process's peak
  /// resident set in bytes, which the caller reads as it writes.
  std::string summary(double elapsed_seconds, std::uint64_t peak_rss, const Stats* this_run = nullptr) const;
  /// The same as one JSON object, for --summary-json (docs/output.md); `this_run` as above, and
  /// its counts go in a "this_run" object.
  std::string summary_json(double elapsed_seconds, int exit_status, std::uint64_t peak_rss,
                           const Stats* this_run = nullptr) const;

 private:
  /// "N URLs, N fetched in Ts (R/s)" and the counts that follow it on the summary's first line.
  std::string counts_line(double elapsed_seconds) const;

  std::vector<std::pair<std::string, std::uint64_t>> m_not_followed;
  std::uint64_t m_done = 0;
  std::uint64_t m_fetched = 0;
  std::uint64_t m_errors = 0;
  std::uint64_t m_bytes = 0;
  std::uint64_t m_other_shards = 0;
  std::uint64_t m_skipped = 0;
  std::uint64_t m_cached = 0;
  std::array<std::uint64_t, 6> m_classes{};  // [0]: no status
  std::array<std::uint64_t, error_kind_count> m_kinds{};
  std::size_t m_capacity;
  std::uint64_t m_sampled = 0;
  std::vector<double> m_samples;
  std::mt19937_64 m_rng;
};

}  // namespace volley
