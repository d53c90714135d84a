#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace volley {

/// Where a queue lives: `redis://[[USER]:PASSWORD@]HOST[:PORT]/STREAM`. The path is the stream's
/// name, not a database number: volley always uses database 0.
struct RedisUrl {
  std::string host;      // without the brackets of an IPv6 literal
  int port = 6379;
  std::string user;      // empty: AUTH with the password alone (or no AUTH)
  std::string password;  // empty: no AUTH
  std::string stream;
};

inline constexpr std::size_t max_stream_name = 256;

/// Parses a queue URL given on the command line. The name goes into Redis commands and the
/// password into AUTH, so both are held to printable ASCII (a password may be percent-encoded to
/// carry other bytes, but never a control character). Returns nullopt and sets `why` when the URL
/// is not one volley accepts.
[[nodiscard]] std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& why);

/// The URL for messages: `redis://HOST:PORT/STREAM`, never the password.
std::string redis_url_text(const RedisUrl& url);

/// The name of shard `k` of a stream split by `volley enqueue --shards N`: `STREAM:k`.
std::string shard_stream(std::string_view stream, unsigned k);

}  // namespace volley
