#include "core/outlet.hpp"

#include "core/engine.hpp"
#include "core/engine_parts.hpp"
#include "output/resume_file.hpp"
#include "scratch_dir.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace volley;

namespace {

Record response(std::uint64_t seq, long status) {
  Record r;
  r.seq = seq;
  r.url = "http://a.test/" + std::to_string(seq);
  r.status = status;
  return r;
}

}  // namespace

TEST_CASE("outlet: a line the status filter drops still counts, and is out once the kept ones are flushed") {
  Options o;
  o.match_status = "200-299";
  EngineParts b(o);
  Record ok = response(1, 200), missing = response(2, 404);
  b.outlet->emit(ok);
  b.outlet->emit(missing);
  CHECK(b.outlet->stats().done() == 2);
  // The kept line waits in the writer, so neither is out of the process yet.
  CHECK(b.input.written_seqs.empty());
  const std::optional<TimePoint> due = b.outlet->next_due(b.now);
  REQUIRE(due);
  b.now = *due;
  b.outlet->flush_if_due();
  CHECK(b.input.written_seqs == std::vector<std::uint64_t>{1, 2});
  const std::string out = b.output();
  CHECK(out.find("\"seq\":1") != std::string::npos);
  CHECK(out.find("\"seq\":2") == std::string::npos);
}

TEST_CASE("outlet: an interrupted line is written but never reported written") {
  EngineParts b;
  Record r = response(1, 200);
  r.error = ErrorKind::interrupted;
  b.outlet->emit(r);
  CHECK(b.outlet->finish(0) == exit_url_errors);
  CHECK(b.input.written_seqs.empty());
  CHECK(b.output().find("\"seq\":1") != std::string::npos);
}

TEST_CASE("outlet: a URL ended unstarted takes its seq and url from the job") {
  EngineParts b;
  Job job;
  job.seq = 7;
  job.url = "http://gone.test/";
  b.outlet->end_unstarted(job, ErrorKind::host_unreachable, "connect: refused");
  CHECK(b.outlet->finish(0) == exit_url_errors);
  const std::string out = b.output();
  CHECK(out.find("\"seq\":7") != std::string::npos);
  CHECK(out.find("http://gone.test/") != std::string::npos);
  CHECK(out.find("connect: refused") != std::string::npos);
}

TEST_CASE("outlet: the exit status: a failure, a signal, or whether any URL failed") {
  SECTION("all good") {
    EngineParts b;
    Record r = response(1, 200);
    b.outlet->emit(r);
    CHECK(b.outlet->finish(0) == exit_ok);
  }
  SECTION("a signal") {
    EngineParts b;
    CHECK(b.outlet->finish(15) == 143);
  }
  SECTION("a failure of the run") {
    EngineParts b;
    Record r = response(1, 200);
    b.outlet->emit(r);
    b.stop.fail("cannot read the input");
    CHECK(b.outlet->finish(0) == exit_usage);
  }
}

TEST_CASE("outlet: a --resume summary counts the file's last line of each seq, and this run apart") {
  ScratchDir d;
  const auto line = [](int seq, const char* error) {
    return "{\"url\":\"http://a.test/" + std::to_string(seq) + "\",\"seq\":" + std::to_string(seq) +
           ",\"status\":null,\"error\":" + error + "}\n";
  };
  const std::string interrupted = R"({"kind":"interrupted","message":"m"})";
  const auto file = d.write("out.jsonl", line(1, "null") + line(2, interrupted.c_str()) + line(3, interrupted.c_str()));
  Options o;
  o.summary_json = d / "summary.json";
  EngineParts b(o);
  ResumeFile resume(file);
  Outlet outlet(b.options, b.input, *b.writer, b.plan, b.now, b.stop, nullptr, &resume);
  Record again = response(2, 200);  // seq 2 fetched again; seq 3 not reached before the run ended
  again.attempts = 1;
  outlet.emit(again);
  outlet.stats().add_skipped();
  CHECK(outlet.write_summary_json(0) == 0);
  std::ifstream in(d / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str());
  CHECK(j["urls"] == 3);
  CHECK(j["interrupted"] == 1);  // seq 3's line; seq 2's interrupted line is no longer its last
  CHECK(j["errors_total"] == 1);
  CHECK(j["responses"]["2xx"] == 1);
  CHECK(j["skipped"] == 1);
  CHECK(j["this_run"]["urls"] == 1);
  CHECK(j["this_run"]["errors_total"] == 0);
}
