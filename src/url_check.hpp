#pragma once

#include "error_kind.hpp"

#include <string>
#include <string_view>

/// One input line, judged before anything is fetched.
struct ParsedLine {
  enum class Kind { skip, url, error };
  Kind kind = Kind::skip;
  std::string_view url;     // the trimmed line: what the output calls `url`
  std::string target;       // what to fetch: `url`, with http:// when it had no scheme
  std::string host_key;     // "host:port", the unit of --per-host
  ErrorKind error = ErrorKind::none;
  std::string message;
};

inline constexpr std::size_t max_url_length = 64 * 1024;

/// Trims the line, skips blanks and #comments, adds http:// to a URL without a scheme (as curl
/// does), and refuses what libcurl would only refuse later: bad bytes, other schemes, bad syntax.
ParsedLine parse_input_line(std::string_view line);
