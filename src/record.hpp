#pragma once

#include "error_kind.hpp"
#include "extracted.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

/// The optional fields a line carries, each asked for by its flag.
struct OutputFields {
  bool title = false;
  bool links = false;
  bool extract = false;
  bool hash = false;
  bool headers = false;
  bool saved = false;
};

/// Everything one output line says about one URL. The reactor fills the transport facts,
/// result_builder the error; jsonl_writer turns it into the line (docs/output.md).
struct Record {
  std::uint64_t seq = 0;
  std::string url;
  long status = 0;  // 0: no HTTP response
  std::string final_url;
  long redirects = 0;
  long http_version = 0;  // CURL_HTTP_VERSION_*; 0: none
  std::string remote_ip;
  std::string content_type;
  bool has_content_type = false;
  std::uint64_t size = 0;
  // Microseconds from the start of the last attempt, as libcurl's CURLINFO_*_TIME_T.
  std::int64_t dns_us = 0, connect_us = 0, tls_us = 0, ttfb_us = 0, total_us = 0;
  int attempts = 0;
  ErrorKind error = ErrorKind::none;
  std::string message;
  double retry_after = -1;  // seconds the server asked us to wait; < 0 when it did not

  // Kept only when a flag asks for them (Finishing::has_body_work, --headers).
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // final response, names lower-cased
  std::string meta;   // a request object's "meta", as compact JSON
  std::string saved;  // where --save wrote the body
  Extracted extracted;
};
