#include "queue/queue_input.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace volley {

namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// How long one XREADGROUP waits for new entries: short, so acknowledgements handed over meanwhile
// go out promptly from the same thread.
constexpr int block_ms = 100;
// Ids per XACK or XCLAIM command.
constexpr std::size_t ids_per_command = 1000;
constexpr auto first_backoff = 100ms;
constexpr auto max_backoff = 5s;

std::string millis(double seconds) { return std::to_string(static_cast<long long>(seconds * 1000)); }

// Pending entries are claimed, and held ones refreshed, twice per --claim-after.
SteadyClock::duration claim_interval(double claim_after) {
  const auto d = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(claim_after / 2));
  return std::clamp<SteadyClock::duration>(d, 50ms, 5s);
}

// BUSYGROUP: another worker created it first, which is what was wanted. Redis refuses XGROUP
// CREATE when full (maxmemory, noeviction) even for a group that exists, while reading and
// acknowledging still work: then a group already there is enough.
std::string create_group(RedisConnection& redis, const std::string& group) {
  const auto reply = redis.run({"XGROUP", "CREATE", redis.url().stream, group, "0", "MKSTREAM"});
  if (!reply) return redis.error();
  if (!reply->is_error() || reply->str.rfind("BUSYGROUP", 0) == 0) return {};
  if (reply->str.rfind("OOM", 0) == 0) {
    const auto groups = redis.run({"XINFO", "GROUPS", redis.url().stream});
    if (!groups) return redis.error();
    if (lists_group(*groups, group)) return {};
  }
  return "cannot create the group: " + reply->str;
}

}  // namespace

QueueInput::QueueInput(QueueSettings settings, std::unique_ptr<RedisConnection> redis,
                       std::unique_ptr<RedisConnection> results)
    : m_settings(std::move(settings)), m_redis(std::move(redis)), m_results(std::move(results)) {
  if (m_results) m_sender.emplace(m_settings.results_fd);
  m_thread.start([this] { run(); });
}

QueueInput::~QueueInput() {
  finish();
  if (m_settings.results_fd >= 0) ::close(m_settings.results_fd);
}

QueueInput::Status QueueInput::next(InputItem& out) {
  std::lock_guard lock(m_thread.mutex());
  if (!m_ready.empty()) {
    out = std::move(m_ready.front());
    m_ready.pop_front();
    m_book.hold(out.job.seq, out.job.id);
    return Status::item;
  }
  if (m_eof) return Status::eof;
  // Emptied under the lock the thread writes it under: a wake-up cannot be lost between the two.
  m_thread.clear_loop();
  return Status::again;
}

void QueueInput::written(const std::vector<std::uint64_t>& seqs) {
  {
    std::lock_guard lock(m_thread.mutex());
    m_book.release(seqs, m_acks);
  }
  m_thread.wake_thread();
}

void QueueInput::run() {
  auto backoff = SteadyClock::duration(first_backoff);
  bool lost = false;
  for (;;) {
    std::vector<std::string> acks;
    bool stop;
    {
      std::unique_lock lock(m_thread.mutex());
      const bool room = !m_eof && m_held.size() < m_settings.window;
      // With no room and nothing to acknowledge, only the refresh of held entries is due now and
      // then; with room, XREADGROUP's own BLOCK paces the loop, or with --drain this short wait
      // for entries other workers hold.
      if (!room || m_idle) m_thread.wait_for(lock, m_idle ? 50ms : 100ms, [this] { return !m_acks.empty(); });
      acks.swap(m_acks);
      stop = m_thread.stopping();
    }
    const bool open = m_redis->is_open() && (!m_results || m_results->is_open());
    if (!open) {
      if (std::string why = reconnect(); !why.empty()) {
        // A refused password, say, lasts until someone acts: it is said again now and then.
        say("cannot reconnect: " + why + "; retrying");
        // While stopping, what is not acknowledged now is redone by another worker (at-least-once).
        if (stop) break;
        std::unique_lock lock(m_thread.mutex());
        m_acks.insert(m_acks.end(), acks.begin(), acks.end());
        m_thread.wait_for(lock, backoff, [] { return false; });  // cut short by a stop only
        backoff = std::min<SteadyClock::duration>(backoff * 2, max_backoff);
        continue;
      }
    }
    if (lost) {
      spdlog::info("reconnected to {}", redis_url_text(m_redis->url()));
      lost = false;
      backoff = first_backoff;
    }
    // The lines of the acknowledgements taken were in the pipe before they were handed over: they
    // go to the results stream first, and while it refuses them their entries stay pending.
    const ResultsSender::Sent sent = send_results(stop);
    if (sent == ResultsSender::Sent::refused) {
      m_withheld.insert(m_withheld.end(), acks.begin(), acks.end());
      acks.clear();
    } else if (sent == ResultsSender::Sent::all) {
      acks.insert(acks.end(), m_withheld.begin(), m_withheld.end());
      m_withheld.clear();
    }
    const bool ok = sent != ResultsSender::Sent::lost && (stop ? send_acks(acks) : turn(acks));
    if (!ok) {
      const RedisConnection& broken = m_redis->is_open() && m_results ? *m_results : *m_redis;
      if (!lost)
        spdlog::warn("lost the connection to {}: {}; transfers go on, reconnecting", redis_url_text(broken.url()),
                     broken.error());
      lost = true;
      m_redis->close();
      if (m_results) m_results->close();
      std::lock_guard lock(m_thread.mutex());
      m_acks.insert(m_acks.end(), acks.begin(), acks.end());
    }
    if (stop) break;
  }
}

