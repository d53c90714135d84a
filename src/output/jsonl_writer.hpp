#pragma once

#include "core/clock.hpp"
#include "core/record.hpp"

#include <optional>
#include <string>

namespace volley {

/// Appends the JSON line for `r` (with its "\n") to `out`: the fields of `output_fields`
/// (output_fields.hpp), in its order, those a flag adds only when `fields` asks for them.
void append_json_line(std::string& out, const Record& r, const OutputFields& fields = {});

/// Writes JSON lines to a file descriptor in large blocks: lines are never split or interleaved.
/// The engine flushes a line at most `flush_delay` after it was written, so a reader sees results
/// promptly without a write per line under load. A signal interrupts a blocked write; from then on
/// the writer waits for the output at most give_up_after_signal, so it cannot hold the run up.
class JsonlWriter {
 public:
  /// blocked: a signal came and the output took nothing for give_up_after_signal; lines are lost.
  enum class Status { ok, broken_pipe, failed, blocked };

  static constexpr auto give_up_after_signal = std::chrono::milliseconds(250);

  explicit JsonlWriter(int fd, OutputFields fields = {}, std::size_t block = 64 * 1024,
                       Duration flush_delay = std::chrono::milliseconds(20));
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  /// Opens `path` for writing, emptying it unless `append`; throws std::runtime_error when it cannot.
  static int open_output(const std::string& path, bool append = false);

  [[nodiscard]] Status write(const Record& r, TimePoint now);
  [[nodiscard]] Status flush();
  /// When the oldest line not yet written must go out; nullopt when none waits.
  std::optional<TimePoint> flush_due() const;
  int error_number() const { return m_errno; }
  int fd() const { return m_fd; }
  /// While held, lines pile up and nothing is written, not even when the writer is destroyed:
  /// --resume writes nothing until it knows the file is the input's (resume_file.hpp).
  void hold(bool on) { m_held = on; }
  /// Bytes of lines not yet written (all of them, while held).
  std::size_t buffered() const { return m_buf.size(); }

 private:
  [[nodiscard]] bool wait_writable();
  void fail(std::size_t done);

  int m_fd;
  OutputFields m_fields;
  std::size_t m_block;
  Duration m_flush_delay;
  std::string m_buf;
  TimePoint m_oldest{};
  Status m_status = Status::ok;
  bool m_held = false;
  int m_errno = 0;
  std::optional<std::chrono::steady_clock::time_point> m_give_up_at;  // set by the first wait after a signal
};

}  // namespace volley
