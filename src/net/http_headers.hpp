#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volley {

/// One response header line as libcurl's header callback hands it over.
struct HeaderLine {
  enum class Kind { status, field, other } kind = Kind::other;
  std::string name;  // lower-cased, for a field
  std::string value;  // trimmed
};

/// "HTTP/1.1 200 OK\r\n" is a status line (a new response begins: a redirect's or a 100's headers
/// are done with); "Name: value\r\n" a field; anything else (the blank end line) neither.
HeaderLine parse_header_line(std::string_view line);

/// Longest method accepted: the longest registered ones (UPDATEREDIRECTREF, BASELINE-CONTROL)
/// have 17 characters; anything much longer is a mistake or an attack, not a method.
inline constexpr std::size_t max_method_length = 32;

/// RFC 9110 token: one or more tchar ("!#$%&'*+-.^_`|~", digits, letters). Methods and header
/// names must be tokens, or they could end the request line or header early or hide a name from
/// libcurl's rules (an "Authorization " with a space is not dropped on a redirect to another host).
bool is_http_token(std::string_view s);

/// RFC 9110 field value as volley sends it: no control character but tab (no CR, LF, NUL, DEL),
/// so a value cannot start another header or end the head. Bytes >= 0x80 pass (obs-text).
bool is_header_value(std::string_view s);

/// Why `method` cannot be sent (not a token, or longer than max_method_length); empty when it can.
[[nodiscard]] std::string check_method(std::string_view method);

/// Why a header given as name and value cannot be sent; empty when it can.
/// The reason never quotes the header: its value may be a secret.
[[nodiscard]] std::string check_header(std::string_view name, std::string_view value);

/// The same for one header line in curl's -H forms: "Name: value", "Name:" (libcurl then leaves
/// out a header it would add itself) or "Name;" (sent with an empty value).
[[nodiscard]] std::string check_header_line(std::string_view line);

/// The name in a request header line: before the colon, or before the ";" of curl's "Name;" form.
std::string_view header_name(std::string_view header);

/// The request headers to send: the command line's, less those a request object names again
/// (compared case-insensitively), then the object's own.
std::vector<std::string> merge_headers(const std::vector<std::string>& global, const std::vector<std::string>& own);

}  // namespace volley
