#include "net/reactor.hpp"

#include "crawl/sitemap.hpp"
#include "input/url_check.hpp"
#include "net/http_headers.hpp"
#include "net/result_builder.hpp"
#include "output/log_text.hpp"
#include "robots/robots.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

namespace volley {

struct Reactor::Slot {
  CURL* easy = nullptr;
  Job job;
  std::uint64_t body_bytes = 0;
  std::uint64_t max_body = 0;
  bool too_large = false;
  bool keep_body = false;
  bool keep_headers = false;  // --headers: all of the final response's
  bool keep_validators = false;
  std::string body;
  std::optional<Sha256> hash;  // --hash, --state: the body's, as it arrives
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> etag, last_modified;
  curl_slist* request_headers = nullptr;  // a request object's own headers, or a job's extra ones
  bool own_headers = false;               // CURLOPT_HTTPHEADER is request_headers: restore after use
  bool customised = false;                // options differ from configure()'s: reset after use
  bool busy = false;                      // added to the multi handle
  bool keeps_host = true;                 // EasySetup::keep_host as last set (libcurl's default)
  char errbuf[CURL_ERROR_SIZE] = {};
};

namespace {

// Tags an epoll entry as one of our own fds rather than a libcurl socket.
constexpr std::uint64_t watched_tag = 1ull << 32;
constexpr int max_events = 512;

// Each transfer needs a socket, a name lookup briefly two more (the threaded resolver's
// socketpair), and the connection cache may hold one idle socket per slot; keep some for
// input, output, saved bodies and epoll.
std::size_t fit_fd_limit(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  const std::size_t reserve = 32;
  const std::size_t fit = rl.rlim_cur > reserve ? (rl.rlim_cur - reserve) / 4 : 1;
  if (wanted <= fit) return wanted;
  spdlog::warn("open-file limit {} is too low for -c {}; running {} transfers at a time (raise `ulimit -Hn` for more)",
               static_cast<unsigned long long>(rl.rlim_cur), wanted, fit);
  return std::max<std::size_t>(fit, 1);
}

}  // namespace

Reactor::Reactor(const Options& options, bool keep_body)
    : m_setup(options),
      m_defaults{options.max_body, keep_body, options.response_headers, !options.state.empty(),
                 options.hash || !options.state.empty()},
      m_limit(fit_fd_limit(static_cast<std::size_t>(std::max(1, options.concurrency)))) {
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  m_multi = curl_multi_init();
  if (m_epoll < 0 || !m_multi) throw std::runtime_error("cannot set up libcurl");
  // MAXCONNECTS: idle connections to many hosts are worth keeping, within the open-file budget.
  if (curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
      curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this) != CURLM_OK ||
      curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, on_timer) != CURLM_OK ||
      curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this) != CURLM_OK ||
      curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max<std::size_t>(m_limit, 16))) != CURLM_OK)
    throw std::runtime_error("cannot set up libcurl's multi handle");
  m_slots.reserve(m_limit);
}

Reactor::~Reactor() {
  for (auto& slot : m_slots) {
    curl_multi_remove_handle(m_multi, slot->easy);
    curl_easy_cleanup(slot->easy);
    curl_slist_free_all(slot->request_headers);
  }
  curl_multi_cleanup(m_multi);
  if (m_epoll >= 0) ::close(m_epoll);
}

// Everything that is the same for every transfer is set once per pooled handle.
void Reactor::configure(Slot& slot) {
  CURL* e = slot.easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &slot);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &slot);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, slot.errbuf);
  m_setup.configure(e);
  if (m_defaults.keep_headers || m_defaults.keep_validators) {
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &slot);
  }
  slot.max_body = m_defaults.max_body;
  slot.keep_body = m_defaults.keep_body;
  slot.keep_headers = m_defaults.keep_headers;
  slot.keep_validators = m_defaults.keep_validators;
  if (m_defaults.hash_body && !slot.hash) slot.hash.emplace();
}

