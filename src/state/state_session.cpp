#include "state/state_session.hpp"

#include <memory>

namespace volley {

StateSession::StateSession(StateStore& store, const Options& options)
    : m_store(store), m_options(options), m_writer(store), m_crawl(store, m_writer) {
  // A crawl without --resume is a new one (the next night's): the last one's pages are no frontier
  // of it, while the outlinks stay for its 304s.
  if (options.crawl && !options.resume) m_writer.clear_pages();
}

std::optional<StoredRow> StateSession::admit(Job& job, std::int64_t now_ms) {
  auto entry = std::make_shared<StateEntry>();
  entry->key = request_key(job, m_options.method, m_options.data);
  entry->prior = m_store.lookup(entry->key);
  if (entry->prior) {
    if (m_options.max_age_ms && fresh(*entry->prior, now_ms, *m_options.max_age_ms)) return entry->prior;
    if (revalidates(entry->key)) {
      entry->validators = conditional_headers(*entry->prior, m_options.headers, job.request.get());
      job.extra_headers = validators_for(*entry, job.target);
    }
  }
  job.state = std::move(entry);
  return std::nullopt;
}

void StateSession::stamp_and_store(Record& r, const Job& job) {
  const StateEntry& entry = *job.state;
  // Stored as it came, it would later be served (--max-age) as a response it never was.
  if (unsolicited_not_modified(r, job, m_options.headers)) {
    r.error = ErrorKind::protocol;
    r.message = "304 Not Modified to a request that sent no validator";
  }
  r.changed = changed(entry.prior, r);
  if (entry.prior) r.last_fetched_ms = entry.prior->ok_at;
  if (stores(r)) m_writer.put(entry.key, next_row(entry.prior, r));
}

std::optional<StoredRobots> StateSession::robots(const std::string& robots_url, std::int64_t now_ms) {
  std::optional<StoredRobots> stored = m_store.lookup_robots(robots_url);
  // A time ahead of the clock (the clock was set back) is not trusted to be recent.
  if (stored && (stored->fetched_at > now_ms || now_ms - stored->fetched_at >= robots_keep_ms)) return std::nullopt;
  return stored;
}

void StateSession::keep_robots(const std::string& robots_url, long status, std::string_view body, std::int64_t now_ms) {
  if (status < 200 || status >= 500 || (status >= 300 && status < 400)) return;
  // A 4xx allows everything whatever its body says: only a 2xx's is kept.
  m_writer.put_robots(robots_url, StoredRobots{now_ms, status, status < 300 ? std::string(body) : std::string()});
}

}  // namespace volley
