#include "robots/robots_path.hpp"

#include "core/engine_parts.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

namespace {

Job url_job(std::uint64_t seq, const std::string& path) {
  Job job;
  job.seq = seq;
  job.url = "http://a.test" + path;
  job.target = job.url;
  job.host_key = "a.test:80";
  return job;
}

Options robots_on() {
  Options o;
  o.robots = true;
  return o;
}

}  // namespace

TEST_CASE("robots_path: without --robots a URL and its redirect hop go straight to the scheduler") {
  EngineParts p;
  p.path->admit(url_job(1, "/x"));
  CHECK(p.path->held() == 0);
  std::optional<Job> job = p.scheduler.next(p.now);
  REQUIRE(job);
  CHECK(job->seq == 1);
  Completion c{std::move(*job), Record{}};
  c.record.status = 301;
  c.record.redirect_url = "http://b.test/y";
  REQUIRE(p.path->follow_redirect(c));
  CHECK(p.path->held() == 0);
  std::optional<Job> hop = p.scheduler.next(p.now);
  REQUIRE(hop);
  CHECK(hop->seq == 1);
  CHECK(hop->target == "http://b.test/y");
  CHECK(hop->host_key == "b.test:80");
}

TEST_CASE("robots_path: a hop goes ahead of its host's URLs not started, as a chain under way") {
  EngineParts p;
  p.path->admit(url_job(1, "/moved"));
  p.path->admit(url_job(2, "/x"));
  std::optional<Job> first = p.scheduler.next(p.now);
  REQUIRE(first);
  p.scheduler.release_host(first->host_key);
  Completion c{std::move(*first), Record{}};
  c.record.status = 302;
  c.record.redirect_url = "http://a.test/new";
  REQUIRE(p.path->follow_redirect(c));
  std::optional<Job> hop = p.scheduler.next(p.now);
  REQUIRE(hop);
  CHECK(hop->seq == 1);
  CHECK(hop->target == "http://a.test/new");
}

TEST_CASE("robots_path: a redirect hop keeps its URL's priority") {
  EngineParts p;
  Job moved = url_job(1, "/moved");
  moved.priority = 7;
  p.path->admit(std::move(moved));
  std::optional<Job> first = p.scheduler.next(p.now);
  REQUIRE(first);
  first->count_start();  // as the transport does
  p.scheduler.release_host(first->host_key);
  for (std::uint64_t seq = 2; seq <= 4; ++seq) {
    Job other = url_job(seq, "/" + std::to_string(seq));
    other.priority = seq == 4 ? 9 : 0;
    p.path->admit(std::move(other));
  }
  Completion c{std::move(*first), Record{}};
  c.record.status = 301;
  c.record.redirect_url = "http://a.test/new";
  REQUIRE(p.path->follow_redirect(c));
  std::vector<std::uint64_t> order;
  while (auto j = p.scheduler.next(p.now)) order.push_back(j->seq);
  CHECK(order == std::vector<std::uint64_t>{4, 1, 2, 3});
}

TEST_CASE("robots_path: with --robots a URL waits for its origin's robots.txt, whose verdict releases or ends it") {
  EngineParts p(robots_on());
  p.path->admit(url_job(1, "/private/a"));
  p.path->admit(url_job(2, "/public/b"));
  CHECK(p.path->held() == 2);
  std::optional<Job> fetch = p.scheduler.next(p.now);
  REQUIRE(fetch);
  REQUIRE(fetch->robots);
  CHECK(fetch->url == "http://a.test:80/robots.txt");
  CHECK_FALSE(p.scheduler.next(p.now));
  p.scheduler.release_host(fetch->host_key);

  Completion c{std::move(*fetch), Record{}};
  c.record.status = 200;
  c.record.body = "User-agent: *\nDisallow: /private/\n";
  p.path->robots_known(c, p.now);
  CHECK(p.path->held() == 0);
  std::optional<Job> allowed = p.scheduler.next(p.now);
  REQUIRE(allowed);
  CHECK(allowed->seq == 2);
  const std::string out = p.output();
  CHECK(out.find("\"seq\":1,") != std::string::npos);
  CHECK(out.find("robots_disallowed") != std::string::npos);
}

TEST_CASE("robots_path: an interrupted run ends the URLs still waiting") {
  EngineParts p(robots_on());
  p.path->admit(url_job(1, "/a"));
  p.path->interrupt("interrupted");
  CHECK(p.path->held() == 0);
  CHECK(p.output().find("\"seq\":1,") != std::string::npos);
}
