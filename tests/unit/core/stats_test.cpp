#include "core/stats.hpp"

#include "doc_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {
Record response(long status, std::int64_t total_us) {
  Record r;
  r.status = status;
  r.total_us = total_us;
  return r;
}
}  // namespace

TEST_CASE("stats: counts responses by class and errors by kind") {
  Stats s;
  s.add(response(200, 1000));
  s.add(response(404, 1000));
  s.add(response(503, 1000));
  Record failed;
  failed.error = ErrorKind::timeout;
  s.add(failed);
  CHECK(s.done() == 4);
  CHECK(s.by_class(2) == 1);
  CHECK(s.by_class(4) == 1);
  CHECK(s.by_class(5) == 1);
  CHECK(s.errors() == 1);
  CHECK(s.by_kind(ErrorKind::timeout) == 1);
  const std::string text = s.summary(2.0, 0);
  CHECK(text.find("4 URLs") != std::string::npos);
  CHECK(text.find("timeout=1") != std::string::npos);
  CHECK(text.find("2xx=1") != std::string::npos);
}

TEST_CASE("stats: percentiles of time.total") {
  Stats s;
  for (int i = 1; i <= 100; ++i) s.add(response(200, i * 1000));
  CHECK(s.percentile(50) == Approx(0.050).margin(0.0011));
  CHECK(s.percentile(90) == Approx(0.090).margin(0.0011));
  CHECK(s.percentile(99) == Approx(0.099).margin(0.0011));
}

TEST_CASE("stats: the sample stays bounded and representative over a long run") {
  Stats s(1000, 42);
  for (int i = 0; i < 200000; ++i) s.add(response(200, (i % 2 == 0) ? 1000 : 3000));
  CHECK(s.done() == 200000);
  CHECK(s.percentile(10) == Approx(0.001));
  CHECK(s.percentile(90) == Approx(0.003));
}

TEST_CASE("stats: the rate counts URLs fetched, not those interrupted or refused") {
  Stats s;
  Record fetched = response(200, 1000);
  fetched.attempts = 1;
  s.add(fetched);
  Record interrupted;
  interrupted.error = ErrorKind::interrupted;
  interrupted.attempts = 1;  // in flight when the signal came
  for (int i = 0; i < 3; ++i) s.add(interrupted);
  Record refused;
  refused.error = ErrorKind::invalid_url;
  s.add(refused);
  CHECK(s.done() == 5);
  CHECK(s.fetched() == 1);
  const std::string text = s.summary(2.0, 0);
  CHECK(text.find("volley: 5 URLs, 1 fetched in 2.00s (0.5/s), 3 interrupted\n") == 0);
}

TEST_CASE("stats: the JSON summary holds every count a monitor needs") {
  Stats s;
  Record ok = response(200, 2000);
  ok.attempts = 1;
  ok.size = 100;
  s.add(ok);
  Record failed;
  failed.error = ErrorKind::dns;
  failed.attempts = 3;
  s.add(failed);
  const auto j = nlohmann::json::parse(s.summary_json(4.0, 1, 0));
  CHECK(j["urls"] == 2);
  CHECK(j["fetched"] == 2);
  CHECK(j["interrupted"] == 0);
  CHECK(j["other_shards"] == 0);
  CHECK(j["responses"]["2xx"] == 1);
  CHECK(j["responses"]["5xx"] == 0);
  CHECK(j["errors"]["dns"] == 1);
  CHECK(j["errors"]["timeout"] == 0);
  CHECK(j["bytes"] == 100);
  CHECK(j["time_total"]["p50"] == Approx(0.002));
  CHECK(j["duration"] == Approx(4.0));
  CHECK(j["rate"] == Approx(0.5));
  CHECK(j["exit_status"] == 1);
  CHECK(nlohmann::json::parse(Stats().summary_json(0, 0, 0))["time_total"].is_null());
}

TEST_CASE("stats: URLs left to other shards are no lines, and the summary says how many") {
  Stats s;
  s.add(response(200, 1000));
  s.add_other_shard();
  s.add_other_shard();
  CHECK(s.done() == 1);
  CHECK(s.other_shards() == 2);
  const std::string first = s.summary(1.0, 0).substr(0, s.summary(1.0, 0).find('\n'));
  CHECK(first.starts_with("volley: 1 URL,"));
  CHECK(first.ends_with(", 2 left to other shards"));
  CHECK(Stats().summary(1.0, 0).find("other shards") == std::string::npos);
}

