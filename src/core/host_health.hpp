#pragma once

#include "core/record.hpp"

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace volley {

/// Whether an attempt that ended this way says the host cannot be reached at all (as opposed to
/// one URL failing on a host that answers).
bool is_unreachable_failure(ErrorKind kind);

/// --host-errors: counts each host's consecutive failures to be reached (dns, connect, tls,
/// timeout, with no HTTP response) and gives a host up after `limit` of them; any response
/// resets its count and revives it. Hosts are keyed as the scheduler keys them ("host:port").
///
/// Memory stays flat over a crawl of millions of hosts: hosts that answer leave no entry, and
/// at most `capacity` hosts (failing or dead) are remembered, the least recently seen forgotten
/// first. A forgotten dead host is simply tried again, and given up again after `limit` failures.
class HostHealth {
 public:
  static constexpr std::size_t default_capacity = 65536;

  explicit HostHealth(int limit, std::size_t capacity = default_capacity);

  /// Notes how an attempt on the host ended. True when this failure makes the host dead.
  bool note(const std::string& host_key, const Record& attempt);
  /// The last error of a host given up on ("connect: Failed to connect ..."), or null when it is
  /// not dead.
  const std::string* dead(const std::string& host_key);

  std::size_t size() const { return m_index.size(); }
  /// Failures in a row that give a host up (--host-errors).
  int limit() const { return m_limit; }

 private:
  struct Entry {
    std::string host_key;
    int failures = 0;
    bool dead = false;
    std::string last_error;  // only once dead
  };
  using List = std::list<Entry>;

  List::iterator touch(List::iterator it);

  int m_limit;
  std::size_t m_capacity;
  List m_recent;  // most recently seen first
  std::unordered_map<std::string_view, List::iterator> m_index;  // views of the entries' keys
};

}  // namespace volley
