#include "output/jsonl_writer.hpp"

#include "core/signals.hpp"
#include "crawl/crawl_page.hpp"
#include "output/output_lock.hpp"
#include "util/utf8.hpp"
#include "util/wall_time.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <curl/curl.h>
#include <fcntl.h>
#include <limits>
#include <poll.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace volley {

namespace {

void append_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_string_body(out, s);
  out += '"';
}

void append_int(std::string& out, long long v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Microseconds as seconds with six decimals, without going through floating point.
void append_seconds(std::string& out, std::int64_t us) {
  if (us < 0) us = 0;
  append_int(out, us / 1000000);
  char frac[7];
  std::int64_t rest = us % 1000000;
  for (int i = 5; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + rest % 10);
    rest /= 10;
  }
  out += '.';
  out.append(frac, 6);
}

const char* http_version_name(long v) {
  switch (v) {
    case CURL_HTTP_VERSION_1_0: return "1.0";
    case CURL_HTTP_VERSION_1_1: return "1.1";
    case CURL_HTTP_VERSION_2_0: return "2";
    case CURL_HTTP_VERSION_3: return "3";
    default: return nullptr;
  }
}

// One type per name, so a reader needs no type checks: a string, repeated headers joined with
// ", " as RFC 9110 §5.3 allows, except Set-Cookie, whose values may hold commas (RFC 6265 §3):
// always an array. Names keep the order of their first appearance. Linear: a response may carry
// tens of thousands of names, and a scan per name made that seconds of CPU.
void append_headers(std::string& out, const std::vector<std::pair<std::string, std::string>>& headers) {
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  // Each name's headers form a chain from its first index: next[i] is the next one of i's name.
  std::vector<std::size_t> next(headers.size(), none);
  std::vector<bool> first(headers.size());
  std::unordered_map<std::string_view, std::size_t> last;  // name -> its latest index so far
  last.reserve(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) {
    auto [it, added] = last.try_emplace(headers[i].first, i);
    if (added) {
      first[i] = true;
    } else {
      next[it->second] = i;
      it->second = i;
    }
  }
  out += '{';
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!first[i]) continue;
    if (i) out += ',';
    append_string(out, headers[i].first);
    out += ':';
    const bool array = headers[i].first == "set-cookie";
    out += array ? "[\"" : "\"";
    for (std::size_t k = i; k != none; k = next[k]) {
      if (k != i) out += array ? "\",\"" : ", ";
      append_json_string_body(out, headers[k].second);
    }
    out += array ? "\"]" : "\"";
  }
  out += '}';
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_string(out, items[i]);
  }
  out += ']';
}

void append_time(std::string& out, std::int64_t unix_ms) {
  out += '"';
  append_iso8601_ms(out, unix_ms);
  out += '"';
}

// Whether the record holds a value for the field; the table says what a field without one writes.
bool present(Field field, const Record& r) {
  switch (field) {
    case Field::status: return r.status.has_value();
    case Field::final_url: return r.final_url.has_value();
    case Field::http_version: return r.http_version && http_version_name(*r.http_version);
    case Field::remote_ip: return r.remote_ip.has_value();
    case Field::content_type: return r.content_type.has_value();
    case Field::fetched_at: return r.fetched_at_ms.has_value();
    case Field::error: return r.error != ErrorKind::none;
    case Field::title: return r.extracted.title.has_value();
    case Field::sha256: return r.sha256.has_value();
    case Field::saved: return r.saved.has_value();
    case Field::changed: return r.changed.has_value();
    case Field::last_fetched: return r.last_fetched_ms.has_value();
    case Field::depth: return r.crawl != nullptr;
    case Field::parent: return r.crawl && !r.crawl->parent.empty();
    case Field::meta: return r.meta.has_value();
    case Field::id: return r.id.has_value();
    case Field::url: case Field::seq: case Field::redirects: case Field::size: case Field::time:
    case Field::attempts: case Field::elapsed: case Field::links: case Field::extract:
    case Field::headers: case Field::cached:
      return true;
  }
  return true;
}

