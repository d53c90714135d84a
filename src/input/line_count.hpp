#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

/// Counts ahead the lines of the input that will become URLs (neither blank nor a #comment, as
/// parse_input_line skips them), for the progress line's total. Only regular files can be
/// counted: with a pipe, a terminal or a queue among the inputs there is no total. The count
/// reads each file with pread() beside the InputReader, a bounded number of bytes per step, so
/// the loop never stalls on a large input; until the count is complete, total() is an estimate.
class InputLineCount {
 public:
  /// Where a line stands between two blocks of a file.
  struct Scan {
    bool in_line = false;  // past the line's first non-space byte (or its '#')
    std::uint64_t lines = 0;
  };
  /// Counts the URL lines that begin in `block`, carrying `scan` across blocks.
  static void count(std::string_view block, Scan& scan);

  /// `args`: the URL arguments, each a line. `inputs`: the input files, "-" stdin (stdin too
  /// when there are neither inputs nor arguments, as InputReader reads it).
  InputLineCount(const std::vector<std::string>& args, const std::vector<std::string>& inputs);
  ~InputLineCount();
  InputLineCount(const InputLineCount&) = delete;
  InputLineCount& operator=(const InputLineCount&) = delete;

  /// Counts on for about `budget` bytes at most; nothing once complete or unknown.
  void step(std::size_t budget);
  bool complete() const { return m_known && m_file == m_files.size(); }
  /// Whether the count is still under way (step() has work to do).
  bool counting() const { return m_known && m_file < m_files.size(); }
  /// The number of URL lines: exact once complete(), before that the lines counted so far
  /// scaled by the bytes still to count; none with an input that is not a regular file, or
  /// before the first step of a count.
  std::optional<std::uint64_t> total() const;

 private:
  struct File {
    int fd = -1;
    bool owned = false;
    std::uint64_t size = 0;
  };
  void give_up();

  bool m_known = true;
  std::uint64_t m_args = 0;  // URL arguments that are URL lines
  std::vector<File> m_files;
  std::size_t m_file = 0;
  std::uint64_t m_offset = 0;  // in m_files[m_file]
  std::uint64_t m_bytes = 0;   // counted, over all files
  std::uint64_t m_size = 0;    // of all files
  Scan m_scan;
  std::string m_block;  // released once the count is complete
};

}  // namespace volley
