#pragma once

#include "core/job.hpp"
#include "net/error_kind.hpp"

#include <string>
#include <string_view>

namespace volley {

/// One input line, judged before anything is fetched.
struct ParsedLine {
  enum class Kind { skip, url, error };
  Kind kind = Kind::skip;
  std::string url;          // what the output calls `url`: the trimmed line, or a request object's "url"
  std::string target;       // what to fetch: `url`, with http:// when it had no scheme
  std::string host_key;     // "host:port", the unit of --per-host
  ErrorKind error = ErrorKind::none;
  std::string message;
  std::shared_ptr<const RequestOverrides> request;  // set by a request object with more than a URL
  std::int32_t priority = 0;                         // a request object's "priority"
};

inline constexpr std::size_t max_url_length = 64 * 1024;

/// How much of a refused request object without a url string is echoed as its `url`.
inline constexpr std::size_t max_echo_length = 2048;

/// `url` with the password of its userinfo, if any, replaced by "***", for what volley reports
/// about a URL it fetched (final_url, logs); the user name stays.
std::string redact_password(std::string_view url);

/// Trims the line, skips blanks and #comments, reads a request object from a line starting with
/// "{", adds http:// to a URL without a scheme (as curl does), and refuses what libcurl would
/// only refuse later: bad bytes, other schemes, bad syntax.
ParsedLine parse_input_line(std::string_view line);

}  // namespace volley
