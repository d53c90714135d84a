#pragma once

#include "app/options.hpp"
#include "core/job.hpp"
#include "net/trust_store.hpp"

#include <curl/curl.h>

namespace volley {

/// What the flags ask of every easy handle, decided once per run: timeouts, protocols, redirects
/// (none: the engine follows them), proxy, TLS trust, -H, --resolve, -X and -d, and the TLS
/// session cache the handles share. The reactor applies it once per pooled handle, then only a
/// job's differences on top (a request object's method, body and headers; a redirect hop; a
/// robots.txt fetch), and puts the handle back after them.
class EasySetup {
 public:
  explicit EasySetup(const Options& options);
  ~EasySetup();
  EasySetup(const EasySetup&) = delete;
  EasySetup& operator=(const EasySetup&) = delete;

  /// Every option shared by all transfers; what the reactor itself hooks (callbacks, buffers)
  /// is set by the reactor.
  void configure(CURL* e);
  /// A request object's method and body over the shared ones. False when it names neither, so
  /// the handle was left as configure() set it.
  bool apply_request(CURL* e, const RequestOverrides& r) const;
  /// Sets on `e` the header list `job` sends when it differs from the shared one (a request
  /// object's headers, extra headers, a hop to another origin) and returns true; `list` is then
  /// the caller's to free after the transfer, when it puts back shared_headers(). False when the
  /// shared list serves.
  [[nodiscard]] bool apply_headers(CURL* e, const Job& job, curl_slist*& list) const;
  curl_slist* shared_headers() const { return m_headers; }
  /// A redirect hop the engine follows: a GET after a 301/302/303 that asked for one
  /// (net/redirect.hpp), and what is left of the attempt's --timeout, which covers the whole
  /// chain as when libcurl followed it.
  void apply_hop(CURL* e, const Job& job) const;
  /// Whether a transfer's connection and its host's DNS entry are kept for later: yes, as libcurl
  /// does by default, unless nothing else of its host is queued (Job::host_drained). Then the
  /// connection closes when the transfer ends and the DNS cache is emptied, which keeps libcurl
  /// 7.88's caches, and its cost per transfer, from growing with the hosts seen.
  static void keep_host(CURL* e, bool keep);
  /// --robots' fetch of /robots.txt: a GET whatever -X or -d ask, following up to five redirects
  /// (RFC 9309 2.3.1.2) whatever --max-redirects says.
  static void apply_robots(CURL* e);
  /// Drops -u's credentials from the handle: for a transfer to an origin the URL was not of.
  static void forget_credentials(CURL* e);

 private:
  const Options& m_options;
  TrustStore m_trust;
  CURLSH* m_share = nullptr;
  curl_slist* m_headers = nullptr;
  curl_slist* m_resolve = nullptr;
  bool m_proxy_from_env = false;
};

}  // namespace volley
