#include "output/line_plan.hpp"

#include "scratch_dir.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <string>
#include <unistd.h>

using namespace volley;

namespace {

Record response(std::uint64_t seq, long status) {
  Record r;
  r.seq = seq;
  r.status = status;
  r.body = "<title>t</title>";
  r.content_type = "text/html";
  return r;
}

int files_in(const std::string& dir) {
  int n = 0;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

}  // namespace

TEST_CASE("line_plan: keeps follows --match-status and --filter-status; an error has no status") {
  Options o;
  o.match_status = "200-299";
  const LinePlan match = plan_lines(o);
  CHECK(match.keeps(response(1, 204)));
  CHECK_FALSE(match.keeps(response(1, 404)));
  Record failed = response(1, 200);
  failed.error = ErrorKind::partial;
  CHECK_FALSE(match.keeps(failed));
  CHECK_FALSE(match.keeps(Record{}));

  o.match_status.clear();
  o.filter_status = "400-599";
  const LinePlan filter = plan_lines(o);
  CHECK(filter.keeps(response(1, 200)));
  CHECK_FALSE(filter.keeps(response(1, 500)));
  CHECK(filter.keeps(failed));
  CHECK(filter.keeps(Record{}));
}

TEST_CASE("line_plan: a body whose line is dropped is neither saved nor parsed") {
  ScratchDir scratch;
  const std::string dir = scratch.path().string();
  Options o;
  o.save_dir = dir;
  o.title = true;
  o.match_status = "200";
  const LinePlan f = plan_lines(o);

  Record kept = response(1, 200);
  process_body(f, kept);
  CHECK(kept.saved == dir + "/1.body");
  CHECK(kept.extracted.title == "t");
  CHECK(kept.body.empty());

  Record dropped = response(2, 404);
  process_body(f, dropped);
  CHECK_FALSE(dropped.saved);
  CHECK_FALSE(dropped.extracted.title);
  CHECK(dropped.body.empty());
  CHECK(files_in(dir) == 1);
}

TEST_CASE("line_plan: extracting from a body leaves the transfer's hash alone") {
  Options o;
  o.title = true;
  o.links = "a";
  o.extract = {"t=(t)"};
  o.hash = true;
  Record r = response(1, 200);
  r.sha256 = "abc";
  process_body(plan_lines(o), r);
  CHECK(r.extracted.title == "t");
  CHECK(r.sha256 == "abc");
}

TEST_CASE("line_plan: the flags are read once, for the body work and the fields alike") {
  Options o;
  o.links = "all";
  o.save_dir = "";
  o.hash = true;
  o.response_headers = true;
  const LinePlan f = plan_lines(o);
  CHECK(f.fields.links);
  CHECK(f.extract.links == ExtractConfig::Links::all);
  CHECK(f.fields.hash);
  CHECK(f.fields.headers);
  CHECK_FALSE(f.fields.title);
  CHECK_FALSE(f.fields.saved);
  CHECK_FALSE(f.store);
}

TEST_CASE("line_plan: with both status lists a line must pass both") {
  Options o;
  o.match_status = "200-299";
  o.filter_status = "204";
  const LinePlan f = plan_lines(o);
  CHECK(f.keeps(response(1, 200)));
  CHECK_FALSE(f.keeps(response(1, 204)));
  CHECK_FALSE(f.keeps(response(1, 301)));
}

TEST_CASE("line_plan: --hash alone keeps no body, since the reactor hashes it as it arrives") {
  Options o;
  o.hash = true;
  const LinePlan f = plan_lines(o);
  CHECK(f.fields.hash);
  CHECK_FALSE(f.has_body_work());
}
