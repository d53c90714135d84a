#include "robots/robots_gate.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace volley;

namespace {

Job url_job(std::uint64_t seq, const std::string& url, const std::string& host_key = "a.test:80") {
  Job job;
  job.seq = seq;
  job.url = url;
  job.target = url;
  job.host_key = host_key;
  return job;
}

RobotsGate::Outcome answered(long status, std::string_view body = {}) { return {status, body, {}}; }

}  // namespace

TEST_CASE("robots_gate: an origin's URLs wait for its robots.txt, fetched once") {
  RobotsGate gate("volley");
  Job first = url_job(1, "http://a.test/x");
  const auto a1 = gate.admit(first);
  CHECK(a1.kind == RobotsGate::Admission::Kind::held);
  REQUIRE(a1.fetch);
  CHECK(a1.fetch->robots);
  CHECK(a1.fetch->seq == 0);  // no input line of its own
  CHECK(a1.fetch->target == "http://a.test:80/robots.txt");
  CHECK(a1.fetch->url == a1.fetch->target);
  CHECK(a1.fetch->host_key == "a.test:80");

  Job second = url_job(2, "http://A.TEST:80/y");
  const auto a2 = gate.admit(second);
  CHECK(a2.kind == RobotsGate::Admission::Kind::held);
  CHECK_FALSE(a2.fetch);  // same origin: no second fetch

  Job other = url_job(3, "http://b.test/z", "b.test:80");
  const auto a3 = gate.admit(other);
  REQUIRE(a3.fetch);
  CHECK(a3.fetch->target == "http://b.test:80/robots.txt");
  // Another scheme is another origin.
  Job tls = url_job(4, "https://a.test/x", "a.test:443");
  REQUIRE(gate.admit(tls).fetch);
  CHECK(gate.held() == 4);
}

TEST_CASE("robots_gate: the robots.txt fetch takes the priority of the URL that asked for it") {
  RobotsGate gate("volley");
  Job urgent = url_job(1, "http://a.test/x");
  urgent.priority = 500;
  const auto a = gate.admit(urgent);
  REQUIRE(a.fetch);
  CHECK(a.fetch->priority == 500);
}

TEST_CASE("robots_gate: the verdict releases the waiting URLs, and later ones are decided at once") {
  RobotsGate gate("volley");
  Job j1 = url_job(1, "http://a.test/private/1");
  Job j2 = url_job(2, "http://a.test/public");
  Job j3 = url_job(3, "http://a.test/private/2?q=1");
  const auto fetch = gate.admit(j1).fetch;
  REQUIRE(fetch);
  gate.admit(j2);
  gate.admit(j3);

  const auto v = gate.resolve(fetch->url, answered(200, "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n"));
  REQUIRE(v.allowed.size() == 1);
  CHECK(v.allowed[0].seq == 2);
  REQUIRE(v.disallowed.size() == 2);
  CHECK(v.disallowed[0].seq == 1);
  CHECK(v.disallowed[1].seq == 3);
  CHECK(v.message == "disallowed by http://a.test:80/robots.txt");
  CHECK(v.crawl_delay == 2.0);
  CHECK(gate.held() == 0);

  Job later_ok = url_job(4, "http://a.test/other");
  CHECK(gate.admit(later_ok).kind == RobotsGate::Admission::Kind::go);
  Job later_no = url_job(5, "http://a.test/private/3");
  const auto no = gate.admit(later_no);
  CHECK(no.kind == RobotsGate::Admission::Kind::disallowed);
  CHECK(no.message == "disallowed by http://a.test:80/robots.txt");
  CHECK_FALSE(no.fetch);
}

TEST_CASE("robots_gate: the group of the User-Agent's product token, else *") {
  const std::string body = "User-agent: *\nDisallow: /\n\nUser-agent: volley\nDisallow: /no\n";
  RobotsGate named("volley");
  Job n1 = url_job(1, "http://a.test/yes");
  const auto fetch = named.admit(n1).fetch;
  REQUIRE(fetch);
  CHECK(named.resolve(fetch->url, answered(200, body)).allowed.size() == 1);

  RobotsGate other("otherbot");
  Job o1 = url_job(1, "http://a.test/yes");
  const auto fetch2 = other.admit(o1).fetch;
  CHECK(other.resolve(fetch2->url, answered(200, body)).disallowed.size() == 1);
}

