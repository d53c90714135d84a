#include "input/input_reader.hpp"

#include "input/url_check.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace volley {

namespace {
constexpr std::size_t chunk = 64 * 1024;
}

InputReader::InputReader(std::vector<std::string> urls, const std::vector<std::string>& inputs)
    : m_args(std::move(urls)) {
  std::vector<std::string> names = inputs;
  if (names.empty() && m_args.empty()) names.push_back("-");
  for (const auto& name : names) {
    Source s;
    if (name == "-") {
      s.fd = STDIN_FILENO;
    } else {
      s.fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
      if (s.fd < 0) {
        const std::string why = std::strerror(errno);
        for (auto& opened : m_sources)
          if (opened.owned) ::close(opened.fd);
        throw std::runtime_error("cannot open input " + name + ": " + why);
      }
      s.owned = true;
    }
    struct stat st {};
    s.pollable = ::fstat(s.fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
    m_sources.push_back(s);
  }
}

InputReader::~InputReader() {
  for (auto& s : m_sources)
    if (s.owned) ::close(s.fd);
}

int InputReader::wait_fd() const { return m_source < m_sources.size() ? m_sources[m_source].fd : -1; }

InputReader::Status InputReader::next(InputItem& out) {
  for (;;) {
    std::string_view line;
    if (m_arg < m_args.size()) {
      line = m_args[m_arg++];
    } else {
      Status status{};
      if (!next_line(line, status)) return status;
    }
    ParsedLine parsed = parse_input_line(line);
    if (parsed.kind == ParsedLine::Kind::skip) continue;

    m_last = line;
    out.job.seq = ++m_seq;
    out.job.url = std::move(parsed.url);
    out.job.target = std::move(parsed.target);
    out.job.host_key = std::move(parsed.host_key);
    out.job.attempts = 0;
    out.job.priority = parsed.priority;
    out.job.request = std::move(parsed.request);
    out.error = parsed.error;
    out.message = std::move(parsed.message);
    return Status::item;
  }
}

// A line is handed out as a view into m_buf, valid until the next call.
bool InputReader::next_line(std::string_view& line, Status& status) {
  for (;;) {
    const char* base = m_buf.data() + m_begin;
    const std::size_t avail = m_buf.size() - m_begin;
    if (const void* nl = std::memchr(base + m_scanned, '\n', avail - m_scanned)) {
      const std::size_t len = static_cast<const char*>(nl) - base;
      m_begin += len + 1;
      m_scanned = 0;
      if (m_discarding) {
        m_discarding = false;
        continue;
      }
      line = std::string_view(base, len);
      return true;
    }
    m_scanned = avail;
    if (avail >= max_line_length && !m_discarding) {
      // Hand out the first max_line_length bytes (parse_input_line rejects them as too long)
      // and drop the rest of the line as it arrives, so one endless line cannot exhaust memory.
      line = std::string_view(base, max_line_length);
      m_begin = m_buf.size();
      m_scanned = 0;
      m_discarding = true;
      return true;
    }
    if (m_discarding) {
      m_begin = m_buf.size();
      m_scanned = 0;
    }
    if (m_source >= m_sources.size()) {
      status = Status::eof;
      return false;
    }
    const std::size_t before = m_buf.size() - m_begin;
    if (!fill(status)) {
      if (status != Status::eof) return false;
      // End of one source: a last line without "\n" still counts.
      if (before > 0 && !m_discarding) {
        line = std::string_view(m_buf.data() + m_begin, before);
        m_begin = m_buf.size();
        m_scanned = 0;
        ++m_source;
        m_source_start = true;
        return true;
      }
      m_discarding = false;
      m_buf.clear();
      m_begin = m_scanned = 0;
      m_source_start = true;
      if (++m_source >= m_sources.size()) return false;
    }
  }
}

// Reads one chunk from the current source. False with `eof` when the source ended,
// false with `again` when a pipe has nothing yet.
bool InputReader::fill(Status& status) {
  Source& src = m_sources[m_source];
  if (src.pollable) {
    pollfd p{src.fd, POLLIN, 0};
    int rc;
    do rc = ::poll(&p, 1, 0);
    while (rc < 0 && errno == EINTR);
    if (rc == 0) {
      status = Status::again;
      return false;
    }
  }
  if (m_begin > 0) {
    m_buf.erase(0, m_begin);
    m_begin = 0;
  }
  const std::size_t old = m_buf.size();
  m_buf.resize(old + chunk);
  ssize_t n;
  do n = ::read(src.fd, m_buf.data() + old, chunk);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN) {
    m_buf.resize(old);
    status = Status::again;
    return false;
  }
  if (n < 0) throw std::runtime_error(std::string("cannot read input: ") + std::strerror(errno));
  if (n == 0) {
    m_buf.resize(old);
    status = Status::eof;
    return false;
  }
  m_buf.resize(old + static_cast<std::size_t>(n));
  skip_bom();
  return true;
}

// Editors on Windows start UTF-8 files with a byte order mark; it belongs to no URL. A source
// starts with an empty buffer, so its first bytes are at m_begin. On a pipe the mark may come a
// byte at a time: a proper prefix of it waits for more (it holds no newline, so no line ends).
void InputReader::skip_bom() {
  if (!m_source_start) return;
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  const std::string_view head = std::string_view(m_buf).substr(m_begin, bom.size());
  if (head.size() < bom.size() && bom.substr(0, head.size()) == head) return;
  m_source_start = false;
  if (head != bom) return;
  m_begin += bom.size();
  m_scanned = m_scanned > bom.size() ? m_scanned - bom.size() : 0;
}

}  // namespace volley