// What a job changes over the shared configuration: a request object's method and body, a
// redirect hop's method and time left, a robots.txt or sitemap fetch (its body kept up to its limit even when no other body is), and the
// headers. Only the header list is restored after the transfer; anything else resets the handle.
void Reactor::apply_job(Slot& slot) {
  if (slot.job.request && m_setup.apply_request(slot.easy, *slot.job.request)) slot.customised = true;
  // A sitemap is fetched as a robots.txt is (redirects followed by libcurl), its body read as it
  // arrives, up to sitemaps.org's 50 MB, and not kept.
  if (slot.job.robots || slot.job.sitemap != SitemapFetch::none) {
    slot.customised = true;
    const bool robots_txt = slot.job.robots || slot.job.sitemap == SitemapFetch::robots_txt;
    slot.keep_body = robots_txt;
    slot.max_body = robots_txt ? robots_parse_limit : sitemap_max_bytes;
    if (!robots_txt) slot.job.sitemap_reader = std::make_shared<SitemapReader>();
    EasySetup::apply_robots(slot.easy);
  }
  if (slot.job.redirects) {
    slot.customised = true;
    m_setup.apply_hop(slot.easy, slot.job);
  }
  // libcurl drops -u's credentials only on the redirects it follows itself; a hop the engine
  // follows, and the robots.txt fetch a hop asks for, are transfers of their own, which would
  // carry them to any host (as curl -L does not).
  if (slot.job.other_origin) {
    slot.customised = true;
    EasySetup::forget_credentials(slot.easy);
  }
  slot.own_headers = m_setup.apply_headers(slot.easy, slot.job, slot.request_headers);
}

Reactor::Slot& Reactor::acquire() {
  if (!m_free.empty()) {
    Slot* s = m_free.back();
    m_free.pop_back();
    return *s;
  }
  auto slot = std::make_unique<Slot>();
  slot->easy = curl_easy_init();
  if (!slot->easy) throw std::runtime_error("cannot create a libcurl handle");
  configure(*slot);
  m_slots.push_back(std::move(slot));
  return *m_slots.back();
}

void Reactor::start(Job job) {
  Slot& slot = acquire();
  slot.job = std::move(job);
  slot.job.count_start();
  slot.body_bytes = 0;
  slot.too_large = false;
  slot.body.clear();
  slot.headers.clear();
  slot.etag.reset();
  slot.last_modified.reset();
  if (slot.hash) slot.hash->reset();
  slot.errbuf[0] = '\0';
  apply_job(slot);
  // A robots.txt fetch is followed by the URLs of its origin that it held back (robots/robots_gate.hpp).
  if (const bool keep = !slot.job.host_drained || slot.job.robots; keep != slot.keeps_host) {
    EasySetup::keep_host(slot.easy, keep);
    slot.keeps_host = keep;
  }
  curl_easy_setopt(slot.easy, CURLOPT_URL, slot.job.target.c_str());
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("start #{} attempt {} {}", slot.job.seq, slot.job.attempts, redact_password(slot.job.target));
  ++m_in_flight;
  slot.busy = true;
  // The multi handle refuses only when it is broken (out of memory, internal error). The slot
  // stays busy, so abort_all() reports the job with the others.
  check(curl_multi_add_handle(m_multi, slot.easy), "curl_multi_add_handle");
}

// As ephiperfifo.c's mcode_or_die, without dying: a socket libcurl closed meanwhile is harmless;
// anything else means the multi handle is broken, and the run ends.
bool Reactor::check(CURLMcode rc, const char* where) {
  if (rc == CURLM_OK) return true;
  if (rc == CURLM_BAD_SOCKET) {
    spdlog::debug("{}: {}", where, curl_multi_strerror(rc));
    return true;
  }
  if (m_failure.empty()) m_failure = std::string(where) + ": " + curl_multi_strerror(rc);
  return false;
}

std::size_t Reactor::on_body(char* data, std::size_t size, std::size_t n, void* userp) {
  auto* slot = static_cast<Slot*>(userp);
  const std::size_t len = size * n;
  // The cap lives here, on decoded bytes: CURLOPT_MAXFILESIZE only aborts a transfer in
  // progress from libcurl 8.4.0 on, and would count encoded bytes.
  if (slot->body_bytes + len > slot->max_body) {
    // A robots.txt is read up to its parse limit, the part that fits included (RFC 9309 2.5); a
    // sitemap up to its size limit, the locations before it kept.
    const std::size_t fits = slot->max_body - slot->body_bytes;
    if (slot->job.sitemap_reader)
      slot->job.sitemap_reader->feed(std::string_view(data, fits));
    else if (slot->job.robots || slot->job.sitemap != SitemapFetch::none)
      slot->body.append(data, fits);
    slot->body_bytes = slot->max_body;
    slot->too_large = true;
    return 0;
  }
  slot->body_bytes += len;
  if (SitemapReader* reader = slot->job.sitemap_reader.get()) {
    reader->feed(std::string_view(data, len));
    // A limit or a fault ended the reading: the rest would be ignored, so it is not downloaded.
    if (reader->done()) {
      slot->too_large = true;
      return 0;
    }
  }
  if (slot->keep_body) slot->body.append(data, len);
  if (slot->hash) slot->hash->update(std::string_view(data, len));
  return len;
}