std::string QueueInput::finish() {
  m_thread.stop();
  if (!m_sender || m_sender->all_sent()) return {};
  const std::string where = redis_url_text(m_results->url());
  const std::string why = m_sender->refusal().empty() ? "the connection was lost" : m_sender->refusal();
  return "the last lines did not reach the results stream " + where + " (" + why +
         "): their entries stay pending for another worker";
}

// Said when it is new, and again every 10 s while it lasts: enough to be seen in a log, not to fill it.
void QueueInput::say(const std::string& message) {
  const auto now = SteadyClock::now();
  if (message == m_said && now - m_said_at < 10s) return;
  spdlog::warn("{}", message);
  m_said = message;
  m_said_at = now;
}

// Returns why not, for people; empty once both connections are open.
std::string QueueInput::reconnect() {
  const std::string where = redis_url_text(m_redis->url());
  if (!m_redis->is_open()) {
    if (std::string why = m_redis->open(); !why.empty()) return where + ": " + why;
    // A server restarted without its data has lost the group too.
    if (std::string why = create_group(*m_redis, m_settings.group); !why.empty()) {
      m_redis->close();
      return where + ": " + why;
    }
  }
  if (!m_results || m_results->is_open()) return {};
  if (std::string why = m_results->open(); !why.empty()) return redis_url_text(m_results->url()) + ": " + why;
  return {};
}

// --results: every whole line in the pipe becomes an entry (field `line`) of the results stream.
// While Redis refuses them (out of memory, a key of another type) they are tried again with
// back-off, and a last time when the worker stops.
ResultsSender::Sent QueueInput::send_results(bool last) {
  if (!m_sender) return ResultsSender::Sent::all;
  const auto now = SteadyClock::now();
  if (m_refused && !last && now < m_next_send) return ResultsSender::Sent::refused;
  const ResultsSender::Sent sent = m_sender->send(*m_results);
  const std::string where = redis_url_text(m_results->url());
  if (sent == ResultsSender::Sent::refused) {
    m_send_backoff = m_refused ? std::min<SteadyClock::duration>(m_send_backoff * 2, max_backoff) : first_backoff;
    m_next_send = now + m_send_backoff;
    m_refused = true;
    say("the results stream " + where + " refuses lines: " + m_sender->refusal() +
        "; their entries stay pending, retrying");
  } else if (sent == ResultsSender::Sent::all && m_refused) {
    spdlog::info("the results stream {} takes lines again", where);
    m_refused = false;
  }
  return sent;
}

namespace {

void append_id_commands(std::vector<std::vector<std::string>>& commands, const std::vector<std::string>& head,
                        const std::vector<std::string>& ids, const char* tail = nullptr) {
  for (std::size_t i = 0; i < ids.size(); i += ids_per_command) {
    std::vector<std::string> cmd = head;
    const std::size_t end = std::min(ids.size(), i + ids_per_command);
    cmd.insert(cmd.end(), ids.begin() + static_cast<long>(i), ids.begin() + static_cast<long>(end));
    if (tail) cmd.emplace_back(tail);
    commands.push_back(std::move(cmd));
  }
}

}  // namespace

