#pragma once

#include "net/error_kind.hpp"
#include "output/output_fields.hpp"
#include "scrape/extracted.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace volley {

struct CrawlPage;

/// Everything one output line says about one URL. The reactor fills the transport facts,
/// result_builder the error; jsonl_writer turns it into the line (docs/output.md).
struct Record {
  std::uint64_t seq = 0;
  std::string url;
  std::optional<long> status;  // none: no HTTP response
  std::optional<std::string> final_url;
  long redirects = 0;
  std::optional<std::string> redirect_url;  // a 3xx's Location, resolved by libcurl, which follows none
  std::optional<long> http_version;  // CURL_HTTP_VERSION_*
  std::optional<std::string> remote_ip;
  std::optional<std::string> content_type;
  std::uint64_t size = 0;
  // Lower-case hex of the decoded body, hashed by the reactor as it arrived (--hash, --state): a
  // fact of the transfer, so extracting from the body later leaves it alone. None when not asked
  // or when no complete response came.
  std::optional<std::string> sha256;
  // Microseconds from the start of the last attempt, as libcurl's CURLINFO_*_TIME_T.
  std::int64_t dns_us = 0, connect_us = 0, tls_us = 0, ttfb_us = 0, total_us = 0;
  // Microseconds from the first attempt's start to the line: retries and their waits included.
  std::int64_t elapsed_us = 0;
  std::optional<std::int64_t> fetched_at_ms;  // Unix ms when the last attempt started; none: never started
  int attempts = 0;
  ErrorKind error = ErrorKind::none;
  std::string message;
  std::optional<double> retry_after;  // seconds the server asked us to wait
  // The final response's validators, kept for --state; untrusted bytes from the server.
  std::optional<std::string> etag, last_modified;
  // --state: against the stored row (state_rules.hpp).
  std::optional<bool> changed;
  std::optional<std::int64_t> last_fetched_ms;  // Unix ms of the previous successful fetch
  bool cached = false;                          // answered from the store (--max-age), not fetched

  // Kept only when a flag asks for them (LinePlan::has_body_work, --headers).
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // final response, names lower-cased
  std::optional<std::string> meta;  // a request object's "meta", as compact JSON
  std::optional<std::string> id;    // the queue entry's id (--queue)
  std::optional<std::string> saved;  // where --save wrote the body
  std::shared_ptr<const CrawlPage> crawl;  // --crawl: the line's depth and parent, its links' seed
  Extracted extracted;
};

}  // namespace volley
