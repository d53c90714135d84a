#pragma once

#include "input/input_source.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace volley {

inline constexpr std::size_t max_line_length = 1 << 20;

/// Reads URLs lazily from the arguments, then each input file in turn ("-" is stdin), so memory
/// does not grow with the list. A pipe or terminal is only read when poll() says it has data, so
/// the reactor never blocks on a slow producer.
class InputReader final : public InputSource {
 public:
  /// Opens every input now, so a missing file fails the run before anything is fetched.
  /// Throws std::runtime_error with a message for people.
  InputReader(std::vector<std::string> urls, const std::vector<std::string>& inputs);
  ~InputReader() override;
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  Status next(InputItem& out) override;
  int wait_fd() const override;
  /// The line the last item came from, as read (`volley enqueue` stores it); valid until the
  /// next call of next().
  std::string_view last_line() const { return m_last; }

 private:
  struct Source {
    int fd = -1;
    bool owned = false;
    bool pollable = false;  // a pipe, socket or terminal, not a regular file
  };

  bool next_line(std::string_view& line, Status& status);
  bool fill(Status& status);
  void skip_bom();

  std::vector<std::string> m_args;
  std::size_t m_arg = 0;
  std::vector<Source> m_sources;
  std::size_t m_source = 0;
  std::string m_buf;
  std::size_t m_begin = 0;    // start of the unread part of m_buf
  std::size_t m_scanned = 0;  // bytes from m_begin already known to hold no newline
  bool m_discarding = false;  // inside the tail of an over-long line
  bool m_source_start = true; // nothing of the current source handed out yet: a BOM may come
  std::uint64_t m_seq = 0;
  std::string_view m_last;
};

}  // namespace volley
