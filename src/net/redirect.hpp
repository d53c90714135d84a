#pragma once

#include "core/job.hpp"
#include "core/record.hpp"
#include "net/request_setup.hpp"

#include <string>

namespace volley {

/// volley follows every redirect itself (libcurl follows none): each hop is a job of its own
/// host, so it counts against that host's --per-host cap, --per-host-delay and back-off, and with
/// --robots passes that origin's robots.txt. These are the rules libcurl applied when it followed.
struct RedirectStep {
  enum class Kind {
    stop,      // no redirect to follow: this response is the URL's line
    follow,    // `job` now aims at the next hop: admit it again
    too_many,  // past --max-redirects: too_many_redirects, with `message`
    blocked,   // to a scheme volley does not fetch: redirect_blocked, with `message`
  };
  Kind kind = Kind::stop;
  std::string message;
};

/// What becomes of `job` after response `r`, a transfer that followed nothing (libcurl resolved
/// its Location against the request's URL). On `follow`, `job` is the next hop: its target,
/// host_key, redirect count, whether it left the first hop's origin (libcurl's rule for dropping
/// credentials), whether it is now a GET, and the transfer time its chain has used of the attempt's
/// --timeout; the chain stays one attempt. `setup`: the request as the URL asked for it. The method
/// follows RFC 9110 15.4: a 303 turns anything but HEAD into a GET, a 301 or 302 turns a POST into
/// a GET (as libcurl and browsers do), a 307 or 308 repeats the request as it was, body included.
/// With `max_redirects` 0 nothing is followed.
RedirectStep next_redirect(Job& job, const Record& r, int max_redirects, const RequestSetup& setup);

/// Whether next_redirect would follow response `r` of `job` (a `follow`, not a stop, too_many or
/// blocked), without changing the job: what a crawl asks before it judges the hop.
bool follows_redirect(const Job& job, const Record& r, int max_redirects);

}  // namespace volley
