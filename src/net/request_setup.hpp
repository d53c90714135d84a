#pragma once

#include "core/job.hpp"

#include <optional>
#include <string>

namespace volley {

/// How one request's method and body are given to libcurl, decided in one place for the
/// command line alone (-X, -d) and for a request object over it ("method", "body").
struct RequestSetup {
  /// What libcurl is told: CURLOPT_HTTPGET, CURLOPT_NOBODY (a real HEAD) or CURLOPT_POSTFIELDS.
  enum class Base { get, head, post };
  Base base = Base::get;
  const std::string* body = nullptr;  // for `post`: the bytes to send, owned by the caller's inputs
  std::string custom_method;          // CURLOPT_CUSTOMREQUEST; empty when `base` already says it
};

/// The object's method and body, when given, replace -X and -d. A body makes the request a POST
/// unless a method says otherwise (then that method carries the body, as curl -X PUT -d does);
/// HEAD never carries a body, since nothing would read the reply's. Every method has already
/// passed check_method().
RequestSetup decide_request(const std::string& cli_method, const std::optional<std::string>& cli_data,
                            const RequestOverrides* object);

}  // namespace volley
