#include "finishing.hpp"

#include <catch2/catch.hpp>

namespace {
Record with_status(long status, ErrorKind error = ErrorKind::none) {
  Record r;
  r.status = status;
  r.error = error;
  return r;
}
StatusSet statuses(std::string_view list) { return *parse_status_list(list); }
}  // namespace

TEST_CASE("finishing: without status filters every line is kept") {
  const Finishing f;
  CHECK(f.keeps(with_status(200)));
  CHECK(f.keeps(with_status(404)));
  CHECK(f.keeps(with_status(0, ErrorKind::dns)));
}

TEST_CASE("finishing: --match-status keeps only the statuses listed") {
  Finishing f;
  f.match = statuses("200,301-302");
  CHECK(f.keeps(with_status(200)));
  CHECK(f.keeps(with_status(302)));
  CHECK_FALSE(f.keeps(with_status(303)));
  CHECK_FALSE(f.keeps(with_status(404)));
}

TEST_CASE("finishing: --filter-status drops the statuses listed") {
  Finishing f;
  f.filter = statuses("404,500-599");
  CHECK(f.keeps(with_status(200)));
  CHECK_FALSE(f.keeps(with_status(404)));
  CHECK_FALSE(f.keeps(with_status(503)));
}

TEST_CASE("finishing: a line must pass both lists") {
  Finishing f;
  f.match = statuses("200-299");
  f.filter = statuses("204");
  CHECK(f.keeps(with_status(200)));
  CHECK_FALSE(f.keeps(with_status(204)));
  CHECK_FALSE(f.keeps(with_status(301)));
}

// docs/output.md: a line with an error has no status in any list, even when a response had begun
// (a body over --max-size after a 200, a redirect refused after a 301).
TEST_CASE("finishing: an error line has no status: --match-status drops it, --filter-status keeps it") {
  const Record timed_out = with_status(0, ErrorKind::timeout);
  const Record too_large = with_status(200, ErrorKind::body_too_large);
  Finishing match;
  match.match = statuses("200");
  CHECK_FALSE(match.keeps(timed_out));
  CHECK_FALSE(match.keeps(too_large));
  Finishing filter;
  filter.filter = statuses("200");
  CHECK(filter.keeps(timed_out));
  CHECK(filter.keeps(too_large));
}
