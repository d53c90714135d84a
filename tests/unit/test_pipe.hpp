#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

/// A pipe for one test, standing in for another program's output: what the test sends comes out
/// of the read end, and close_writer() is that program exiting. Both ends are closed at the end.
class TestPipe {
 public:
  TestPipe() {
    if (::pipe(m_fds) != 0) throw std::runtime_error("pipe failed");
  }
  ~TestPipe() {
    ::close(m_fds[0]);
    close_writer();
  }
  TestPipe(const TestPipe&) = delete;
  TestPipe& operator=(const TestPipe&) = delete;

  int read_fd() const { return m_fds[0]; }
  /// The read end as a file name, for an input list (`-i /dev/fd/N`).
  std::string path() const { return "/dev/fd/" + std::to_string(m_fds[0]); }

  bool send(std::string_view bytes) {
    return ::write(m_fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  }
  void close_writer() {
    if (m_fds[1] >= 0) ::close(m_fds[1]);
    m_fds[1] = -1;
  }

 private:
  int m_fds[2] = {-1, -1};
};
