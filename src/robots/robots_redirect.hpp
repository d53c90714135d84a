#pragma once

#include "core/job.hpp"
#include "core/record.hpp"

#include <string>

namespace volley {

/// With --robots libcurl follows no redirect of a URL (it would request each hop unchecked); the
/// engine follows them instead, sending each hop back through the robots gate.
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

/// What becomes of `job` after response `r` (a transfer that followed nothing). On `follow`, `job`
/// is the next hop: its target, host_key, redirect count and whether it left the first hop's
/// origin (libcurl's rule for dropping credentials), the chain still one attempt as when libcurl
/// follows it. `get_like`: a GET or HEAD request. Other methods are not followed, their 3xx being
/// their line: libcurl's rewriting of a POST into a GET after a 301, 302 or 303 is not reproduced.
/// With `max_redirects` 0 nothing is followed, as without --robots.
RedirectStep next_redirect(Job& job, const Record& r, int max_redirects, bool get_like);

/// The message of a URL ended by robots.txt: a hop's names the hop, the URL itself being allowed.
std::string robots_denial(const Job& job, const std::string& why);

}  // namespace volley