// One pipeline, one round trip: acknowledge, refresh the entries held, claim, read. On a loaded
// machine each round trip costs a wake-up of two processes; one per turn keeps a worker on a
// queue close to a worker on a file.
bool QueueInput::turn(std::vector<std::string>& acks) {
  const auto now = SteadyClock::now();
  const std::string& stream = m_redis->url().stream;
  bool eof;
  {
    std::lock_guard lock(m_thread.mutex());
    eof = m_eof;
  }
  std::vector<std::vector<std::string>> commands;
  append_id_commands(commands, {"XACK", stream, m_settings.group}, acks);
  for (const auto& id : acks) m_held.erase(id);
  // An entry this worker holds stays idle on the server while its URL waits or runs; XCLAIM with
  // JUSTID resets the idle time without counting a delivery, so other workers do not take it over
  // from a worker that is alive. Only entries idle for half of --claim-after are touched.
  if (now >= m_next_refresh) {
    std::vector<std::string> held(m_held.begin(), m_held.end());
    append_id_commands(commands, {"XCLAIM", stream, m_settings.group, m_settings.consumer,
                                  millis(m_settings.claim_after / 2)}, held, "JUSTID");
    m_next_refresh = now + claim_interval(m_settings.claim_after);
  }
  const std::size_t room = eof ? 0 : m_settings.window - std::min(m_settings.window, m_held.size());
  // Entries another worker took and left idle past --claim-after: it died, or was stopped.
  const bool claim = room > 0 && now >= m_next_claim;
  if (claim) {
    commands.push_back({"XAUTOCLAIM", stream, m_settings.group, m_settings.consumer, millis(m_settings.claim_after),
                        m_cursor, "COUNT", std::to_string(room)});
    m_next_claim = now + claim_interval(m_settings.claim_after);
  }
  if (room > 0) {
    std::vector<std::string> cmd{"XREADGROUP", "GROUP", m_settings.group, m_settings.consumer, "COUNT", std::to_string(room)};
    // --drain does not block: the last entries of a list must not wait out a BLOCK to end the run.
    if (!claim && !m_settings.drain) cmd.insert(cmd.end(), {"BLOCK", std::to_string(block_ms)});
    cmd.insert(cmd.end(), {"STREAMS", stream, ">"});
    commands.push_back(std::move(cmd));
  }
  if (commands.empty()) return true;
  std::vector<RedisValue> replies;
  if (!m_redis->run(commands, replies)) return false;
  const std::size_t first = commands.size() - (claim ? 1 : 0) - (room > 0 ? 1 : 0);
  for (std::size_t i = 0; i < first; ++i)
    if (replies[i].is_error()) spdlog::warn("{} refused: {}", commands[i][0], replies[i].str);

  std::vector<InputItem> got;
  std::vector<std::string> skipped;
  if (claim && !take_claimed(replies[first], got, skipped)) return false;
  if (room > 0) {
    const RedisValue& reply = replies.back();
    std::vector<StreamEntry> entries;
    if (reply.is_error() || !read_xreadgroup(reply, entries)) {
      // NOGROUP: the stream or the group was deleted; reconnecting creates them again.
      spdlog::warn("XREADGROUP: {}", reply.is_error() ? reply.str : "unexpected reply");
      m_redis->close();
      return true;
    }
    for (const auto& e : entries) add(e, 1, got, skipped);
  }
  const bool nothing = got.empty() && skipped.empty();
  deliver(got, skipped);
  m_idle = m_settings.drain && room > 0 && nothing;
  return m_idle ? check_drained() : true;
}

bool QueueInput::send_acks(const std::vector<std::string>& ids) {
  if (ids.empty()) return true;
  std::vector<std::vector<std::string>> commands;
  append_id_commands(commands, {"XACK", m_redis->url().stream, m_settings.group}, ids);
  std::vector<RedisValue> replies;
  if (!m_redis->run(commands, replies)) return false;
  for (const auto& r : replies)
    if (r.is_error()) spdlog::warn("XACK refused: {}", r.str);
  for (const auto& id : ids) m_held.erase(id);
  return true;
}

