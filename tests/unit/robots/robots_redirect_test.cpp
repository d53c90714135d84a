#include "robots/robots_redirect.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {

Job first_hop() {
  Job job;
  job.url = "http://a.test/start";
  job.target = job.url;
  job.host_key = "a.test:80";
  job.attempts = 1;
  return job;
}

Record redirect_to(const std::string& location, long status = 302) {
  Record r;
  r.status = status;
  r.redirect_url = location;
  return r;
}

}  // namespace

TEST_CASE("robots_redirect: a hop becomes the job's target, of its own host, in the same attempt") {
  Job job = first_hop();
  REQUIRE(next_redirect(job, redirect_to("https://B.test/x?y"), 10, true).kind == RedirectStep::Kind::follow);
  CHECK(job.target == "https://B.test/x?y");
  CHECK(job.host_key == "b.test:443");
  CHECK(job.redirects == 1);
  CHECK(job.attempts == 0);
  CHECK(job.other_origin);
  // Back on the first origin, credentials go again, as libcurl compares each hop with the first.
  job.attempts = 1;
  REQUIRE(next_redirect(job, redirect_to("http://a.test:80/back"), 10, true).kind == RedirectStep::Kind::follow);
  CHECK_FALSE(job.other_origin);
  CHECK(job.redirects == 2);
}

TEST_CASE("robots_redirect: what is not followed") {
  Job job = first_hop();
  CHECK(next_redirect(job, redirect_to("/x", 304), 10, true).kind == RedirectStep::Kind::stop);
  CHECK(next_redirect(job, redirect_to("/x", 200), 10, true).kind == RedirectStep::Kind::stop);
  CHECK(next_redirect(job, redirect_to("/x"), 0, true).kind == RedirectStep::Kind::stop);
  CHECK(next_redirect(job, redirect_to("/x"), 10, false).kind == RedirectStep::Kind::stop);
  Record no_location;
  no_location.status = 302;
  CHECK(next_redirect(job, no_location, 10, true).kind == RedirectStep::Kind::stop);
  const RedirectStep blocked = next_redirect(job, redirect_to("file:///etc/passwd"), 10, true);
  CHECK(blocked.kind == RedirectStep::Kind::blocked);
  job.redirects = 3;
  const RedirectStep too_many = next_redirect(job, redirect_to("/x"), 3, true);
  CHECK(too_many.kind == RedirectStep::Kind::too_many);
  CHECK(too_many.message == "Maximum (3) redirects followed");
  CHECK(job.target == "http://a.test/start");
}

TEST_CASE("robots_redirect: a hop's denial names the hop, without its password") {
  Job job = first_hop();
  CHECK(robots_denial(job, "disallowed by x") == "disallowed by x");
  job.target = "http://u:pw@a.test/private";
  job.redirects = 1;
  CHECK(robots_denial(job, "disallowed by x") == "redirect to http://u:***@a.test/private: disallowed by x");
}
