#include "input/line_count.hpp"

#include "util/ascii.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace volley {

namespace {
constexpr std::size_t block_size = 256 * 1024;
constexpr std::string_view bom = "\xEF\xBB\xBF";
}  // namespace

// A line counts at its first byte outside line_space, unless that byte is '#'; from there only
// its '\n' matters, found with memchr. An over-long line is one URL line too: InputReader hands
// out its head as one (refused) item.
void InputLineCount::count(std::string_view block, Scan& scan) {
  const char* p = block.data();
  const char* const end = p + block.size();
  while (p < end) {
    if (scan.in_line) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (nl == nullptr) return;
      p = static_cast<const char*>(nl) + 1;
      scan.in_line = false;
      continue;
    }
    const char c = *p++;
    if (is_in(c, line_space)) continue;  // '\n' too: a blank line
    scan.in_line = true;
    if (c != '#') ++scan.lines;
  }
}

InputLineCount::InputLineCount(const std::vector<std::string>& args, const std::vector<std::string>& inputs) {
  for (const auto& arg : args) {
    Scan scan;
    count(arg, scan);
    m_args += scan.lines;
  }
  std::vector<std::string> names = inputs;
  if (names.empty() && args.empty()) names.push_back("-");
  for (const auto& name : names) {
    File f;
    struct stat st {};
    if (name == "-") {
      f.fd = STDIN_FILENO;
      if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        give_up();
        return;
      }
    } else {
      // stat() first: opening a FIFO by its name would wait for a writer.
      if (::stat(name.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
          (f.fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
        give_up();
        return;
      }
      f.owned = true;
    }
    f.size = static_cast<std::uint64_t>(st.st_size);
    m_size += f.size;
    m_files.push_back(f);
  }
  if (counting()) m_block.resize(block_size);
}

InputLineCount::~InputLineCount() {
  for (auto& f : m_files)
    if (f.owned) ::close(f.fd);
}

void InputLineCount::give_up() {
  m_known = false;
  for (auto& f : m_files)
    if (f.owned) ::close(f.fd);
  m_files.clear();
  std::string().swap(m_block);
}

void InputLineCount::step(std::size_t budget) {
  std::size_t spent = 0;
  while (counting() && spent < budget) {
    File& f = m_files[m_file];
    if (m_offset < f.size) {
      const std::uint64_t left = f.size - m_offset;
      const std::size_t want = left < m_block.size() ? static_cast<std::size_t>(left) : m_block.size();
      ssize_t n;
      do n = ::pread(f.fd, m_block.data(), want, static_cast<off_t>(m_offset));
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        give_up();
        return;
      }
      if (n == 0) {  // the file shrank since it was opened: what is left of it is all there is
        m_size -= left;
        f.size = m_offset;
      }
      std::string_view block(m_block.data(), static_cast<std::size_t>(n));
      // InputReader drops a byte order mark at the start of each source.
      if (m_offset == 0 && block.substr(0, bom.size()) == bom) block.remove_prefix(bom.size());
      count(block, m_scan);
      m_offset += static_cast<std::uint64_t>(n);
      m_bytes += static_cast<std::uint64_t>(n);
      spent += static_cast<std::size_t>(n);
    }
    if (m_offset >= f.size) {
      m_scan.in_line = false;  // a last line without '\n' ends with its file
      if (f.owned) ::close(f.fd);
      f.owned = false;
      ++m_file;
      m_offset = 0;
    }
  }
  if (complete()) std::string().swap(m_block);
}

std::optional<std::uint64_t> InputLineCount::total() const {
  if (!m_known) return std::nullopt;
  if (complete()) return m_args + m_scan.lines;
  if (m_bytes == 0) return std::nullopt;
  const double scale = static_cast<double>(m_size) / static_cast<double>(m_bytes);
  return m_args + static_cast<std::uint64_t>(std::llround(static_cast<double>(m_scan.lines) * scale));
}

}  // namespace volley
