#include "core/stats.hpp"

#include "util/rss.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace volley {

Stats::Stats(std::size_t reservoir, std::uint64_t seed) : m_capacity(reservoir ? reservoir : 1), m_rng(seed) {}

void Stats::add(const Record& r) {
  ++m_done;
  if (r.cached) {
    ++m_cached;
    return;
  }
  m_bytes += r.size;
  if (r.attempts > 0 && r.error != ErrorKind::interrupted) ++m_fetched;
  if (r.error != ErrorKind::none) {
    ++m_errors;
    ++m_kinds[static_cast<int>(r.error)];
    return;
  }
  const long cls = r.status.value_or(0) / 100;
  ++m_classes[cls >= 1 && cls <= 5 ? cls : 0];
  // Algorithm R: every response has the same chance to be in the sample.
  const double total = static_cast<double>(r.total_us) / 1e6;
  ++m_sampled;
  if (m_samples.size() < m_capacity) {
    m_samples.push_back(total);
  } else {
    const std::uint64_t j = std::uniform_int_distribution<std::uint64_t>(0, m_sampled - 1)(m_rng);
    if (j < m_capacity) m_samples[j] = total;
  }
}

double Stats::percentile(double p) const {
  if (m_samples.empty()) return 0;
  std::vector<double> sorted = m_samples;
  const auto rank = static_cast<std::size_t>(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(rank), sorted.end());
  return sorted[rank];
}

std::string Stats::counts_line(double elapsed_seconds) const {
  char line[160];
  std::snprintf(line, sizeof line, "%llu URL%s, %llu fetched in %.2fs (%.1f/s)", static_cast<unsigned long long>(m_done),
                m_done == 1 ? "" : "s", static_cast<unsigned long long>(m_fetched), elapsed_seconds,
                elapsed_seconds > 0 ? static_cast<double>(m_fetched) / elapsed_seconds : 0.0);
  std::string out = line;
  if (const auto n = by_kind(ErrorKind::interrupted)) out += ", " + std::to_string(n) + " interrupted";
  if (m_other_shards) out += ", " + std::to_string(m_other_shards) + " left to other shards";
  if (m_skipped) out += ", " + std::to_string(m_skipped) + " skipped (done before)";
  if (m_cached) out += ", " + std::to_string(m_cached) + " cached";
  return out;
}

std::string Stats::summary(double elapsed_seconds, std::uint64_t peak_rss, const Stats* this_run) const {
  std::string out = "volley: ";
  if (this_run)
    out += std::to_string(m_done) + (m_done == 1 ? " URL" : " URLs") +
           " in the output file; this run: " + this_run->counts_line(elapsed_seconds);
  else
    out += counts_line(elapsed_seconds);
  out += '\n';
  char line[256];
  out += "  responses:";
  bool any = false;
  for (int c = 1; c <= 5; ++c) {
    if (!m_classes[c]) continue;
    std::snprintf(line, sizeof line, " %dxx=%llu", c, static_cast<unsigned long long>(m_classes[c]));
    out += line;
    any = true;
  }
  out += any ? "\n" : " none\n";
  if (m_errors) {
    out += "  errors:";
    for (int k = 1; k < error_kind_count; ++k) {
      if (!m_kinds[k]) continue;
      std::snprintf(line, sizeof line, " %s=%llu", std::string(error_kind_name(static_cast<ErrorKind>(k))).c_str(),
                    static_cast<unsigned long long>(m_kinds[k]));
      out += line;
    }
    out += '\n';
  }
  if (!m_samples.empty()) {
    std::snprintf(line, sizeof line, "  time.total: p50=%.3fs p90=%.3fs p99=%.3fs\n", percentile(50), percentile(90),
                  percentile(99));
    out += line;
  }
  const Stats& run = this_run ? *this_run : *this;
  if (!run.m_not_followed.empty()) {
    out += "  links not followed:";
    bool found = false;
    for (const auto& [why, n] : run.m_not_followed) {
      if (!n) continue;
      out += ' ' + why + '=' + std::to_string(n);
      found = true;
    }
    out += found ? "\n" : " none\n";
  }
  out += "  peak RSS: " + human_bytes(peak_rss) + "\n";
  return out;
}

std::string Stats::summary_json(double elapsed_seconds, int exit_status, std::uint64_t peak_rss,
                                const Stats* this_run) const {
  // URLs of other shards and URLs skipped are never lines of the file: only a run counts them.
  const Stats& run = this_run ? *this_run : *this;
  nlohmann::ordered_json j;
  j["urls"] = m_done;
  j["fetched"] = m_fetched;
  j["interrupted"] = by_kind(ErrorKind::interrupted);
  j["other_shards"] = run.m_other_shards;
  j["skipped"] = run.m_skipped;
  j["cached"] = m_cached;
  j["errors_total"] = m_errors;
  auto& responses = j["responses"] = nlohmann::ordered_json::object();
  for (int c = 1; c <= 5; ++c) responses[std::to_string(c) + "xx"] = m_classes[c];
  // Every kind, zeros included, so a monitor reads a fixed set of keys.
  auto& errors = j["errors"] = nlohmann::ordered_json::object();
  for (int k = 1; k < error_kind_count; ++k)
    errors[std::string(error_kind_name(static_cast<ErrorKind>(k)))] = m_kinds[k];
  if (this_run)
    j["this_run"] = {{"urls", run.m_done},
                     {"fetched", run.m_fetched},
                     {"interrupted", run.by_kind(ErrorKind::interrupted)},
                     {"cached", run.m_cached},
                     {"errors_total", run.m_errors}};
  j["bytes"] = m_bytes;
  if (m_samples.empty()) {
    j["time_total"] = nullptr;
  } else {
    j["time_total"] = {{"p50", percentile(50)}, {"p90", percentile(90)}, {"p99", percentile(99)}};
  }
  j["duration"] = elapsed_seconds;
  j["rate"] = elapsed_seconds > 0 ? static_cast<double>(run.m_fetched) / elapsed_seconds : 0.0;
  if (!run.m_not_followed.empty()) {
    // Every reason, zeros included, as for errors.
    auto& skipped_links = j["not_followed"] = nlohmann::ordered_json::object();
    for (const auto& [why, n] : run.m_not_followed) skipped_links[why] = n;
  }
  j["peak_rss_bytes"] = peak_rss;
  j["exit_status"] = exit_status;
  return j.dump() + "\n";
}

}  // namespace volley
