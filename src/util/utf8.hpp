#pragma once

#include <string>
#include <string_view>

namespace volley {

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// The longest prefix of `s` of at most `max_bytes` that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

/// `s` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

/// Appends `s` to `out` as the body of a JSON string: escaped, and with every
/// ill-formed UTF-8 sequence replaced by U+FFFD, so the output stays valid whatever a server sent.
void append_json_string_body(std::string& out, std::string_view s);

}  // namespace volley
