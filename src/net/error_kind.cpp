#include "net/error_kind.hpp"

namespace volley {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none: return "none";
    case ErrorKind::invalid_url: return "invalid_url";
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::unsupported_scheme: return "unsupported_scheme";
    case ErrorKind::dns: return "dns";
    case ErrorKind::connect: return "connect";
    case ErrorKind::tls: return "tls";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::too_many_redirects: return "too_many_redirects";
    case ErrorKind::redirect_blocked: return "redirect_blocked";
    case ErrorKind::body_too_large: return "body_too_large";
    case ErrorKind::connection: return "connection";
    case ErrorKind::partial: return "partial";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::save: return "save";
    case ErrorKind::host_unreachable: return "host_unreachable";
    case ErrorKind::robots_disallowed: return "robots_disallowed";
    case ErrorKind::poisoned: return "poisoned";
    case ErrorKind::other: return "other";
  }
  return "other";
}

ErrorKind error_kind_from_name(std::string_view name) {
  for (int k = 1; k < error_kind_count; ++k)
    if (error_kind_name(static_cast<ErrorKind>(k)) == name) return static_cast<ErrorKind>(k);
  return ErrorKind::other;
}

ErrorKind classify(CURLcode code, const TransferFacts& facts) {
  // Our own callbacks abort with generic codes; the facts say why.
  if (facts.interrupted) return ErrorKind::interrupted;
  if (facts.body_too_large) return ErrorKind::body_too_large;
  switch (code) {
    case CURLE_OK: return ErrorKind::none;
    case CURLE_URL_MALFORMAT: return ErrorKind::invalid_url;
    // Input schemes are checked before fetching, so after a 3xx this is a redirect to a scheme
    // CURLOPT_REDIR_PROTOCOLS_STR forbids; otherwise the reply was not HTTP (libcurl calls
    // that "HTTP/0.9 not allowed").
    case CURLE_UNSUPPORTED_PROTOCOL:
      return facts.status >= 300 && facts.status < 400 ? ErrorKind::redirect_blocked : ErrorKind::protocol;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return ErrorKind::dns;
    case CURLE_COULDNT_CONNECT: return ErrorKind::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED: return ErrorKind::tls;
    case CURLE_OPERATION_TIMEDOUT: return ErrorKind::timeout;
    case CURLE_TOO_MANY_REDIRECTS: return ErrorKind::too_many_redirects;
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR: return ErrorKind::connection;
    // libcurl 7.88 also reports bad chunking and oversized headers as a receive error, and only
    // its message tells them from a failing socket: CURLINFO_OS_ERRNO is not cleared when a
    // handle is reused, so a pooled handle would carry an old connect failure's errno.
    case CURLE_RECV_ERROR:
      return facts.message.find("chunk") != std::string_view::npos ||
                     facts.message.find("response headers") != std::string_view::npos
                 ? ErrorKind::protocol
                 : ErrorKind::connection;
    // A header line longer than CURL_MAX_HTTP_HEADER (100 KiB) is refused as out of memory.
    case CURLE_OUT_OF_MEMORY: return ErrorKind::protocol;
    case CURLE_PARTIAL_FILE: return ErrorKind::partial;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_RANGE_ERROR: return ErrorKind::protocol;
    default: return ErrorKind::other;
  }
}

}  // namespace volley
