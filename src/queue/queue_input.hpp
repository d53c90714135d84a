#pragma once

#include "app/options.hpp"
#include "core/clock.hpp"
#include "core/worker_thread.hpp"
#include "input/input_source.hpp"
#include "queue/queue_entries.hpp"
#include "queue/redis_connection.hpp"
#include "queue/results_stream.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace volley {

/// What a worker on a queue needs to know (docs/fleet.md).
struct QueueSettings {
  std::string group;
  std::string consumer;
  double claim_after = 60;  // seconds
  int max_deliveries = 5;
  bool drain = false;
  std::size_t window = 100;  // entries held at most: delivered and not yet acknowledged
  int results_fd = -1;       // --results: the read end of the pipe the lines are written to
};

/// `--queue`: URLs from a Redis stream read through a consumer group. A thread of its own talks to
/// Redis with blocking calls, so a slow or lost server never stalls the reactor: it reads entries
/// in batches (XREADGROUP, XAUTOCLAIM) while the window has room, hands them over through a queue
/// and an eventfd the reactor watches, and acknowledges written lines in batches (XACK). When the
/// connection is lost it reconnects with back-off while transfers go on.
class QueueInput final : public InputSource {
  using SteadyClock = std::chrono::steady_clock;

 public:
  /// `redis` is open and the group exists (open_queue); `results`, when not null, is open.
  QueueInput(QueueSettings settings, std::unique_ptr<RedisConnection> redis,
             std::unique_ptr<RedisConnection> results = nullptr);
  /// Stops the thread (finish()) if nobody did.
  ~QueueInput() override;
  QueueInput(const QueueInput&) = delete;
  QueueInput& operator=(const QueueInput&) = delete;

  Status next(InputItem& out) override;
  int wait_fd() const override { return m_thread.loop_fd(); }
  void written(const std::vector<std::uint64_t>& seqs) override;
  /// Sends the lines and acknowledgements handed over, then stops the thread. Non-empty when
  /// lines never reached the results stream: their entries stay pending for another worker.
  std::string finish() override;

 private:
  void run();
  [[nodiscard]] bool turn(std::vector<std::string>& acks);
  [[nodiscard]] bool send_acks(const std::vector<std::string>& ids);
  [[nodiscard]] ResultsSender::Sent send_results(bool last);
  void say(const std::string& message);
  [[nodiscard]] bool take_claimed(const RedisValue& reply, std::vector<InputItem>& got, std::vector<std::string>& skipped);
  [[nodiscard]] bool check_drained();
  void add(const StreamEntry& e, long long deliveries, std::vector<InputItem>& got, std::vector<std::string>& skipped);
  void deliver(std::vector<InputItem>& got, std::vector<std::string>& skipped);
  [[nodiscard]] std::string reconnect();

  const QueueSettings m_settings;
  AckBook m_book;  // the engine's thread only

  // Guarded by m_thread.mutex().
  std::deque<InputItem> m_ready;      // read, not yet taken by the engine
  std::vector<std::string> m_acks;    // ids whose lines are out, not yet acknowledged
  bool m_eof = false;

  // The Redis thread's own.
  std::unique_ptr<RedisConnection> m_redis;
  std::unique_ptr<RedisConnection> m_results;
  std::optional<ResultsSender> m_sender;  // --results
  std::vector<std::string> m_withheld;    // ids to acknowledge once the results stream takes lines again
  bool m_refused = false;                 // the results stream refused the last lines tried
  SteadyClock::duration m_send_backoff{};
  SteadyClock::time_point m_next_send{};
  std::string m_said;  // the last warning that repeats while a fault lasts, and when it was said
  SteadyClock::time_point m_said_at{};
  std::unordered_set<std::string> m_held;  // delivered here and not acknowledged
  std::uint64_t m_seq = 0;
  std::string m_cursor = "0-0";
  bool m_idle = false;  // --drain: the last turn found nothing new, and other workers hold entries
  SteadyClock::time_point m_next_claim{};
  SteadyClock::time_point m_next_refresh{};
  WorkerThread m_thread;  // last: joined before the members its body uses go
};

/// Connects to `options.queue`, authenticates and creates the group if it does not exist; with
/// --results, connects to that stream too and sets `out_fd` to the pipe the lines go to.
/// Throws std::runtime_error with a message for people when it cannot: the run ends with exit 2.
std::unique_ptr<InputSource> open_queue(const Options& options, int& out_fd);

}  // namespace volley
