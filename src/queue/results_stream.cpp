#include "queue/results_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

namespace volley {

namespace {

// XADDs per pipelined batch.
constexpr std::size_t lines_per_batch = 1000;

}  // namespace

std::optional<std::string> read_run_id(const std::string& info) {
  const std::string key = "run_id:";
  std::size_t at = info.find(key);
  // The key at the start of a line, not the end of another's name.
  while (at != std::string::npos && at != 0 && info[at - 1] != '\n') at = info.find(key, at + 1);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t begin = at + key.size();
  const std::size_t end = info.find_first_of("\r\n", begin);
  std::string id = info.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (id.empty()) return std::nullopt;
  return id;
}

bool lists_group(const RedisValue& reply, const std::string& group) {
  if (reply.type != RedisValue::Type::array) return false;
  for (const auto& g : reply.elements) {
    if (g.type != RedisValue::Type::array) continue;
    for (std::size_t i = 0; i + 1 < g.elements.size(); i += 2)
      if (g.elements[i].str == "name" && g.elements[i + 1].str == group) return true;
  }
  return false;
}

std::string check_results_stream(RedisConnection& queue, RedisConnection& results, const std::string& group) {
  const std::string where = redis_url_text(results.url());
  const auto type = results.run({"TYPE", results.url().stream});
  if (!type) return where + ": " + results.error();
  if (type->str != "none" && type->str != "stream")
    return "--results " + where + " is a " + type->str + ", not a stream: give the lines a stream of their own";
  if (results.url().stream != queue.url().stream) return {};
  // The same name on the same server is the same stream (volley always uses database 0). INFO
  // may be denied to an ACL user: then the group just created on the queue's stream tells.
  const auto mine = queue.run({"INFO", "server"}), theirs = results.run({"INFO", "server"});
  if (!mine || !theirs) return where + ": " + (mine ? results.error() : queue.error());
  const auto mine_id = read_run_id(mine->str), theirs_id = read_run_id(theirs->str);
  bool same;
  if (!mine->is_error() && !theirs->is_error() && mine_id && theirs_id) {
    same = *mine_id == *theirs_id;
  } else {
    const auto groups = results.run({"XINFO", "GROUPS", results.url().stream});
    if (!groups) return where + ": " + results.error();
    same = lists_group(*groups, group);
  }
  return same ? "--results names the stream --queue reads (" + where + "): give the lines a stream of their own"
              : std::string();
}

ResultsSender::Sent ResultsSender::send(RedisConnection& results) {
  m_refusal.clear();
  for (;;) {
    while (!m_lines.empty()) {
      const std::size_t count = std::min(m_lines.size(), lines_per_batch);
      std::vector<std::vector<std::string>> commands;
      for (std::size_t i = 0; i < count; ++i) commands.push_back({"XADD", results.url().stream, "*", "line", m_lines[i]});
      std::vector<RedisValue> replies;
      if (!results.run(commands, replies)) return Sent::lost;
      // A line after a refused one may have gone in: it goes again, and the reader de-duplicates
      // by id as it does after a worker's death.
      const auto refused = std::find_if(replies.begin(), replies.end(), [](const RedisValue& r) { return r.is_error(); });
      m_lines.erase(m_lines.begin(), m_lines.begin() + (refused - replies.begin()));
      if (refused != replies.end()) {
        m_refusal = refused->str;
        return Sent::refused;
      }
    }
    if (!read_pipe()) return Sent::all;
  }
}

bool ResultsSender::all_sent() {
  read_pipe();
  return m_lines.empty() && m_buf.empty();
}

// True when whole lines came.
bool ResultsSender::read_pipe() {
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
    if (n > 0) {
      m_buf.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  std::size_t begin = 0;
  for (std::size_t nl; (nl = m_buf.find('\n', begin)) != std::string::npos; begin = nl + 1)
    m_lines.emplace_back(m_buf, begin, nl - begin);
  m_buf.erase(0, begin);
  return !m_lines.empty();
}

}  // namespace volley
