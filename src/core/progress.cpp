#include "core/progress.hpp"

#include "util/rss.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

namespace volley {

namespace {

constexpr Duration draw_interval = std::chrono::milliseconds(250);
constexpr Duration log_interval = std::chrono::seconds(10);

// The total is counted ahead rather than taken from the bytes read of the input's size, because
// bytes read run ahead of lines done by the read-ahead: 3 s into a run of a 1,000,000-line file
// at --per-host 2, with no answer yet, 5.2% of it was read. Counting is cheap: a 1,000,000-line
// file of 54 MiB took 60-210 ms whole on a loaded 2-core machine, 3-11 ms a 4 MiB step. Four
// steps a second keep each turn of the loop short and make the total exact within about three
// seconds; the first step's estimate was 2% off (docs/behaviour.md, "The progress line").
constexpr Duration count_interval = std::chrono::milliseconds(250);
constexpr std::size_t count_budget = 4u << 20;

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::string rate_text(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, rate < 10 ? "%.1f/s" : "%.0f/s", rate);
  return text;
}

std::string eta_text(const ProgressFigures& f, std::uint64_t total) {
  if (f.done >= total) return f.estimated ? "ETA --" : "ETA 0s";
  if (!(f.rate > 0)) return "ETA --";
  const double seconds = std::ceil(static_cast<double>(total - f.done) / f.rate);
  // Beyond a hundred years the rate says nothing; the cast would overflow first.
  if (seconds > 100.0 * 365 * 24 * 3600) return "ETA --";
  return "ETA " + duration_text(static_cast<std::uint64_t>(seconds));
}

struct Part {
  int keep;  // higher stays longer on a narrow terminal
  std::string text;
};

}  // namespace

std::string duration_text(std::uint64_t seconds) {
  char text[48];
  if (seconds < 60)
    std::snprintf(text, sizeof text, "%llus", static_cast<unsigned long long>(seconds));
  else if (seconds < 3600)
    std::snprintf(text, sizeof text, "%llum%02llus", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  else
    std::snprintf(text, sizeof text, "%lluh%02llum", static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60));
  return text;
}

std::string progress_line(const ProgressFigures& f, std::size_t width) {
  std::vector<Part> fields;
  if (f.total) {
    // An estimate that the run has outgrown says so rather than "1200/1000" or "120%".
    const std::uint64_t total = std::max(*f.total, f.done);
    fields.push_back({7, std::to_string(f.done) + (f.estimated ? "/~" : "/") + std::to_string(total)});
    std::uint64_t percent = total == 0 ? 100 : f.done * 100 / total;
    if (f.estimated) percent = std::min<std::uint64_t>(percent, 99);
    fields.push_back({6, std::to_string(percent) + "%"});
  } else {
    fields.push_back({7, "done " + std::to_string(f.done)});
  }
  fields.push_back({1, "in flight " + std::to_string(f.in_flight)});
  fields.push_back({4, "errors " + std::to_string(f.errors)});
  fields.push_back({2, rate_text(f.rate)});
  if (f.total)
    fields.push_back({5, eta_text(f, std::max(*f.total, f.done))});
  else
    fields.push_back({0, duration_text(static_cast<std::uint64_t>(std::max(0.0, f.elapsed_seconds)))});
  fields.push_back({3, "RSS " + human_bytes(f.rss_bytes)});

  // The last column is left empty: some terminals wrap as soon as it is written.
  const std::size_t room = width > 0 ? width - 1 : 0;
  auto joined = [&] {
    std::string line;
    for (const auto& field : fields) {
      if (!line.empty()) line += "  ";
      line += field.text;
    }
    return line;
  };
  std::string line = joined();
  while (line.size() > room && fields.size() > 1) {
    fields.erase(std::min_element(fields.begin(), fields.end(),
                                  [](const Part& a, const Part& b) { return a.keep < b.keep; }));
    line = joined();
  }
  if (line.size() > room) line.resize(room);
  return line;
}

Progress::Progress(const Options& options, TimePoint start)
    : m_draw(options.progress && !options.quiet && ::isatty(STDERR_FILENO)),
      m_log(options.verbose),
      m_start(start),
      m_last_log(start) {
  // A crawl's total is what it will find, which no count of its seeds says.
  if ((m_draw || m_log) && options.queue.empty() && !options.crawl)
    m_count = std::make_unique<InputLineCount>(options.urls, options.inputs);
}

std::optional<TimePoint> Progress::next_due(TimePoint now) const {
  std::optional<TimePoint> due;
  auto sooner = [&](TimePoint t) {
    if (!due || t < *due) due = t;
  };
  if (m_draw) sooner(now + draw_interval);
  if (m_log) sooner(m_last_log + log_interval);
  if (m_count && m_count->counting()) sooner(m_last_count + count_interval);
  return due;
}

ProgressFigures Progress::figures(TimePoint now, const Stats& stats, std::size_t in_flight) const {
  ProgressFigures f;
  f.done = stats.done() + stats.skipped() + stats.other_shards();
  if (m_count) {
    f.total = m_count->total();
    f.estimated = !m_count->complete();
  }
  f.in_flight = in_flight;
  f.errors = stats.errors();
  f.elapsed_seconds = std::chrono::duration<double>(now - m_start).count();
  // Lines --resume skipped cost nothing: counted in the rate, they would make the ETA too short.
  f.rate = f.elapsed_seconds > 0 ? static_cast<double>(stats.done()) / f.elapsed_seconds : 0;
  f.rss_bytes = current_rss_bytes();
  return f;
}

void Progress::update(TimePoint now, const Stats& stats, std::size_t in_flight) {
  if (m_count && m_count->counting() && now - m_last_count >= count_interval) {
    m_count->step(count_budget);
    m_last_count = now;
  }
  if (m_draw && now - m_last_draw >= draw_interval) {
    m_last_draw = now;
    const std::string line = progress_line(figures(now, stats, in_flight), terminal_width());
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    m_drawn = true;
  }
  if (m_log && now - m_last_log >= log_interval) {
    m_last_log = now;
    spdlog::info("{}", progress_line(figures(now, stats, in_flight), std::string::npos));
  }
}

void Progress::clear() {
  if (!m_drawn) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace volley
