#pragma once

#include "core/job.hpp"

#include <string>
#include <string_view>

namespace volley {

/// A request object parsed from one input line.
struct RequestObject {
  std::string url;
  bool has_url = false;  // set even when the object is refused, with overrides.meta: they report it
  RequestOverrides overrides;
  bool has_overrides = false;
};

/// Parses `{"url": ..., "method": ..., "headers": {...} or [...], "body": ..., "meta": ...}`.
/// Every key but "url" is optional; an unknown key is an error, so a typo does not silently send
/// a different request, and so is a key given twice. A method must pass check_method(), a header
/// check_header(); "meta" and a JSON "body" keep their text as written (json_text.hpp).
/// Returns an empty string on success, else why the object is refused.
[[nodiscard]] std::string parse_request_object(std::string_view line, RequestObject& out);

}  // namespace volley
