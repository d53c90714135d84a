#include "net/redirect.hpp"

#include "input/url_check.hpp"
#include "robots/robots_target.hpp"

namespace volley {

namespace {

// RFC 9110 15.4.2-4: only a 303 may change any method (HEAD excepted); a 301 or 302 may turn a
// POST into a GET, which every user agent does. A custom method (-X PUT) keeps itself on a 301/302.
bool becomes_get(long status, const RequestSetup& setup) {
  if (setup.base == RequestSetup::Base::head) return false;
  if (setup.base == RequestSetup::Base::get && setup.custom_method.empty()) return false;  // one already
  if (status == 303) return true;
  return (status == 301 || status == 302) && setup.base == RequestSetup::Base::post && setup.custom_method.empty();
}

// A 304 is no redirect, whatever Location it carries; libcurl follows none either.
bool is_redirect(const Record& r, int max_redirects) {
  return r.error == ErrorKind::none && r.redirect_url && r.status && *r.status >= 300 && *r.status <= 399 &&
         *r.status != 304 && max_redirects > 0;
}

}  // namespace

bool follows_redirect(const Job& job, const Record& r, int max_redirects) {
  return is_redirect(r, max_redirects) && job.redirects < max_redirects && robots_target(*r.redirect_url);
}

RedirectStep next_redirect(Job& job, const Record& r, int max_redirects, const RequestSetup& setup) {
  RedirectStep step;
  if (!is_redirect(r, max_redirects)) return step;
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
  job.as_get = job.as_get || becomes_get(*r.status, setup);
  job.chain_us += r.total_us;
  ++job.redirects;
  job.hop_pending = true;
  return step;
}

}  // namespace volley
