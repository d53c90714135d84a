#include "result_builder.hpp"

#include "url_check.hpp"

namespace {

std::int64_t time_us(CURL* easy, CURLINFO info) {
  curl_off_t v = 0;
  curl_easy_getinfo(easy, info, &v);
  return static_cast<std::int64_t>(v);
}

void assign(std::string& out, const char* s) {
  if (s)
    out.assign(s);
  else
    out.clear();
}

}  // namespace

void build_result(CURL* easy, CURLcode code, TransferFacts facts, const char* errbuf, Record& out) {
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &out.status);
  char* s = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &s);
  // libcurl's effective URL keeps any password, the input's or a redirect's.
  out.final_url = s ? redact_password(s) : std::string();
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &out.redirects);
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &out.http_version);
  s = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &s);
  assign(out.remote_ip, s);
  s = nullptr;
  curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &s);
  out.has_content_type = s != nullptr;
  assign(out.content_type, s);

  out.dns_us = time_us(easy, CURLINFO_NAMELOOKUP_TIME_T);
  out.connect_us = time_us(easy, CURLINFO_CONNECT_TIME_T);
  out.tls_us = time_us(easy, CURLINFO_APPCONNECT_TIME_T);
  out.ttfb_us = time_us(easy, CURLINFO_STARTTRANSFER_TIME_T);
  out.total_us = time_us(easy, CURLINFO_TOTAL_TIME_T);

  curl_off_t retry_after = 0;
  out.retry_after = -1;
  if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    out.retry_after = static_cast<double>(retry_after);

  facts.status = out.status;
  if (errbuf) facts.message = errbuf;
  out.error = classify(code, facts);
  if (out.error == ErrorKind::none) {
    out.message.clear();
  } else if (out.error == ErrorKind::body_too_large) {
    out.message = "body larger than --max-body";
  } else if (out.error == ErrorKind::interrupted) {
    out.message = interrupted_message;
  } else if (code == CURLE_OUT_OF_MEMORY && out.status > 0) {
    out.message = "response header line longer than libcurl accepts (100 KiB)";
  } else {
    out.message = (errbuf && *errbuf) ? errbuf : curl_easy_strerror(code);
  }
}
