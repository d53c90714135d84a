#include "output/resume_file.hpp"

#include "input/input_reader.hpp"
#include "output/output_lock.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace volley {

namespace {

constexpr std::size_t read_chunk = 1 << 20;

// Reads the whole file from its start, whatever the descriptor's offset.
template <class F>
bool read_all(int fd, F&& feed) {
  std::string buf(read_chunk, '\0');
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    at += n;
  }
}

// As InputReader: without -i and URL arguments, stdin is the input.
bool readable_twice(const std::vector<std::string>& urls, const std::vector<std::string>& inputs) {
  const std::vector<std::string> names = inputs.empty() && urls.empty() ? std::vector<std::string>{"-"} : inputs;
  for (const auto& name : names) {
    struct stat st {};
    const int rc = name == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(name.c_str(), &st);
    if (rc != 0 || !S_ISREG(st.st_mode)) return false;
  }
  return true;
}

}  // namespace

ResumeFile::ResumeFile(const std::string& path, std::size_t hold_budget)
    : m_path(path), m_hold_budget(hold_budget), m_check(m_scanner.state()) {
  // O_APPEND: every line goes after what the file holds, once its partial line is cut.
  m_fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) throw std::runtime_error("cannot open output " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(m_fd);
    throw std::runtime_error("--resume needs a regular file, and " + path + " is not one");
  }
  // Two runs resuming one file would both fetch what is missing and both append it.
  if (const std::string why = lock_output(m_fd); !why.empty()) {
    ::close(m_fd);
    throw std::runtime_error("cannot resume " + path + ": " + why);
  }
  if (!read_all(m_fd, [this](std::string_view bytes) { m_scanner.feed(bytes); })) {
    const std::string why = std::strerror(errno);
    ::close(m_fd);
    throw std::runtime_error("cannot read output " + path + ": " + why);
  }
  m_scanner.finish();
  if (!m_scanner.looks_like_output()) {
    ::close(m_fd);
    throw std::runtime_error(path + " holds no line of volley's: it is not volley's output, and --resume leaves it alone");
  }
  m_check = ResumeCheck(m_scanner.state());  // its verdict starts from the highest seq, known now
  if (m_scanner.bad_lines())
    spdlog::warn("{}: {} lines are not volley's JSON lines (the first is line {}); they are left as they are, and "
                 "URLs without another line are fetched again",
                 path, m_scanner.bad_lines(), m_scanner.first_bad_line());
}

ResumeFile::~ResumeFile() {
  if (m_fd >= 0) ::close(m_fd);
}

std::string ResumeFile::check_inputs_ahead(const std::vector<std::string>& urls, const std::vector<std::string>& inputs) {
  if (m_check.verdict() == ResumeCheck::Verdict::pending && readable_twice(urls, inputs)) read_inputs(urls, inputs);
  switch (m_check.verdict()) {
    case ResumeCheck::Verdict::pending: return {};
    case ResumeCheck::Verdict::mismatch: return mismatch_message();
    case ResumeCheck::Verdict::match: break;
  }
  return commit();
}

void ResumeFile::read_inputs(const std::vector<std::string>& urls, const std::vector<std::string>& inputs) {
  // stdin read now must be read again by the run, from where it stood.
  const bool reads_stdin = inputs.empty() ? urls.empty() : std::find(inputs.begin(), inputs.end(), "-") != inputs.end();
  const off_t stdin_at = reads_stdin ? ::lseek(STDIN_FILENO, 0, SEEK_CUR) : 0;
  if (stdin_at < 0) return;
  InputReader reader(urls, inputs);
  InputItem item;
  while (m_check.verdict() == ResumeCheck::Verdict::pending) {
    if (reader.next(item) != InputReader::Status::item) {
      m_check.end_of_input();
      break;
    }
    m_check.add(item.job.seq, item.job.url);
  }
  if (reads_stdin && ::lseek(STDIN_FILENO, stdin_at, SEEK_SET) != stdin_at)
    throw std::runtime_error(std::string("cannot read stdin again: ") + std::strerror(errno));
}

void ResumeFile::for_each_line(const std::function<void(const ResumeLine&)>& f) const {
  LineSplitter split;
  const std::uint64_t keep = m_scanner.keep_bytes();
  read_all(m_fd, [&](std::string_view bytes) {
    split.feed(bytes, [&](std::string_view text, std::uint64_t offset) {
      if (offset >= keep) return;
      if (auto line = parse_resume_line(text)) f(*line);
    });
  });
}

std::string ResumeFile::mismatch_message() const {
  MismatchFinder finder(m_check.mismatch());
  read_all(m_fd, [&finder](std::string_view bytes) { finder.feed(bytes); });
  return finder.message(m_path);
}

std::string ResumeFile::held_too_much_message() const {
  return "the input has not reached seq " + std::to_string(m_scanner.state().max_seq()) + ", the highest in " +
         m_path + ", and the lines held until it does passed " + std::to_string(m_hold_budget >> 20) +
         " MiB: is " + m_path + " damaged? (nothing was changed in it; -i FILE checks the input before fetching)";
}

std::string ResumeFile::commit() {
  if (m_scanner.keep_bytes() == m_scanner.size()) return {};
  spdlog::debug("{}: cutting the partial last line ({} bytes)", m_path, m_scanner.size() - m_scanner.keep_bytes());
  if (::ftruncate(m_fd, static_cast<off_t>(m_scanner.keep_bytes())) != 0)
    return "cannot cut the partial last line of " + m_path + ": " + std::strerror(errno);
  return {};
}

int ResumeFile::output_fd() const {
  const int fd = ::fcntl(m_fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) throw std::runtime_error("cannot open output " + m_path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace volley
