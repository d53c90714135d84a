#include "queue/enqueue.hpp"

#include "core/engine.hpp"
#include "input/input_reader.hpp"
#include "input/shard.hpp"
#include "output/jsonl_writer.hpp"
#include "queue/redis_connection.hpp"
#include "queue/redis_url.hpp"
#include "util/ascii.hpp"
#include "util/same_file.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace volley {

namespace {

// Entries per pipeline: one round trip per batch, and a batch's commands fit Redis's query buffer.
constexpr std::size_t batch_size = 1000;

// Enqueueing has nothing else to do while a pipe is empty: it blocks until the producer writes.
void wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

class Enqueuer {
 public:
  Enqueuer(RedisConnection& redis, std::uint32_t shards) : m_redis(redis), m_shards(shards) {}

  void add(std::string_view line, const std::string& host_key) {
    const std::string& stream = m_redis.url().stream;
    m_batch.push_back({"XADD", m_shards ? shard_stream(stream, shard_of_host_key(host_key, m_shards)) : stream, "*",
                       "line", std::string(trim(line, line_space))});
    if (m_batch.size() >= batch_size) send();
  }

  /// Throws std::runtime_error when Redis cannot take the batch.
  void send() {
    if (m_batch.empty()) return;
    if (!m_redis.run(m_batch, m_replies))
      throw std::runtime_error(redis_url_text(m_redis.url()) + ": " + m_redis.error() + " (" +
                               std::to_string(m_added) + " entries added before)");
    for (const auto& r : m_replies) {
      if (r.is_error()) throw std::runtime_error(redis_url_text(m_redis.url()) + " refused XADD: " + r.str);
      ++m_added;
    }
    m_batch.clear();
  }

  std::uint64_t added() const { return m_added; }

 private:
  RedisConnection& m_redis;
  std::uint32_t m_shards;
  std::vector<std::vector<std::string>> m_batch;
  std::vector<RedisValue> m_replies;
  std::uint64_t m_added = 0;
};

}  // namespace

int run_enqueue(const EnqueueOptions& options) {
  std::string why;
  const std::optional<RedisUrl> url = parse_redis_url(options.queue, why);
  if (!url) {
    spdlog::error("bad queue URL: {}", why);
    return exit_usage;
  }
  const std::vector<std::string> stdin_only{"-"};
  const auto& inputs = options.inputs.empty() ? stdin_only : options.inputs;
  if (auto same = input_same_as_output(options.output, inputs)) {
    spdlog::error("output {} is the same file as input {}", options.output.empty() ? "(stdout)" : options.output,
                  *same == "-" ? "(stdin)" : *same);
    return exit_usage;
  }
  RedisConnection redis(*url);
  if (std::string err = redis.open(); !err.empty()) {
    spdlog::error("{}: {}", redis_url_text(*url), err);
    return exit_usage;
  }
  std::optional<InputReader> input;
  int out_fd = STDOUT_FILENO;
  try {
    input.emplace(std::vector<std::string>{}, inputs);
    if (!options.output.empty()) out_fd = JsonlWriter::open_output(options.output);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_usage;
  }
  JsonlWriter writer(out_fd);
  Enqueuer enqueuer(redis, options.shards);
  std::uint64_t refused = 0;
  JsonlWriter::Status out = JsonlWriter::Status::ok;
  try {
    InputItem item;
    for (;;) {
      const InputReader::Status status = input->next(item);
      if (status == InputReader::Status::eof) break;
      if (status == InputReader::Status::again) {
        // A pipe with nothing yet: what is batched goes out while the producer thinks.
        enqueuer.send();
        wait_readable(input->wait_fd());
        continue;
      }
      if (item.error == ErrorKind::none) {
        enqueuer.add(input->last_line(), item.job.host_key);
        continue;
      }
      ++refused;
      Record r;
      r.seq = item.job.seq;
      r.url = std::move(item.job.url);
      r.error = item.error;
      r.message = std::move(item.message);
      if (out == JsonlWriter::Status::ok) out = writer.write(r, Clock::now());
    }
    enqueuer.send();
  } catch (const std::exception& e) {
    // The refusals so far go out if they can; the exception is what ends the command.
    static_cast<void>(writer.flush());
    spdlog::error("{}", e.what());
    return exit_usage;
  }
  if (out == JsonlWriter::Status::ok) out = writer.flush();
  if (out == JsonlWriter::Status::broken_pipe) return exit_broken_pipe;
  if (out != JsonlWriter::Status::ok) {
    spdlog::error("cannot write output: {}", std::strerror(writer.error_number()));
    return exit_usage;
  }
  if (!options.quiet)
    spdlog::info("added {} entries to {}{}", enqueuer.added(), redis_url_text(*url),
                 options.shards ? " (" + std::to_string(options.shards) + " shard streams)" : std::string());
  return refused ? exit_url_errors : exit_ok;
}

}  // namespace volley
