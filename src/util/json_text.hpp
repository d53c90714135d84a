#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

// JSON kept as written. nlohmann reads every number into a double or a 64-bit integer
// (12345678901234567890123 comes back as 1.2345678901234568e+22, 1E2 as 100.0) and refuses 1e400
// outright, so a request object is read here as text, and "meta" and a JSON "body" are copied
// byte for byte. Only string literals are decoded (by nlohmann, which does that exactly).

/// One member of a JSON object, as spans of the text it was read from.
struct JsonMember {
  std::string_view key;    // the string literal, quotes included
  std::string_view value;  // the value as written, without the whitespace around it
};

/// Whether `text` is one JSON value (RFC 8259, UTF-8), whitespace around it allowed. Numbers are
/// checked for their syntax only: RFC 8259 leaves their range and precision to the reader.
bool is_json(std::string_view text);

/// The members of the JSON object `text`, in order (duplicates too); nullopt when `text` is not
/// one valid JSON object.
std::optional<std::vector<JsonMember>> json_object_members(std::string_view text);

/// The items of the JSON array `text`, as written; nullopt when `text` is not one valid JSON array.
std::optional<std::vector<std::string_view>> json_array_items(std::string_view text);

/// A string literal (quotes included) decoded to UTF-8; nullopt when it is not one, or when an
/// escape names half a surrogate pair, which has no UTF-8 form.
std::optional<std::string> decode_json_string(std::string_view literal);

/// Valid JSON text without the whitespace between tokens: one line, every token as written.
std::string minify_json(std::string_view json);

}  // namespace volley