TEST_CASE("robots_gate: a 4xx robots.txt allows everything; a 5xx or none disallows the host") {
  SECTION("404") {
    RobotsGate gate("volley");
    Job j = url_job(1, "http://a.test/anything");
    const auto fetch = gate.admit(j).fetch;
    const auto v = gate.resolve(fetch->url, answered(404, "User-agent: *\nDisallow: /\n"));
    CHECK(v.allowed.size() == 1);
    CHECK(v.disallowed.empty());
  }
  SECTION("503") {
    RobotsGate gate("volley");
    Job j = url_job(1, "http://a.test/anything");
    const auto fetch = gate.admit(j).fetch;
    const auto v = gate.resolve(fetch->url, answered(503));
    CHECK(v.allowed.empty());
    REQUIRE(v.disallowed.size() == 1);
    CHECK(v.message == "http://a.test:80/robots.txt answered 503: the host is disallowed for the run");
    Job later = url_job(2, "http://a.test/robots-free");
    const auto a = gate.admit(later);
    CHECK(a.kind == RobotsGate::Admission::Kind::disallowed);
    CHECK(a.message == v.message);
  }
  SECTION("no response") {
    RobotsGate gate("volley");
    Job j = url_job(1, "http://a.test/anything");
    const auto fetch = gate.admit(j).fetch;
    const auto v = gate.resolve(fetch->url, RobotsGate::Outcome{std::nullopt, {}, "connect: refused"});
    CHECK(v.disallowed.size() == 1);
    CHECK(v.message == "http://a.test:80/robots.txt unreachable (connect: refused): the host is disallowed for the run");
  }
}

TEST_CASE("robots_gate: a record's outcome: errors that leave the status meaningful keep it") {
  Record r;
  r.status = 200;
  r.body = "User-agent: *\nDisallow: /\n";
  CHECK(RobotsGate::outcome_of(r).status == 200);
  CHECK(RobotsGate::outcome_of(r).body == r.body);
  r.error = ErrorKind::body_too_large;
  CHECK(RobotsGate::outcome_of(r).status == 200);
  r.error = ErrorKind::partial;
  r.message = "transfer closed";
  CHECK_FALSE(RobotsGate::outcome_of(r).status);
  CHECK(RobotsGate::outcome_of(r).failure == "partial: transfer closed");
  r.status = 301;
  r.error = ErrorKind::too_many_redirects;
  CHECK(RobotsGate::outcome_of(r).status == 301);
  r.status.reset();
  r.error = ErrorKind::dns;
  r.message = "Could not resolve host";
  CHECK(RobotsGate::outcome_of(r).failure == "dns: Could not resolve host");
}

TEST_CASE("robots_gate: URLs that are not http(s) go through untouched") {
  RobotsGate gate("volley");
  Job j = url_job(1, "ftp://a.test/file");
  const auto a = gate.admit(j);
  CHECK(a.kind == RobotsGate::Admission::Kind::go);
  CHECK_FALSE(a.fetch);
  CHECK(j.url == "ftp://a.test/file");  // not moved from
}

TEST_CASE("robots_gate: take_all and abandon hand back every waiting URL") {
  RobotsGate gate("volley");
  Job a1 = url_job(1, "http://a.test/1");
  Job a2 = url_job(2, "http://a.test/2");
  Job b1 = url_job(3, "http://b.test/1", "b.test:80");
  const auto fa = gate.admit(a1).fetch;
  gate.admit(a2);
  gate.admit(b1);

  const auto abandoned = gate.abandon(fa->url, "connect: refused");
  REQUIRE(abandoned.size() == 2);
  CHECK(gate.held() == 1);
  Job a3 = url_job(4, "http://a.test/3");
  const auto late = gate.admit(a3);
  CHECK(late.kind == RobotsGate::Admission::Kind::disallowed);
  CHECK(late.message == "connect: refused");

  const auto rest = gate.take_all();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].seq == 3);
  CHECK(gate.held() == 0);
}

