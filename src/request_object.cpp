#include "request_object.hpp"

#include <nlohmann/json.hpp>

namespace {

// ordered_json keeps keys as written: headers go out in that order and meta comes back unchanged.
using json = nlohmann::ordered_json;

bool valid_header_part(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

std::string add_header(RequestOverrides& o, std::string name, const json& value) {
  if (!value.is_string()) return "header \"" + name + "\" must be a string";
  std::string text = std::move(name) + ": " + value.get<std::string>();
  if (!valid_header_part(text)) return "a header holds a line break";
  o.headers.push_back(std::move(text));
  return {};
}

std::string read_headers(const json& h, RequestOverrides& o) {
  if (h.is_object()) {
    for (const auto& [name, value] : h.items())
      if (auto err = add_header(o, name, value); !err.empty()) return err;
    return {};
  }
  if (h.is_array()) {
    for (const auto& line : h) {
      if (!line.is_string() || line.get<std::string>().find(':') == std::string::npos)
        return "\"headers\" array items must be \"Name: value\" strings";
      if (!valid_header_part(line.get<std::string>())) return "a header holds a line break";
      o.headers.push_back(line.get<std::string>());
    }
    return {};
  }
  return "\"headers\" must be an object or an array";
}

}  // namespace

std::string parse_request_object(std::string_view line, RequestObject& out) {
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) return "not a valid JSON object";
  if (!j.is_object()) return "a request object must be a JSON object";
  const auto url = j.find("url");
  if (url == j.end() || !url->is_string()) return "a request object needs a \"url\" string";
  out.url = url->get<std::string>();

  for (const auto& [key, value] : j.items()) {
    if (key == "url") continue;
    out.has_overrides = true;
    if (key == "method") {
      if (!value.is_string() || value.get<std::string>().empty()) return "\"method\" must be a non-empty string";
      out.overrides.method = value.get<std::string>();
    } else if (key == "headers") {
      if (auto err = read_headers(value, out.overrides); !err.empty()) return err;
    } else if (key == "body") {
      // A structured body is sent as its JSON text: the common case of posting JSON.
      out.overrides.body = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (key == "meta") {
      out.overrides.meta = value.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
      return "unknown key \"" + key + "\" in request object";
    }
  }
  return {};
}
