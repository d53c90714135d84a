#include "net/trust_store.hpp"

#include "util/ascii.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace volley {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// libcurl reads these and not HTTP_PROXY (a CGI program's request header could set it); an
// explicit -x replaces them all.
bool https_proxy_in_use(const std::string& explicit_proxy) {
  if (!explicit_proxy.empty()) return is_https_proxy(explicit_proxy);
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    if (is_https_proxy(env(name))) return true;
  return false;
}

std::string openssl_error() {
  char buf[256] = "no certificates found";
  if (const unsigned long e = ERR_peek_last_error()) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::string describe(const TrustPlan& p) {
  std::string s = trust_origin_name(p.origin);
  if (!p.file.empty()) s += " file " + p.file;
  if (!p.dir.empty()) s += " dir " + p.dir;
  return s;
}

}  // namespace

TrustPlan plan_trust(const TrustInputs& in) {
  TrustPlan p;
  if (in.insecure) return p;
  using O = TrustPlan::Origin;
  if (!in.cacert.empty() || !in.capath.empty()) {
    p = {O::flags, {}, in.cacert, in.capath, {}};
  } else if (!in.curl_ca_bundle.empty()) {
    p = {O::curl_ca_bundle, {}, in.curl_ca_bundle, {}, {}};
  } else if (!in.ssl_cert_file.empty() || !in.ssl_cert_dir.empty()) {
    p = {O::ssl_cert_env, {}, in.ssl_cert_file, in.ssl_cert_dir, {}};
  } else if (!in.builtin_cainfo.empty() || !in.builtin_capath.empty()) {
    p = {O::libcurl_builtin, {}, in.builtin_cainfo, in.builtin_capath, {}};
  } else {
    p.origin = O::openssl_defaults;
  }
  // Our X509_STORE goes into libcurl's SSL_CTX: both must be the same OpenSSL. libcurl names
  // the backend in use first, unbracketed ("OpenSSL/3.0.19"), as OpenSSL_version() does ours.
  const std::string_view backend = std::string_view(in.ssl_version).substr(0, in.ssl_version.find(' '));
  if (backend != in.linked_openssl) {
    p.loader = TrustPlan::Loader::libcurl;
    p.why_libcurl = "libcurl's TLS backend is " + (in.ssl_version.empty() ? std::string("none") : in.ssl_version) +
                    ", not this program's " + in.linked_openssl;
  } else if (in.https_proxy) {
    // The SSL_CTX callback runs for the proxy's TLS too, and libcurl would then load the proxy's
    // CA bundle into the shared store: trust meant for the proxy would reach every server.
    p.loader = TrustPlan::Loader::libcurl;
    p.why_libcurl = "an HTTPS proxy is in use";
  } else {
    p.loader = TrustPlan::Loader::shared_store;
  }
  return p;
}

const char* trust_origin_name(TrustPlan::Origin origin) {
  switch (origin) {
    case TrustPlan::Origin::none: return "none (-k)";
    case TrustPlan::Origin::flags: return "--cacert/--capath";
    case TrustPlan::Origin::curl_ca_bundle: return "CURL_CA_BUNDLE";
    case TrustPlan::Origin::ssl_cert_env: return "SSL_CERT_FILE/SSL_CERT_DIR";
    case TrustPlan::Origin::libcurl_builtin: return "libcurl's built-in";
    case TrustPlan::Origin::openssl_defaults: return "OpenSSL's default paths";
  }
  return "?";
}

