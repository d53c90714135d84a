#pragma once

#include "core/job.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace volley {

/// A request object parsed from one input line.
struct RequestObject {
  std::string url;
  bool has_url = false;  // set even when the object is refused, with overrides.meta: they report it
  RequestOverrides overrides;
  bool has_overrides = false;
  std::int32_t priority = 0;  // "priority": the start order, not part of the request
};

inline constexpr std::int32_t max_priority = 1'000'000;

/// Parses `{"url": ..., "method": ..., "headers": {...} or [...], "body": ..., "meta": ...,
/// "priority": N}`, N an integer from -max_priority to max_priority written without a fraction or
/// an exponent.
/// Every key but "url" is optional; an unknown key is an error, so a typo does not silently send
/// a different request, and so is a key given twice. A method must pass check_method(), a header
/// check_header(); "meta" and a JSON "body" keep their text as written (json_text.hpp).
/// Returns an empty string on success, else why the object is refused.
[[nodiscard]] std::string parse_request_object(std::string_view line, RequestObject& out);

}  // namespace volley
