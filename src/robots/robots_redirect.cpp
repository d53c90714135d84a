#include "robots/robots_redirect.hpp"

#include "input/url_check.hpp"
#include "robots/robots_target.hpp"

namespace volley {

RedirectStep next_redirect(Job& job, const Record& r, int max_redirects, bool get_like) {
  RedirectStep step;
  // A 304 is no redirect, whatever Location it carries; libcurl follows none either.
  if (r.error != ErrorKind::none || !r.redirect_url || !r.status || *r.status < 300 || *r.status > 399 ||
      *r.status == 304 || max_redirects <= 0 || !get_like)
    return step;
  if (job.redirects >= max_redirects) {
    step.kind = RedirectStep::Kind::too_many;
    step.message = "Maximum (" + std::to_string(max_redirects) + ") redirects followed";
    return step;
  }
  const std::optional<RobotsTarget> hop = robots_target(*r.redirect_url);
  if (!hop) {
    step.kind = RedirectStep::Kind::blocked;
    step.message = "redirect to a scheme volley does not fetch: " + redact_password(*r.redirect_url);
    return step;
  }
  if (job.redirects == 0)
    if (const std::optional<RobotsTarget> first = robots_target(job.target)) job.first_origin = first->origin;
  step.kind = RedirectStep::Kind::follow;
  job.target = *r.redirect_url;
  job.host_key = hop->origin.substr(hop->origin.find("://") + 3);
  job.other_origin = hop->origin != job.first_origin;
  ++job.redirects;
  --job.attempts;  // the reactor counts the hop's start again
  return step;
}

std::string robots_denial(const Job& job, const std::string& why) {
  if (job.redirects == 0) return why;
  return "redirect to " + redact_password(job.target) + ": " + why;
}

}  // namespace volley
