#pragma once

#include <curl/curl.h>

#include <string_view>

namespace volley {

/// Why a URL has no complete response. The names are part of the output format (docs/output.md).
enum class ErrorKind {
  none,
  invalid_url,
  invalid_input,
  unsupported_scheme,
  dns,
  connect,
  tls,
  timeout,
  too_many_redirects,
  redirect_blocked,
  body_too_large,
  connection,
  partial,
  protocol,
  interrupted,
  save,
  host_unreachable,  // --host-errors gave the URL's host up
  robots_disallowed,  // --robots: the origin's robots.txt forbids the URL
  poisoned,          // a queue entry delivered more than --max-deliveries times
  other,
};

inline constexpr int error_kind_count = static_cast<int>(ErrorKind::other) + 1;

std::string_view error_kind_name(ErrorKind kind);
/// The kind an output line names (--resume reads earlier lines back); `other` for a name this
/// volley does not know.
ErrorKind error_kind_from_name(std::string_view name);

/// What was known of the transfer when libcurl reported `code`, beyond the code: libcurl gives
/// one code to failures that users tell apart.
struct TransferFacts {
  bool body_too_large = false;  // our write callback refused the body
  bool interrupted = false;
  long status = 0;              // last HTTP status received, 0 if none
  std::string_view message;     // libcurl's error buffer
};

inline constexpr std::string_view interrupted_message = "interrupted by a signal before it finished";

ErrorKind classify(CURLcode code, const TransferFacts& facts);

}  // namespace volley
