#include "input/request_object.hpp"

#include "net/http_headers.hpp"
#include "util/ascii.hpp"
#include "util/json_text.hpp"

#include <algorithm>
#include <charconv>

namespace volley {

namespace {

std::string add_header(RequestOverrides& o, const std::string& name, std::string_view value) {
  if (!is_http_token(name)) return check_header(name, {});
  const auto text = decode_json_string(value);
  if (!text) return "header \"" + name + "\" must be a string";
  if (auto err = check_header(name, *text); !err.empty()) return err;
  o.headers.push_back(name + ": " + *text);
  return {};
}

std::string read_headers(std::string_view h, RequestOverrides& o) {
  if (const auto members = json_object_members(h)) {
    for (const auto& m : *members) {
      const auto name = decode_json_string(m.key);
      if (!name) return "a header name is not valid Unicode";
      if (auto err = add_header(o, *name, m.value); !err.empty()) return err;
    }
    return {};
  }
  if (const auto items = json_array_items(h)) {
    for (const auto item : *items) {
      const auto line = decode_json_string(item);
      if (!line) return "\"headers\" array items must be \"Name: value\" strings";
      if (auto err = check_header_line(*line); !err.empty()) return err;
      o.headers.push_back(*line);
    }
    return {};
  }
  return "\"headers\" must be an object or an array";
}

// Only an integer as written (no fraction, no exponent): 1.0 or 1e2 would ask which numbers count
// as whole, and a JSON reader that parses doubles rounds 1e20 rather than refusing it.
std::string read_priority(std::string_view v, std::int32_t& out) {
  const std::string why = "\"priority\" must be an integer from " + std::to_string(-max_priority) + " to " +
                          std::to_string(max_priority);
  const std::string_view digits = v.starts_with('-') ? v.substr(1) : v;
  if (digits.empty() || digits.size() > 7 || !std::all_of(digits.begin(), digits.end(), is_ascii_digit)) return why;
  std::int32_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  if (n < -max_priority || n > max_priority) return why;
  out = n;
  return {};
}

}  // namespace

std::string parse_request_object(std::string_view line, RequestObject& out) {
  const auto members = json_object_members(line);
  if (!members) return is_json(line) ? "a request object must be a JSON object" : "not a valid JSON object";
  std::vector<std::pair<std::string, std::string_view>> fields;
  for (const auto& m : *members) {
    auto key = decode_json_string(m.key);
    if (!key) return "not a valid JSON object";
    fields.emplace_back(std::move(*key), m.value);
  }

  // url and meta first: a refused object is still reported by them, so its line joins back.
  for (const auto& [key, value] : fields) {
    if (key == "url" && !out.has_url) {
      if (auto url = decode_json_string(value)) {
        out.url = std::move(*url);
        out.has_url = true;
      }
    } else if (key == "meta" && out.overrides.meta.empty()) {
      out.overrides.meta = minify_json(value);
    }
  }
  if (!out.has_url) return "a request object needs a \"url\" string";

  for (auto it = fields.begin(); it != fields.end(); ++it) {
    // Plain references, not a structured binding: C++20 lets a lambda capture a binding, clang 14
    // (the fuzz build) does not.
    const auto& key = it->first;
    const auto& value = it->second;
    // Readers differ on which of two equal keys wins; a request must not depend on that.
    if (std::any_of(fields.begin(), it, [&](const auto& f) { return f.first == key; }))
      return "key \"" + key + "\" appears twice";
    if (key == "url") continue;
    if (key == "priority") {
      if (auto err = read_priority(value, out.priority); !err.empty()) return err;
      continue;
    }
    out.has_overrides = true;
    if (key == "method") {
      const auto method = decode_json_string(value);
      if (!method) return "\"method\" must be a string";
      if (auto err = check_method(*method); !err.empty()) return err;
      out.overrides.method = *method;
    } else if (key == "headers") {
      if (auto err = read_headers(value, out.overrides); !err.empty()) return err;
    } else if (key == "body") {
      // A structured body is sent as its JSON text, as written: the common case of posting JSON.
      if (value.front() != '"') {
        out.overrides.body = minify_json(value);
      } else if (auto body = decode_json_string(value)) {
        out.overrides.body = std::move(*body);
      } else {
        return "\"body\" is not valid Unicode";
      }
    } else if (key != "meta") {
      return "unknown key \"" + key + "\" in request object";
    }
  }
  return {};
}

}  // namespace volley