bool is_https_proxy(std::string_view proxy) {
  constexpr std::string_view scheme = "https://";
  if (proxy.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (ascii_lower(proxy[i]) != scheme[i]) return false;
  return true;
}

TrustStore::TrustStore(const Options& o) {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  TrustInputs in;
  in.insecure = o.insecure;
  in.cacert = o.cacert;
  in.capath = o.capath;
  in.curl_ca_bundle = env("CURL_CA_BUNDLE");
  in.ssl_cert_file = env("SSL_CERT_FILE");
  in.ssl_cert_dir = env("SSL_CERT_DIR");
  in.builtin_cainfo = curl->cainfo ? curl->cainfo : "";
  in.builtin_capath = curl->capath ? curl->capath : "";
  in.ssl_version = curl->ssl_version ? curl->ssl_version : "";
  in.linked_openssl = std::string("OpenSSL/") + OpenSSL_version(OPENSSL_VERSION_STRING);
  in.https_proxy = https_proxy_in_use(o.proxy);
  m_plan = plan_trust(in);
  if (m_plan.loader == TrustPlan::Loader::none) return;
  if (m_plan.loader == TrustPlan::Loader::libcurl) {
    spdlog::debug("{}: libcurl loads the CA certificates ({}) for each new connection", m_plan.why_libcurl,
                  describe(m_plan));
    return;
  }

  // A store named on the command line is loaded now, so a bad one is exit 2 before anything is
  // fetched. Any other is loaded by the first TLS connection: a plain-http run never pays the
  // 20-80 ms of parsing a system bundle, nor holds it in memory.
  if (m_plan.origin == TrustPlan::Origin::flags) load();
}

X509_STORE* TrustStore::load() {
  if (m_store || m_failed) return m_store;
  const auto t0 = std::chrono::steady_clock::now();
  m_store = X509_STORE_new();
  if (!m_store) throw std::runtime_error("cannot set up the CA store");
  // The same calls libcurl makes with CAINFO and CAPATH, so a file or directory means the same.
  std::string failed;
  if (!m_plan.file.empty() && !X509_STORE_load_file(m_store, m_plan.file.c_str()))
    failed = "file " + m_plan.file + ": " + openssl_error();
  else if (!m_plan.dir.empty() && !X509_STORE_load_path(m_store, m_plan.dir.c_str()))
    failed = "directory " + m_plan.dir + ": " + openssl_error();
  else if (m_plan.origin == TrustPlan::Origin::openssl_defaults && !X509_STORE_set_default_paths(m_store))
    failed = "OpenSSL's default paths: " + openssl_error();
  if (!failed.empty()) {
    X509_STORE_free(m_store);
    m_store = nullptr;
    if (m_plan.origin == TrustPlan::Origin::flags) throw std::runtime_error("cannot load CA certificates from " + failed);
    // Not asked for on the command line: the run goes on, and every https URL fails as `tls`.
    spdlog::warn("cannot load CA certificates from {} ({}): https URLs will fail verification", failed,
                 trust_origin_name(m_plan.origin));
    m_failed = true;
    return nullptr;
  }
  spdlog::debug("CA certificates from {}: {} objects, loaded once in {:.1f} ms", describe(m_plan),
                sk_X509_OBJECT_num(X509_STORE_get0_objects(m_store)),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return m_store;
}

TrustStore::~TrustStore() { X509_STORE_free(m_store); }

void TrustStore::configure(CURL* e) {
  switch (m_plan.loader) {
    case TrustPlan::Loader::none:
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
      return;
    case TrustPlan::Loader::libcurl:
      // Without a source of our own (no built-in paths) libcurl's defaults stand.
      if (m_plan.origin == TrustPlan::Origin::openssl_defaults) return;
      curl_easy_setopt(e, CURLOPT_CAINFO, m_plan.file.empty() ? nullptr : m_plan.file.c_str());
      curl_easy_setopt(e, CURLOPT_CAPATH, m_plan.dir.empty() ? nullptr : m_plan.dir.c_str());
      return;
    case TrustPlan::Loader::shared_store:
      // With neither set, libcurl 7.88 loads nothing into the SSL_CTX's store and only sets its
      // chain flags on ours; VERIFYPEER still makes it SSL_VERIFY_PEER, and the host name check
      // is libcurl's own, after the handshake. (A libcurl configured --with-ca-fallback, not
      // curl's default nor Debian's, would add OpenSSL's default paths to the store here.)
      curl_easy_setopt(e, CURLOPT_CAINFO, nullptr);
      curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
      curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
      curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, this);
#if LIBCURL_VERSION_NUM >= 0x075700
      // libcurl's own CA cache (7.87+) would only keep a second reference to this same store.
      // It never took effect here anyway: Debian's libcurl has a built-in CA directory, and a
      // CAPATH rules the cache out.
      curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
      return;
  }
}

// Called for every new TLS connection, before its handshake, with the connection's fresh SSL_CTX,
// on the reactor's thread. set1 takes a reference for the SSL_CTX and frees the empty store it
// had; the SSL_CTX gives the reference back when libcurl frees it with the connection. An error
// returned here fails the transfer with that code, before anything is sent.
CURLcode TrustStore::on_ssl_ctx(CURL*, void* ssl_ctx, void* userp) {
  X509_STORE* store = nullptr;
  try {
    store = static_cast<TrustStore*>(userp)->load();
  } catch (const std::exception&) {
    return CURLE_OUT_OF_MEMORY;
  }
  if (!store) return CURLE_SSL_CACERT_BADFILE;
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), store);
  return CURLE_OK;
}

}  // namespace volley
