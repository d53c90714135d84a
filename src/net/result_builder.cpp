#include "net/result_builder.hpp"

#include "input/url_check.hpp"

namespace volley {

namespace {

std::int64_t time_us(CURL* easy, CURLINFO info) {
  curl_off_t v = 0;
  curl_easy_getinfo(easy, info, &v);
  return static_cast<std::int64_t>(v);
}

// `empty_is_none`: libcurl answers "" rather than NULL for an address it never had; an empty
// Content-Type header, though, is a header.
std::optional<std::string> string_info(CURL* easy, CURLINFO info, bool empty_is_none) {
  char* s = nullptr;
  curl_easy_getinfo(easy, info, &s);
  if (!s || (empty_is_none && !*s)) return std::nullopt;
  return std::string(s);
}

// libcurl answers 0 for "no response" (status) and "no HTTP version" alike.
std::optional<long> nonzero_info(CURL* easy, CURLINFO info) {
  long v = 0;
  curl_easy_getinfo(easy, info, &v);
  if (v == 0) return std::nullopt;
  return v;
}

}  // namespace

void build_result(CURL* easy, CURLcode code, TransferFacts facts, const char* errbuf, Record& out) {
  out.status = nonzero_info(easy, CURLINFO_RESPONSE_CODE);
  // libcurl's effective URL keeps any password, the input's or a redirect's.
  out.final_url = string_info(easy, CURLINFO_EFFECTIVE_URL, true);
  if (out.final_url) out.final_url = redact_password(*out.final_url);
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &out.redirects);
  out.redirect_url = string_info(easy, CURLINFO_REDIRECT_URL, true);
  out.http_version = nonzero_info(easy, CURLINFO_HTTP_VERSION);
  out.remote_ip = string_info(easy, CURLINFO_PRIMARY_IP, true);
  out.content_type = string_info(easy, CURLINFO_CONTENT_TYPE, false);

  out.dns_us = time_us(easy, CURLINFO_NAMELOOKUP_TIME_T);
  out.connect_us = time_us(easy, CURLINFO_CONNECT_TIME_T);
  out.tls_us = time_us(easy, CURLINFO_APPCONNECT_TIME_T);
  out.ttfb_us = time_us(easy, CURLINFO_STARTTRANSFER_TIME_T);
  out.total_us = time_us(easy, CURLINFO_TOTAL_TIME_T);

  curl_off_t retry_after = 0;
  out.retry_after.reset();
  if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    out.retry_after = static_cast<double>(retry_after);

  facts.status = out.status.value_or(0);
  if (errbuf) facts.message = errbuf;
  out.error = classify(code, facts);
  if (out.error == ErrorKind::none) {
    out.message.clear();
  } else if (out.error == ErrorKind::body_too_large) {
    out.message = "body larger than --max-body";
  } else if (out.error == ErrorKind::interrupted) {
    out.message = interrupted_message;
  } else if (code == CURLE_OUT_OF_MEMORY && out.status) {
    out.message = "response header line longer than libcurl accepts (100 KiB)";
  } else {
    out.message = (errbuf && *errbuf) ? errbuf : curl_easy_strerror(code);
  }
}

}  // namespace volley