// Only for a field present() says the record holds.
void append_value(std::string& out, Field field, const Record& r) {
  switch (field) {
    case Field::url: return append_string(out, r.url);
    case Field::seq: return append_int(out, static_cast<long long>(r.seq));
    case Field::status: return append_int(out, *r.status);
    case Field::final_url: return append_string(out, *r.final_url);
    case Field::redirects: return append_int(out, r.redirects);
    case Field::http_version: return append_string(out, http_version_name(*r.http_version));
    case Field::remote_ip: return append_string(out, *r.remote_ip);
    case Field::content_type: return append_string(out, *r.content_type);
    case Field::size: return append_int(out, static_cast<long long>(r.size));
    case Field::time:
      out += "{\"dns\":";
      append_seconds(out, r.dns_us);
      out += ",\"connect\":";
      append_seconds(out, r.connect_us);
      out += ",\"tls\":";
      append_seconds(out, r.tls_us);
      out += ",\"ttfb\":";
      append_seconds(out, r.ttfb_us);
      out += ",\"total\":";
      append_seconds(out, r.total_us);
      out += '}';
      return;
    case Field::attempts: return append_int(out, r.attempts);
    case Field::elapsed: return append_seconds(out, r.elapsed_us);
    case Field::fetched_at: return append_time(out, *r.fetched_at_ms);
    case Field::error:
      out += "{\"kind\":";
      append_string(out, error_kind_name(r.error));
      out += ",\"message\":";
      append_string(out, r.message);
      out += '}';
      return;
    case Field::title: return append_string(out, *r.extracted.title);
    case Field::links: return append_string_array(out, r.extracted.links);
    case Field::extract:
      out += '{';
      for (std::size_t i = 0; i < r.extracted.matches.size(); ++i) {
        if (i) out += ',';
        append_string(out, r.extracted.matches[i].first);
        out += ':';
        append_string_array(out, r.extracted.matches[i].second);
      }
      out += '}';
      return;
    case Field::sha256: return append_string(out, *r.sha256);
    case Field::headers: return append_headers(out, r.headers);
    case Field::saved: return append_string(out, *r.saved);
    case Field::changed: out += *r.changed ? "true" : "false"; return;
    case Field::last_fetched: return append_time(out, *r.last_fetched_ms);
    case Field::cached: out += r.cached ? "true" : "false"; return;
    case Field::depth: return append_int(out, r.crawl->depth);
    case Field::parent: return append_string(out, r.crawl->parent);
    // A request object's meta is JSON already, checked and minified by json_text: valid UTF-8, no newline.
    case Field::meta: out += *r.meta; return;
    case Field::id: return append_string(out, *r.id);
  }
}

}  // namespace

void append_json_line(std::string& out, const Record& r, const OutputFields& fields) {
  char separator = '{';
  for (const FieldSpec& f : output_fields) {
    if (f.asked && !(fields.*f.asked)) continue;
    const bool has_value = present(f.field, r);
    if (!has_value && f.omitted_when_absent) continue;
    out += separator;
    separator = ',';
    out += '"';
    out += f.name;  // plain ASCII names: nothing to escape
    out += "\":";
    if (has_value)
      append_value(out, f.field, r);
    else
      out += "null";
  }
  out += "}\n";
}

JsonlWriter::JsonlWriter(int fd, OutputFields fields, std::size_t block, Duration flush_delay)
    : m_fd(fd), m_fields(fields), m_block(block), m_flush_delay(flush_delay) {
  m_buf.reserve(block * 2);
}

// What a run did not flush itself (it failed, or was interrupted) goes out if it can; the run
// has already said what went wrong.
JsonlWriter::~JsonlWriter() {
  static_cast<void>(flush());
  if (m_fd > STDERR_FILENO) ::close(m_fd);
}

