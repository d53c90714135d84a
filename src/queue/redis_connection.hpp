#pragma once

#include "queue/redis_url.hpp"

#include <optional>
#include <string>
#include <vector>

struct redisContext;

namespace volley {

/// A reply, copied out of hiredis's tree so that what reads it is plain code, tested without a
/// server (queue_entries.hpp).
struct RedisValue {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;  // string, status and error
  long long integer = 0;
  std::vector<RedisValue> elements;

  bool is_error() const { return type == Type::error; }
};

/// One blocking connection to Redis (hiredis), used by one thread. Commands go out as argument
/// vectors, never formatted text, so no byte of a URL or name can change a command's shape.
class RedisConnection {
 public:
  /// `timeout_s` bounds the connect and every reply (a blocking XREADGROUP must ask for less).
  explicit RedisConnection(RedisUrl url, double timeout_s = 10);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Connects, authenticates (AUTH when the URL has a password) and checks with PING. Returns
  /// empty when it worked, else why not, for people.
  [[nodiscard]] std::string open();
  void close();
  bool is_open() const { return m_ctx != nullptr; }

  /// Sends every command at once, then reads their replies in order: a pipeline, one round trip.
  /// False when the connection failed (error() says why; it is closed then). A command the server
  /// refused is an error value among the replies, not a failure.
  [[nodiscard]] bool run(const std::vector<std::vector<std::string>>& commands, std::vector<RedisValue>& replies);
  /// One command; nullopt when the connection failed.
  [[nodiscard]] std::optional<RedisValue> run(const std::vector<std::string>& command);

  const std::string& error() const { return m_error; }
  const RedisUrl& url() const { return m_url; }

 private:
  bool fail(std::string why);

  RedisUrl m_url;
  double m_timeout_s;
  redisContext* m_ctx = nullptr;
  std::string m_error;
};

}  // namespace volley
