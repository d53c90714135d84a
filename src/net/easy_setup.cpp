#include "net/easy_setup.hpp"

#include "net/http_headers.hpp"
#include "net/request_setup.hpp"
#include "robots/robots.hpp"
#include "util/ascii.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace volley {

namespace {

bool proxy_in_environment() {
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"})
    if (std::getenv(name)) return true;
  return false;
}

// All of it every time, in this order, since each option undoes part of another: POSTFIELDS
// makes a POST but leaves NOBODY as it was, HTTPGET clears NOBODY, NOBODY 0 turns HEAD into GET.
// The body is not copied by libcurl: it lives in the Options or the job's RequestOverrides.
void apply_setup(CURL* e, const RequestSetup& s) {
  if (s.base == RequestSetup::Base::post) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(s.body->size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s.body->data());
  } else {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    if (s.base == RequestSetup::Base::head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  }
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, s.custom_method.empty() ? nullptr : s.custom_method.c_str());
}

}  // namespace

EasySetup::EasySetup(const Options& options) : m_options(options), m_trust(options) {
  m_share = curl_share_init();
  if (!m_share) throw std::runtime_error("cannot set up libcurl");
  // The multi handle already shares connections and DNS; TLS sessions are per easy handle
  // unless shared, and reused handles should resume each other's sessions.
  curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  for (const auto& h : options.headers) m_headers = curl_slist_append(m_headers, h.c_str());
  for (const auto& r : options.resolve) m_resolve = curl_slist_append(m_resolve, r.c_str());
  m_proxy_from_env = proxy_in_environment();
}

// Called after every easy handle that used the share is cleaned up (the reactor's destructor).
EasySetup::~EasySetup() {
  curl_share_cleanup(m_share);
  curl_slist_free_all(m_headers);
  curl_slist_free_all(m_resolve);
}

void EasySetup::configure(CURL* e) {
  const Options& o = m_options;
  curl_easy_setopt(e, CURLOPT_SHARE, m_share);
  // No signals: timeouts come from the multi timer, not SIGALRM around name lookups.
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
  // A lookup abandoned (timed out, or the handle removed on SIGINT) would otherwise be joined:
  // the threaded resolver waits for getaddrinfo() to give up, up to resolv.conf's timeout times
  // its attempts, and the whole loop with it. Quick exit detaches the thread instead; it frees
  // itself when getaddrinfo() returns, or dies with the process.
  curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // libcurl would request each hop at once, unseen by the scheduler (per-host cap, delay, pauses,
  // robots.txt): the engine follows them instead (net/redirect.hpp). CURLINFO_REDIRECT_URL still
  // gives the Location resolved against the request's URL.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, seconds_to_ms(o.timeout));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, seconds_to_ms(o.connect_timeout));
  if (o.stall_timeout > 0) {
    // libcurl's stall check counts whole seconds: fewer than 1 byte/s over the window is a stall.
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::ceil(o.stall_timeout)));
  }
  curl_easy_setopt(e, CURLOPT_USERAGENT, o.user_agent.c_str());
  if (m_headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, m_headers);
  if (m_resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, m_resolve);
  apply_setup(e, decide_request(o.method, o.data, nullptr));
  if (!o.user.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERPWD, o.user.c_str());
  }
  if (o.ip_version) curl_easy_setopt(e, CURLOPT_IPRESOLVE, o.ip_version == 4 ? CURL_IPRESOLVE_V4 : CURL_IPRESOLVE_V6);
  if (!o.proxy.empty()) {
    curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str());
  } else if (!m_proxy_from_env) {
    // An explicit "no proxy" spares libcurl its getenv() calls on every transfer.
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "");
  }
  m_trust.configure(e);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, o.http11 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_2TLS);
}

bool EasySetup::apply_request(CURL* e, const RequestOverrides& r) const {
  if (!r.method && !r.body) return false;  // only headers or meta: the shared options serve
  apply_setup(e, decide_request(m_options.method, m_options.data, &r));
  return true;
}

// The command line's headers, less those a request object names again, then the object's own,
// then the job's extra ones.
bool EasySetup::apply_headers(CURL* e, const Job& job, curl_slist*& list) const {
  const bool object_headers = job.request && !job.request->headers.empty();
  if (!object_headers && job.extra_headers.empty() && !job.other_origin) return false;
  list = nullptr;
  const auto add = [&job, &list](const std::string& h) {
    // A hop the engine followed to another origin sends no credentials, as libcurl's own
    // redirects did not.
    if (job.other_origin && (ascii_iequals(header_name(h), "Authorization") || ascii_iequals(header_name(h), "Cookie")))
      return;
    list = curl_slist_append(list, h.c_str());
  };
  if (object_headers)
    for (const auto& h : merge_headers(m_options.headers, job.request->headers)) add(h);
  else
    for (const auto& h : m_options.headers) add(h);
  for (const auto& h : job.extra_headers) add(h);
  // Possibly null (every header dropped): that too differs from the shared list.
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  return true;
}

void EasySetup::forget_credentials(CURL* e) { curl_easy_setopt(e, CURLOPT_USERPWD, nullptr); }

void EasySetup::apply_hop(CURL* e, const Job& job) const {
  if (job.as_get) apply_setup(e, RequestSetup{});
  if (m_options.timeout <= 0) return;
  // 0 would mean "no timeout": a chain that used it all gets the shortest one instead.
  const long left_ms = seconds_to_ms(m_options.timeout) - static_cast<long>(job.chain_us / 1000);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, std::max(1L, left_ms));
}

// libcurl 7.88 walks two caches on every transfer, and both grow with the hosts seen when each
// URL is a host of its own (docs/benchmarks.md, "Many hosts"): multi_done() prunes the DNS cache
// by visiting every entry, and entries live CURLOPT_DNS_CACHE_TIMEOUT (60 s) from their lookup;
// and once the connection cache is full (CURLMOPT_MAXCONNECTS), each returned connection evicts
// the oldest idle one by visiting every host's bundle, and leaves that host's emptied bundle in
// the cache for good. A connection closed through CURLOPT_FORBID_REUSE leaves the cache by the
// path that removes its bundle, and a DNS timeout of 0 on the transfer that ends empties the DNS
// cache then. Measured on 20,000 one-URL hosts, CPU per URL: 1,960 us as libcurl comes, 1,270
// with the DNS timeout alone, 860 with FORBID_REUSE alone, 114 with both as here (95 at 100,000
// hosts); a larger MAXCONNECTS or a short CURLOPT_MAXAGE_CONN changed nothing. Hosts with more URLs
// queued keep both caches as before: one host's URLs reuse its connections, and a server that
// closes every connection does not cost a lookup per URL. The price: a redirect to the same
// host, or a URL of it read later, opens a new connection (a TLS session is still resumed).
void EasySetup::keep_host(CURL* e, bool keep) {
  constexpr long libcurl_dns_cache_seconds = 60;  // libcurl's default
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, keep ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, keep ? libcurl_dns_cache_seconds : 0L);
}

void EasySetup::apply_robots(CURL* e) {
  apply_setup(e, RequestSetup{});
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(robots_max_redirects));
}

}  // namespace volley
