#pragma once

#include "queue/redis_connection.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace volley {

/// The server's `run_id` from the text of `INFO server`, which names one server process however
/// it is reached; nullopt when the text has none.
std::optional<std::string> read_run_id(const std::string& info);

/// Whether an `XINFO GROUPS` reply lists the group `group`.
bool lists_group(const RedisValue& reply, const std::string& group);

/// Checks at start, on open connections, that `results` may take the lines of a worker of the
/// group `group` on `queue`'s stream (which exists: the group was created first): its key is a
/// stream or nothing yet, and it is not the queue's stream under another spelling of the address
/// (`localhost` for `127.0.0.1`, a second name of the host), which would turn each line into work.
/// Returns why not, for people; empty when it may.
[[nodiscard]] std::string check_results_stream(RedisConnection& queue, RedisConnection& results, const std::string& group);

/// `--results`: the whole lines read from the output pipe, kept until the results stream took
/// them. A worker acknowledges the entries of lines handed over only once send() said all went.
class ResultsSender {
 public:
  enum class Sent { all, refused, lost };

  /// `fd`: the non-blocking read end of the pipe the engine writes its lines to.
  explicit ResultsSender(int fd) : m_fd(fd) {}

  /// Adds the lines kept, then those in the pipe, until the pipe is empty: `all`. `refused`: Redis
  /// said no to a line (out of memory, the key turned into another type; refusal() says what);
  /// it and those after it are kept, and the pipe is not read meanwhile, so it fills and holds the
  /// transfers back. `lost`: the connection failed; what it did not confirm is sent again later.
  Sent send(RedisConnection& results);
  const std::string& refusal() const { return m_refusal; }
  /// Whether every line written to the pipe is in the stream: nothing kept, nothing in the pipe.
  bool all_sent();

 private:
  bool read_pipe();

  int m_fd;
  std::string m_buf;                 // read from the pipe, not yet a whole line
  std::vector<std::string> m_lines;  // whole lines not yet added to the results stream
  std::string m_refusal;
};

}  // namespace volley
