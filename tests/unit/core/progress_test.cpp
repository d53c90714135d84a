#include "core/progress.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// 1234 of 10000 at 40/s: 8766 left, 220 s.
ProgressFigures midway() {
  ProgressFigures f;
  f.done = 1234;
  f.total = 10000;
  f.in_flight = 50;
  f.errors = 3;
  f.elapsed_seconds = 30.85;
  f.rate = 40;
  f.rss_bytes = 18 * mib + 400 * 1024;
  return f;
}

}  // namespace

TEST_CASE("progress: durations read as at most two units") {
  struct Case {
    std::uint64_t seconds;
    const char* text;
  };
  const std::vector<Case> cases = {
      {0, "0s"},         {59, "59s"},       {60, "1m00s"},     {83, "1m23s"},        {3599, "59m59s"},
      {3600, "1h00m"},   {7500, "2h05m"},   {7559, "2h05m"},   {360000, "100h00m"},
  };
  for (const auto& c : cases) {
    INFO(c.seconds);
    CHECK(duration_text(c.seconds) == c.text);
  }
}

TEST_CASE("progress: the line's fields for a known total, a pipe and the edges of an estimate") {
  struct Case {
    const char* what;
    ProgressFigures f;
    const char* line;
  };
  std::vector<Case> cases;
  cases.push_back({"a file's total", midway(), "1234/10000  12%  in flight 50  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB"});
  {
    ProgressFigures f = midway();
    f.done = 170, f.total = 1000, f.rate = 10;  // 830 left at 10/s
    cases.push_back({"ETA in minutes", f, "170/1000  17%  in flight 50  errors 3  10/s  ETA 1m23s  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 2500, f.total = 10000, f.rate = 1;  // 7500 left at 1/s
    cases.push_back({"ETA in hours", f, "2500/10000  25%  in flight 50  errors 3  1.0/s  ETA 2h05m  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 999, f.total = 1000, f.rate = 2.5;  // 0.4 s left: rounded up, never "0s" while a line is out
    cases.push_back({"ETA under a second", f, "999/1000  99%  in flight 50  errors 3  2.5/s  ETA 1s  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.total.reset();
    f.done = 7, f.in_flight = 0, f.errors = 0, f.rate = 4, f.elapsed_seconds = 65.9, f.rss_bytes = 512;
    cases.push_back({"a pipe: no total", f, "done 7  in flight 0  errors 0  4.0/s  1m05s  RSS 512 B"});
  }
  {
    ProgressFigures f = midway();
    f.done = 0, f.total = 100, f.rate = 0, f.in_flight = 10, f.errors = 0;
    cases.push_back({"zero rate", f, "0/100  0%  in flight 10  errors 0  0.0/s  ETA --  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 500, f.total = 1000, f.estimated = true, f.rate = 100;
    cases.push_back({"a total still counted", f, "500/~1000  50%  in flight 50  errors 3  100/s  ETA 5s  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 1200, f.total = 1000, f.estimated = true;
    cases.push_back({"done beyond the estimate", f, "1200/~1200  99%  in flight 50  errors 3  40/s  ETA --  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 1000, f.total = 1000, f.in_flight = 0;
    cases.push_back({"all done", f, "1000/1000  100%  in flight 0  errors 3  40/s  ETA 0s  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.done = 0, f.total = 0, f.in_flight = 0, f.rate = 0;
    cases.push_back({"an empty file", f, "0/0  100%  in flight 0  errors 3  0.0/s  ETA 0s  RSS 18.4 MiB"});
  }
  {
    ProgressFigures f = midway();
    f.rate = 1e-12;
    cases.push_back({"a rate that says nothing", f, "1234/10000  12%  in flight 50  errors 3  0.0/s  ETA --  RSS 18.4 MiB"});
  }
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(progress_line(c.f, 200) == c.line);
  }
}

TEST_CASE("progress: a narrow terminal drops the least important fields first") {
  struct Case {
    std::size_t width;
    const char* line;
  };
  // The full line is 70 columns; the last column is never written.
  const std::vector<Case> cases = {
      {80, "1234/10000  12%  in flight 50  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB"},
      {71, "1234/10000  12%  in flight 50  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB"},
      {70, "1234/10000  12%  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB"},
      {57, "1234/10000  12%  errors 3  40/s  ETA 3m40s  RSS 18.4 MiB"},
      {56, "1234/10000  12%  errors 3  ETA 3m40s  RSS 18.4 MiB"},
      {51, "1234/10000  12%  errors 3  ETA 3m40s  RSS 18.4 MiB"},
      {50, "1234/10000  12%  errors 3  ETA 3m40s"},
      {37, "1234/10000  12%  errors 3  ETA 3m40s"},
      {36, "1234/10000  12%  ETA 3m40s"},
      {27, "1234/10000  12%  ETA 3m40s"},
      {26, "1234/10000  12%"},
      {15, "1234/10000"},
      {8, "1234/10"},
      {1, ""},
  };
  for (const auto& c : cases) {
    INFO(c.width);
    CHECK(progress_line(midway(), c.width) == c.line);
  }

  ProgressFigures pipe = midway();
  pipe.total.reset();
  CHECK(progress_line(pipe, 80) == "done 1234  in flight 50  errors 3  40/s  30s  RSS 18.4 MiB");
  CHECK(progress_line(pipe, 50) == "done 1234  errors 3  40/s  RSS 18.4 MiB");
  CHECK(progress_line(pipe, 30) == "done 1234  errors 3");
}

TEST_CASE("progress: no width makes a line that wraps") {
  ProgressFigures f = midway();
  f.done = 123456789012, f.total = 999999999999, f.errors = 1234567, f.in_flight = 1000000;
  for (std::size_t width = 1; width <= 200; ++width) {
    INFO(width);
    CHECK(progress_line(f, width).size() < width);
  }
}
