#include "net/trust_store.hpp"

#include <catch2/catch.hpp>

using namespace volley;

namespace {

using Origin = TrustPlan::Origin;
using Loader = TrustPlan::Loader;

// Every source set, as on a Debian machine with all the variables exported.
TrustInputs everything() {
  TrustInputs in;
  in.cacert = "/flag/ca.pem";
  in.capath = "/flag/dir";
  in.curl_ca_bundle = "/env/curl-bundle.pem";
  in.ssl_cert_file = "/env/ssl-file.pem";
  in.ssl_cert_dir = "/env/ssl-dir";
  in.builtin_cainfo = "/etc/ssl/certs/ca-certificates.crt";
  in.builtin_capath = "/etc/ssl/certs";
  in.ssl_version = "OpenSSL/3.0.19";
  in.linked_openssl = "OpenSSL/3.0.19";
  return in;
}

void check_sources(const TrustPlan& p, Origin origin, const std::string& file, const std::string& dir) {
  CHECK(p.origin == origin);
  CHECK(p.file == file);
  CHECK(p.dir == dir);
}

}  // namespace

TEST_CASE("trust_store: the first source that names anything is the whole store") {
  TrustInputs in = everything();
  check_sources(plan_trust(in), Origin::flags, "/flag/ca.pem", "/flag/dir");

  SECTION("--cacert alone does not take --capath from a lower source") {
    in.capath.clear();
    check_sources(plan_trust(in), Origin::flags, "/flag/ca.pem", "");
  }
  SECTION("--capath alone does not take a file from a lower source") {
    in.cacert.clear();
    check_sources(plan_trust(in), Origin::flags, "", "/flag/dir");
  }
  in.cacert.clear();
  in.capath.clear();
  check_sources(plan_trust(in), Origin::curl_ca_bundle, "/env/curl-bundle.pem", "");
  in.curl_ca_bundle.clear();
  check_sources(plan_trust(in), Origin::ssl_cert_env, "/env/ssl-file.pem", "/env/ssl-dir");
  SECTION("SSL_CERT_DIR alone") {
    in.ssl_cert_file.clear();
    check_sources(plan_trust(in), Origin::ssl_cert_env, "", "/env/ssl-dir");
  }
  SECTION("SSL_CERT_FILE alone") {
    in.ssl_cert_dir.clear();
    check_sources(plan_trust(in), Origin::ssl_cert_env, "/env/ssl-file.pem", "");
  }
  in.ssl_cert_file.clear();
  in.ssl_cert_dir.clear();
  check_sources(plan_trust(in), Origin::libcurl_builtin, "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs");
  SECTION("a libcurl built with a bundle only") {
    in.builtin_capath.clear();
    check_sources(plan_trust(in), Origin::libcurl_builtin, "/etc/ssl/certs/ca-certificates.crt", "");
  }
  in.builtin_cainfo.clear();
  in.builtin_capath.clear();
  check_sources(plan_trust(in), Origin::openssl_defaults, "", "");
  CHECK(plan_trust(in).loader == Loader::shared_store);
}

TEST_CASE("trust_store: -k needs no store at all") {
  TrustInputs in = everything();
  in.insecure = true;
  const TrustPlan p = plan_trust(in);
  CHECK(p.loader == Loader::none);
  check_sources(p, Origin::none, "", "");
}

TEST_CASE("trust_store: the store is shared only with the same OpenSSL as libcurl's") {
  TrustInputs in = everything();
  CHECK(plan_trust(in).loader == Loader::shared_store);
  SECTION("a multi-SSL libcurl names the backend in use first") {
    in.ssl_version = "OpenSSL/3.0.19 (GnuTLS/3.7.9)";
    CHECK(plan_trust(in).loader == Loader::shared_store);
  }
  for (const char* other : {"GnuTLS/3.7.9", "(OpenSSL/3.0.19) GnuTLS/3.7.9", "OpenSSL/1.1.1w", "OpenSSL/3.0.1",
                            "BoringSSL", "LibreSSL/3.8.2", ""}) {
    INFO(other);
    in.ssl_version = other;
    const TrustPlan p = plan_trust(in);
    CHECK(p.loader == Loader::libcurl);
    CHECK_FALSE(p.why_libcurl.empty());
    // libcurl is then given the same sources.
    check_sources(p, Origin::flags, "/flag/ca.pem", "/flag/dir");
  }
}

TEST_CASE("trust_store: an HTTPS proxy leaves the loading to libcurl") {
  TrustInputs in = everything();
  in.https_proxy = true;
  const TrustPlan p = plan_trust(in);
  CHECK(p.loader == Loader::libcurl);
  check_sources(p, Origin::flags, "/flag/ca.pem", "/flag/dir");

  CHECK(is_https_proxy("https://proxy.example:3128"));
  CHECK(is_https_proxy("HTTPS://proxy.example"));
  CHECK_FALSE(is_https_proxy("http://proxy.example:3128"));
  CHECK_FALSE(is_https_proxy("proxy.example:3128"));
  CHECK_FALSE(is_https_proxy("socks5h://proxy.example"));
  CHECK_FALSE(is_https_proxy("https:/"));
  CHECK_FALSE(is_https_proxy(""));
}
