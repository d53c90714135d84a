#include "net/request_setup.hpp"

namespace volley {

RequestSetup decide_request(const std::string& cli_method, const std::optional<std::string>& cli_data,
                            const RequestOverrides* object) {
  const std::string& method = object && object->method ? *object->method : cli_method;
  const std::optional<std::string>& body = object && object->body ? object->body : cli_data;
  RequestSetup s;
  if (method == "HEAD") {
    // A HEAD sent as a custom method would wait for a body that never comes.
    s.base = RequestSetup::Base::head;
    return s;
  }
  if (body) {
    s.base = RequestSetup::Base::post;
    s.body = &*body;
    if (method != "POST") s.custom_method = method;
  } else if (method != "GET") {
    s.custom_method = method;
  }
  return s;
}

}  // namespace volley
