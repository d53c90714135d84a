#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// One response header line as libcurl's header callback hands it over.
struct HeaderLine {
  enum class Kind { status, field, other } kind = Kind::other;
  std::string name;  // lower-cased, for a field
  std::string value;  // trimmed
};

/// "HTTP/1.1 200 OK\r\n" is a status line (a new response begins: a redirect's or a 100's headers
/// are done with); "Name: value\r\n" a field; anything else (the blank end line) neither.
HeaderLine parse_header_line(std::string_view line);

/// The request headers to send: the command line's, less those a request object names again
/// (compared case-insensitively), then the object's own.
std::vector<std::string> merge_headers(const std::vector<std::string>& global, const std::vector<std::string>& own);
