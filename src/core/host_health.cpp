#include "core/host_health.hpp"

namespace volley {

bool is_unreachable_failure(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::dns:
    case ErrorKind::connect:
    case ErrorKind::tls:
    case ErrorKind::timeout: return true;
    default: return false;
  }
}

HostHealth::HostHealth(int limit, std::size_t capacity) : m_limit(limit), m_capacity(capacity ? capacity : 1) {}

HostHealth::List::iterator HostHealth::touch(List::iterator it) {
  m_recent.splice(m_recent.begin(), m_recent, it);
  return m_recent.begin();
}

bool HostHealth::note(const std::string& host_key, const Record& attempt) {
  if (m_limit <= 0) return false;
  auto found = m_index.find(host_key);
  // Any status at all is an answer: the host is there, whatever it thinks of this URL.
  if (attempt.status) {
    if (found != m_index.end()) {
      m_recent.erase(found->second);
      m_index.erase(found);
    }
    return false;
  }
  if (!is_unreachable_failure(attempt.error)) return false;
  List::iterator it;
  if (found != m_index.end()) {
    it = touch(found->second);
  } else {
    m_recent.push_front(Entry{host_key, 0, false, {}});
    it = m_recent.begin();
    m_index.emplace(it->host_key, it);
    if (m_index.size() > m_capacity) {
      m_index.erase(m_recent.back().host_key);
      m_recent.pop_back();
    }
  }
  if (it->dead) return false;
  if (++it->failures < m_limit) return false;
  it->dead = true;
  it->last_error = std::string(error_kind_name(attempt.error)) + ": " + attempt.message;
  return true;
}

const std::string* HostHealth::dead(const std::string& host_key) {
  auto found = m_index.find(host_key);
  if (found == m_index.end() || !found->second->dead) return nullptr;
  return &touch(found->second)->last_error;
}

}  // namespace volley
