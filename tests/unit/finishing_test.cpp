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

TEST_CASE("finishing: --match-status keeps the statuses listed, --filter-status drops them") {
  struct Case {
    const char* match;   // nullptr: flag not given
    const char* filter;
    long status;
    bool kept;
  };
  const Case cases[] = {
      {"200,301-302", nullptr, 200, true},  {"200,301-302", nullptr, 302, true},
      {"200,301-302", nullptr, 303, false}, {"200,301-302", nullptr, 404, false},
      {nullptr, "404,500-599", 200, true},  {nullptr, "404,500-599", 404, false},
      {nullptr, "404,500-599", 503, false},
      // Both given: a line must pass both.
      {"200-299", "204", 200, true},        {"200-299", "204", 204, false},
      {"200-299", "204", 301, false},
  };
  for (const Case& c : cases) {
    INFO("match " << (c.match ? c.match : "-") << ", filter " << (c.filter ? c.filter : "-") << ", status " << c.status);
    Finishing f;
    if (c.match) f.match = statuses(c.match);
    if (c.filter) f.filter = statuses(c.filter);
    CHECK(f.keeps(with_status(c.status)) == c.kept);
  }
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