namespace {

// A robots.txt of about 40 KiB of rules, and what one origin's verdict on it counts.
std::string long_rules() {
  std::string body = "User-agent: *\n";
  for (int i = 0; body.size() < 40 * 1024; ++i) body += "Disallow: /private/" + std::to_string(i) + std::string(60, 'x') + "\n";
  return body;
}

void decide(RobotsGate& gate, const std::string& host, std::uint64_t seq, const std::string& body) {
  Job job = url_job(seq, "http://" + host + "/public");
  const auto a = gate.admit(job);
  REQUIRE(a.fetch);
  const auto v = gate.resolve(a.fetch->url, answered(200, body));
  CHECK(v.allowed.size() == 1);
}

std::size_t one_origin_bytes(const std::string& body) {
  RobotsGate probe("volley");
  decide(probe, "p.test", 1, body);  // a name as long as the tests' own
  return probe.rule_bytes();
}

}  // namespace

TEST_CASE("robots_gate: past the rule budget the least recently used origins are forgotten, and fetched again") {
  const std::string body = long_rules();
  const std::size_t one = one_origin_bytes(body);
  CHECK(one > 40 * 1024);
  RobotsGate gate("volley", one * 5 / 2);  // two origins fit, a third does not
  const auto admit_kind = [&](const std::string& host, std::uint64_t seq, bool* fetch = nullptr) {
    Job job = url_job(seq, "http://" + host + "/public");
    const auto a = gate.admit(job);
    if (fetch) *fetch = a.fetch.has_value();
    return a.kind;
  };
  decide(gate, "a.test", 1, body);
  decide(gate, "b.test", 2, body);
  CHECK(gate.rule_bytes() == 2 * one);
  CHECK(admit_kind("a.test", 3) == RobotsGate::Admission::Kind::go);  // a is now the more recent
  decide(gate, "c.test", 4, body);
  CHECK(gate.rule_bytes() == 2 * one);
  CHECK(admit_kind("a.test", 5) == RobotsGate::Admission::Kind::go);
  CHECK(admit_kind("c.test", 6) == RobotsGate::Admission::Kind::go);
  bool fetch = false;
  CHECK(admit_kind("b.test", 7, &fetch) == RobotsGate::Admission::Kind::held);  // b was forgotten
  CHECK(fetch);
  CHECK(gate.held() == 1);
}

TEST_CASE("robots_gate: an origin waiting for its robots.txt is never forgotten") {
  const std::string body = long_rules();
  const std::size_t one = one_origin_bytes(body);
  RobotsGate gate("volley", one / 4);  // less than one origin's rules
  Job waiting = url_job(1, "http://w.test/x", "w.test:80");
  const auto w = gate.admit(waiting);
  REQUIRE(w.fetch);
  std::uint64_t seq = 1;
  for (const char* host : {"q.test", "r.test", "s.test"}) decide(gate, host, ++seq, body);
  // The one just decided stays, whatever its size: forgetting it at once would refetch it for
  // each of its URLs.
  CHECK(gate.rule_bytes() == one);
  Job later = url_job(9, "http://w.test/y", "w.test:80");
  const auto a = gate.admit(later);
  CHECK(a.kind == RobotsGate::Admission::Kind::held);
  CHECK_FALSE(a.fetch);  // still the first fetch it waits for
  const auto v = gate.resolve(w.fetch->url, answered(404));
  CHECK(v.allowed.size() == 2);
}

TEST_CASE("robots_gate: a hop's denial names the hop, without its password") {
  Job job = url_job(1, "http://a.test/start");
  CHECK(robots_denial(job, "disallowed by x") == "disallowed by x");
  job.target = "http://u:pw@a.test/private";
  job.redirects = 1;
  CHECK(robots_denial(job, "disallowed by x") == "redirect to http://u:***@a.test/private: disallowed by x");
}
