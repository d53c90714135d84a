#pragma once

#include "input/input_source.hpp"
#include "queue/redis_connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace volley {

// What the queue's replies mean, apart from the connection, so it is tested without a server.

/// One stream entry as delivered: its id and its `line` field (nullopt when it has none).
struct StreamEntry {
  std::string id;
  std::optional<std::string> line;
};

/// The entries of an XREADGROUP reply for one stream (nil: none came before BLOCK ran out).
/// False when the reply is not shaped as Redis documents it.
[[nodiscard]] bool read_xreadgroup(const RedisValue& reply, std::vector<StreamEntry>& out);

/// XAUTOCLAIM's [next cursor, entries, deleted ids] (Redis 7; 6.2 has no third element). Entries
/// deleted from the stream are dropped from the pending list by Redis itself and are not returned.
[[nodiscard]] bool read_xautoclaim(const RedisValue& reply, std::string& cursor, std::vector<StreamEntry>& out);

/// How many times an entry was delivered, from `XPENDING key group id id 1`; nullopt when the
/// entry is no longer pending (another worker acknowledged it meanwhile).
std::optional<long long> read_deliveries(const RedisValue& reply);

/// The group's pending count, from the summary form of XPENDING.
std::optional<long long> read_pending_count(const RedisValue& reply);

/// The item for an entry delivered `deliveries` times: its line read as an input line is
/// (parse_input_line), or `poisoned` past `max_deliveries`. Nullopt for a line that is no URL
/// (blank, a #comment): nothing to report, only to acknowledge.
std::optional<InputItem> entry_item(const StreamEntry& entry, std::uint64_t seq, long long deliveries,
                                    int max_deliveries);

/// Which entry each item handed to the engine came from, until its line is out.
class AckBook {
 public:
  void hold(std::uint64_t seq, std::string id) { m_held.emplace(seq, std::move(id)); }
  /// Moves the ids of `seqs` (those held) to `ids`.
  void release(const std::vector<std::uint64_t>& seqs, std::vector<std::string>& ids);
  std::size_t held() const { return m_held.size(); }

 private:
  std::unordered_map<std::uint64_t, std::string> m_held;
};

}  // namespace volley