// Keeps the headers of the last response only: each status line starts a new set, so a
// redirect's or a 100 Continue's headers are dropped.
std::size_t Reactor::on_header(char* data, std::size_t size, std::size_t n, void* userp) {
  auto* slot = static_cast<Slot*>(userp);
  const std::size_t len = size * n;
  HeaderLine h = parse_header_line(std::string_view(data, len));
  if (h.kind == HeaderLine::Kind::status) {
    slot->headers.clear();
    slot->etag.reset();
    slot->last_modified.reset();
  } else if (h.kind == HeaderLine::Kind::field) {
    if (slot->keep_validators && h.name == "etag") slot->etag = h.value;
    if (slot->keep_validators && h.name == "last-modified") slot->last_modified = h.value;
    if (slot->keep_headers) slot->headers.emplace_back(std::move(h.name), std::move(h.value));
  }
  return len;
}

// A connection that goes idle between two transfers is "removed" by libcurl and added again
// moments later; keeping it registered turns that DEL + ADD into at most one MOD.
// A socket epoll refuses fails its transfer (fail_unwatched). Not by returning -1: libcurl 7.88
// then marks the whole multi handle dead and fails every transfer.
int Reactor::on_socket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp) {
  auto* self = static_cast<Reactor*>(userp);
  if (s < 0) return 0;
  auto& reg = self->m_registered;
  if (static_cast<std::size_t>(s) >= reg.size()) reg.resize(static_cast<std::size_t>(s) + 64, unregistered);
  std::uint32_t& state = reg[static_cast<std::size_t>(s)];
  if (what == CURL_POLL_REMOVE) {
    if (state != unregistered) state |= idle_flag;
    return 0;
  }
  const std::uint32_t events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = static_cast<std::uint64_t>(s);
  bool ok = true;
  if (!socketp) {
    // New to libcurl: whatever we remember of this number may belong to a socket since closed
    // (the kernel drops a closed socket from epoll), so MOD proves the registration or fails.
    if (state == unregistered || ::epoll_ctl(self->m_epoll, EPOLL_CTL_MOD, s, &ev) != 0)
      ok = ::epoll_ctl(self->m_epoll, EPOLL_CTL_ADD, s, &ev) == 0 ||
           (errno == EEXIST && ::epoll_ctl(self->m_epoll, EPOLL_CTL_MOD, s, &ev) == 0);
  } else if ((state & ~idle_flag) != events) {
    ok = ::epoll_ctl(self->m_epoll, EPOLL_CTL_MOD, s, &ev) == 0;
  }
  if (!ok) {
    const std::string why = std::string("cannot watch the connection: ") + std::strerror(errno);
    spdlog::debug("socket {}: {}", s, why);
    self->m_unwatched.emplace_back(easy, why);
    state = unregistered;
    return 0;
  }
  if (!socketp) self->check(curl_multi_assign(self->m_multi, s, self), "curl_multi_assign");
  state = events;
  return 0;
}

// Transfers whose socket epoll refused would never see an event: they end now, as errors.
void Reactor::fail_unwatched(std::vector<Completion>& done) {
  for (auto& [easy, message] : m_unwatched) {
    Slot* slot = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
    if (!slot || !slot->busy || slot->easy != easy) continue;  // not ours, or already ended
    std::snprintf(slot->errbuf, sizeof slot->errbuf, "%s", message.c_str());
    complete_transfer(*slot, CURLE_ABORTED_BY_CALLBACK, done, false);
  }
  m_unwatched.clear();
}

// An event on a socket libcurl no longer watches (an idle connection the server closed) would
// repeat on every wait; now is the time to really remove it.
bool Reactor::drop_if_idle(int fd) {
  if (static_cast<std::size_t>(fd) >= m_registered.size() || !(m_registered[static_cast<std::size_t>(fd)] & idle_flag))
    return false;
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
  m_registered[static_cast<std::size_t>(fd)] = unregistered;
  return true;
}

