#pragma once

#include "job.hpp"

#include <string>
#include <string_view>

/// A request object parsed from one input line.
struct RequestObject {
  std::string url;
  RequestOverrides overrides;
  bool has_overrides = false;
};

/// Parses `{"url": ..., "method": ..., "headers": {...} or [...], "body": ..., "meta": ...}`.
/// Every key but "url" is optional; an unknown key is an error, so a typo does not silently send
/// a different request. Returns an empty string on success, else why the object is refused.
std::string parse_request_object(std::string_view line, RequestObject& out);
