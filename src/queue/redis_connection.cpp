#include "queue/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <cmath>
#include <sys/time.h>

namespace volley {

namespace {

timeval to_timeval(double s) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(s);
  tv.tv_usec = static_cast<suseconds_t>(std::lround((s - std::floor(s)) * 1e6));
  return tv;
}

RedisValue copy_reply(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_STRING: v.type = RedisValue::Type::string; break;
    case REDIS_REPLY_STATUS: v.type = RedisValue::Type::status; break;
    case REDIS_REPLY_ERROR: v.type = RedisValue::Type::error; break;
    case REDIS_REPLY_INTEGER: v.type = RedisValue::Type::integer; break;
    case REDIS_REPLY_ARRAY: v.type = RedisValue::Type::array; break;
    default: v.type = RedisValue::Type::nil; break;
  }
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR)
    v.str.assign(r->str, r->len);
  v.integer = r->integer;
  if (r->type == REDIS_REPLY_ARRAY) {
    v.elements.reserve(r->elements);
    for (std::size_t i = 0; i < r->elements; ++i) v.elements.push_back(copy_reply(r->element[i]));
  }
  return v;
}

}  // namespace

RedisConnection::RedisConnection(RedisUrl url, double timeout_s) : m_url(std::move(url)), m_timeout_s(timeout_s) {}

RedisConnection::~RedisConnection() { close(); }

void RedisConnection::close() {
  if (m_ctx) redisFree(m_ctx);
  m_ctx = nullptr;
}

bool RedisConnection::fail(std::string why) {
  m_error = std::move(why);
  close();
  return false;
}

std::string RedisConnection::open() {
  close();
  const timeval tv = to_timeval(m_timeout_s);
  m_ctx = redisConnectWithTimeout(m_url.host.c_str(), m_url.port, tv);
  if (!m_ctx) {
    fail("cannot connect: out of memory");
    return m_error;
  }
  if (m_ctx->err) {
    fail(std::string("cannot connect: ") + m_ctx->errstr);
    return m_error;
  }
  if (redisSetTimeout(m_ctx, tv) != REDIS_OK) {
    fail("cannot set the connection's timeout");
    return m_error;
  }
  std::vector<std::string> auth;
  if (!m_url.password.empty()) {
    auth = {"AUTH"};
    if (!m_url.user.empty()) auth.push_back(m_url.user);
    auth.push_back(m_url.password);
  }
  std::vector<std::vector<std::string>> hello;
  if (!auth.empty()) hello.push_back(auth);
  hello.push_back({"PING"});
  std::vector<RedisValue> replies;
  if (!run(hello, replies)) return m_error;
  for (const auto& r : replies) {
    if (r.is_error()) {
      fail((auth.empty() ? "refused: " : "authentication failed: ") + r.str);
      return m_error;
    }
  }
  m_error.clear();
  return {};
}

bool RedisConnection::run(const std::vector<std::vector<std::string>>& commands, std::vector<RedisValue>& replies) {
  replies.clear();
  if (!m_ctx) return fail(m_error.empty() ? "not connected" : m_error);
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& cmd : commands) {
    argv.clear();
    lens.clear();
    for (const auto& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(m_ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK)
      return fail(std::string("cannot send: ") + m_ctx->errstr);
  }
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(m_ctx, &raw) != REDIS_OK || !raw)
      return fail(m_ctx->errstr[0] ? std::string(m_ctx->errstr) : std::string("connection lost"));
    replies.push_back(copy_reply(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return true;
}

std::optional<RedisValue> RedisConnection::run(const std::vector<std::string>& command) {
  std::vector<RedisValue> replies;
  if (!run(std::vector<std::vector<std::string>>{command}, replies)) return std::nullopt;
  return std::move(replies.front());
}

}  // namespace volley
