#pragma once

#include "app/options.hpp"

#include <curl/curl.h>

#include <string>
#include <string_view>

struct x509_store_st;  // OpenSSL's X509_STORE, kept out of this header

namespace volley {

/// What decides where the CA certificates come from: the flags, the environment and what libcurl
/// was built with. Empty means "not given" (an empty environment variable counts as unset).
struct TrustInputs {
  bool insecure = false;
  std::string cacert;          // --cacert
  std::string capath;          // --capath
  std::string curl_ca_bundle;  // $CURL_CA_BUNDLE, as curl reads it
  std::string ssl_cert_file;   // $SSL_CERT_FILE, as OpenSSL reads it
  std::string ssl_cert_dir;    // $SSL_CERT_DIR, as OpenSSL reads it
  std::string builtin_cainfo;  // curl_version_info()->cainfo
  std::string builtin_capath;  // curl_version_info()->capath
  std::string ssl_version;     // curl_version_info()->ssl_version: the TLS backend
  std::string linked_openssl;  // "OpenSSL/" and the version of the OpenSSL this program runs with
  bool https_proxy = false;    // a proxy reached over TLS may be used
};

/// Where peers are verified from, and who loads it. The first origin that names anything is the
/// whole trust store: sources are never mixed (docs/behaviour.md, "Trusted certificates").
struct TrustPlan {
  enum class Origin { none, flags, curl_ca_bundle, ssl_cert_env, libcurl_builtin, openssl_defaults };
  enum class Loader {
    none,          // -k: nothing is verified
    shared_store,  // loaded once here, one X509_STORE for every connection
    libcurl,       // libcurl loads the same sources for each new connection
  };
  Origin origin = Origin::none;
  Loader loader = Loader::none;
  std::string file;  // empty: none
  std::string dir;   // empty: none
  std::string why_libcurl;  // set when the loader is libcurl: for the -v log
};

/// The trust sources in order: --cacert/--capath, $CURL_CA_BUNDLE, $SSL_CERT_FILE/$SSL_CERT_DIR,
/// libcurl's built-in bundle and directory, OpenSSL's default paths.
TrustPlan plan_trust(const TrustInputs& in);

const char* trust_origin_name(TrustPlan::Origin origin);

/// Whether a proxy URL (as -x or a *_proxy variable gives it) is reached over TLS.
bool is_https_proxy(std::string_view proxy);


/// The CA certificates of one run. libcurl 7.88 parses its CA bundle into a fresh store for every
/// new connection (about 20 ms for Debian's 140 certificates); here it is parsed once and every
/// connection's SSL_CTX shares the one store through CURLOPT_SSL_CTX_FUNCTION.
class TrustStore {
 public:
  /// Plans from the options, the environment and libcurl. A store named by --cacert or --capath
  /// is loaded now (std::runtime_error when it cannot be); any other by the first TLS connection.
  explicit TrustStore(const Options& options);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  /// Sets an easy handle's verification options; again after every curl_easy_reset.
  void configure(CURL* easy);

 private:
  static CURLcode on_ssl_ctx(CURL* easy, void* ssl_ctx, void* userp);
  /// The store, loaded on the first call; null when it could not be (said once, on stderr).
  x509_store_st* load();

  TrustPlan m_plan;
  x509_store_st* m_store = nullptr;  // one reference, ours; each SSL_CTX holds its own
  bool m_failed = false;
};

}  // namespace volley
