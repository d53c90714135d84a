#pragma once

#include <string>
#include <string_view>

namespace volley {

/// The iconv name of the encoding an encoding label stands for ("latin1" → "CP1252",
/// "Shift_JIS" → "CP932"), after the WHATWG Encoding Standard; empty for a label it does not know.
std::string charset_from_label(std::string_view label);

/// The iconv name of the encoding `body` is written in. In order: a byte order mark, the
/// Content-Type charset, a <meta> charset in the first 1024 bytes (only when `html`), UTF-8 when
/// the body is valid UTF-8, else windows-1252. Labels that name no known encoding are skipped.
std::string sniff_charset(std::string_view body, std::string_view content_type, bool html);

/// `body` converted from `charset` (an iconv name) to UTF-8, without a leading byte order mark.
/// Every ill-formed sequence becomes U+FFFD, so the result is always valid UTF-8.
std::string to_utf8(std::string_view body, const std::string& charset);

}  // namespace volley
