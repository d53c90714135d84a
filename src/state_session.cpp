#include "state_session.hpp"

#include <memory>

StateSession::StateSession(StateStore& store, const Options& options)
    : m_store(store), m_options(options), m_writer(store) {}

std::optional<StoredRow> StateSession::admit(Job& job, std::int64_t now_ms) {
  auto entry = std::make_shared<StateEntry>();
  entry->key = request_key(job, m_options.method, m_options.data);
  entry->prior = m_store.lookup(entry->key);
  if (entry->prior) {
    if (m_options.max_age_ms && fresh(*entry->prior, now_ms, *m_options.max_age_ms)) return entry->prior;
    job.extra_headers = conditional_headers(*entry->prior, m_options.headers, job.request.get());
  }
  job.state = std::move(entry);
  return std::nullopt;
}

void StateSession::finish(Record& r, const Job& job) {
  const StateEntry& entry = *job.state;
  r.changed = changed(entry.prior, r);
  if (entry.prior) r.last_fetched_ms = entry.prior->ok_at;
  if (stores(r)) m_writer.put(entry.key, next_row(entry.prior, r));
}