int Reactor::on_timer(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<Reactor*>(userp);
  // -1 deletes the timer; 0 means "call me now", which must not happen from inside this callback.
  // The base is when the loop woke, not the clock: a little early is harmless (libcurl sets the
  // timer again), and libcurl calls this often enough per transfer for clock reads to show.
  if (timeout_ms < 0)
    self->m_timer.reset();
  else
    self->m_timer = self->m_woke + std::chrono::milliseconds(timeout_ms);
  return 0;
}

bool Reactor::watch(int fd, bool on) {
  const auto it = std::find(m_watched.begin(), m_watched.end(), fd);
  if (on == (it != m_watched.end())) return true;
  if (on) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = watched_tag | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
      if (m_failure.empty()) m_failure = std::string("epoll_ctl: ") + std::strerror(errno);
      return false;
    }
    m_watched.push_back(fd);
  } else {
    // DEL fails only for an fd epoll no longer holds (closed, or never added): nothing to undo.
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    m_watched.erase(it);
  }
  return true;
}

TimePoint Reactor::poll(std::optional<Duration> timeout, std::vector<Completion>& done) {
  const TimePoint now = Clock::now();
  if (!m_failure.empty()) return now;  // nothing would end the wait; the caller ends the run
  std::optional<TimePoint> until = m_timer;
  if (timeout && (!until || now + *timeout < *until)) until = now + *timeout;
  int wait_ms = -1;
  if (until) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
    wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
  }

  epoll_event events[max_events];
  const int n = ::epoll_wait(m_epoll, events, max_events, wait_ms);
  m_woke = Clock::now();
  if (n < 0 && errno != EINTR) {
    m_failure = std::string("epoll_wait: ") + std::strerror(errno);
    return m_woke;
  }

  int running = 0;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 & watched_tag) continue;  // the caller looks at its own fds
    const auto fd = static_cast<curl_socket_t>(events[i].data.u64);
    if (drop_if_idle(fd)) continue;
    int flags = 0;
    if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
    if (!check(curl_multi_socket_action(m_multi, fd, flags, &running), "curl_multi_socket_action")) break;
  }
  if (m_failure.empty() && m_timer && m_woke >= *m_timer) {
    m_timer.reset();
    check(curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running), "curl_multi_socket_action");
  }
  fail_unwatched(done);
  drain(done);
  return m_woke;
}

void Reactor::drain(std::vector<Completion>& done) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Slot* slot = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
    complete_transfer(*slot, msg->data.result, done, false);
  }
}

void Reactor::complete_transfer(Slot& slot, CURLcode code, std::vector<Completion>& done, bool interrupted) {
  Completion& c = done.emplace_back();
  build_result(slot.easy, code, TransferFacts{slot.too_large, interrupted, 0, {}}, slot.errbuf, c.record);
  c.record.size = slot.body_bytes;
  c.record.body = std::move(slot.body);
  c.record.headers = std::move(slot.headers);
  c.record.etag = std::move(slot.etag);
  c.record.last_modified = std::move(slot.last_modified);
  // Only a complete body has a hash worth reporting.
  if (slot.hash && c.record.error == ErrorKind::none) c.record.sha256 = slot.hash->hex();
  check(curl_multi_remove_handle(m_multi, slot.easy), "curl_multi_remove_handle");
  if (slot.own_headers) {
    curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, m_setup.shared_headers());
    curl_slist_free_all(slot.request_headers);
    slot.request_headers = nullptr;
    slot.own_headers = false;
  }
  if (slot.customised) {
    // Back to the shared configuration for the next URL this handle carries.
    curl_easy_reset(slot.easy);
    configure(slot);
    slot.customised = false;
    slot.keeps_host = true;
  }
  c.job = std::move(slot.job);
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("done #{} {} {:.3f}s", c.job.seq, outcome_text(c.record), static_cast<double>(c.record.total_us) / 1e6);
  --m_in_flight;
  slot.busy = false;
  m_free.push_back(&slot);
}

void Reactor::abort_all(std::vector<Completion>& done) {
  for (auto& slot : m_slots) {
    if (!slot->busy) continue;
    complete_transfer(*slot, CURLE_ABORTED_BY_CALLBACK, done, true);
  }
}

}  // namespace volley
