#include "core/job.hpp"

#include "state/state_rules.hpp"

namespace volley {

namespace {

std::size_t string_bytes(const std::string& s) { return s.capacity(); }

std::size_t strings_bytes(const std::vector<std::string>& v) {
  std::size_t n = v.capacity() * sizeof(std::string);
  for (const auto& s : v) n += string_bytes(s);
  return n;
}

std::size_t optional_bytes(const std::optional<std::string>& s) { return s ? string_bytes(*s) : 0; }

// A request object's method, headers, body and meta: a body may be far longer than its URL.
std::size_t request_bytes(const RequestOverrides& r) {
  return sizeof r + optional_bytes(r.method) + strings_bytes(r.headers) + optional_bytes(r.body) + string_bytes(r.meta);
}

std::size_t state_bytes(const StateEntry& e) {
  std::size_t n = sizeof e + string_bytes(e.key.method) + string_bytes(e.key.url) + string_bytes(e.key.body_sha256);
  if (const auto& row = e.prior) {
    n += string_bytes(row->error);
    for (const auto* s : {&row->final_url, &row->etag, &row->last_modified, &row->sha256, &row->content_type})
      n += optional_bytes(*s);
  }
  return n;
}

}  // namespace

std::size_t job_bytes(const Job& job) {
  std::size_t n = sizeof(Job) + job_overhead_bytes;
  for (const auto* s : {&job.url, &job.target, &job.host_key, &job.id, &job.first_origin}) n += string_bytes(*s);
  n += strings_bytes(job.extra_headers);
  if (job.request) n += request_bytes(*job.request);
  if (job.state) n += state_bytes(*job.state);
  return n;
}

}  // namespace volley
