#include "robots/robots_gate.hpp"

#include "input/url_check.hpp"
#include "robots/robots_target.hpp"

namespace volley {

RobotsGate::Admission RobotsGate::admit(Job& job) {
  Admission a;
  std::optional<RobotsTarget> target = robots_target(job.target);
  if (!target) return a;
  auto [it, first] = m_origins.try_emplace(target->robots_url);
  Origin& origin = it->second;
  if (origin.decided) {
    m_recent.splice(m_recent.begin(), m_recent, origin.recent);
    if (!lets_through(origin, it->first, target->path_and_query, a.message)) a.kind = Admission::Kind::disallowed;
    return a;
  }
  a.kind = Admission::Kind::held;
  if (first) {
    Job& fetch = a.fetch.emplace();
    fetch.url = target->robots_url;
    fetch.target = target->robots_url;
    fetch.host_key = job.host_key;
    fetch.robots = true;
    fetch.priority = job.priority;  // the URLs it holds up start no sooner than it does
    fetch.other_origin = job.other_origin;  // asked for by a redirect: no credentials either
  }
  origin.waiting.push_back(Waiting{std::move(job), std::move(target->path_and_query)});
  ++m_held;
  return a;
}

bool RobotsGate::lets_through(const Origin& o, const std::string& robots_url, std::string_view path_and_query,
                              std::string& why) {
  if (!o.denial.empty()) {
    why = o.denial;
    return false;
  }
  if (o.rules.allowed(path_and_query)) return true;
  why = "disallowed by " + robots_url;
  return false;
}

RobotsGate::Outcome RobotsGate::outcome_of(const Record& r) {
  Outcome out{r.status, r.body, {}};
  switch (r.error) {
    case ErrorKind::none:
    case ErrorKind::body_too_large:
    case ErrorKind::too_many_redirects:
    case ErrorKind::redirect_blocked:
      if (r.status) return out;
      break;
    default:
      break;
  }
  out.status.reset();
  out.failure = std::string(error_kind_name(r.error)) + ": " + r.message;
  return out;
}

void RobotsGate::decided(Origins::iterator it) {
  Origin& origin = it->second;
  if (origin.decided) {  // decided again: counted anew
    m_rule_bytes -= origin.bytes;
    m_recent.erase(origin.recent);
  }
  origin.decided = true;
  // The URL is held twice: as the map's key and in the list.
  origin.bytes = origin.rules.bytes() + origin.denial.capacity() + 2 * it->first.capacity();
  m_rule_bytes += origin.bytes;
  m_recent.push_front(it->first);
  origin.recent = m_recent.begin();
  // The origin just decided stays whatever its size: forgetting it at once would refetch it for
  // each of its URLs.
  while (m_rule_bytes > m_rule_budget && m_recent.size() > 1) {
    const auto oldest = m_origins.find(m_recent.back());
    m_rule_bytes -= oldest->second.bytes;
    m_recent.pop_back();
    m_origins.erase(oldest);
  }
}

RobotsGate::Verdict RobotsGate::resolve(const std::string& robots_url, const Outcome& outcome) {
  Verdict v;
  const auto it = m_origins.try_emplace(robots_url).first;
  Origin& origin = it->second;
  origin.rules = robots_from_fetch(outcome.status, outcome.body, m_token);
  if (robots_fetch_policy(outcome.status) == RobotsFetchPolicy::disallow_all) {
    // The rules alone would say "disallowed by"; the line says why the whole host is.
    origin.denial = robots_url + (outcome.status ? " answered " + std::to_string(*outcome.status)
                                                 : " unreachable (" + outcome.failure + ")") +
                    ": the host is disallowed for the run";
  }
  v.crawl_delay = origin.rules.crawl_delay();
  for (Waiting& w : origin.waiting) {
    if (lets_through(origin, robots_url, w.path_and_query, v.message))
      v.allowed.push_back(std::move(w.job));
    else
      v.disallowed.push_back(std::move(w.job));
  }
  m_held -= origin.waiting.size();
  origin.waiting = {};
  decided(it);
  return v;
}

std::vector<Job> RobotsGate::abandon(const std::string& robots_url, const std::string& why) {
  std::vector<Job> jobs;
  const auto it = m_origins.try_emplace(robots_url).first;
  Origin& origin = it->second;
  origin.denial = why;
  for (Waiting& w : origin.waiting) jobs.push_back(std::move(w.job));
  m_held -= origin.waiting.size();
  origin.waiting = {};
  decided(it);
  return jobs;
}

std::vector<Job> RobotsGate::take_all() {
  std::vector<Job> jobs;
  for (auto& [url, origin] : m_origins) {
    for (Waiting& w : origin.waiting) jobs.push_back(std::move(w.job));
    origin.waiting = {};
  }
  m_held = 0;
  return jobs;
}

std::string robots_denial(const Job& job, const std::string& why) {
  if (job.redirects == 0) return why;
  return "redirect to " + redact_password(job.target) + ": " + why;
}

}  // namespace volley
