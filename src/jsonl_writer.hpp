#pragma once

#include "record.hpp"

#include <string>

/// Appends the JSON line for `r` (with its "\n") to `out`. The one definition of the output
/// schema; docs/output.md describes the same fields in the same order.
void append_json_line(std::string& out, const Record& r);

/// Writes JSON lines to a file descriptor in large blocks: lines are never split or interleaved,
/// and flush() is called when the reactor is about to wait, so a reader sees results promptly
/// without a write per line under load.
class JsonlWriter {
 public:
  enum class Status { ok, broken_pipe, failed };

  explicit JsonlWriter(int fd, std::size_t block = 64 * 1024);
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  /// Opens `path` for writing (truncating); throws std::runtime_error when it cannot.
  static int open_output(const std::string& path);

  Status write(const Record& r);
  Status flush();
  bool pending() const { return !m_buf.empty(); }
  int error_number() const { return m_errno; }

 private:
  int m_fd;
  std::size_t m_block;
  std::string m_buf;
  Status m_status = Status::ok;
  int m_errno = 0;
};