TEST_CASE("stats: URLs --resume skipped are no lines and no fetches, and the summary says how many") {
  Stats s;
  Record ok = response(200, 1000);
  ok.attempts = 1;
  s.add(ok);
  for (int i = 0; i < 3; ++i) s.add_skipped();
  CHECK(s.done() == 1);
  CHECK(s.fetched() == 1);
  CHECK(s.skipped() == 3);
  const std::string first = s.summary(2.0, 0).substr(0, s.summary(2.0, 0).find('\n'));
  CHECK(first == "volley: 1 URL, 1 fetched in 2.00s (0.5/s), 3 skipped (done before)");
  const auto j = nlohmann::json::parse(s.summary_json(2.0, 0, 0));
  CHECK(j["skipped"] == 3);
  CHECK(j["urls"] == 1);
  CHECK(j["rate"] == Approx(0.5));
  CHECK(Stats().summary(1.0, 0).find("skipped") == std::string::npos);
}

TEST_CASE("stats: a --resume summary counts the whole file, with this run's counts apart") {
  Stats run;
  Record ok = response(200, 1000);
  ok.attempts = 1;
  run.add(ok);
  run.add_skipped();
  run.add_skipped();
  Stats file;
  Record failed;
  failed.attempts = 1;
  failed.error = ErrorKind::timeout;
  file.add(failed);
  file.add(response(200, 1000));
  file.add(ok);
  const std::string text = file.summary(2.0, 0, &run);
  CHECK(text.substr(0, text.find('\n')) ==
        "volley: 3 URLs in the output file; this run: 1 URL, 1 fetched in 2.00s (0.5/s), 2 skipped (done before)");
  CHECK(text.find("timeout=1") != std::string::npos);
  const auto j = nlohmann::json::parse(file.summary_json(2.0, 0, 0, &run));
  CHECK(j["urls"] == 3);
  CHECK(j["errors_total"] == 1);
  CHECK(j["skipped"] == 2);
  CHECK(j["rate"] == Approx(0.5));
  CHECK(j["this_run"] == nlohmann::json::parse(
                             R"({"urls":1,"fetched":1,"interrupted":0,"cached":0,"errors_total":0})"));
  CHECK_FALSE(nlohmann::json::parse(run.summary_json(2.0, 0, 0)).contains("this_run"));
}

TEST_CASE("stats: cached lines count as URLs and cached, not as fetched or responses") {
  Stats s;
  Record cached;
  cached.status = 200;
  cached.size = 100;
  cached.cached = true;
  s.add(cached);
  Record fetched;
  fetched.status = 200;
  fetched.attempts = 1;
  s.add(fetched);
  CHECK(s.done() == 2);
  CHECK(s.cached() == 1);
  CHECK(s.fetched() == 1);
  CHECK(s.by_class(2) == 1);
  CHECK(s.summary(1.0, 0).find(", 1 cached") != std::string::npos);
  const auto j = nlohmann::json::parse(s.summary_json(1.0, 0, 0));
  CHECK(j["cached"] == 1);
  CHECK(j["bytes"] == 0);
}

TEST_CASE("stats: one URL is one URL in the summary, any other number URLs") {
  Stats s;
  CHECK(s.summary(1.0, 0).starts_with("volley: 0 URLs, 0 fetched"));
  s.add(response(200, 1000));
  CHECK(s.summary(1.0, 0).starts_with("volley: 1 URL, 0 fetched"));
  s.add(response(200, 1000));
  CHECK(s.summary(1.0, 0).starts_with("volley: 2 URLs, 0 fetched"));
}

TEST_CASE("stats: the summary gives the peak RSS it is handed, in human units on stderr and bytes in JSON") {
  Stats s;
  s.add(response(200, 1000));
  const std::uint64_t peak = 18u * 1024 * 1024 + 400 * 1024;
  const std::string text = s.summary(1.0, peak);
  CHECK(text.ends_with("  peak RSS: 18.4 MiB\n"));
  CHECK(nlohmann::json::parse(s.summary_json(1.0, 0, peak))["peak_rss_bytes"] == peak);
}

TEST_CASE("stats: docs/output.md's --summary-json table names every key of the JSON summary, in its order") {
  // With this_run, as --resume writes it, and not_followed, as --crawl does: the keys a plain run
  // leaves out.
  Stats run;
  run.set_not_followed({{"seen", 0}});
  const auto j = nlohmann::ordered_json::parse(Stats().summary_json(1.0, 0, 0, &run));
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  std::vector<std::string> documented;
  for (const auto& [name, meaning] : doc_table_rows("output.md", "## Summary")) documented.push_back(name);
  CHECK(documented == keys);
}