namespace {

// -a onto a file whose last line lacks its newline (a run killed mid-write): the first new line
// would be glued to it, and both lost to a reader. A file that cannot be read is left as it is.
bool ends_mid_line(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  char last = 0;
  const bool mid_line = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                        ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
  ::close(fd);
  return mid_line;
}

}  // namespace

// Not O_TRUNC: a file another volley is writing (a --resume under way) must stay whole, so it is
// emptied only once its lock is this run's.
int JsonlWriter::open_output(const std::string& path, bool append) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : 0) | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open output " + path + ": " + std::strerror(errno));
  const auto give_up = [fd, &path](const std::string& why) {
    ::close(fd);
    throw std::runtime_error("cannot write to output " + path + ": " + why);
  };
  if (std::string why = lock_output(fd); !why.empty()) give_up(why);
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (!append && regular && ::ftruncate(fd, 0) != 0) give_up(std::strerror(errno));
  if (append && ends_mid_line(path) && ::write(fd, "\n", 1) != 1) give_up(std::strerror(errno));
  return fd;
}

JsonlWriter::Status JsonlWriter::write(const Record& r, TimePoint now) {
  if (m_status != Status::ok) return m_status;
  if (m_buf.empty()) m_oldest = now;
  append_json_line(m_buf, r, m_fields);
  return m_buf.size() >= m_block && !m_held ? flush() : Status::ok;
}

std::optional<TimePoint> JsonlWriter::flush_due() const {
  if (m_buf.empty() || m_held) return std::nullopt;
  return m_oldest + m_flush_delay;
}

JsonlWriter::Status JsonlWriter::flush() {
  if (m_held) return m_status;
  std::size_t done = 0;
  while (m_status == Status::ok && done < m_buf.size()) {
    std::size_t chunk = m_buf.size() - done;
    // After a signal the reader may never read again: wait for room only briefly, and write no
    // more than a pipe with room takes without blocking.
    if (received_signal()) {
      if (!wait_writable()) {
        m_status = Status::blocked;
        break;
      }
      chunk = std::min<std::size_t>(chunk, PIPE_BUF);
    }
    const ssize_t n = ::write(m_fd, m_buf.data() + done, chunk);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      // The grace after a signal is for an output that takes nothing: one that keeps taking
      // lines (a file, with 100,000 interrupted URLs to report) gets them all.
      if (n > 0) m_give_up_at.reset();
    } else if (errno == EAGAIN) {
      // Someone else's O_NONBLOCK on a shared stdout.
      if (!wait_writable()) m_status = Status::blocked;
    } else if (errno != EINTR) {
      fail(done);
    }
    // EINTR: a signal interrupted a blocked write; the loop looks at it first.
  }
  m_buf.clear();
  return m_status;
}

bool JsonlWriter::wait_writable() {
  for (;;) {
    int timeout_ms = -1;
    if (received_signal()) {
      const auto now = std::chrono::steady_clock::now();
      if (!m_give_up_at) m_give_up_at = now + give_up_after_signal;
      if (now >= *m_give_up_at) return false;
      timeout_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*m_give_up_at - now).count());
    }
    pollfd p{m_fd, POLLOUT, 0};
    const int rc = ::poll(&p, 1, timeout_ms);
    // POLLERR or POLLHUP: the next write says what it is.
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;
  }
}

// The output keeps only whole lines: a write that failed part-way through a line (a full disk, a
// file size limit) is cut back to the end of the last whole line.
void JsonlWriter::fail(std::size_t done) {
  m_errno = errno;
  m_status = m_errno == EPIPE ? Status::broken_pipe : Status::failed;
  const std::size_t line_end = done == 0 ? 0 : m_buf.rfind('\n', done - 1) + 1;  // npos + 1 == 0
  const auto partial = static_cast<off_t>(done - line_end);
  struct stat st {};
  if (partial == 0 || ::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const off_t end = ::lseek(m_fd, 0, SEEK_CUR);
  // Should this fail too, the write error is still the one to report.
  [[maybe_unused]] const int rc = end >= partial ? ::ftruncate(m_fd, end - partial) : 0;
}

}  // namespace volley
