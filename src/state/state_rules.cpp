#include "state/state_rules.hpp"

#include "input/url_check.hpp"
#include "net/curl_ptr.hpp"
#include "net/http_headers.hpp"
#include "net/request_setup.hpp"
#include "net/sha256.hpp"
#include "util/ascii.hpp"

#include <algorithm>

namespace volley {

namespace {

bool user_set(std::string_view name, const std::vector<std::string>& cli, const RequestOverrides* object) {
  const auto named = [name](const std::string& h) { return ascii_iequals(header_name(h), name); };
  return std::any_of(cli.begin(), cli.end(), named) ||
         (object && std::any_of(object->headers.begin(), object->headers.end(), named));
}

bool sends_validator(const std::vector<std::string>& extra, const std::vector<std::string>& cli,
                     const RequestOverrides* object) {
  const auto named = [&extra](std::string_view name) {
    return std::any_of(extra.begin(), extra.end(),
                       [name](const std::string& h) { return ascii_iequals(header_name(h), name); });
  };
  return named("If-None-Match") || named("If-Modified-Since") || user_set("If-None-Match", cli, object) ||
         user_set("If-Modified-Since", cli, object);
}

bool sendable(const std::optional<std::string>& v) {
  return v && !v->empty() && v->size() <= max_validator_length && is_header_value(*v);
}

// libcurl reports as the effective URL the one it fetched, parsed and written back (7.88's
// parseurlandfillconn: "http://a.test" is fetched as "http://a.test/").
std::string as_fetched(std::string_view url) {
  const CurlUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return std::string(url);
  const CurlChars text = url_part(u.get(), CURLUPART_URL);
  return text ? std::string(text.get()) : std::string(url);
}

// A 304 stands for the stored response only when it comes from the page that response came from.
bool confirms(const std::optional<StoredRow>& prior, const Record& r) {
  return r.status == 304 && prior && prior->status && prior->final_url == r.final_url;
}

}  // namespace

RequestKey request_key(const Job& job, const std::string& cli_method, const std::optional<std::string>& cli_data) {
  const RequestSetup s = decide_request(cli_method, cli_data, job.request.get());
  RequestKey key;
  if (!s.custom_method.empty())
    key.method = s.custom_method;
  else
    key.method = s.base == RequestSetup::Base::head ? "HEAD" : s.base == RequestSetup::Base::post ? "POST" : "GET";
  key.url = job.url;
  if (s.body) key.body_sha256 = sha256_hex(*s.body);
  return key;
}

std::vector<std::string> conditional_headers(const StoredRow& row, const std::vector<std::string>& cli_headers,
                                             const RequestOverrides* object) {
  std::vector<std::string> out;
  if (sendable(row.etag) && !user_set("If-None-Match", cli_headers, object)) out.push_back("If-None-Match: " + *row.etag);
  if (sendable(row.last_modified) && !user_set("If-Modified-Since", cli_headers, object))
    out.push_back("If-Modified-Since: " + *row.last_modified);
  return out;
}

bool same_page(const StoredRow& row, std::string_view target) {
  if (!row.final_url) return false;
  return *row.final_url == redact_password(target) || *row.final_url == redact_password(as_fetched(target));
}

std::vector<std::string> validators_for(const StateEntry& entry, std::string_view target) {
  if (!entry.prior || !same_page(*entry.prior, target)) return {};
  return entry.validators;
}

bool revalidates(const RequestKey& key) { return key.method == "GET" || key.method == "HEAD"; }

bool unsolicited_not_modified(const Record& r, const Job& job, const std::vector<std::string>& cli_headers) {
  return r.status == 304 && r.error == ErrorKind::none &&
         !sends_validator(job.extra_headers, cli_headers, job.request.get());
}

bool complete_response(const Record& r) {
  return r.status && (r.error == ErrorKind::none || r.error == ErrorKind::save);
}

std::optional<bool> changed(const std::optional<StoredRow>& prior, const Record& r) {
  if (!complete_response(r)) return std::nullopt;
  if (r.status == 304) return prior && prior->status && !confirms(prior, r);
  if (!prior || !prior->status) return true;
  return prior->status != r.status || prior->sha256 != r.sha256;
}

bool stores(const Record& r) {
  return r.attempts > 0 && r.fetched_at_ms && r.error != ErrorKind::interrupted && !r.cached;
}

StoredRow next_row(const std::optional<StoredRow>& prior, const Record& r) {
  StoredRow row = prior.value_or(StoredRow{});
  row.fetched_at = r.fetched_at_ms.value_or(0);
  if (!complete_response(r)) {
    row.error = error_kind_name(r.error);
    ++row.failures;
    return row;
  }
  row.error.clear();
  // A 304 confirms what is stored, whatever it was: a 404 revalidated is still a 404, no success.
  // A 304 to a request the store never answered, or from another page, has nothing to confirm.
  const bool confirmed = confirms(prior, r);
  const bool success = (confirmed ? *prior->status : *r.status) < 400;
  row.ok_at = success ? std::optional(row.fetched_at) : row.ok_at;
  row.failures = success ? 0 : row.failures + 1;
  if (confirmed) return row;
  row.status = r.status;
  row.final_url = r.final_url;
  row.etag = r.etag;
  row.last_modified = r.last_modified;
  row.sha256 = r.sha256;
  row.size = r.size;
  row.content_type = r.content_type;
  return row;
}

// Only when the last attempt was the success: a later failure (a 500, a timeout) overwrote the
// status, and must be fetched again rather than served as a cached success. Only a 2xx is served:
// a stored 3xx (a redirect not followed) or 304 has no body of its own to stand for.
bool fresh(const StoredRow& row, std::int64_t now_ms, std::int64_t max_age_ms) {
  const bool two_xx = row.status && *row.status >= 200 && *row.status < 300;
  return two_xx && row.ok_at && *row.ok_at == row.fetched_at && *row.ok_at <= now_ms &&
         now_ms - *row.ok_at < max_age_ms;
}

void fill_cached(Record& r, const StoredRow& row) {
  r.status = row.status;
  r.final_url = row.final_url;
  r.content_type = row.content_type;
  r.size = row.size;
  r.sha256 = row.sha256;
  r.fetched_at_ms = row.ok_at;
  r.last_fetched_ms = row.ok_at;
  r.changed = false;
  r.cached = true;
  r.attempts = 0;
}

}  // namespace volley
