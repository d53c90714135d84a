#include "error_kind.hpp"

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none: return "none";
    case ErrorKind::invalid_url: return "invalid_url";
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
    case ErrorKind::other: return "other";
  }
  return "other";
}

ErrorKind classify(CURLcode code, TransferFlags flags) {
  // Our own callbacks abort with generic codes; the flags say why.
  if (flags.interrupted) return ErrorKind::interrupted;
  if (flags.body_too_large) return ErrorKind::body_too_large;
  switch (code) {
    case CURLE_OK: return ErrorKind::none;
    case CURLE_URL_MALFORMAT: return ErrorKind::invalid_url;
    // Input schemes are checked before fetching, so libcurl refusing a protocol
    // means a redirect pointed somewhere CURLOPT_REDIR_PROTOCOLS_STR forbids.
    case CURLE_UNSUPPORTED_PROTOCOL: return ErrorKind::redirect_blocked;
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
    case CURLE_FILESIZE_EXCEEDED: return ErrorKind::body_too_large;
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return ErrorKind::connection;
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
