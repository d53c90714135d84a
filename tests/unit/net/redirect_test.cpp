#include "net/redirect.hpp"

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

const RequestSetup get{};

RequestSetup with(RequestSetup::Base base, const std::string& custom = "") {
  RequestSetup s;
  s.base = base;
  s.custom_method = custom;
  return s;
}

}  // namespace

TEST_CASE("redirect: a hop becomes the job's target, of its own host, in the same attempt") {
  Job job = first_hop();
  Record r = redirect_to("https://B.test/x?y");
  r.total_us = 1500;
  REQUIRE(next_redirect(job, r, 10, get).kind == RedirectStep::Kind::follow);
  CHECK(job.target == "https://B.test/x?y");
  CHECK(job.host_key == "b.test:443");
  CHECK(job.redirects == 1);
  CHECK(job.attempts == 1);  // the hop is part of the attempt that was redirected
  CHECK(job.hop_pending);
  CHECK(job.other_origin);
  CHECK(job.chain_us == 1500);
  // Back on the first origin, credentials go again, as libcurl compares each hop with the first.
  job.count_start();  // the reactor starts the hop
  CHECK(job.attempts == 1);
  REQUIRE(next_redirect(job, redirect_to("http://a.test:80/back"), 10, get).kind == RedirectStep::Kind::follow);
  CHECK_FALSE(job.other_origin);
  CHECK(job.redirects == 2);
}

TEST_CASE("redirect: what is not followed") {
  Job job = first_hop();
  CHECK(next_redirect(job, redirect_to("/x", 304), 10, get).kind == RedirectStep::Kind::stop);
  CHECK(next_redirect(job, redirect_to("/x", 200), 10, get).kind == RedirectStep::Kind::stop);
  CHECK(next_redirect(job, redirect_to("/x"), 0, get).kind == RedirectStep::Kind::stop);
  Record no_location;
  no_location.status = 302;
  CHECK(next_redirect(job, no_location, 10, get).kind == RedirectStep::Kind::stop);
  Record failed = redirect_to("/x");
  failed.error = ErrorKind::partial;
  CHECK(next_redirect(job, failed, 10, get).kind == RedirectStep::Kind::stop);
  const RedirectStep blocked = next_redirect(job, redirect_to("file:///etc/passwd"), 10, get);
  CHECK(blocked.kind == RedirectStep::Kind::blocked);
  job.redirects = 3;
  const RedirectStep too_many = next_redirect(job, redirect_to("/x"), 3, get);
  CHECK(too_many.kind == RedirectStep::Kind::too_many);
  CHECK(too_many.message == "Maximum (3) redirects followed");
  CHECK(job.target == "http://a.test/start");
}

TEST_CASE("redirect: the method after a hop follows RFC 9110 15.4") {
  const RequestSetup post = with(RequestSetup::Base::post);
  const RequestSetup put = with(RequestSetup::Base::post, "PUT");
  const RequestSetup del = with(RequestSetup::Base::get, "DELETE");
  const RequestSetup head = with(RequestSetup::Base::head);
  struct Case {
    const RequestSetup* setup;
    long status;
    bool as_get;
  };
  const Case cases[] = {
      {&post, 301, true},  {&post, 302, true},  {&post, 303, true},  {&post, 307, false}, {&post, 308, false},
      {&put, 301, false},  {&put, 302, false},  {&put, 303, true},   {&put, 307, false},  {&del, 303, true},
      {&head, 303, false}, {&head, 301, false}, {&get, 303, false},
  };
  for (const Case& c : cases) {
    Job job = first_hop();
    REQUIRE(next_redirect(job, redirect_to("http://a.test/next", c.status), 10, *c.setup).kind == RedirectStep::Kind::follow);
    INFO("status " << c.status << " base " << static_cast<int>(c.setup->base) << " " << c.setup->custom_method);
    CHECK(job.as_get == c.as_get);
  }
  // Once a GET, a later 307 keeps it a GET.
  Job job = first_hop();
  next_redirect(job, redirect_to("http://a.test/a", 302), 10, post);
  next_redirect(job, redirect_to("http://a.test/b", 307), 10, post);
  CHECK(job.as_get);
}