// The delivery count of each claimed entry decides whether it is fetched again or poisoned.
bool QueueInput::take_claimed(const RedisValue& reply, std::vector<InputItem>& got, std::vector<std::string>& skipped) {
  std::vector<StreamEntry> entries;
  if (reply.is_error() || !read_xautoclaim(reply, m_cursor, entries)) {
    spdlog::warn("XAUTOCLAIM: {}", reply.is_error() ? reply.str : "unexpected reply");
    m_cursor = "0-0";
    return true;
  }
  // Entries this worker already holds were only refreshed by the claim.
  std::erase_if(entries, [this](const StreamEntry& e) { return m_held.count(e.id) > 0; });
  if (entries.empty()) return true;
  const std::string& stream = m_redis->url().stream;
  std::vector<std::vector<std::string>> commands;
  for (const auto& e : entries) commands.push_back({"XPENDING", stream, m_settings.group, e.id, e.id, "1"});
  std::vector<RedisValue> replies;
  if (!m_redis->run(commands, replies)) return false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::optional<long long> deliveries = read_deliveries(replies[i]);
    if (deliveries) add(entries[i], *deliveries, got, skipped);
  }
  return true;
}

void QueueInput::add(const StreamEntry& e, long long deliveries, std::vector<InputItem>& got,
                     std::vector<std::string>& skipped) {
  std::optional<InputItem> item = entry_item(e, m_seq + 1, deliveries, m_settings.max_deliveries);
  if (!item) {
    skipped.push_back(e.id);
    return;
  }
  ++m_seq;
  m_held.insert(e.id);
  got.push_back(std::move(*item));
}

void QueueInput::deliver(std::vector<InputItem>& got, std::vector<std::string>& skipped) {
  if (got.empty() && skipped.empty()) return;
  {
    std::lock_guard lock(m_thread.mutex());
    for (auto& item : got) m_ready.push_back(std::move(item));
    m_acks.insert(m_acks.end(), skipped.begin(), skipped.end());
  }
  if (!got.empty()) m_thread.wake_loop();
}

// --drain: nothing new came, and every entry pending in the group is one this worker holds. An
// entry another worker holds is waited for: if that worker dies, it is claimed here.
bool QueueInput::check_drained() {
  const auto reply = m_redis->run({"XPENDING", m_redis->url().stream, m_settings.group});
  if (!reply) return false;
  const std::optional<long long> pending = read_pending_count(*reply);
  if (!pending || *pending > static_cast<long long>(m_held.size())) return true;
  {
    std::lock_guard lock(m_thread.mutex());
    m_eof = true;
  }
  m_thread.wake_loop();
  return true;
}

std::unique_ptr<InputSource> open_queue(const Options& options, int& out_fd) {
  std::string why;
  std::optional<RedisUrl> url = parse_redis_url(options.queue, why);
  if (!url) throw std::runtime_error("bad --queue URL: " + why);
  auto redis = std::make_unique<RedisConnection>(*url);
  const std::string where = redis_url_text(*url);
  if (std::string err = redis->open(); !err.empty()) throw std::runtime_error(where + ": " + err);
  if (std::string err = create_group(*redis, options.group); !err.empty()) throw std::runtime_error(where + ": " + err);
  QueueSettings s;
  s.group = options.group;
  s.consumer = options.consumer;
  if (s.consumer.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "volley");
    s.consumer = std::string(host) + "-" + std::to_string(::getpid());
  }
  s.claim_after = options.claim_after;
  s.max_deliveries = options.max_deliveries;
  s.drain = options.drain;
  // Entries held are invisible to other workers until claimed: four per transfer slot keep
  // every slot fed without hoarding the queue.
  s.window = std::max<std::size_t>(16, 4 * static_cast<std::size_t>(options.concurrency));
  std::unique_ptr<RedisConnection> results;
  if (!options.results.empty()) {
    std::optional<RedisUrl> results_url = parse_redis_url(options.results, why);
    if (!results_url) throw std::runtime_error("bad --results URL: " + why);
    results = std::make_unique<RedisConnection>(*results_url);
    if (std::string err = results->open(); !err.empty())
      throw std::runtime_error(redis_url_text(*results_url) + ": " + err);
    if (std::string err = check_results_stream(*redis, *results, s.group); !err.empty()) throw std::runtime_error(err);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    // The reading end is drained between Redis calls: room for a burst of lines meanwhile.
    ::fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    s.results_fd = fds[0];
    out_fd = fds[1];
  }
  return std::make_unique<QueueInput>(std::move(s), std::move(redis), std::move(results));
}

}  // namespace volley
